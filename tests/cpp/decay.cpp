#include "support/catch.hpp"
#include "support/reference.hpp"

#include <relscore/detail/decay.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

using relscore::detail::decay_factor;
using relscore::detail::decayed_sum;

namespace {
constexpr std::int64_t hour_us = 3'600'000'000LL;
constexpr std::int64_t year_us = 365LL * 24 * hour_us;
}  // namespace

TEST_CASE("decay factor halves once per half-life", "[decay]") {
    CHECK(decay_factor(0, 10.0) == 1.0);
    CHECK(decay_factor(-5, 10.0) == 1.0);
    CHECK(decay_factor(10, 10.0) == 0.5);
    CHECK(decay_factor(30, 10.0) == 0.125);
}

TEST_CASE("decayed values never become denormal, inf or NaN", "[decay]") {
    for (std::int64_t halvings = 1000; halvings < 1100; ++halvings) {
        const double f = decay_factor(halvings * hour_us, static_cast<double>(hour_us));
        CHECK(std::fpclassify(f) != FP_SUBNORMAL);
        decayed_sum s{1e-3, 0};
        const double v = s.at(halvings * hour_us, static_cast<double>(hour_us));
        CHECK(std::fpclassify(v) != FP_SUBNORMAL);
        CHECK(std::isfinite(v));
    }
    decayed_sum s;
    s.add(1.0, 0, static_cast<double>(hour_us));
    s.add(1.0, 100 * year_us, static_cast<double>(hour_us));  // 876,000 half-lives later
    CHECK(s.value == 1.0);
}

TEST_CASE("a 1-hour half-life over 100 years agrees with a long double sum", "[decay]") {
    // About 146,000 interactions, gaps of up to 12 hours, over a century; in order and shuffled.
    std::mt19937_64 rng(7);
    std::uniform_int_distribution<std::int64_t> gap(0, 12 * hour_us);
    std::vector<std::int64_t> times;
    for (std::int64_t t = 0; t < 100 * year_us; t += gap(rng)) times.push_back(t);
    REQUIRE(times.size() > 100'000);
    const double h = static_cast<double>(hour_us);
    const auto reference_at = [&](std::int64_t at) {
        long double sum = 0;
        for (auto t : times) sum += std::exp2l(-static_cast<long double>(at - t) / static_cast<long double>(hour_us));
        return sum;
    };
    const std::int64_t at = times.back() + hour_us / 2;

    SECTION("in time order") {
        decayed_sum s;
        for (auto t : times) s.add(1.0, t, h);
        CHECK(relscore::test::agrees(s.at(at, h), reference_at(at)));
    }
    SECTION("in random order") {
        auto shuffled = times;
        std::shuffle(shuffled.begin(), shuffled.end(), rng);
        decayed_sum s;
        for (auto t : shuffled) s.add(1.0, t, h);
        CHECK(relscore::test::agrees(s.at(at, h), reference_at(at)));
    }
    SECTION("split in two and merged") {
        decayed_sum x, y;
        for (std::size_t i = 0; i < times.size(); ++i) (i % 3 ? x : y).add(1.0, times[i], h);
        x.merge(y, h);
        CHECK(relscore::test::agrees(x.at(at, h), reference_at(at)));
    }
}

// top()'s bound halves each sum by half_lives_at_most() only: that must never halve more
// than the exact decay does (value_after(): `whole`, one fewer where the fraction came out
// negative), nor more than one fewer where that matters. Ages at, just off and between whole multiples of
// half-lives of whole seconds and of odd microseconds, up to the longest span.
TEST_CASE("half_lives_at_most never halves more than the exact decay, and at most once fewer", "[decay][top]") {
    using relscore::detail::half_lives_at_most;
    using relscore::detail::split_half_lives;
    using relscore::detail::value_after;
    std::mt19937_64 rng(5);
    // Whole microseconds (channels), and fractional ones (a power law's terms).
    std::vector<double> half_lives_us = {1, 7, 1'000'000, 3'600'000'000.0, 60.0 * 24 * hour_us, 180.0 * 24 * hour_us, 0.37, 1234.5678};
    for (int i = 0; i < 200; ++i) half_lives_us.push_back(static_cast<double>(std::uniform_int_distribution<std::int64_t>(1, 400LL * 24 * hour_us)(rng)));
    for (int i = 0; i < 20; ++i) half_lives_us.push_back(std::uniform_real_distribution<double>(1, 1e12)(rng));
    std::size_t fewer = 0;
    for (const double h : half_lives_us) {
        const double per_h = 1.0 / h;
        const auto most = static_cast<std::int64_t>(std::min(8'000.0 * static_cast<double>(year_us) / h, 1e6));
        std::vector<std::int64_t> ages;
        for (int j = 0; j < 300; ++j) {
            const auto m = static_cast<double>(std::uniform_int_distribution<std::int64_t>(0, most)(rng));
            for (const std::int64_t off : {-1LL, 0LL, 1LL}) ages.push_back(static_cast<std::int64_t>(m * h) + off);
            ages.push_back(std::uniform_int_distribution<std::int64_t>(0, 8'000 * year_us)(rng));
        }
        for (const std::int64_t age : ages) {
            if (age < 0) continue;
            const auto exact = split_half_lives(age, h, per_h);
            const std::int64_t halvings = exact.fraction < 0 ? exact.whole - 1 : exact.whole;
            const std::int64_t q = half_lives_at_most(age, per_h);
            REQUIRE(q <= halvings);
            if (halvings < (std::int64_t{1} << 40)) REQUIRE(q >= halvings - 1);  // far past 2044 every value is 0
            fewer += q < halvings;
            // So a sum halved q times bounds the exact value, within a factor of four.
            const double bound = q <= 1022 ? std::ldexp(1.0, static_cast<int>(-q)) : 0.0;
            const double v = value_after(1.0, age, h, per_h);
            CHECK(v <= bound);
            if (v >= 0x1p-1000) CHECK(bound <= 4 * v);
        }
    }
    CHECK(fewer > 0);  // exact multiples: one fewer there
}
