#include "support/catch.hpp"

#include <relscore/detail/pair_table.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <random>
#include <unordered_map>
#include <utility>

// The pair index (detail/pair_table.hpp) against a std::unordered_map on random keys:
// every key found at its row and none invented, through growth, reserve, copies, moves,
// swaps and shrink_to_fit; keys crowded on few people (the same high or low id) included.
namespace {
struct record {
    std::uint32_t lo, hi;
};
using table = relscore::detail::pair_table<record>;

std::uint64_t key(std::uint32_t lo, std::uint32_t hi) { return (std::uint64_t{lo} << 32) | hi; }

void check(const table& t, const std::unordered_map<std::uint64_t, std::uint32_t>& rows, std::mt19937_64& rng) {
    for (const auto& [k, row] : rows) REQUIRE(t.find(k) == row);
    for (int i = 0; i < 2000; ++i) {
        std::uint64_t k = rng();
        if (k % 4 == 0) {  // a crowded one
            const auto lo = static_cast<std::uint32_t>(rng() % 64);
            k = key(lo, static_cast<std::uint32_t>(rng() % 5000));
        }
        const auto it = rows.find(k);
        REQUIRE(t.find(k) == (it == rows.end() ? table::no_row : it->second));
    }
}
}  // namespace

TEST_CASE("the pair index finds every row and invents none, through growth, copies and shrinking", "[pair_table]") {
    std::mt19937_64 rng(3);
    for (const std::size_t n : {0, 1, 11, 12, 13, 1'000, 40'000}) {
        table t;
        std::unordered_map<std::uint64_t, std::uint32_t> rows;
        CHECK(t.find(key(1, 2)) == table::no_row);
        if (n % 2 == 1) t.reserve(n);  // half of them grow one row at a time
        std::size_t unindexed = 0;  // records of a pair already indexed: never found
        while (rows.size() < n) {
            // Crowded keys (few people, long runs of the same id) and spread ones; each draw
            // its own statement, so that every compiler makes the same keys.
            const bool crowded = rng() % 3 == 0;
            const std::uint64_t lo_draw = rng();
            const auto lo = static_cast<std::uint32_t>(crowded ? lo_draw % 8 : lo_draw % 100'000);
            const bool near = rng() % 2 == 1;
            const std::uint64_t hi_draw = rng();
            const auto hi = static_cast<std::uint32_t>(lo + 1 + hi_draw % (near ? 3'000 : 1'000'000));
            const auto row = static_cast<std::uint32_t>(t.size());
            t.add({lo, hi});
            const auto [at, inserted] = t.index(row);
            const auto [it, fresh] = rows.try_emplace(key(lo, hi), row);
            REQUIRE(inserted == fresh);
            REQUIRE(at == it->second);
            unindexed += !fresh;
            REQUIRE(t.size() == rows.size() + unindexed);
            if (n % 2 == 1 && unindexed == 0) REQUIRE(t.has_room(n));  // reserved: room for all n
        }
        check(t, rows, rng);
        table copy = t;
        check(copy, rows, rng);
        table moved = std::move(copy);
        check(moved, rows, rng);
        table other;
        other.add({1, 2});
        other.index(0);
        moved.swap(other);
        check(other, rows, rng);
        CHECK(moved.find(key(1, 2)) == 0);
        const std::size_t before = t.index_bytes();
        t.reserve(4 * n + 100);
        CHECK(t.index_bytes() >= before);
        check(t, rows, rng);
        t.shrink_to_fit();
        CHECK(t.index_bytes() <= std::max<std::size_t>(before, 64));
        check(t, rows, rng);
        if (n >= 1'000) CHECK(static_cast<double>(t.index_bytes()) / static_cast<double>(n) < 16);  // about 10 bytes a pair
    }
}
