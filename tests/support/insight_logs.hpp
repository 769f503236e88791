#pragma once
// Interaction logs and settings the insight tests share (tests/cpp/insight.cpp and
// insight_merge.cpp).

#include "random_log.hpp"

#include <relscore/relscore.hpp>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace relscore::test {

inline constexpr std::int64_t hour_us = 3'600'000'000LL;
inline constexpr std::int64_t day_us = 24 * hour_us;

// A log of a few people with bursty timing (replies within hours to weeks), in time order.
inline std::vector<interaction> bursty_log(std::uint64_t seed, std::size_t n, std::size_t people = 5) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> unit(0, 1);
    std::uniform_int_distribution<std::size_t> who(0, people - 1);
    std::int64_t t = 1'700'000'000LL * 1'000'000;
    std::vector<interaction> log;
    const char* channels[] = {"email", "message", "call", "meeting"};
    for (std::size_t i = 0; i < n; ++i) {
        const double gap = unit(rng);
        // minutes, hours, days or weeks apart; sometimes the same instant
        t += gap < 0.1 ? 0 : gap < 0.4 ? static_cast<std::int64_t>(unit(rng) * 5 * hour_us)
                         : gap < 0.8 ? static_cast<std::int64_t>(unit(rng) * 4 * day_us)
                                     : static_cast<std::int64_t>(unit(rng) * 40 * day_us);
        interaction e;
        const std::size_t a = who(rng);
        std::size_t b = who(rng);
        while (b == a) b = who(rng);
        e.source = relscore::test::person_name(a);
        e.target = relscore::test::person_name(b);
        e.time = from_micros(t);
        e.channel = channels[std::uniform_int_distribution<int>(0, 3)(rng)];
        e.mutual = e.channel == std::string("meeting") || unit(rng) < 0.05;
        log.push_back(e);
    }
    return log;
}

// The settings the statistics are tested with: the defaults, and others that move every
// boundary (a reply window of 2 days, touches 6 hours apart, a 3-day rhythm floor).
inline scorer_config insight_settings(int which) {
    scorer_config c;
    if (which == 1) {
        c.insight.reply_window = std::chrono::days{2};
        c.insight.touch_gap = std::chrono::hours{6};
        c.insight.trend_horizon = std::chrono::days{10};
        c.insight.trend_threshold = 0.1;
        c.insight.min_rhythm = std::chrono::days{3};
        c.insight.new_tie_rhythm = std::chrono::days{9};
    }
    return c;
}

}  // namespace relscore::test
