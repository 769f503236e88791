// Replies, persistence, initiation, rhythm, due lists, trend and explanations, each against
// a brute-force reference that reads the definitions in insight.hpp off the whole sorted log.

#include "support/catch.hpp"
#include "support/insight_logs.hpp"
#include "support/kaplan_meier.hpp"
#include "support/random_log.hpp"
#include "support/reference.hpp"
#include "support/same_answers.hpp"

#include <relscore/relscore.hpp>

#include <algorithm>
#include <limits>
#include <map>
#include <numbers>
#include <random>

using namespace relscore;
using relscore::test::agrees;
using relscore::test::within_documented_bounds;
using relscore::test::message_of;
using relscore::test::bursty_log;
using relscore::test::day_us;
using relscore::test::hour_us;
using relscore::test::insight_settings;

namespace {

// The reference: every statistic straight from its definition over the pair's sorted events.
struct reference_direction {
    std::uint64_t messages = 0, waits = 0, answered = 0, resolved = 0, initiated = 0, streak = 0, before_first = 0;
    bool ever_answered = false;
    std::vector<std::int64_t> latencies, censored;
};
struct reference_pair {
    reference_direction ab, ba;
    std::uint64_t conversations = 0, touches = 0, mutual_initiated = 0;
    std::vector<std::int64_t> gaps;
};

reference_pair reference_conversation(const std::vector<interaction>& log, const std::string& a, const std::string& b,
                                      std::int64_t t_query, const insight_config& ic) {
    struct ev {
        std::int64_t t;
        int dir;  // 0 a→b, 1 b→a, 2 mutual
    };
    std::vector<ev> evs;
    for (const auto& e : log) {
        if (!((e.source == a && e.target == b) || (e.source == b && e.target == a))) continue;
        evs.push_back({to_micros(e.time), e.mutual ? 2 : (e.source == a ? 0 : 1)});
    }
    // Equal times: the sender whose name sorts first, then the other, then mutual ones.
    const auto sender = [&](const ev& x) { return x.dir == 2 ? 2 : (x.dir == 0) == (a < b) ? 0 : 1; };
    std::stable_sort(evs.begin(), evs.end(), [&](const ev& x, const ev& y) {
        return x.t != y.t ? x.t < y.t : sender(x) < sender(y);
    });
    const std::int64_t W = ic.reply_window.count(), G = ic.touch_gap.count();
    const auto period = [&](std::int64_t t) { return t / G - (t % G < 0 ? 1 : 0); };
    reference_pair r;
    for (std::size_t i = 0; i < evs.size(); ++i) {
        const bool starts = i == 0 || evs[i].t - evs[i - 1].t > W;
        if (starts) {
            ++r.conversations;
            if (evs[i].dir == 2) ++r.mutual_initiated;
            else ++(evs[i].dir == 0 ? r.ab : r.ba).initiated;
        }
        if (i == 0 || period(evs[i].t) != period(evs[i - 1].t)) ++r.touches;  // days with contact
        if (i > 0 && evs[i].t - evs[i - 1].t > G) r.gaps.push_back(evs[i].t - evs[i - 1].t);  // silences
    }
    for (int d = 0; d < 2; ++d) {
        reference_direction& out = d == 0 ? r.ab : r.ba;
        bool other_seen = false;
        for (std::size_t i = 0; i < evs.size(); ++i) {
            if (evs[i].dir != d) {
                other_seen = true;
                out.streak = 0;
                continue;
            }
            ++out.messages;
            ++out.streak;
            if (!other_seen) ++out.before_first;
        }
        out.ever_answered = other_seen;
        // Waits: maximal runs of d-messages with no other event between and gaps <= W.
        std::size_t i = 0;
        while (i < evs.size()) {
            if (evs[i].dir != d) {
                ++i;
                continue;
            }
            const std::int64_t first = evs[i].t;
            std::int64_t last = first;
            std::size_t j = i + 1;
            while (j < evs.size() && evs[j].dir == d && evs[j].t - last <= W) last = evs[j++].t;
            ++out.waits;
            if (j == evs.size()) {  // open at the query time
                out.censored.push_back(std::min(t_query - first, last + W - first));
                if (t_query - last > W) ++out.resolved;
            } else if (evs[j].dir != d && evs[j].t - last <= W) {
                out.latencies.push_back(evs[j].t - first);
                ++out.answered;
                ++out.resolved;
            } else {
                out.censored.push_back(last + W - first);
                ++out.resolved;
            }
            i = j;
        }
    }
    return r;
}

void check_direction(const reply_stats& got, const reference_direction& ref, std::uint64_t conversations,
                     std::uint64_t mutual_initiated) {
    CHECK(got.messages == ref.messages);
    CHECK(got.waits == ref.waits);
    CHECK(got.answered == ref.answered);
    CHECK(got.resolved == ref.resolved);
    CHECK(got.initiated == ref.initiated);
    CHECK(got.unanswered_streak == ref.streak);
    CHECK(got.attempts_before_first_answer == ref.before_first);
    CHECK(got.ever_answered == ref.ever_answered);
    if (ref.resolved) CHECK(got.reply_rate == static_cast<double>(ref.answered) / static_cast<double>(ref.resolved));
    if (conversations)
        CHECK(agrees(got.initiated_share, (ref.initiated + 0.5L * mutual_initiated) / conversations, 1e-15));
    // Against the textbook product-limit estimator over the raw latencies and censorings.
    CHECK(within_documented_bounds(got.latency_p25, ref.latencies, ref.censored, 0.25));
    CHECK(within_documented_bounds(got.latency_median, ref.latencies, ref.censored, 0.5));
    CHECK(within_documented_bounds(got.latency_p75, ref.latencies, ref.censored, 0.75));
}

}  // namespace

TEST_CASE("conversation statistics equal their definitions on random chronological logs", "[insight]") {
    const int settings = GENERATE(0, 1);
    for (std::uint64_t seed = 1; seed <= 30; ++seed) {
        const auto log = bursty_log(seed, 300);
        scorer s(insight_settings(settings));
        s.add_batch(log);
        const std::int64_t t = to_micros(*s.newest()) + (seed % 3) * 10 * day_us;
        for (std::size_t x = 0; x < s.people(); ++x)
            for (std::size_t y = 0; y < s.people(); ++y) {
                if (x == y) continue;
                const auto a = static_cast<person_id>(x), b = static_cast<person_id>(y);
                const auto ref = reference_conversation(log, s.name(a), s.name(b), t, s.config().insight);
                const conversation_stats c = s.conversation(a, b, from_micros(t));
                INFO("settings " << settings << " seed " << seed << " pair " << s.name(a) << "-" << s.name(b));
                CHECK(c.conversations == ref.conversations);
                CHECK(c.touches == ref.touches);
                CHECK(c.late == 0);
                check_direction(c.a_to_b, ref.ab, ref.conversations, ref.mutual_initiated);
                check_direction(c.b_to_a, ref.ba, ref.conversations, ref.mutual_initiated);
                if (ref.conversations == 0) continue;
                // Rhythm: the median gap between touches, in bins of a factor 2 from the touch
                // gap, never shorter than the floor; a single touch gives the new-tie rhythm.
                const auto& ic = s.config().insight;
                const rhythm r = s.rhythm_of(a, b, from_micros(t));
                CHECK(r.gaps == ref.gaps.size());
                if (ref.gaps.empty()) {
                    CHECK(r.typical_gap == std::max(ic.new_tie_rhythm, ic.min_rhythm));
                } else {
                    auto gaps = ref.gaps;
                    std::sort(gaps.begin(), gaps.end());
                    const std::int64_t median = gaps[(gaps.size() + 1) / 2 - 1];
                    const std::int64_t G = ic.touch_gap.count();
                    const auto k = static_cast<int>(std::floor(std::log2(static_cast<double>(median) / static_cast<double>(G)))) + 1;
                    const std::int64_t lo = std::max(G << (std::min(k, 15) - 1), ic.min_rhythm.count());
                    // The last bin is open: interpolated up to the pair's span.
                    const std::int64_t hi = k >= 15 ? std::numeric_limits<std::int64_t>::max() : std::max(G << k, ic.min_rhythm.count());
                    CAPTURE(median, r.typical_gap.count());
                    CHECK(r.typical_gap.count() >= lo);
                    CHECK(r.typical_gap.count() <= hi);
                }
                CHECK(r.overdue == static_cast<double>(t - to_micros(r.last_contact)) / static_cast<double>(r.typical_gap.count()));
            }
    }
}

TEST_CASE("the persistence story: four unanswered emails, then an answer", "[insight]") {
    scorer s;
    const std::int64_t t0 = to_micros(parse_time("2026-01-05T09:00:00Z"));
    for (int k = 0; k < 4; ++k) s.add({from_micros(t0 + k * 20 * day_us), "sam", "recruiter", "email"});
    auto c = s.conversation("sam", "recruiter");
    CHECK(c.a_to_b.unanswered_streak == 4);
    CHECK(c.a_to_b.waits == 4);            // 20 days apart: each follow-up is a new wait
    CHECK(c.a_to_b.answered == 0);
    CHECK(c.a_to_b.resolved == 3);         // the newest is still inside its window
    CHECK(c.a_to_b.reply_rate == 0);
    CHECK_FALSE(c.a_to_b.latency_median);  // nothing answered: no median
    CHECK(c.a_to_b.waiting_since == from_micros(t0 + 60 * day_us));
    CHECK(c.a_to_b.initiated == 4);
    // The recruiter answers two days after the fourth email.
    s.add({from_micros(t0 + 62 * day_us), "recruiter", "sam", "email"});
    c = s.conversation("sam", "recruiter");
    CHECK(c.a_to_b.unanswered_streak == 0);
    CHECK(c.a_to_b.attempts_before_first_answer == 4);
    CHECK(c.a_to_b.answered == 1);
    CHECK(c.a_to_b.reply_rate == 0.25);
    CHECK(c.a_to_b.ever_answered);
    CHECK_FALSE(c.a_to_b.waiting_since);
    CHECK(c.b_to_a.initiated == 0);        // the answer came inside the conversation
    CHECK(c.a_to_b.initiated_share == 1.0);
}

TEST_CASE("late interactions count in the volumes but not in the conversation statistics", "[insight]") {
    scorer s;
    const std::int64_t t0 = to_micros(parse_time("2026-03-01T00:00:00Z"));
    s.add({from_micros(t0), "a", "b", "email"});
    s.add({from_micros(t0 + day_us), "b", "a", "email"});
    s.add({from_micros(t0 - 5 * day_us), "b", "a", "email"});  // late
    const auto c = s.conversation("a", "b");
    CHECK(c.late == 1);
    CHECK(c.b_to_a.messages == 1);
    CHECK(c.first_interaction == from_micros(t0 - 5 * day_us));
    CHECK(s.between("a", "b").interactions == 3);
}

TEST_CASE("rhythm: the median gap between touches, due when overdue, reset by any contact", "[insight]") {
    scorer s;
    const std::int64_t t0 = to_micros(parse_time("2026-01-01T12:00:00Z"));
    // Every 14 days, with a same-day follow-up that is not a separate touch.
    for (int k = 0; k < 6; ++k) {
        s.add({from_micros(t0 + k * 14 * day_us), "ana", "ben", "call", {}, true});
        s.add({from_micros(t0 + k * 14 * day_us + hour_us), "ben", "ana", "email"});
    }
    s.add({from_micros(t0), "ana", "cy", "email"});  // a single touch: the new-tie rhythm
    const std::int64_t last = t0 + 70 * day_us + hour_us;
    auto r = s.rhythm_of("ana", "ben");
    CHECK(r.learned);
    CHECK(r.gaps == 5);
    // All gaps are 14 days minus an hour: the median lies in the bin [8 d, 16 d).
    CHECK(r.typical_gap >= std::chrono::days{8});
    CHECK(r.typical_gap < std::chrono::days{16});
    CHECK(to_micros(r.due) == last + r.typical_gap.count());
    CHECK(s.rhythm_of("ana", "cy").typical_gap == std::chrono::days{30});
    CHECK_FALSE(s.rhythm_of("ana", "cy").learned);

    const timestamp later = from_micros(last + 40 * day_us);
    const auto due = s.due("ana", 10, later);
    REQUIRE(due.size() == 2);
    for (const auto& d : due) {
        CHECK(d.when.overdue >= 1);
        CHECK(d.priority == d.strength * d.when.overdue);
        CHECK(d.a == s.person("ana"));
    }
    CHECK(due[0].priority >= due[1].priority);
    // A call resets ben's clock: ben is no longer due.
    s.add({later, "ana", "ben", "call"});
    const auto after = s.due("ana", 10, later);
    REQUIRE(after.size() == 1);
    CHECK(s.name(after[0].b) == "cy");
}

TEST_CASE("rhythm: never shorter than the floor, and the floor decides who is due", "[insight]") {
    const std::int64_t t0 = to_micros(parse_time("2026-02-01T08:00:00Z"));
    const auto every_two_days = [&](scorer& s) {
        for (int k = 0; k < 20; ++k) s.add({from_micros(t0 + k * 2 * day_us), "ana", "ben", "message"});
    };
    const std::int64_t last = t0 + 38 * day_us;
    scorer floored;  // the default floor: 7 days
    every_two_days(floored);
    const rhythm r = floored.rhythm_of("ana", "ben");
    CHECK(r.learned);
    CHECK(r.gaps == 19);
    CHECK(r.typical_gap == std::chrono::days{7});  // the 2-day median is below the floor
    CHECK(to_micros(r.due) == last + 7 * day_us);
    // Five days of silence: not due against the floor (5/7), due against a 1-day floor.
    const timestamp five_days = from_micros(last + 5 * day_us);
    CHECK(floored.rhythm_of("ana", "ben", five_days).overdue == 5.0 / 7.0);
    CHECK(floored.due("ana", 10, five_days).empty());
    scorer_config low;
    low.insight.min_rhythm = std::chrono::days{1};
    scorer unfloored(low);
    every_two_days(unfloored);
    const rhythm u = unfloored.rhythm_of("ana", "ben", five_days);
    // Every gap is exactly 2 days: the bin [2 d, 4 d) of the 1-day touch gap, at its start.
    CHECK(u.typical_gap >= std::chrono::days{2});
    CHECK(u.typical_gap < std::chrono::days{4});
    CHECK(u.overdue > 1);
    const auto due = unfloored.due("ana", 10, five_days);
    REQUIRE(due.size() == 1);
    CHECK(unfloored.name(due[0].b) == "ben");
    // The floor applies to the new-tie rhythm too.
    scorer_config slow;
    slow.insight.new_tie_rhythm = std::chrono::days{2};
    slow.insight.min_rhythm = std::chrono::days{5};
    scorer fresh(slow);
    fresh.add({from_micros(t0), "ana", "cy", "email"});
    CHECK(fresh.rhythm_of("ana", "cy").typical_gap == std::chrono::days{5});
}

TEST_CASE("due lists equal a brute-force filter and sort over every pair", "[insight]") {
    for (std::uint64_t seed = 1; seed <= 10; ++seed) {
        const auto log = bursty_log(seed * 31, 200, 7);
        scorer s;
        s.add_batch(log);
        const timestamp at = from_micros(to_micros(*s.newest()) + 20 * day_us);
        std::vector<std::pair<double, std::string>> expected;
        for (person_id b = 0; b < s.people(); ++b) {
            if (b == 0 || s.between(0u, b, at).interactions == 0) continue;
            const auto r = s.rhythm_of(0u, b, at);
            const double strength = s.between(0u, b, at).strength;
            if (r.overdue >= 1 && strength > 0) expected.emplace_back(strength * r.overdue, s.name(b));
        }
        std::sort(expected.begin(), expected.end(), [](const auto& x, const auto& y) {
            return x.first != y.first ? x.first > y.first : x.second < y.second;
        });
        const auto got = s.due(0u, 100, at);
        REQUIRE(got.size() == expected.size());
        for (std::size_t i = 0; i < got.size(); ++i) {
            CHECK(s.name(got[i].b) == expected[i].second);
            CHECK(got[i].priority == expected[i].first);
        }
        const auto all = s.due_all(1000, at);
        for (std::size_t i = 1; i < all.size(); ++i) CHECK(all[i - 1].priority >= all[i].priority);
    }
}

TEST_CASE("trend: the recent pace of contact against the long-run pace, from its definition", "[insight]") {
    const int settings = GENERATE(0, 1);  // the default horizon and threshold, then 10 days and 0.1
    for (std::uint64_t seed = 1; seed <= 10; ++seed) {
        const auto log = bursty_log(seed, 150, 4);
        scorer s(insight_settings(settings));
        s.add_batch(log);
        const std::int64_t t = to_micros(*s.newest()) + static_cast<std::int64_t>(seed) * day_us;
        const auto& ic = s.config().insight;
        const long double H = static_cast<long double>(ic.trend_horizon.count());
        for (person_id b = 1; b < s.people(); ++b) {
            long double recent = 0, long_run = 0;
            for (const auto& e : log) {
                if (!((e.source == s.name(0) && e.target == s.name(b)) || (e.source == s.name(b) && e.target == s.name(0))))
                    continue;
                const channel& c = s.channels()[s.channels().id(e.channel)];
                const long double w = (e.weight ? *e.weight : c.weight) * (e.mutual ? 2 : 1);
                const long double age = static_cast<long double>(t - to_micros(e.time));
                recent += w * std::exp2l(-age / H);
                long_run += w * std::exp2l(-age / (4 * H));
            }
            const trend tr = s.trend_of(0u, b, from_micros(t));
            if (long_run == 0) continue;
            const long double change = 4 * recent / long_run - 1;
            CHECK(agrees(tr.change_over_horizon, change, 1e-9, 1e-12));
            CHECK(agrees(tr.rate_per_day, change / (H / 86400e6L), 1e-9, 1e-12));
            // Known for less than the horizon: no label (every such pair would be "rising").
            const auto first = s.conversation(0u, b).first_interaction;
            const bool known_long_enough = first && static_cast<long double>(t - to_micros(*first)) >= H;
            CHECK(tr.direction == (!known_long_enough                                ? trend_direction::not_enough_history
                                   : tr.change_over_horizon > ic.trend_threshold    ? trend_direction::rising
                                   : tr.change_over_horizon < -ic.trend_threshold ? trend_direction::cooling
                                                                                 : trend_direction::steady));
        }
    }
    // A new tie's recent pace is all there is (+300%), but it has not been known for a
    // horizon: not enough history. After silence for a time T the change is
    // 4·2^(-0.75·T/H) - 1: -50% after four horizons.
    scorer quiet;
    quiet.add({parse_time("2026-01-01T00:00:00Z"), "a", "b", "email"});
    CHECK(quiet.trend_of("a", "b").direction == trend_direction::not_enough_history);
    CHECK(std::string(to_string(quiet.trend_of("a", "b").direction)) == "not enough history");
    CHECK(quiet.trend_of("a", "b").change_over_horizon == 3.0);
    CHECK(quiet.trend_of("a", "b", parse_time("2026-01-31T00:00:00Z")).direction == trend_direction::rising);  // 30 days
    const trend tr = quiet.trend_of("a", "b", parse_time("2026-05-01T00:00:00Z"));  // 120 days
    CHECK(tr.direction == trend_direction::cooling);
    CHECK(agrees(tr.change_over_horizon, -0.5L, 1e-12));
    // A steady weekly rhythm for two years is steady.
    scorer weekly;
    for (int k = 0; k < 104; ++k) weekly.add({from_micros(1'700'000'000LL * 1'000'000 + k * 7 * day_us), "a", "b", "call", {}, true});
    CHECK(weekly.trend_of("a", "b").direction == trend_direction::steady);
}

TEST_CASE("trend: a long silence reads cooling, not 0/0; the history rule comes first; zero weights",
          "[insight][trend]") {
    // Two interactions, then a silence T: brute force, in the log2 domain, is
    // change = 2^(−0.75·T/H) · 4·R_H/R_4H (both at the newest interaction) − 1.
    for (const std::int64_t horizon_us : {hour_us, 30 * day_us}) {
        scorer_config config;
        config.insight.trend_horizon = duration{horizon_us};
        scorer s(config);
        const std::int64_t t0 = to_micros(parse_time("2024-01-01T00:00:00Z")), t1 = t0 + 6 * hour_us;
        s.add({from_micros(t0), "ana", "ben", "email"});
        s.add({from_micros(t1), "ben", "ana", "email"});
        const long double H = static_cast<long double>(horizon_us);
        const long double gap = static_cast<long double>(t1 - t0);
        const long double ratio = (1 + std::exp2l(-gap / H)) / (1 + std::exp2l(-gap / (4 * H)));
        // Up to past 4·1022 horizons, where the long-run pace itself underflows.
        for (const long double horizons : {2.0L, 50.0L, 1000.0L, 1100.0L, 4000.0L, 4100.0L, 5000.0L, 1e6L}) {
            const std::int64_t t = t1 + static_cast<std::int64_t>(horizons * H);
            if (t > to_micros(parse_time("9999-12-31T00:00:00Z"))) continue;
            CAPTURE(horizon_us, horizons);
            const trend tr = s.trend_of("ana", "ben", from_micros(t));
            const long double T = static_cast<long double>(t - t1);
            const long double change = 4 * ratio * std::exp2l(-0.75L * T / H) - 1;
            CHECK(agrees(tr.change_over_horizon, change, 1e-9, 1e-12));
            const double threshold = s.config().insight.trend_threshold;
            CHECK(tr.direction == (change > threshold    ? trend_direction::rising
                                   : change < -threshold ? trend_direction::cooling
                                                         : trend_direction::steady));
            if (horizons >= 50) CHECK(tr.direction == trend_direction::cooling);
        }
        CHECK(s.trend_of("ana", "ben", parse_time("9999-12-31T00:00:00Z")).change_over_horizon == -1.0);
    }
    // Known for less than the horizon: not enough history, whatever the weights.
    scorer zero;
    zero.add({parse_time("2020-01-01T00:00:00Z"), "ana", "ben", "email", 0.0});
    zero.add({parse_time("2020-01-02T00:00:00Z"), "ben", "ana", "email", 0.0});
    const trend young = zero.trend_of("ana", "ben");
    CHECK(young.direction == trend_direction::not_enough_history);
    CHECK(young.change_over_horizon == 0.0);
    // Every weight 0, known for longer than the horizon: no pace to compare, steady at 0.
    const trend old = zero.trend_of("ana", "ben", parse_time("2021-01-01T00:00:00Z"));
    CHECK(old.direction == trend_direction::steady);
    CHECK(old.change_over_horizon == 0.0);
    CHECK(old.rate_per_day == 0.0);
}

TEST_CASE("the open last bin is interpolated up to the pair's span, not capped at 2^15 bases",
          "[insight][bins]") {
    const auto geometric = [](long double lo, long double hi, long double f) { return lo * std::pow(hi / lo, f); };
    const long double minute = 60e6L, bound = 60.0L * day_us;
    // A 60-day reply window, every email answered after 45 days (three waits, 200 days
    // apart): all three latencies in the open bin, closed at min(span, (messages − waits
    // + 1)·window) = 60 days; the median is its middle.
    scorer_config config;
    config.insight.reply_window = std::chrono::days{60};
    scorer late(config);
    const std::int64_t t0 = to_micros(parse_time("2024-01-01T00:00:00Z"));
    for (int k = 0; k < 3; ++k) {
        late.add({from_micros(t0 + k * 200 * day_us), "ana", "ben", "email"});
        late.add({from_micros(t0 + k * 200 * day_us + 45 * day_us), "ben", "ana", "email"});
    }
    const reply_stats r = late.conversation("ana", "ben").a_to_b;
    REQUIRE(r.answered == 3);
    REQUIRE(r.latency_median);
    CHECK(r.latency_median->count() > (std::int64_t{1} << 15) * 60'000'000);  // was capped below 22.75 days
    CHECK(r.latency_median->count() == std::llround(geometric(16384 * minute, bound, 0.5L)));
    CHECK(r.latency_p75->count() == std::llround(geometric(16384 * minute, bound, 0.75L)));
    // Follow-ups every 10 days, answered after 100: 10 messages a wait, so the bound is the
    // span (900 days) or 28 windows of 14 days, and the median is past the old cap.
    scorer persistent;
    for (int k = 0; k < 3; ++k) {
        for (int d = 0; d < 100; d += 10) persistent.add({from_micros(t0 + (400 * k + d) * day_us), "ana", "ben", "email"});
        persistent.add({from_micros(t0 + (400 * k + 100) * day_us), "ben", "ana", "email"});
    }
    const reply_stats p = persistent.conversation("ana", "ben").a_to_b;
    REQUIRE(p.answered == 3);
    CHECK(p.latency_median->count() == std::llround(geometric(16384 * minute, 28.0L * 14 * day_us, 0.5L)));
    CHECK(p.latency_p75->count() <= 28 * 14 * day_us);
    // touch_gap one hour, a touch every five years: the five gaps are in the open bin
    // [2^14 h, span]; the typical gap is its middle (it was 2.64 years).
    scorer_config hourly;
    hourly.insight.touch_gap = std::chrono::hours{1};
    scorer rare(hourly);
    for (int y = 2000; y <= 2025; y += 5)
        rare.add({parse_time(std::to_string(y) + "-01-01T00:00:00Z"), "ana", "ben", "email"});
    const rhythm rh = rare.rhythm_of("ana", "ben");
    REQUIRE(rh.gaps == 5);
    const long double span_gap = static_cast<long double>(to_micros(parse_time("2025-01-01T00:00:00Z")) - to_micros(parse_time("2000-01-01T00:00:00Z")));
    CHECK(rh.typical_gap.count() == std::llround(geometric(16384.0L * hour_us, span_gap, 0.5L)));
    CHECK(rh.typical_gap.count() > 4 * 365 * day_us);
}

TEST_CASE("explanations: the parts and the receipts add up to the strength", "[insight]") {
    for (std::uint64_t seed = 1; seed <= 20; ++seed) {
        scorer_config config;
        config.reciprocity = 0.05 * static_cast<double>(seed % 21);
        config.insight.retain_events = true;
        scorer s(config);
        const auto log = relscore::test::random_log(seed, {6, 300});
        s.add_batch(log);
        const timestamp at = from_micros(to_micros(*s.newest()) + 3 * day_us);
        for (person_id a = 0; a < s.people(); ++a)
            for (person_id b = 0; b < s.people(); ++b) {
                if (a == b) continue;
                const explanation x = s.explain(a, b, 1'000'000, at);
                const relationship r = s.between(a, b, at);
                CHECK(x.strength == r.strength);
                double parts = 0, receipts = 0;
                for (const auto& p : x.parts) parts += p.contribution;
                for (const auto& rc : x.receipts) receipts += rc.contribution;
                CHECK(agrees(parts, r.strength, 1e-12, 1e-300));
                CHECK(agrees(receipts, r.strength, 1e-9, 1e-300));
                CHECK(x.receipts_total == r.interactions);
                for (std::size_t i = 1; i < x.parts.size(); ++i)
                    CHECK(x.parts[i - 1].contribution >= x.parts[i].contribution);
                // The directions of the parts match the volumes.
                double from_a = 0;
                for (const auto& p : x.parts) from_a += p.from_a ? p.volume : 0;
                CHECK(agrees(from_a, r.volume_ab, 1e-12, 1e-300));
            }
    }
    scorer plain;
    plain.add({parse_time("2026-01-01T00:00:00Z"), "a", "b", "email"});
    const auto x = plain.explain("a", "b");
    CHECK(x.receipts.empty());  // retention is off by default
    CHECK(x.parts.size() == 1);
}

TEST_CASE("insight queries refuse bad arguments and switched-off tracking", "[insight]") {
    scorer s;
    s.add({parse_time("2026-01-01T00:00:00Z"), "a", "b", "email"});
    s.add({parse_time("2026-01-01T00:00:00Z"), "c", "d", "email"});
    CHECK(message_of([&] { (void)s.conversation("a", "zed"); }).find("unknown person 'zed'") != std::string::npos);
    CHECK(message_of([&] { (void)s.rhythm_of("a", "c"); }).find("never interacted") != std::string::npos);
    CHECK(message_of([&] { (void)s.due("a", 3, parse_time("2025-01-01T00:00:00Z")); }).find("earlier than the newest") !=
          std::string::npos);
    CHECK(s.conversation("a", "c").conversations == 0);
    scorer_config off;
    off.insight.conversations = false;
    scorer volumes_only(off);
    volumes_only.add({parse_time("2026-01-01T00:00:00Z"), "a", "b", "email"});
    CHECK(message_of([&] { (void)volumes_only.due("a", 3); }).find("conversation tracking is off") != std::string::npos);
    CHECK(volumes_only.between("a", "b").strength == 0.5);
    scorer_config bad;
    bad.insight.reply_window = duration{0};
    CHECK(message_of([&] { scorer x(bad); }).find("reply_window must be positive") != std::string::npos);
}
