#pragma once
/// \file detail/decay.hpp
/// Design notes: exponentially decayed sums, exact and O(1) per event, over any span.
///
/// A decayed sum V(t) = Σ w_i · 2^(−(t − t_i)/h) is kept as a pair (value, ref): the sum's
/// exact value at time `ref`, the newest event time folded in so far. Then
///  - an event at t ≥ ref: value ← value · 2^(−(t − ref)/h) + w, ref ← t;
///  - an event at t < ref (out of order): value ← value + w · 2^(−(ref − t)/h);
///  - a query at t ≥ ref: value · 2^(−(t − ref)/h);
///  - a merge of two sums: the older one is decayed to the newer one's ref and added.
/// Every factor is ≤ 1, so nothing overflows however long the span (plain forward decay,
/// Cormode et al. 2009, multiplies by 2^(+(t − L)/h), which overflows a double after
/// 1024 half-lives — six weeks at a 1-hour half-life — and must rescale; this is that
/// scheme with the landmark rescaled at every event). Factors below 2^−1022 and values
/// below DBL_MIN are flushed to zero, so no denormal ever enters the state (denormal
/// arithmetic is ~100× slower on x86). The flush changes a result only where it is
/// already below 2.2e−308 times the weights involved.

#include <cfloat>
#include <cmath>
#include <cstdint>

#include <relscore/version.hpp>

RELSCORE_BEGIN_NAMESPACE
namespace detail {

/// 2^(−dt/h) for dt ≥ 0 (1 for dt ≤ 0), flushed to 0 below the smallest normal double.
[[nodiscard]] inline double decay_factor(std::int64_t dt_us, double half_life_us) noexcept {
    if (dt_us <= 0) return 1.0;
    const double x = static_cast<double>(dt_us) / half_life_us;
    return x < 1022.0 ? std::exp2(-x) : 0.0;
}

[[nodiscard]] inline double flush_denormal(double v) noexcept { return v < DBL_MIN ? 0.0 : v; }

/// A pair's decayed sums share one landmark L (the pair's anchor, detail/pair_store.hpp),
/// so each sum is one double: S = Σ w_i · 2^((t_i − L)/h), its value at L. Adding an event
/// is S += w · 2^((t − L)/h), in or out of order; the value at t ≥ L is S · 2^(−(t − L)/h).
/// This is forward decay (Cormode et al. 2009): the factor grows with t − L, so once a
/// term would grow past 2^max_growth_half_lives the pair moves L to the event's time and
/// decays its sums to it (a few multiplications per that many half-lives). A stored sum
/// is thus at most 2^32 times the plain sum of its weights, and 8 bytes instead of 16.
inline constexpr double max_growth_half_lives = 32.0;

/// 2^(dt/h) for a term dt after the landmark (dt ≤ max_growth_half_lives half-lives), or
/// 2^(−|dt|/h) for one before it, flushed to 0 below the smallest normal double.
[[nodiscard]] inline double growth_factor(std::int64_t dt_us, double half_life_us) noexcept {
    const double x = static_cast<double>(dt_us) / half_life_us;
    return x > -1022.0 ? std::exp2(x) : 0.0;
}

/// One decayed sum, as described above.
struct decayed_sum {
    double value = 0.0;
    std::int64_t ref_us = 0;

    void add(double weight, std::int64_t t_us, double half_life_us) noexcept {
        weight = flush_denormal(weight);  // a weight below DBL_MIN counts as 0, in every direction alike
        if (t_us >= ref_us) {
            value = flush_denormal(value * decay_factor(t_us - ref_us, half_life_us)) + weight;
            ref_us = t_us;
        } else {
            value += flush_denormal(weight * decay_factor(ref_us - t_us, half_life_us));
        }
    }

    void merge(const decayed_sum& other, double half_life_us) noexcept { add(other.value, other.ref_us, half_life_us); }

    [[nodiscard]] double at(std::int64_t t_us, double half_life_us) const noexcept {
        return flush_denormal(value * decay_factor(t_us - ref_us, half_life_us));
    }

    friend bool operator==(const decayed_sum&, const decayed_sum&) = default;
};

}  // namespace detail
RELSCORE_END_NAMESPACE
