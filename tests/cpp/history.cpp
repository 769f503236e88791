// The conversation history's histograms keep a byte per count until one passes 255
// (detail/history.hpp). Widening must lose nothing: in place, through merge, copy and
// snapshots, and in the answers built on it.

#include "support/catch.hpp"

#include <relscore/relscore.hpp>

#include <array>
#include <cstdint>
#include <random>

using namespace relscore;
using bins = detail::log2_bins<16>;

namespace {

// The histogram of `values` and the plain counts it must hold.
std::pair<bins, std::array<std::uint64_t, 16>> fill(std::mt19937_64& rng, int n, std::int64_t base) {
    bins h;
    std::array<std::uint64_t, 16> expected{};
    for (int i = 0; i < n; ++i) {
        // Mostly one bin, so it passes 255 long before the others.
        const std::int64_t v = rng() % 4 == 0 ? static_cast<std::int64_t>(rng() % (base << 14)) : base * 3;
        h.add(v, base);
        ++expected[bins::bin_of(v, base)];
    }
    return {h, expected};
}

void check_counts(const bins& h, const std::array<std::uint64_t, 16>& expected) {
    std::uint64_t total = 0;
    for (std::size_t k = 0; k < 16; ++k) {
        CHECK(h[k] == expected[k]);
        total += expected[k];
    }
    CHECK(h.total() == total);
}

}  // namespace

TEST_CASE("histogram counts outgrow a byte without losing one", "[history]") {
    std::mt19937_64 rng(5);
    for (const int n : {10, 255, 256, 300, 5000}) {
        auto [h, expected] = fill(rng, n, 60);
        check_counts(h, expected);
        CHECK((h.heap_bytes() > 0) == (*std::max_element(expected.begin(), expected.end()) > 255));

        const bins copy = h;  // a deep copy: changing it leaves h alone
        bins changed = copy;
        changed.add(60 * 3, 60);
        check_counts(copy, expected);
        CHECK(changed[bins::bin_of(180, 60)] == expected[bins::bin_of(180, 60)] + 1);
        CHECK(copy == h);
        CHECK_FALSE(changed == h);

        auto [other, other_expected] = fill(rng, 200, 60);  // narrow + (narrow or wide)
        bins merged = other;
        merged.merge(h);
        for (std::size_t k = 0; k < 16; ++k) other_expected[k] += expected[k];
        check_counts(merged, other_expected);

        bins loaded, reloaded = other;  // what a snapshot loader does, into a fresh and a used histogram
        std::array<std::uint32_t, 16> counts{};
        for (std::size_t k = 0; k < 16; ++k) counts[k] = h[k];
        loaded.set_all(counts);
        reloaded.set_all(counts);
        CHECK(loaded == h);
        CHECK(reloaded == h);
    }
}

TEST_CASE("a pair with hundreds of daily touches answers as counted, through a snapshot", "[history]") {
    // 400 contacts 25 hours apart: each gap is a touch gap (over a day) in the 1-2 day bin,
    // which passes 255; a saved and loaded scorer holds the same history.
    scorer s;
    const timestamp t0 = parse_time("2026-01-01T09:00:00Z");
    for (int day = 0; day < 400; ++day)
        s.add({t0 + std::chrono::hours{25 * day}, day % 2 ? "ana" : "ben", day % 2 ? "ben" : "ana", "call"});
    const auto r = s.rhythm_of("ana", "ben");
    CHECK(r.gaps == 399);
    const scorer loaded = scorer::from_bytes(s.to_bytes());
    CHECK(loaded.to_bytes() == s.to_bytes());
    CHECK(loaded.rhythm_of("ana", "ben").gaps == 399);
    CHECK(loaded.conversation("ana", "ben").a_to_b.messages == s.conversation("ana", "ben").a_to_b.messages);
    CHECK(s.memory_usage().conversations > sizeof(detail::pair_history));  // the widened gaps are counted
}

TEST_CASE("a value falls in the bin whose edges hold it, at every edge", "[history]") {
    // Bin 0 is [0, base), bin k is [base·2^(k−1), base·2^k), the last bin is open: checked
    // one below, at and one above every edge, for the bases the history uses (minutes and
    // days in microseconds) and a small one.
    for (const std::int64_t base : {std::int64_t{60}, std::int64_t{60'000'000}, std::int64_t{86'400'000'000}}) {
        for (std::size_t k = 0; k < 40; ++k) {
            const std::int64_t edge = base << k;  // the lower edge of bin k + 1
            for (const std::int64_t v : {edge - 1, edge, edge + 1}) {
                std::size_t expected = 0;  // the brute-force bin: count the edges at or below v
                for (std::size_t e = 0; e < 60 && (base << e) <= v; ++e) ++expected;
                CHECK(bins::bin_of(v, base) == std::min<std::size_t>(expected, 15));
            }
        }
    }
}
