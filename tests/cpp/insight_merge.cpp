// Insight state across merge() and snapshots: a log split in time merges to the whole
// log's answers; interleaved parts keep the volumes exact and only over-count touches.

#include "support/catch.hpp"
#include "support/insight_logs.hpp"
#include "support/reference.hpp"
#include "support/same_answers.hpp"

#include <relscore/relscore.hpp>

#include <algorithm>

using namespace relscore;
using relscore::test::agrees;
using relscore::test::bursty_log;
using relscore::test::day_us;
using relscore::test::hour_us;
using relscore::test::insight_settings;

TEST_CASE("insight state survives merge and snapshots", "[insight]") {
    scorer_config config;
    config.insight.retain_events = true;
    const auto log = bursty_log(99, 400);
    scorer whole(config);
    whole.add_batch(log);
    const scorer loaded = scorer::from_bytes(whole.to_bytes());
    CHECK(loaded.to_bytes() == whole.to_bytes());
    CHECK(loaded.config() == whole.config());
    for (person_id b = 1; b < whole.people(); ++b) {
        const auto x = whole.conversation(0u, b), y = loaded.conversation(0u, b);
        CHECK(x.a_to_b.latency_median == y.a_to_b.latency_median);
        CHECK(x.b_to_a.unanswered_streak == y.b_to_a.unanswered_streak);
        CHECK(whole.explain(0u, b).receipts.size() == loaded.explain(0u, b).receipts.size());
    }
}

TEST_CASE("merging the parts of a log split in time gives the whole log's answers", "[insight][merge]") {
    // Random logs (bursts, equal timestamps, mutual ones) split at a random time: every
    // statistic of the merged scorer is the whole scorer's, whichever side is merged into
    // which; only the decayed sums may differ by rounding.
    for (const auto& config : {scorer_config{}, insight_settings(1)}) {
        for (std::uint64_t seed = 1; seed <= 12; ++seed) {
            auto log = bursty_log(seed, 400);
            std::mt19937_64 rng(seed);
            std::sort(log.begin(), log.end(), [](const interaction& x, const interaction& y) { return x.time < y.time; });
            const auto cut = log[rng() % log.size()].time;
            std::vector<interaction> older, newer;
            for (const auto& e : log) (e.time < cut ? older : newer).push_back(e);
            scorer whole(config), a(config), b(config);
            whole.add_batch(log);
            a.add_batch(older);
            b.add_batch(newer);
            scorer older_into_newer = b, newer_into_older = a;
            older_into_newer.merge(a);
            newer_into_older.merge(b);
            INFO("seed " << seed << ", " << older.size() << " + " << newer.size());
            test::check_same_answers(whole, newer_into_older, 1e-12);
            test::check_same_answers(whole, older_into_newer, 1e-12);
            // Three parts, each merge joining time-disjoint scorers (newest, then the
            // middle, then the oldest).
            const auto cut2 = newer.empty() ? cut : newer[rng() % newer.size()].time;
            std::vector<interaction> middle, last;
            for (const auto& e : newer) (e.time < cut2 ? middle : last).push_back(e);
            scorer m(config), l(config);
            m.add_batch(middle);
            l.add_batch(last);
            scorer three = l;
            three.merge(m);
            three.merge(a);
            test::check_same_answers(whole, three, 1e-12);
        }
    }
}

TEST_CASE("merging interleaved parts keeps volumes exact and only over-counts touches", "[insight][merge]") {
    for (std::uint64_t seed = 1; seed <= 6; ++seed) {
        const auto log = bursty_log(seed, 400);
        std::vector<interaction> even, odd;
        for (std::size_t i = 0; i < log.size(); ++i) (i % 2 ? odd : even).push_back(log[i]);
        scorer whole, merged, other;
        whole.add_batch(log);
        merged.add_batch(even);
        other.add_batch(odd);
        merged.merge(other);
        const relationship_table t = whole.table();
        for (std::size_t i = 0; i < t.size(); ++i) {
            const std::string& a = whole.name(t.a(static_cast<Eigen::Index>(i)));
            const std::string& b = whole.name(t.b(static_cast<Eigen::Index>(i)));
            const relationship x = whole.between(a, b), y = merged.between(a, b);
            CHECK(agrees(y.strength, x.strength, 1e-12));
            CHECK(y.interactions == x.interactions);
            CHECK(y.touches >= x.touches);
            CHECK(merged.conversation(a, b).a_to_b.messages == whole.conversation(a, b).a_to_b.messages);
        }
    }
}

TEST_CASE("merges the docs call approximate: what they pin", "[insight][merge]") {
    const timestamp t1 = parse_time("2024-01-01T09:00:00Z"), t2 = parse_time("2024-01-02T09:00:00Z"),
                    t3 = parse_time("2024-01-03T09:00:00Z");
    // Interleaved parts can under-count waits: ana's two emails are one wait (a follow-up)
    // in her part, two waits around ben's answer in the whole log.
    scorer whole, a, b;
    whole.add({t1, "ana", "ben", "email"});
    whole.add({t2, "ben", "ana", "email"});
    whole.add({t3, "ana", "ben", "email"});
    a.add({t1, "ana", "ben", "email"});
    a.add({t3, "ana", "ben", "email"});
    b.add({t2, "ben", "ana", "email"});
    scorer ab = a, ba = b;
    ab.merge(b);
    ba.merge(a);
    CHECK(whole.conversation("ana", "ben").a_to_b.waits == 2);
    CHECK(ab.conversation("ana", "ben").a_to_b.waits == 1);
    CHECK(ba.conversation("ana", "ben").a_to_b.waits == 1);
    // Parts sharing one instant are not a strict split: the merge order decides who answered.
    scorer x, y;
    x.add({t1, "ana", "ben", "email"});
    y.add({t1, "ben", "ana", "email"});
    scorer xy = x, yx = y;
    xy.merge(y);
    yx.merge(x);
    CHECK(xy.conversation("ana", "ben").a_to_b.answered != yx.conversation("ana", "ben").a_to_b.answered);
    // A late interaction in the newer part: not joined exactly (its reply is not seen).
    scorer older, newer, sequential;
    for (scorer* s : {&older, &sequential}) s->add({parse_time("2024-01-01T00:00:00Z"), "ana", "ben", "email"});
    for (scorer* s : {&newer, &sequential}) {
        s->add({parse_time("2024-01-03T00:00:00Z"), "ben", "ana", "email"});
        s->add({parse_time("2024-01-06T00:00:00Z"), "ana", "ben", "email"});
        s->add({parse_time("2024-01-05T00:00:00Z"), "ben", "ana", "email"});  // late
    }
    older.merge(newer);
    CHECK(sequential.conversation("ana", "ben").a_to_b.answered == 1);
    CHECK(older.conversation("ana", "ben").a_to_b.answered == 0);
}
