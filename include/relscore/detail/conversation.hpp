#pragma once
/// \file detail/conversation.hpp
/// Design notes: the rules that turn a pair's interactions into conversation history
/// (detail/history.hpp) and the history into answers (insight.hpp defines them).
///
/// Every rule here sees one pair's interactions in arrival order, one at a time, with the
/// pair's previous newest time; an interaction older than that is "late" and counts for
/// volumes only (the scorer counts it in `late`). Waits: a run of one side's messages is
/// one wait for an answer; the other side getting in touch within the reply window
/// answers it (its latency is recorded), and a wait that leaves the window unanswered is
/// censored at how long it was watched. Conversations are runs of interactions with gaps
/// within the reply window; gaps longer than the touch gap make the pair's rhythm.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>

#include <relscore/detail/history.hpp>
#include <relscore/insight.hpp>
#include <relscore/time.hpp>
#include <relscore/version.hpp>

RELSCORE_BEGIN_NAMESPACE
namespace detail {

class conversation_rules {
public:
    explicit conversation_rules(const insight_config& config)
        : m_config(config),
          m_reply_window_us(config.reply_window.count()),
          m_touch_gap_us(config.touch_gap.count()),
          m_trend_horizon_us(static_cast<double>(config.trend_horizon.count())) {}

    [[nodiscard]] std::int64_t touch_gap_us() const noexcept { return m_touch_gap_us; }

    /// One interaction of weight w at t: dir 0 lo→hi, 1 hi→lo, 2 mutual. `first`: the
    /// pair's first; `previous`: the pair's newest time before it.
    void record(pair_history& h, std::uint8_t dir, double w, std::int64_t t, bool first, std::int64_t previous) const {
        h.pace.add(dir == 2 ? 2 * w : w, t, m_trend_horizon_us);
        if (!first && t < previous) {
            ++h.late;
            return;
        }
        if (first) h.opening.begin(dir);
        if (first || t - previous > m_reply_window_us) {
            ++h.conversations;
            ++(dir == 2 ? h.mutual_initiated : h.dir[dir].initiated);
        }
        if (!first && t - previous > m_touch_gap_us) h.gaps().add(t - previous, m_touch_gap_us);
        if (dir == 2) {
            got_in_touch(h, 0, t);
            got_in_touch(h, 1, t);
            return;
        }
        direction_history& mine = h.dir[dir];
        got_in_touch(h, 1 - dir, t);
        ++mine.messages;
        ++mine.streak;
        if (!h.answered_ever[dir]) ++mine.attempts_before_first_answer;
        if (h.waiting[dir] && t - mine.wait_last_us <= m_reply_window_us) {
            mine.wait_last_us = t;  // a follow-up extends the wait
        } else {
            if (h.waiting[dir]) expire_wait(h, dir);
            h.waiting[dir] = true;
            ++mine.waits;
            mine.wait_first_us = mine.wait_last_us = t;
        }
    }

    /// One side of a merge: the time span of the pair's interactions there.
    struct span {
        std::int64_t first_us, last_us;
        [[nodiscard]] bool empty() const noexcept { return first_us > last_us; }
    };

    /// Folds `theirs` into `mine` (`flipped`: their lo is our hi). When one side's
    /// interactions all come before the other's (time-disjoint, as when a log is split by
    /// time), the newer history is joined after the older one exactly: the result is what
    /// one history fed both would hold. Otherwise (interleaved sides) counts and histograms
    /// add and the open waits come from the newer side, an approximation (insight.hpp).
    void merge(pair_history& mine, span mine_span, const pair_history& theirs_as_given, span theirs_span, bool flipped) const {
        const pair_history theirs = flipped ? flipped_copy(theirs_as_given) : theirs_as_given;
        if (mine_span.empty()) {
            mine = theirs;
        } else if (mine_span.last_us <= theirs_span.first_us && joinable(theirs)) {
            join(mine, theirs, mine_span.last_us, theirs_span.first_us);
        } else if (theirs_span.last_us <= mine_span.first_us && joinable(mine)) {
            pair_history older = theirs;
            join(older, mine, theirs_span.last_us, mine_span.first_us);
            mine = std::move(older);
        } else {
            add_interleaved(mine, theirs, mine_span.last_us < theirs_span.last_us);
        }
    }

    /// Whether the touch at t (an interaction after one at `previous`, t ≥ previous) opens
    /// a new touch period: touches count the periods of length touch_gap (UTC days by
    /// default) with contact.
    [[nodiscard]] bool new_touch_period(std::int64_t previous, std::int64_t t) const noexcept {
        return period_of(t) != period_of(previous);
    }

    /// Replies and initiation of stored direction k (0: lo→hi) at t; `span_us`: the pair's
    /// last minus first interaction, which no latency passes (it helps close the open bin).
    [[nodiscard]] reply_stats replies(const pair_history& h, int k, std::int64_t t, std::int64_t span_us) const {
        const direction_history& d = h.dir[k];
        reply_stats r;
        r.messages = d.messages;
        r.waits = d.waits;
        r.answered = d.answered;
        direction_history::latency_histogram censored(h.censored(k));
        r.resolved = d.answered + censored.total();
        if (h.waiting[k]) {  // the open wait: censored at how long it has been watched so far
            const std::int64_t watched = std::min(t - d.wait_first_us, d.wait_last_us + m_reply_window_us - d.wait_first_us);
            censored.add(watched, direction_history::latency_base_us);
            if (t - d.wait_last_us > m_reply_window_us) ++r.resolved;
            r.waiting_since = from_micros(d.wait_first_us);
        }
        r.reply_rate = r.resolved ? static_cast<double>(r.answered) / static_cast<double>(r.resolved) : 0.0;
        // The open bin's upper edge: no latency passes the span, nor m·window for a wait of m
        // messages (follow-ups within the window, the answer within it of the last one), and
        // a wait holds at most messages − (waits − 1) of them.
        const double most = std::max(static_cast<double>(d.messages) - static_cast<double>(d.waits) + 1, 1.0);
        const double open_upper = std::min(static_cast<double>(span_us), most * static_cast<double>(m_reply_window_us));
        const auto quantile = [&](double q) -> std::optional<duration> {
            if (auto v = km_quantile(h.latency(k), censored, direction_history::latency_base_us, q, open_upper))
                return duration{static_cast<duration::rep>(std::llround(*v))};
            return std::nullopt;
        };
        r.latency_p25 = quantile(0.25);
        r.latency_median = quantile(0.5);
        r.latency_p75 = quantile(0.75);
        r.initiated = d.initiated;
        const double total = h.conversations;
        r.initiated_share = total > 0 ? (d.initiated + 0.5 * h.mutual_initiated) / total : 0.0;
        r.unanswered_streak = d.streak;
        r.attempts_before_first_answer = d.attempts_before_first_answer;
        r.ever_answered = h.answered_ever[k];
        return r;
    }

    /// Where the pair is heading at t (see relscore::trend); `first_us`: its first interaction.
    [[nodiscard]] trend trend_at(const pair_history& h, std::int64_t first_us, std::int64_t t) const {
        trend out;
        // Known for less than the horizon, every pair would look "rising": say so first,
        // whatever the paces.
        const bool young = static_cast<double>(t - first_us) < m_trend_horizon_us;
        if (young) out.direction = trend_direction::not_enough_history;
        // 4·recent/long_run from the paces' values at their shared reference time and the
        // decay since, 2^(−dt/H) / 2^(−dt/4H) = 2^(−0.75·dt/H): no underflow of either pace
        // (a long silence then reads cooling, change → −1, not 0/0).
        if (!h.pace.any()) return out;  // every weight 0: no pace to compare (insight.hpp)
        const double dt = static_cast<double>(std::max<std::int64_t>(t - h.pace.ref_us, 0));
        out.change_over_horizon = 4 * (h.pace.recent / h.pace.long_run) * std::exp2(-0.75 * dt / m_trend_horizon_us) - 1;
        out.rate_per_day = out.change_over_horizon / (m_trend_horizon_us / 86400e6);
        const double threshold = m_config.trend_threshold;
        if (!young)
            out.direction = out.change_over_horizon > threshold    ? trend_direction::rising
                            : out.change_over_horizon < -threshold ? trend_direction::cooling
                                                                   : trend_direction::steady;
        return out;
    }

    /// The pair's rhythm and how overdue it is at t; `first_us`, `last_us`: its first and
    /// newest interaction (no gap passes last − first: it closes the open bin).
    [[nodiscard]] rhythm rhythm_at(const pair_history& h, std::int64_t first_us, std::int64_t last_us, std::int64_t t,
                                   std::int64_t max_time_us) const {
        rhythm out;
        out.gaps = h.gaps().total();
        out.learned = out.gaps > 0;
        const double typical = out.learned ? *binned_quantile(h.gaps(), m_touch_gap_us, 0.5, static_cast<double>(last_us - first_us))
                                           : static_cast<double>(m_config.new_tie_rhythm.count());
        const auto gap_us = std::max(static_cast<std::int64_t>(std::llround(typical)), m_config.min_rhythm.count());
        out.typical_gap = duration{gap_us};
        out.last_contact = from_micros(last_us);
        out.due = from_micros(std::min(last_us + gap_us, max_time_us));
        out.overdue = static_cast<double>(t - last_us) / static_cast<double>(gap_us);
        return out;
    }

private:
    [[nodiscard]] std::int64_t period_of(std::int64_t t) const noexcept {
        return t / m_touch_gap_us - (t % m_touch_gap_us < 0 ? 1 : 0);  // floor: times before 1970 too
    }

    // An unanswered wait leaves the window: censored at how long it was watched.
    void expire_wait(pair_history& h, int k) const {
        direction_history& d = h.dir[k];
        const std::int64_t watched = d.wait_last_us + m_reply_window_us - d.wait_first_us;
        h.censored(k).add(watched, direction_history::latency_base_us);
        h.opening.wait_ended(k, history_opening::fate::censored, watched);
        h.waiting[k] = false;
    }

    // A newer history may join an older one exactly if it knows how it began and replayed
    // its interactions in time order (nothing late).
    [[nodiscard]] static bool joinable(const pair_history& newer) noexcept {
        return newer.opening.known() && newer.late == 0;
    }

    // The history seen from the other side: lo and hi swapped.
    [[nodiscard]] static pair_history flipped_copy(const pair_history& h) {
        pair_history f = h;
        std::swap(f.dir[0], f.dir[1]);
        std::swap(f.waiting[0], f.waiting[1]);
        std::swap(f.answered_ever[0], f.answered_ever[1]);
        f.histograms.swap(pair_history::which::latency0, pair_history::which::latency1);
        f.histograms.swap(pair_history::which::censored0, pair_history::which::censored1);
        f.opening = h.opening.flipped();
        return f;
    }

    // `older` becomes the history of older's interactions followed by newer's (all of
    // older's at or before older_last <= newer_first, newer's first at newer_first): the
    // first interaction of `newer` is replayed against older's end state as record() would
    // have seen it, and what `newer` counted without that state is corrected.
    void join(pair_history& older, const pair_history& newer, std::int64_t older_last, std::int64_t newer_first) const {
        const int opener = newer.opening.dir();
        const std::int64_t silence = newer_first - older_last;
        older.late += newer.late;
        older.conversations += newer.conversations;
        older.mutual_initiated += newer.mutual_initiated;
        if (silence <= m_reply_window_us) {  // newer's first conversation continues older's last
            --older.conversations;
            --(opener == 2 ? older.mutual_initiated : older.dir[opener].initiated);
        }
        if (silence > m_touch_gap_us) older.gaps().add(silence, m_touch_gap_us);
        older.gaps().merge(newer.gaps());
        older.pace.merge(newer.pace, m_trend_horizon_us);
        for (int k = 0; k < 2; ++k) {
            direction_history& x = older.dir[k];
            const direction_history& y = newer.dir[k];
            bool continued = false;  // older's open wait goes on as newer's first wait
            if (older.waiting[k]) {
                const bool in_window = newer_first - x.wait_last_us <= m_reply_window_us;
                if (opener == k && in_window) {
                    continued = true;
                } else if (opener != k && in_window) {  // newer's first interaction answers it
                    ++x.answered;
                    older.latency(k).add(newer_first - x.wait_first_us, direction_history::latency_base_us);
                    older.opening.wait_ended(k, history_opening::fate::answered, newer_first - x.wait_first_us);
                    older.waiting[k] = false;
                } else {
                    expire_wait(older, k);
                }
            }
            x.messages += y.messages;
            x.waits += y.waits - (continued ? 1 : 0);
            x.answered += y.answered;
            x.initiated += y.initiated;
            older.latency(k).merge(newer.latency(k));
            older.censored(k).merge(newer.censored(k));
            std::int64_t wait_first = y.wait_first_us;
            if (continued) {  // newer's first wait really began at older's
                const std::int64_t shift = newer_first - x.wait_first_us;
                const std::int64_t v = newer.opening.value_us();
                switch (newer.opening.first_wait()) {
                    case history_opening::fate::open: wait_first = x.wait_first_us; break;
                    case history_opening::fate::answered: move(older.latency(k), v, v + shift); break;
                    case history_opening::fate::censored: move(older.censored(k), v, v + shift); break;
                    case history_opening::fate::none: break;
                }
                if (newer.opening.first_wait() != history_opening::fate::open)
                    older.opening.wait_ended(k, newer.opening.first_wait(), v + shift);
            }
            x.streak = newer.answered_ever[k] ? y.streak : x.streak + y.streak;
            if (!older.answered_ever[k]) x.attempts_before_first_answer += y.attempts_before_first_answer;
            older.answered_ever[k] = older.answered_ever[k] || newer.answered_ever[k];
            older.waiting[k] = newer.waiting[k];
            x.wait_first_us = wait_first;
            x.wait_last_us = y.wait_last_us;
        }
    }

    // One count of `h` moves from value `from` to value `to`.
    static void move(histogram_ref<true> h, std::int64_t from, std::int64_t to) {
        h.remove(from, direction_history::latency_base_us);
        h.add(to, direction_history::latency_base_us);
    }

    // Interleaved sides: counts and histograms add; the open waits and streaks come from
    // the newer side, and an open wait of the older side is taken as unanswered.
    void add_interleaved(pair_history& mine, const pair_history& theirs, bool theirs_newer) const {
        mine.conversations += theirs.conversations;
        mine.mutual_initiated += theirs.mutual_initiated;
        mine.late += theirs.late;
        mine.gaps().merge(theirs.gaps());
        mine.pace.merge(theirs.pace, m_trend_horizon_us);
        mine.opening = history_opening{};  // neither side's opening is the pair's any more
        for (int d = 0; d < 2; ++d) {
            direction_history& x = mine.dir[d];
            const direction_history& y = theirs.dir[d];
            x.messages += y.messages;
            x.waits += y.waits;
            x.answered += y.answered;
            x.initiated += y.initiated;
            x.attempts_before_first_answer += mine.answered_ever[d] ? 0 : y.attempts_before_first_answer;
            mine.answered_ever[d] = mine.answered_ever[d] || theirs.answered_ever[d];
            mine.latency(d).merge(theirs.latency(d));
            mine.censored(d).merge(theirs.censored(d));
            if (theirs_newer) {
                if (mine.waiting[d]) expire_wait(mine, d);
                x.streak = y.streak;
                mine.waiting[d] = theirs.waiting[d];
                x.wait_first_us = y.wait_first_us;
                x.wait_last_us = y.wait_last_us;
            } else if (theirs.waiting[d]) {  // the older side's open wait: unanswered as far as we know
                mine.censored(d).add(y.wait_last_us + m_reply_window_us - y.wait_first_us,
                                               direction_history::latency_base_us);
            }
        }
    }

    // The other side got in touch with the one whose outreach `k` records, at t.
    void got_in_touch(pair_history& h, int k, std::int64_t t) const {
        direction_history& d = h.dir[k];
        if (h.waiting[k]) {
            if (t - d.wait_last_us <= m_reply_window_us) {
                ++d.answered;
                h.latency(k).add(t - d.wait_first_us, direction_history::latency_base_us);
                h.opening.wait_ended(k, history_opening::fate::answered, t - d.wait_first_us);
                h.waiting[k] = false;
            } else {
                expire_wait(h, k);
            }
        }
        d.streak = 0;
        h.answered_ever[k] = true;
    }

    insight_config m_config;
    std::int64_t m_reply_window_us, m_touch_gap_us;
    double m_trend_horizon_us;
};

}  // namespace detail
RELSCORE_END_NAMESPACE
