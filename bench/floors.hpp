#pragma once
// Floors: plain code that does only what holding the model's decayed volumes exactly
// needs, so the engine's ingest can be measured against that, not only against the `+=`
// loop. Plain, not tuned (a slot for every channel and direction, no prefetching): a
// measure of what the volumes cost, not a proven lower bound.
//
// A pair's state here is what volumes alone need and nothing more: its key, a landmark
// time, and one double per channel and direction, each the sum of w · 2^((t − L)/h) at
// the landmark L, moved (the sums rescaled) before a term could pass 2^600. No names, no
// validation, no counts or times kept, no conversation rules, no time-order or
// row-order guarantee, no tie lists: everything the engine carries beyond this is
// features. Both floors check the reference's total volume, as the engine's benchmarks do.
//
//  - stream: one interaction at a time, the record inside the hash map (one probe);
//  - bulk:   a stable scatter into 1,024 partitions by a hash of the pair, a small table
//            per partition (records made while the partition is in cache), then one index
//            over all records, as a scorer needs for its queries.

#include "synthetic.hpp"

#include <boost/unordered/unordered_flat_map.hpp>

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace relscore::bench::floors {

// Up to 8 channels (the default registry has fewer), two directions each.
constexpr std::size_t max_channels = 8;

struct volumes {
    std::int64_t landmark_us = 0;
    std::array<double, 2 * max_channels> sums{};
};

// Each channel's weight and 1 / half-life (per microsecond).
struct channel_table {
    std::array<double, max_channels> weight{}, per_us{};
    explicit channel_table(const channel_registry& channels) {
        if (channels.size() > max_channels) throw std::invalid_argument("floors: more than 8 channels");
        for (channel_id c = 0; c < channels.size(); ++c) {
            weight[c] = channels[c].weight;
            per_us[c] = 1.0 / static_cast<double>(channels[c].half_life.count());
        }
    }
};

// Interaction i of `log`'s direction: 0 lo→hi, 1 hi→lo, 2 mutual.
inline unsigned direction(const synthetic_log& log, std::size_t i) {
    return log.mutual[i] != 0 ? 2 : log.source[i] < log.target[i] ? 0 : 1;
}

// Adds an interaction at t on channel c in direction dir to `v` (a new record has
// landmark_us == its first time).
inline void add_to(volumes& v, std::int64_t t, std::size_t c, unsigned dir, const channel_table& ch) {
    double x = static_cast<double>(t - v.landmark_us) * ch.per_us[c];
    if (x > 600) {  // move the landmark to t: every sum decays to it
        for (std::size_t k = 0; k < 2 * max_channels; ++k)
            if (v.sums[k] != 0) v.sums[k] *= std::exp2(-static_cast<double>(t - v.landmark_us) * ch.per_us[k / 2]);
        v.landmark_us = t;
        x = 0;
    }
    const double term = ch.weight[c] * std::exp2(x);
    if (dir == 2) {
        v.sums[2 * c] += term;
        v.sums[2 * c + 1] += term;
    } else {
        v.sums[2 * c + dir] += term;
    }
}

// Σ of every sum decayed to time t.
inline long double total_at(const volumes& v, std::int64_t t, const channel_table& ch) {
    long double total = 0;
    for (std::size_t k = 0; k < 2 * max_channels; ++k)
        if (v.sums[k] != 0) total += v.sums[k] * std::exp2(-static_cast<long double>(t - v.landmark_us) * ch.per_us[k / 2]);
    return total;
}

// Streaming: each interaction's record found (or made) in one hash probe.
class stream {
public:
    void ingest(const synthetic_log& log, const channel_table& ch) {
        for (std::size_t i = 0; i < log.size(); ++i) {
            const auto [it, fresh] = m_pairs.try_emplace(undirected_key(log.source[i], log.target[i]));
            if (fresh) it->second.landmark_us = log.time_us[i];
            add_to(it->second, log.time_us[i], static_cast<std::size_t>(log.channel[i]), direction(log, i), ch);
        }
    }
    [[nodiscard]] std::size_t pairs() const noexcept { return m_pairs.size(); }
    [[nodiscard]] long double total_at(std::int64_t t, const channel_table& ch) const {
        long double total = 0;
        for (const auto& [key, v] : m_pairs) total += floors::total_at(v, t, ch);
        return total;
    }

private:
    boost::unordered_flat_map<std::uint64_t, volumes> m_pairs;
};

// Bulk: partition by pair, aggregate each partition in cache, then index the records.
class bulk {
public:
    void ingest(const synthetic_log& log, const channel_table& ch) {
        constexpr unsigned bits = 10;
        const auto partition_of = [](std::uint64_t key) { return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ULL) >> (64 - bits)); };
        const std::size_t n = log.size();
        std::vector<std::size_t> offset((std::size_t{1} << bits) + 1, 0);
        for (std::size_t i = 0; i < n; ++i) ++offset[partition_of(undirected_key(log.source[i], log.target[i])) + 1];
        for (std::size_t p = 1; p < offset.size(); ++p) offset[p] += offset[p - 1];
        std::vector<std::size_t> cursor(offset.begin(), offset.end() - 1);
        struct event {  // what applying needs, carried along so that every pass is sequential
            std::uint64_t key;
            std::int64_t time_us;
            std::uint32_t channel, dir;
        };
        std::vector<event> events(n);
        for (std::size_t i = 0; i < n; ++i) {
            const std::uint64_t key = undirected_key(log.source[i], log.target[i]);
            events[cursor[partition_of(key)]++] = {key, log.time_us[i], static_cast<std::uint32_t>(log.channel[i]), direction(log, i)};
        }
        boost::unordered_flat_map<std::uint64_t, std::uint32_t> local;
        for (std::size_t p = 0; p + 1 < offset.size(); ++p) {
            local.clear();
            for (std::size_t j = offset[p]; j < offset[p + 1]; ++j) {
                const event& e = events[j];
                const auto [it, fresh] = local.try_emplace(e.key, static_cast<std::uint32_t>(m_records.size()));
                if (fresh) {
                    m_records.push_back({e.time_us, {}});
                    m_keys.push_back(e.key);
                }
                add_to(m_records[it->second], e.time_us, e.channel, e.dir, ch);
            }
        }
        m_index.reserve(m_records.size());
        for (std::uint32_t r = 0; r < m_records.size(); ++r) m_index.emplace(m_keys[r], r);
    }
    [[nodiscard]] std::size_t pairs() const noexcept { return m_index.size(); }
    [[nodiscard]] long double total_at(std::int64_t t, const channel_table& ch) const {
        long double total = 0;
        for (const volumes& v : m_records) total += floors::total_at(v, t, ch);
        return total;
    }

private:
    std::vector<volumes> m_records;
    std::vector<std::uint64_t> m_keys;
    boost::unordered_flat_map<std::uint64_t, std::uint32_t> m_index;
};

}  // namespace relscore::bench::floors
