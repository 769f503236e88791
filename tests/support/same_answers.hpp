#pragma once
// The order a batch is applied in (pair_store::time_order), written out for tests, and a
// check that two scorers give the same answer, bit for bit, to every question about
// every pair (people matched by name: ids may differ between the two).

#include "catch.hpp"

#include <relscore/relscore.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace relscore::test {

// The log sorted as a batch is applied: by time, then (for the same pair at the same time)
// the sender whose name sorts first, then the other, then mutual ones, then weight, then
// channel name. Different pairs at the same time: by their names (any fixed order would do).
inline std::vector<interaction> in_time_order(std::vector<interaction> log, const channel_registry& channels) {
    const auto key = [&](const interaction& e) {
        const std::string& lo = std::min(e.source, e.target);
        const std::string& hi = std::max(e.source, e.target);
        const int sender = e.mutual ? 2 : e.source < e.target ? 0 : 1;
        const double weight = e.weight ? *e.weight : channels[*channels.find(e.channel)].weight;
        return std::make_tuple(to_micros(e.time), lo, hi, sender, weight, e.channel);
    };
    std::stable_sort(log.begin(), log.end(), [&](const interaction& x, const interaction& y) { return key(x) < key(y); });
    return log;
}

// Whether two sums agree: bit for bit (rel = 0), or to a relative tolerance.
inline bool same_sum(double x, double y, double rel) {
    return rel == 0 ? x == y : std::abs(x - y) <= rel * std::max({std::abs(x), std::abs(y), 1e-300});
}

// Every answer about every pair of `x`, asked of `y` by name, is the same: bit for bit, or
// with the decayed sums (volumes, strength, reciprocity, trend) to a relative tolerance
// `rel` (a merge adds sums in another order than one scorer would).
inline void check_same_answers(const scorer& x, const scorer& y, double rel = 0) {
    REQUIRE(x.people() == y.people());
    REQUIRE(x.relationships() == y.relationships());
    REQUIRE(x.newest() == y.newest());
    const relationship_table t = x.table();
    const bool insight = x.config().insight.conversations;
    for (std::size_t i = 0; i < t.size(); ++i) {
        const std::string& a = x.name(t.a(static_cast<Eigen::Index>(i)));
        const std::string& b = x.name(t.b(static_cast<Eigen::Index>(i)));
        INFO("pair " << a << " - " << b);
        relationship rx = x.between(a, b), ry = y.between(a, b);
        rx.a = ry.a = rx.b = ry.b = 0;
        CHECK(same_sum(rx.volume_ab, ry.volume_ab, rel));
        CHECK(same_sum(rx.volume_ba, ry.volume_ba, rel));
        CHECK(same_sum(rx.strength, ry.strength, rel));
        CHECK(same_sum(rx.reciprocity, ry.reciprocity, rel));
        CHECK(rx.first_interaction == ry.first_interaction);
        CHECK(rx.last_interaction == ry.last_interaction);
        CHECK(rx.interactions == ry.interactions);
        CHECK(rx.touches == ry.touches);
        CHECK(stars(x, x.between(a, b)) == stars(y, y.between(a, b)));
        if (!insight) continue;
        const conversation_stats cx = x.conversation(a, b), cy = y.conversation(a, b);
        CHECK(cx.conversations == cy.conversations);
        CHECK(cx.touches == cy.touches);
        CHECK(cx.late == cy.late);
        CHECK(cx.first_interaction == cy.first_interaction);
        CHECK(cx.last_interaction == cy.last_interaction);
        for (const auto& [rx_, ry_] : {std::pair{cx.a_to_b, cy.a_to_b}, std::pair{cx.b_to_a, cy.b_to_a}}) {
            CHECK(rx_.messages == ry_.messages);
            CHECK(rx_.waits == ry_.waits);
            CHECK(rx_.answered == ry_.answered);
            CHECK(rx_.resolved == ry_.resolved);
            CHECK(rx_.reply_rate == ry_.reply_rate);
            CHECK(rx_.latency_p25 == ry_.latency_p25);
            CHECK(rx_.latency_median == ry_.latency_median);
            CHECK(rx_.latency_p75 == ry_.latency_p75);
            CHECK(rx_.initiated == ry_.initiated);
            CHECK(rx_.initiated_share == ry_.initiated_share);
            CHECK(rx_.unanswered_streak == ry_.unanswered_streak);
            CHECK(rx_.attempts_before_first_answer == ry_.attempts_before_first_answer);
            CHECK(rx_.ever_answered == ry_.ever_answered);
            CHECK(rx_.waiting_since == ry_.waiting_since);
        }
        const rhythm hx = x.rhythm_of(a, b), hy = y.rhythm_of(a, b);
        CHECK(hx.typical_gap == hy.typical_gap);
        CHECK(hx.learned == hy.learned);
        CHECK(hx.gaps == hy.gaps);
        CHECK(hx.last_contact == hy.last_contact);
        CHECK(hx.due == hy.due);
        CHECK(hx.overdue == hy.overdue);
        const trend tx = x.trend_of(a, b), ty = y.trend_of(a, b);
        CHECK(tx.direction == ty.direction);
        CHECK(same_sum(tx.change_over_horizon, ty.change_over_horizon, rel));
        CHECK(same_sum(tx.rate_per_day, ty.rate_per_day, rel));
    }
}

}  // namespace relscore::test
