#include "support/catch.hpp"
#include "support/random_log.hpp"
#include "support/reference.hpp"

#include <relscore/relscore.hpp>

#include <random>

using namespace relscore;
using relscore::test::agrees;

namespace {

// Checks that two scorers give the same relationships (to 1e-12) at `at`.
void check_same(const scorer& x, const scorer& y, timestamp at) {
    REQUIRE(x.relationships() == y.relationships());
    const auto tx = x.table(at);
    for (std::size_t i = 0; i < tx.size(); ++i) {
        const auto row = static_cast<Eigen::Index>(i);
        const auto r = y.between(x.name(tx.a[row]), x.name(tx.b[row]), at);
        CHECK(agrees(r.volume_ab, tx.volume_ab[row]));
        CHECK(agrees(r.volume_ba, tx.volume_ba[row]));
        CHECK(agrees(r.strength, tx.strength[row]));
        CHECK(static_cast<std::int64_t>(r.interactions) == tx.interactions[row]);
        CHECK(to_micros(*r.last_interaction) == tx.last_interaction_us[row]);
    }
}

}  // namespace

TEST_CASE("two scorers fed disjoint parts merge into the scorer fed everything", "[merge]") {
    for (std::uint64_t seed = 1; seed <= 5; ++seed) {
        const auto log = test::random_log(seed, {.people = 12, .interactions = 2000,
                                                 .span_us = 20LL * 365 * 86400 * 1'000'000});
        scorer whole, left, right;
        std::mt19937_64 rng(seed);
        for (const auto& e : log) {
            whole.add(e);
            (rng() % 2 ? left : right).add(e);
        }
        left.merge(right);
        check_same(whole, left, *whole.newest());
        check_same(whole, left, *whole.newest() + std::chrono::days{40});
    }
}

TEST_CASE("merging many parts in a tree equals one ingest", "[merge]") {
    const auto log = test::random_log(99, {.people = 20, .interactions = 5000});
    scorer whole;
    for (const auto& e : log) whole.add(e);
    std::vector<scorer> parts(8);
    for (std::size_t i = 0; i < log.size(); ++i) parts[(i * 7919) % parts.size()].add(log[i]);
    for (std::size_t width = 1; width < parts.size(); width *= 2)
        for (std::size_t i = 0; i + width < parts.size(); i += 2 * width) parts[i].merge(parts[i + width]);
    check_same(whole, parts[0], *whole.newest());
}

TEST_CASE("the order of ingestion does not matter", "[merge][order]") {
    auto log = test::random_log(5, {.people = 10, .interactions = 3000});
    scorer first;
    for (const auto& e : log) first.add(e);
    std::sort(log.begin(), log.end(), [](const auto& x, const auto& y) { return x.time < y.time; });
    scorer sorted;
    for (const auto& e : log) sorted.add(e);
    std::reverse(log.begin(), log.end());
    scorer reversed;
    for (const auto& e : log) reversed.add(e);
    check_same(first, sorted, *first.newest());
    check_same(first, reversed, *first.newest());
}

TEST_CASE("merging refuses different configurations and changes nothing", "[merge][errors]") {
    scorer a, b({channel_registry::defaults(), 0.9});
    a.add({parse_time("2026-01-01"), "x", "y", "email"});
    b.add({parse_time("2026-01-02"), "x", "z", "email"});
    CHECK_THROWS_AS(a.merge(b), config_mismatch_error);
    CHECK(a.relationships() == 1);
    CHECK(a.people() == 2);
}

TEST_CASE("merging a scorer into itself doubles every volume", "[merge]") {
    scorer a;
    a.add({parse_time("2026-01-01"), "x", "y", "call"});
    a.merge(a);
    CHECK(a.between("x", "y").volume_ab == 4.0);
    CHECK(a.between("x", "y").interactions == 2);
}
