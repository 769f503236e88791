#pragma once
// A textbook product-limit (Kaplan–Meier) estimator over raw latencies and censoring
// times, and the bins in which relscore's binned quartiles are documented to be exact
// (docs/concepts.md: "a quantile is exact to within its bin"). Nothing here uses
// relscore::detail: the reference must not share code with what it checks.

#include <relscore/relscore.hpp>

#include <cmath>
#include <cstdint>
#include <climits>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

namespace relscore::test {

constexpr std::int64_t km_minute_us = 60'000'000LL;
// Bins of a factor 2 from one minute; the last one, from 2^14 minutes (about 11 days), is
// open (detail/history.hpp's design notes), so its quantiles are interpolated up to 2^15.
constexpr int km_last_bin = 15;

// S(t) = Π_{event times t_i ≤ t} (1 − d_i / n_i), n_i counting everyone still observed at
// t_i (a censoring at t_i is at risk at t_i). The q-quantile is the first event time where
// S ≤ 1 − q; none if S never gets there.
inline std::optional<std::int64_t> product_limit_quantile(const std::vector<std::int64_t>& events,
                                                          const std::vector<std::int64_t>& censored, double q) {
    std::map<std::int64_t, std::pair<std::size_t, std::size_t>> at;  // time -> (events, censorings)
    for (auto t : events) ++at[t].first;
    for (auto t : censored) ++at[t].second;
    double n = static_cast<double>(events.size() + censored.size());
    double survival = 1;
    for (const auto& [t, dc] : at) {
        if (dc.first > 0) {
            survival *= 1 - static_cast<double>(dc.first) / n;
            // 1e-12: a product of exact fractions such as 1/2·1/2 must reach 0.25.
            if (survival <= 1 - q + 1e-12) return t;
        }
        n -= static_cast<double>(dc.first + dc.second);
    }
    return std::nullopt;
}

inline int km_bin_of(std::int64_t us) {
    if (us < km_minute_us) return 0;
    const int k = static_cast<int>(std::floor(std::log2(static_cast<double>(us) / static_cast<double>(km_minute_us)))) + 1;
    return k < km_last_bin ? k : km_last_bin;
}
// Bin 0 is [0, 1 min) but interpolates from 30 s.
inline std::int64_t km_bin_lower(int k) { return k == 0 ? km_minute_us / 2 : km_minute_us << (k - 1); }
// The last bin is open: interpolated up to the pair's span (detail/history.hpp).
inline std::int64_t km_bin_upper(int k) { return k == km_last_bin ? INT64_MAX : km_minute_us << k; }

// Where a censoring moves to when it is put at the start (before every answer) or the end
// (after every answer) of its bin.
inline std::int64_t km_bin_start(std::int64_t us) { return km_bin_of(us) == 0 ? -1 : km_bin_lower(km_bin_of(us)) - 1; }
inline std::int64_t km_bin_end(std::int64_t us) {
    return km_bin_of(us) == km_last_bin ? INT64_MAX : km_bin_upper(km_bin_of(us)) - 1;
}

// What docs/concepts.md promises for a binned quantile: binned data do not say whether a
// censoring came before or after the answers in its bin, so the actuarial estimator lies
// between the product-limit estimates with every censoring at the start of its bin (the
// earliest quantile) and at its end (the latest), each to within its bin. Without a
// censoring in an answer's bin both are the exact product-limit quantile.
inline bool within_documented_bounds(const std::optional<duration>& binned, const std::vector<std::int64_t>& events,
                                     const std::vector<std::int64_t>& censored, double q) {
    std::vector<std::int64_t> early, late;
    for (auto c : censored) {
        early.push_back(km_bin_start(c));
        late.push_back(km_bin_end(c));
    }
    const auto first = product_limit_quantile(events, early, q), last = product_limit_quantile(events, late, q);
    if (!first) return !binned;           // not reached even when censorings weigh least
    if (!binned) return !last;            // absent only if it may be
    if (binned->count() < km_bin_lower(km_bin_of(*first))) return false;
    return !last || binned->count() <= km_bin_upper(km_bin_of(*last));
}

}  // namespace relscore::test
