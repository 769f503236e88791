#pragma once
/// \file insight.hpp
/// What a person acts on, beyond the strength: replies and persistence, who initiates,
/// trend, keep-in-touch rhythm, and explanations. The scorer maintains all of it in O(1)
/// per interaction (detail/history.hpp); this header holds the settings and the results.
///
/// Definitions (one pair a, b; "a→b" is a directed interaction from a to b):
/// - *Conversation*: a run of the pair's interactions with gaps no longer than the reply
///   window. Its *initiator* is the source of its first interaction (a mutual interaction
///   opens it jointly).
/// - *Wait*: a run of a→b messages with no b→a (or mutual) interaction in between and no
///   gap longer than the reply window; a follow-up inside the window extends the wait.
///   It is *answered* if b gets in touch (b→a or mutual) within the reply window after a's
///   newest message of the wait. Its *latency* is the time from its first message to the
///   answer. An unanswered wait is right-censored at the time it was watched (the open
///   wait: until the query time; an expired one: until its last message + the window).
/// - *Reply rate*: answered waits / waits whose outcome is known (the open wait counts
///   once its window has passed).
/// - *Unanswered streak*: a's messages to b since b last got in touch with a.
/// - *Touch*: a touch period (insight_config::touch_gap, UTC days by default) with
///   contact: a burst of emails on one day is one touch, daily contact one a day.
/// - *Rhythm*: the median silence longer than the touch gap between consecutive
///   interactions; a pair with no such silence yet has no learned rhythm (`learned` is
///   false and the new-tie rhythm is used).
/// - *Trend*: the pace over the last horizon against the long-run pace; a pair known for
///   less than the horizon (at the query time) is "not enough history", not a label.
///
/// Order and merges, field by field:
/// - A batch (add_batch, add_columns, a file through io::ingest) is applied in time order
///   whatever its row order (equal times: the sender whose name sorts first, then the
///   other, then mutual ones), so every field is the same, bit for bit, for any shuffle.
/// - Across calls, an interaction older than its pair's newest is *late*: it counts fully
///   in the volumes, strength, counts, first/last times and the trend's paces, and in
///   nothing else (not in touches, conversations, waits, replies, latencies, streaks or the
///   rhythm); `late` counts them. Feed history oldest first, or as one batch, to avoid it.
/// - merge() is exact for the volumes always (up to rounding). When, for a pair, one side's
///   interactions all come strictly before the other's (a log split by time, no instant in
///   both sides) and the newer side has no late interaction (its `late` is 0), every other
///   field is exact too (stars to rounding: a strength on a threshold may round either
///   way). Otherwise (interleaved sides, a shared boundary instant, or a late interaction
///   on the newer side) counts and histograms add and the open waits come from the newer
///   side: touches and conversations can only be over-counted (a silence on one side may
///   be filled on the other), waits may be over- or under-counted (follow-ups on one side
///   may be separate waits around an answer on the other), and a reply across the sides
///   is not seen (it counts as an expired wait).

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

#include <relscore/channel.hpp>
#include <relscore/describe.hpp>
#include <relscore/interaction.hpp>
#include <relscore/time.hpp>

RELSCORE_BEGIN_NAMESPACE

/// Settings of the conversation statistics, trend and rhythm.
struct insight_config {
    /// An answer later than this after a's newest message is not a reply (and a gap longer
    /// than this ends a conversation).
    duration reply_window = std::chrono::days{14};
    /// The touch period: contact within one period (UTC days by default) is one touch; and
    /// silences longer than this make the rhythm.
    duration touch_gap = std::chrono::days{1};
    /// The horizon of the trend: the recent pace is measured with this half-life, the
    /// long-run pace with four times it.
    duration trend_horizon = std::chrono::days{30};
    /// A relative change of pace beyond ±this is rising or cooling.
    double trend_threshold = 0.3;
    /// The rhythm of a tie with a single touch (no gap to learn from yet): follow up after this.
    duration new_tie_rhythm = std::chrono::days{30};
    /// Rhythms are never shorter than this: a daily chat needs no reminder after a day.
    duration min_rhythm = std::chrono::days{7};
    /// Track replies, initiation, rhythm and trend (about 460 bytes per pair). Switch off for
    /// volume-only scoring of very many pairs; the insight queries then throw.
    bool conversations = true;
    /// Keep every interaction for receipts (explain()); costs 24 bytes per interaction.
    bool retain_events = false;

    friend bool operator==(const insight_config&, const insight_config&) = default;
};

/// a's outreach toward b, and how b answers it.
struct reply_stats {
    std::uint64_t messages = 0;        ///< directed a→b interactions
    std::uint64_t waits = 0;           ///< runs of a→b messages awaiting an answer
    std::uint64_t answered = 0;        ///< waits answered within the reply window
    std::uint64_t resolved = 0;        ///< waits whose outcome is known at the query time
    double reply_rate = 0;             ///< answered / resolved (0 if none resolved)
    std::optional<duration> latency_p25;     ///< Kaplan–Meier quartiles of the time to an answer;
    std::optional<duration> latency_median;  ///< empty when fewer than that share is ever answered
    std::optional<duration> latency_p75;
    std::uint64_t initiated = 0;       ///< conversations a started
    double initiated_share = 0;        ///< a's share of the conversations (mutual openings: half each)
    std::uint64_t unanswered_streak = 0;  ///< a's messages since b last got in touch
    std::uint64_t attempts_before_first_answer = 0;  ///< a's messages before b first got in touch
    bool ever_answered = false;        ///< b has been in touch with a (b→a or mutual) at least once
    std::optional<timestamp> waiting_since;  ///< first message of a's open wait, if a is waiting
    friend bool operator==(const reply_stats&, const reply_stats&) = default;
};

/// The one description of reply statistics (describe.hpp). New fields go at the end.
template <>
struct describe<reply_stats> {
    static constexpr std::string_view name = "reply_stats";
    static constexpr auto fields = std::tuple{
        make_field("messages", &reply_stats::messages, field_kind::count, "directed a->b interactions"),
        make_field("waits", &reply_stats::waits, field_kind::count, "runs of a->b messages awaiting an answer"),
        make_field("answered", &reply_stats::answered, field_kind::count, "waits answered within the reply window"),
        make_field("resolved", &reply_stats::resolved, field_kind::count, "waits whose outcome is known at the query time"),
        make_field("reply_rate", &reply_stats::reply_rate, field_kind::real, "answered / resolved (0 if none resolved)"),
        make_field("latency_p25", &reply_stats::latency_p25, field_kind::interval, "Kaplan-Meier first quartile of the time to an answer"),
        make_field("latency_median", &reply_stats::latency_median, field_kind::interval, "Kaplan-Meier median time to an answer"),
        make_field("latency_p75", &reply_stats::latency_p75, field_kind::interval, "Kaplan-Meier third quartile of the time to an answer"),
        make_field("initiated", &reply_stats::initiated, field_kind::count, "conversations a started"),
        make_field("initiated_share", &reply_stats::initiated_share, field_kind::real, "a's share of the conversations (mutual openings: half each)"),
        make_field("unanswered_streak", &reply_stats::unanswered_streak, field_kind::count, "a's messages since b last got in touch"),
        make_field("attempts_before_first_answer", &reply_stats::attempts_before_first_answer, field_kind::count, "a's messages before b first got in touch"),
        make_field("ever_answered", &reply_stats::ever_answered, field_kind::flag, "b has been in touch with a at least once"),
        make_field("waiting_since", &reply_stats::waiting_since, field_kind::time, "first message of a's open wait (empty if a is not waiting)"),
    };
};

/// The conversation statistics of one pair, seen from a.
struct conversation_stats {
    person_id a = 0, b = 0;
    reply_stats a_to_b, b_to_a;
    std::uint64_t conversations = 0;
    std::uint64_t touches = 0;
    std::uint64_t late = 0;  ///< interactions that arrived after newer ones (volumes only)
    std::optional<timestamp> first_interaction, last_interaction;
    friend bool operator==(const conversation_stats&, const conversation_stats&) = default;
};

enum class trend_direction { cooling, steady, rising, not_enough_history };

/// "cooling", "steady" or "rising".
[[nodiscard]] constexpr const char* to_string(trend_direction d) noexcept {
    switch (d) {
        case trend_direction::cooling: return "cooling";
        case trend_direction::rising: return "rising";
        case trend_direction::not_enough_history: return "not enough history";
        case trend_direction::steady: break;
    }
    return "steady";
}

/// Where a relationship is heading: the pace of contact lately against its long-run pace.
///
/// Strength follows the pace of contact (the weight of interactions per unit of time): at
/// a steady pace it holds, above it grows, below it fades. With R_H and R_4H the pair's
/// interaction weights (both directions) decayed with half-lives H (the trend horizon) and
/// 4H, the paces are R_H·ln2/H and R_4H·ln2/(4H), and
///     change_over_horizon = pace_H / pace_4H − 1 = 4·R_H/R_4H − 1.
/// A steady rhythm gives about 0 (within ±25% right after and before a contact), a new or
/// intensifying tie a positive change (a single contact: +300%), silence for a time T
/// after a steady rhythm 2^(−0.75·T/H) − 1 (−41% after one horizon). Unlike comparing the
/// strength with itself, this does not depend on the channels' half-lives. The ratio is
/// taken from the two sums at the pair's newest interaction and the decay since, so it
/// does not underflow: a silence of centuries reads cooling, change → −1.
/// A pair known for less than H (since its first interaction) is "not enough history",
/// whatever its paces. A pair with no pace at all (every interaction of weight 0, or
/// all of its weight flushed to 0 before a newer interaction of weight 0) has nothing to
/// compare: change 0 and, once known for H, steady.
struct trend {
    double rate_per_day = 0;       ///< change_over_horizon per day of the horizon
    double change_over_horizon = 0;///< relative change of the pace over the horizon
    trend_direction direction = trend_direction::steady;
    friend bool operator==(const trend&, const trend&) = default;
};

/// The one description of a trend (describe.hpp). New fields go at the end.
template <>
struct describe<trend> {
    static constexpr std::string_view name = "trend";
    static constexpr auto fields = std::tuple{
        make_field("direction", &trend::direction, field_kind::label, "cooling, steady, rising or not enough history"),
        make_field("rate_per_day", &trend::rate_per_day, field_kind::real, "change_over_horizon per day of the horizon"),
        make_field("change_over_horizon", &trend::change_over_horizon, field_kind::real, "relative change of the pace of contact over the horizon"),
    };
};

/// A relationship's own rhythm and whether it is due a touch.
struct rhythm {
    duration typical_gap{};        ///< median gap between touches (or the new-tie rhythm)
    bool learned = false;          ///< true if from the pair's own gaps, false if the default
    std::uint64_t gaps = 0;        ///< gaps it was learned from
    timestamp last_contact;        ///< newest interaction (described, so output, as `last_interaction`)
    timestamp due;                 ///< last contact + typical gap
    double overdue = 0;            ///< (query time − last contact) / typical gap; ≥ 1 means due
    friend bool operator==(const rhythm&, const rhythm&) = default;
};

/// The one description of a rhythm (describe.hpp). New fields go at the end.
template <>
struct describe<rhythm> {
    static constexpr std::string_view name = "rhythm";
    static constexpr auto fields = std::tuple{
        make_field("typical_gap", &rhythm::typical_gap, field_kind::interval, "median gap between touches (or the new-tie rhythm)"),
        make_field("learned", &rhythm::learned, field_kind::flag, "true if from the pair's own gaps, false if the default"),
        make_field("gaps", &rhythm::gaps, field_kind::count, "gaps the rhythm was learned from"),
        make_field("last_interaction", &rhythm::last_contact, field_kind::time, "time of the newest interaction"),
        make_field("due", &rhythm::due, field_kind::time, "last_interaction + typical_gap: when a touch is due"),
        make_field("overdue", &rhythm::overdue, field_kind::real, "(query time - last_interaction) / typical_gap; 1 or more means due", 2),
    };
};

/// One entry of due(): a relationship worth a touch now.
struct due_item {
    person_id a = 0, b = 0;
    double strength = 0;
    rhythm when;
    double priority = 0;           ///< strength × overdue
};

/// The one description of a due item (describe.hpp): its rhythm's fields flattened in
/// (`learned` as `rhythm_learned`). New fields go at the end.
template <>
struct describe<due_item> {
    static constexpr std::string_view name = "due_item";
    static constexpr auto fields = std::tuple{
        make_field("a", &due_item::a, field_kind::name, "the person whose relationship it is"),
        make_field("b", &due_item::b, field_kind::name, "the contact due a touch"),
        make_field("priority", &due_item::priority, field_kind::real, "strength x overdue", 3),
        make_field("strength", &due_item::strength, field_kind::real, "S_ab at the query time"),
        make_field("last_interaction", &due_item::when, &rhythm::last_contact, field_kind::time, "time of the newest interaction"),
        make_field("typical_gap", &due_item::when, &rhythm::typical_gap, field_kind::interval, "median gap between touches (or the new-tie rhythm)"),
        make_field("rhythm_learned", &due_item::when, &rhythm::learned, field_kind::flag, "true if the rhythm is from the pair's own gaps"),
        make_field("due", &due_item::when, &rhythm::due, field_kind::time, "last_interaction + typical_gap: when a touch is due"),
        make_field("overdue", &due_item::when, &rhythm::overdue, field_kind::real, "(query time - last_interaction) / typical_gap", 2),
        make_field("gaps", &due_item::when, &rhythm::gaps, field_kind::count, "gaps the rhythm was learned from"),
    };
};

/// One channel and direction's share of a strength.
struct strength_part {
    channel_id channel = 0;
    bool from_a = true;            ///< a→b volume (true) or b→a (false); mutual interactions feed both
    double volume = 0;             ///< this part's decayed volume
    double contribution = 0;       ///< its share of the strength; the shares sum to the strength
};

/// The one description of an explanation part (describe.hpp): `from_a` is shown as the
/// person, named `source`. New fields go at the end.
template <>
struct describe<strength_part> {
    static constexpr std::string_view name = "strength_part";
    static constexpr auto fields = std::tuple{
        make_field("channel", &strength_part::channel, field_kind::channel, "the channel"),
        make_field("source", &strength_part::from_a, field_kind::side, "whose outreach: a (a->b volume) or b"),
        make_field("volume", &strength_part::volume, field_kind::real, "this part's decayed volume"),
        make_field("contribution", &strength_part::contribution, field_kind::real, "its share of the strength; the shares sum to it"),
    };
};

/// One retained interaction and what it contributes to the strength now.
struct receipt {
    timestamp time;
    channel_id channel = 0;
    person_id source = 0;          ///< a or b (for mutual: a)
    bool mutual = false;
    double weight = 0;
    double contribution = 0;
};

/// The one description of a receipt (describe.hpp). New fields go at the end.
template <>
struct describe<receipt> {
    static constexpr std::string_view name = "receipt";
    static constexpr auto fields = std::tuple{
        make_field("time", &receipt::time, field_kind::time, "when the interaction happened"),
        make_field("channel", &receipt::channel, field_kind::channel, "its channel"),
        make_field("source", &receipt::source, field_kind::name, "who sent it (empty for a mutual interaction)")
            .absent_if([](const receipt& r) { return r.mutual; }),
        make_field("mutual", &receipt::mutual, field_kind::flag, "a mutual interaction (both ways at once)"),
        make_field("weight", &receipt::weight, field_kind::real, "its weight", 3),
        make_field("contribution", &receipt::contribution, field_kind::real, "what it contributes to the strength now"),
    };
};

/// An exact additive breakdown of a strength.
///
/// S = (1−ρ)(V_ab + V_ba) + 2ρ·min(V_ab, V_ba) = V_ab + V_ba − ρ·|V_ab − V_ba|: all volume
/// counts, minus ρ times the one-sided excess. So a part of the weaker direction counts in
/// full (its volume), and a part of the stronger direction with volume v counts
/// v·(1 − ρ·(V_s − V_w)/V_s), its share of the excess discounted. The parts sum to S (up to
/// rounding), and the split is continuous: a balanced tie counts every part in full.
/// Receipts split each part further over the retained interactions.
struct explanation {
    person_id a = 0, b = 0;
    timestamp at;
    double strength = 0;
    std::vector<strength_part> parts;   ///< largest contribution first
    std::vector<receipt> receipts;      ///< largest contribution first (retained events only)
    std::uint64_t receipts_total = 0;   ///< how many interactions the receipts were chosen from
};

RELSCORE_END_NAMESPACE
