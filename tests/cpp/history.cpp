// A pair's five histograms keep 4 bits per count until one passes 15, then all move to
// 32-bit counts (detail/history.hpp). Widening must lose nothing: in place, through
// merge, copy, the direction swap and snapshots, and in the answers built on it.

#include "support/catch.hpp"

#include <relscore/relscore.hpp>

#include <array>
#include <cstdint>
#include <random>

using namespace relscore;
using histograms = detail::history_histograms;
using bins = detail::log2_bins<16>;
using counts = std::array<std::array<std::uint64_t, 16>, histograms::count>;

namespace {

constexpr std::int64_t base = 60;

// Adds n values to histogram h (mostly into one bin, so that it passes 15 long before the
// others) and counts them plainly in `expected`.
void fill(std::mt19937_64& rng, histograms& hs, counts& expected, histograms::which h, int n) {
    for (int i = 0; i < n; ++i) {
        const std::int64_t v = rng() % 4 == 0 ? static_cast<std::int64_t>(rng() % (base << 14)) : base * 3;
        detail::histogram_ref<true>(hs, h).add(v, base);
        ++expected[h][bins::bin_of(v, base)];
    }
}

void check_counts(const histograms& hs, const counts& expected) {
    for (std::size_t h = 0; h < histograms::count; ++h) {
        const detail::histogram_ref<false> ref(hs, histograms::which(h));
        std::uint64_t total = 0;
        for (std::size_t k = 0; k < 16; ++k) {
            CHECK(ref[k] == expected[h][k]);
            total += expected[h][k];
        }
        CHECK(ref.total() == total);
        CHECK(bins(ref).total() == total);  // a standalone copy holds the same counts
        std::uint16_t nonzero = 0;
        for (std::size_t k = 0; k < 16; ++k)
            if (expected[h][k] != 0) nonzero |= static_cast<std::uint16_t>(1u << k);
        CHECK(hs.nonzero_bins(histograms::which(h)) == nonzero);
    }
}

std::uint64_t largest(const counts& c) {
    std::uint64_t top = 0;
    for (const auto& h : c) top = std::max(top, *std::max_element(h.begin(), h.end()));
    return top;
}

}  // namespace

TEST_CASE("which bins hold a count, read from the packed counts, agrees with the counts one by one", "[history]") {
    // Every count 0..15 in every bin, zeros often (a snapshot writes only the non-zero
    // bins, so a wrong mask would drop or invent a bin), in the packed and the wide form.
    std::mt19937_64 rng(7);
    for (int round = 0; round < 20'000; ++round) {
        histograms hs;
        counts expected{};
        const bool wide = round % 10 == 9;
        for (std::size_t h = 0; h < histograms::count; ++h) {
            std::array<std::uint32_t, 16> c{};
            for (std::size_t k = 0; k < 16; ++k) {
                c[k] = rng() % 3 == 0 ? static_cast<std::uint32_t>(rng() % 16) : 0;
                if (wide && h == 0 && k == 0) c[k] = 16 + static_cast<std::uint32_t>(rng() % 4);  // moves all five to 32 bits
                expected[h][k] = c[k];
            }
            hs.set_all(histograms::which(h), c);
        }
        check_counts(hs, expected);
    }
}

TEST_CASE("histogram counts outgrow 4 bits without losing one", "[history]") {
    std::mt19937_64 rng(5);
    for (const int n : {3, 15, 16, 40, 5000}) {
        for (const auto h : {histograms::gaps, histograms::latency0, histograms::censored1}) {
            CAPTURE(n, static_cast<int>(h));
            histograms hs;
            counts expected{};
            fill(rng, hs, expected, histograms::latency1, 5);  // another histogram, narrow so far
            fill(rng, hs, expected, h, n);
            check_counts(hs, expected);
            CHECK((hs.heap_bytes() > 0) == (largest(expected) > 15));

            const histograms copy = hs;  // a deep copy: changing it leaves hs alone
            histograms changed = copy;
            detail::histogram_ref<true>(changed, h).add(base * 3, base);
            check_counts(copy, expected);
            CHECK(copy == hs);
            CHECK_FALSE(changed == hs);

            histograms other;  // narrow + (narrow or wide), and the reverse
            counts other_expected{};
            fill(rng, other, other_expected, h, 10);
            histograms merged = other;
            for (std::size_t g = 0; g < histograms::count; ++g) {
                detail::histogram_ref<true>(merged, histograms::which(g)).merge(detail::histogram_ref<false>(hs, histograms::which(g)));
                for (std::size_t k = 0; k < 16; ++k) other_expected[g][k] += expected[g][k];
            }
            check_counts(merged, other_expected);

            histograms swapped = hs;  // directions exchanged, twice: back where it was
            swapped.swap(histograms::latency0, histograms::latency1);
            counts swapped_expected = expected;
            std::swap(swapped_expected[histograms::latency0], swapped_expected[histograms::latency1]);
            check_counts(swapped, swapped_expected);
            swapped.swap(histograms::latency0, histograms::latency1);
            CHECK(swapped == hs);

            // What a snapshot loader does, histogram by histogram, into a fresh and a used set.
            histograms loaded, reloaded = other;
            for (std::size_t g = 0; g < histograms::count; ++g) {
                std::array<std::uint32_t, 16> c{};
                for (std::size_t k = 0; k < 16; ++k) c[k] = static_cast<std::uint32_t>(expected[g][k]);
                loaded.set_all(histograms::which(g), c);
                reloaded.set_all(histograms::which(g), c);
            }
            CHECK(loaded == hs);
            CHECK(reloaded == hs);
        }
    }
}

TEST_CASE("a count taken back leaves the others alone, narrow or wide", "[history]") {
    for (const int n : {2, 40}) {
        histograms hs;
        detail::histogram_ref<true> ref(hs, histograms::censored0);
        for (int i = 0; i < n; ++i) ref.add(base * 3, base);
        ref.add(base * 100, base);
        ref.remove(base * 100, base);
        CHECK(ref[bins::bin_of(base * 3, base)] == static_cast<std::uint32_t>(n));
        CHECK(ref[bins::bin_of(base * 100, base)] == 0);
        CHECK(ref.total() == static_cast<std::uint64_t>(n));
    }
}

TEST_CASE("a pair with hundreds of daily touches answers as counted, through a snapshot", "[history]") {
    // 400 contacts 25 hours apart: each gap is a touch gap (over a day) in the 1-2 day bin,
    // which passes 15 (and 255); a saved and loaded scorer holds the same history.
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

TEST_CASE("a log before 1970 has the trend of the same log shifted after it", "[history]") {
    // The paces' reference time starts at the earliest time, not at 1970, so the first
    // interaction sets it whenever it is. Decay depends only on differences of times.
    const auto trend_at_end = [](timestamp t0) {
        scorer s;
        for (int day = 0; day < 200; day += 3)
            s.add({t0 + std::chrono::hours{24 * day + 5 * (day % 7)}, day % 2 ? "ana" : "ben", day % 2 ? "ben" : "ana",
                   day % 5 ? "email" : "call"});
        return s.trend_of("ana", "ben", t0 + std::chrono::hours{24 * 230});
    };
    const trend after = trend_at_end(parse_time("2020-03-01T00:00:00Z"));
    for (const char* start : {"1920-03-01T00:00:00Z", "1500-03-01T00:00:00Z"}) {
        CAPTURE(start);
        const trend before = trend_at_end(parse_time(start));
        CHECK(before.direction == after.direction);
        CHECK(before.change_over_horizon == Approx(after.change_over_horizon).epsilon(1e-9));
        CHECK(before.rate_per_day == Approx(after.rate_per_day).epsilon(1e-9));
    }
}
