#include "support/catch.hpp"
#include "support/reference.hpp"

#include <relscore/detail/decay.hpp>

#include <cmath>
#include <random>

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
