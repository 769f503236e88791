#pragma once
// Seeded random interaction logs with the awkward cases the engine must handle:
// out-of-order times, exact duplicates, equal timestamps, mutual interactions, explicit
// weights, several channels, and spans from minutes to a century.

#include <relscore/relscore.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace relscore::test {

struct log_shape {
    std::size_t people = 8;
    std::size_t interactions = 200;
    std::int64_t span_us = std::int64_t{86400} * 1'000'000 * 365;  // one year
    std::int64_t start_us = 1'600'000'000LL * 1'000'000;
};

// "p<i>", built with fmt-free snprintf: GCC 12 warns falsely on "p" + std::to_string(i)
// (-Wrestrict, GCC bug 105651).
inline std::string person_name(std::size_t i) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "p%zu", i);
    return buf;
}

inline std::vector<interaction> random_log(std::uint64_t seed, const log_shape& shape,
                                           const channel_registry& channels = channel_registry::defaults()) {
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<std::size_t> who(0, shape.people - 1);
    std::uniform_int_distribution<std::int64_t> when(0, shape.span_us);
    std::uniform_int_distribution<std::size_t> which(0, channels.size() - 1);
    std::uniform_real_distribution<double> unit(0, 1);
    std::vector<interaction> log;
    while (log.size() < shape.interactions) {
        const double roll = unit(rng);
        if (!log.empty() && roll < 0.05) {  // an exact duplicate
            log.push_back(log[std::uniform_int_distribution<std::size_t>(0, log.size() - 1)(rng)]);
            continue;
        }
        interaction e;
        const std::size_t a = who(rng);
        std::size_t b = who(rng);
        while (b == a) b = who(rng);
        e.source = person_name(a);
        e.target = person_name(b);
        e.time = from_micros(shape.start_us + when(rng));
        if (!log.empty() && roll < 0.15) e.time = log.back().time;  // equal timestamps
        e.channel = channels[static_cast<channel_id>(which(rng))].name;
        if (unit(rng) < 0.3) e.weight = unit(rng) * 4;
        if (unit(rng) < 0.05) e.weight = 0.0;
        e.mutual = unit(rng) < 0.2;
        log.push_back(std::move(e));
    }
    return log;  // in random time order: out-of-order by construction
}

// The default channels plus a power-law one ("chat") and a window one ("meeting"): every
// kernel shape, for tests that must hold whatever the kernels.
inline channel_registry with_every_kernel() {
    channel_registry r = channel_registry::defaults();
    r.define({"chat", 0.5, std::chrono::days{30}, decay_kernel::power_law(std::chrono::days{2}, 1.2)});
    r.define({"meeting", 3.0, std::chrono::days{1}, decay_kernel::window(std::chrono::days{30})});
    return r;
}

}  // namespace relscore::test
