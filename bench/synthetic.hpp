#pragma once
// Seeded synthetic interaction logs for the benchmarks, with an independent checksum.
//
// Shape: a pool of `pairs` distinct pairs whose people have heavy-tailed (Zipf-like)
// popularity; each interaction picks a pair with a heavy-tailed preference (pair j with
// density ∝ 1/sqrt(j)), a random direction, one of the five default channels, and is
// mutual one time in ten. Times are bursty: 90% of gaps are short (mean 30 s), 10% long
// (mean 3.3 h). Not every pair of the pool is always drawn: `distinct_pairs` says how
// many were.

#include <relscore/relscore.hpp>

#include <boost/unordered/unordered_flat_set.hpp>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace relscore::bench {

struct synthetic_log {
    // The interactions as columns (what bulk ingest takes, and what numpy would hold).
    std::vector<std::int64_t> time_us, source, target, channel;
    std::vector<std::uint8_t> mutual;
    std::vector<std::string> channel_names;  // the default registry's, by id
    person_id people = 0;
    std::size_t distinct_pairs = 0;
    std::int64_t newest_us = 0;
    // Σ over every relationship of V_ab + V_ba at the newest time, straight from the
    // definition in long double: what every ingest path must reproduce.
    long double total_volume = 0;

    [[nodiscard]] std::size_t size() const noexcept { return time_us.size(); }
    [[nodiscard]] dense_interaction dense(std::size_t i) const {
        return {from_micros(time_us[i]), static_cast<person_id>(source[i]), static_cast<person_id>(target[i]),
                static_cast<channel_id>(channel[i]), std::nullopt, mutual[i] != 0};
    }
    [[nodiscard]] interaction_columns columns() const {
        return {.time_us = time_us, .source = source, .target = target, .channel = channel,
                .channel_names = channel_names, .mutual = mutual};
    }
};

inline std::uint64_t undirected_key(std::int64_t a, std::int64_t b) {
    return (static_cast<std::uint64_t>(std::min(a, b)) << 32) | static_cast<std::uint64_t>(std::max(a, b));
}

// Σ_i w_i · 2^(−(T − t_i)/h_i) · (2 if mutual), T the newest time: each interaction's
// contribution to the two directed volumes at T.
inline long double reference_total_volume(const synthetic_log& log, const channel_registry& channels) {
    long double total = 0;
    for (std::size_t i = 0; i < log.size(); ++i) {
        const channel& c = channels[static_cast<channel_id>(log.channel[i])];
        const long double age = static_cast<long double>(log.newest_us - log.time_us[i]);
        const long double v = c.weight * std::exp2(-age / static_cast<long double>(c.half_life.count()));
        total += log.mutual[i] ? 2 * v : v;
    }
    return total;
}

inline synthetic_log make_log(std::size_t n, std::size_t pairs, std::uint64_t seed = 42) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> unit(0, 1);
    synthetic_log log;
    const auto& channels = channel_registry::defaults();
    for (channel_id c = 0; c < channels.size(); ++c) log.channel_names.push_back(channels[c].name);

    // The pair pool: enough people that `pairs` distinct pairs exist among the popular ones.
    log.people = static_cast<person_id>(std::max<double>(64, 4 * std::sqrt(static_cast<double>(pairs))));
    std::vector<double> popularity(log.people);
    for (person_id i = 0; i < log.people; ++i) popularity[i] = 1.0 / std::pow(i + 1.0, 0.8);
    std::discrete_distribution<person_id> who(popularity.begin(), popularity.end());
    std::vector<std::pair<std::int64_t, std::int64_t>> pool;
    pool.reserve(pairs);
    boost::unordered_flat_set<std::uint64_t> in_pool;
    in_pool.reserve(pairs);
    while (pool.size() < pairs) {
        const std::int64_t a = who(rng), b = who(rng);
        if (a != b && in_pool.insert(undirected_key(a, b)).second) pool.emplace_back(a, b);
    }

    log.time_us.reserve(n);
    log.source.reserve(n);
    log.target.reserve(n);
    log.channel.reserve(n);
    log.mutual.reserve(n);
    std::exponential_distribution<double> gap(1.0 / 600.0);  // seconds
    double t = 1.6e9;
    for (std::size_t i = 0; i < n; ++i) {
        t += unit(rng) < 0.9 ? gap(rng) * 0.05 : gap(rng) * 20;
        const double u = unit(rng);
        const auto& [a, b] = pool[std::min(pairs - 1, static_cast<std::size_t>(static_cast<double>(pairs) * u * u))];
        const bool forward = rng() & 1;
        log.time_us.push_back(static_cast<std::int64_t>(t * 1e6));
        log.source.push_back(forward ? a : b);
        log.target.push_back(forward ? b : a);
        log.channel.push_back(static_cast<std::int64_t>(rng() % channels.size()));
        log.mutual.push_back(unit(rng) < 0.1);
    }
    log.newest_us = log.time_us.empty() ? 0 : log.time_us.back();
    boost::unordered_flat_set<std::uint64_t> seen;
    for (std::size_t i = 0; i < n; ++i) seen.insert(undirected_key(log.source[i], log.target[i]));
    log.distinct_pairs = seen.size();
    log.total_volume = reference_total_volume(log, channels);
    return log;
}

}  // namespace relscore::bench
