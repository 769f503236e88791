#pragma once
/// \file detail/decay.hpp
/// Design notes: exponentially decayed sums, exact and O(1) per event, over any span.
///
/// Two forms of V(t) = Σ w_i · 2^(−(t − t_i)/h), both exact to a few ulps at any span:
/// - A pair's kernel sums (the hot path: every interaction adds to one) are forward
///   decayed from a landmark the pair's sums share (below): one double each, one exp2
///   per event, and a landmark moved only when a term would grow past 2^880.
/// - A standalone decayed_sum (a history's paces, the link features) is a pair (value,
///   ref): the sum's value at `ref`, the newest event time folded in so far. An event at
///   t ≥ ref: value ← value · 2^(−(t − ref)/h) + w, ref ← t; one at t < ref: value ←
///   value + w · 2^(−(ref − t)/h); a query at t ≥ ref: value · 2^(−(t − ref)/h); a merge
///   decays the older one to the newer one's ref and adds. Every factor is ≤ 1.
/// Factors below 2^−1022 and values below DBL_MIN are flushed to zero, so no denormal
/// ever enters the state (denormal arithmetic is ~100× slower on x86). The flush changes
/// a result only where it is already below 2.2e−308 times the weights involved.

#include <algorithm>
#include <bit>
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
/// This is forward decay (Cormode et al. 2009). Its factor grows with t − L, so once a
/// term would grow past 2^max_growth_half_lives the pair moves L to the event's time and
/// decays its sums to it. Every factor is split into whole half-lives (an exact power of
/// two) and the fraction of one (its numerator is exact for a half-life of whole
/// microseconds): so a factor is within an ulp or two of 2^x however large x is, and the
/// growth can use most of the double range. A stored sum is at most 2^880 times the
/// plain sum of its weights (2^994 after 2^64 interactions at max_weight, limits.hpp),
/// below max_stored_sum.
inline constexpr double max_growth_half_lives = 880.0;
inline constexpr double max_stored_sum = 0x1p1000;

/// 2^k for a whole k in [−1022, 1023], exactly.
[[nodiscard]] inline double power_of_two(std::int64_t k) noexcept {
    return std::bit_cast<double>(static_cast<std::uint64_t>(k + 1023) << 52);
}

/// dt/h as whole half-lives q (rounded down) and the fraction of one, r (~[0, 1)).
struct half_lives {
    std::int64_t whole;
    double fraction;
};
/// `per_half_life` is 1/h (ingest has it at hand: a multiplication instead of a
/// division; the fraction is then within 2 ulps of 1, the factor as precise).
[[nodiscard]] inline half_lives split_half_lives(std::int64_t dt_us, double half_life_us, double per_half_life) noexcept {
    // Clamped where a whole count would not fit 64 bits (a power law's sub-microsecond
    // terms over centuries): a value that far from its landmark is 0 either way.
    const double dt = static_cast<double>(dt_us), x = std::clamp(dt * per_half_life, -0x1p62, 0x1p62);
    auto q = static_cast<std::int64_t>(x);  // toward zero, then down
    if (static_cast<double>(q) > x) --q;
    return {q, (dt - static_cast<double>(q) * half_life_us) * per_half_life};
}
[[nodiscard]] inline half_lives split_half_lives(std::int64_t dt_us, double half_life_us) noexcept {
    return split_half_lives(dt_us, half_life_us, 1.0 / half_life_us);
}

/// Whole half-lives in dt_us ≥ 0, never more than a decay by split_half_lives() halves
/// by: its `whole`, or one fewer where its fraction came out below 0 (then the factor
/// 2^−fraction is above 1). One fewer than that at worst (for counts below 2^40, far past
/// the 2044 where every value is 0): 1/h made smaller by 2^−50 keeps the quotient below
/// the true one, whatever the rounding. Bounds use it: a decay by these halvings alone
/// is at least the exact one and at most four times it (where the exact one is not
/// flushed to 0).
[[nodiscard]] inline std::int64_t half_lives_at_most(std::int64_t dt_us, double per_half_life) noexcept {
    return static_cast<std::int64_t>(std::min(static_cast<double>(dt_us) * (per_half_life * (1 - 0x1p-50)), 0x1p62));
}

/// 2^(dt/h) for a term dt after the landmark (at most max_growth_half_lives half-lives),
/// or 2^(−|dt|/h) for one before it, flushed to 0 below the smallest normal double.
[[nodiscard]] inline double growth_factor(std::int64_t dt_us, double half_life_us, double per_half_life) noexcept {
    if (dt_us == 0) return 1.0;  // a term at the landmark (a pair's first interaction, equal times)
    const half_lives x = split_half_lives(dt_us, half_life_us, per_half_life);
    return x.whole < -1022 ? 0.0 : power_of_two(x.whole) * std::exp2(x.fraction);
}

/// v · 2^−times (times ≥ 0, v ≤ max_stored_sum), flushed to 0 below the smallest normal
/// double: in two exact steps past 2^−1022 (the first can lose bits only of a result
/// that is flushed anyway).
[[nodiscard]] inline double halved(double v, std::int64_t times) noexcept {
    if (times <= 1022) return flush_denormal(v * power_of_two(-times));
    if (times <= 2044) return flush_denormal(v * power_of_two(-1022) * power_of_two(-(times - 1022)));
    return 0.0;  // below 2^−1042 · 2^1002
}

/// A sum stored at the landmark, `age` after it (≥ 0): S · 2^(−age/h), flushed to 0 below
/// the smallest normal double.
[[nodiscard]] inline double value_after(double stored, std::int64_t age_us, double half_life_us, double per_half_life) noexcept {
    if (age_us <= 0) return stored;
    const half_lives x = split_half_lives(age_us, half_life_us, per_half_life);
    return halved(stored * std::exp2(-x.fraction), x.whole);
}
[[nodiscard]] inline double value_after(double stored, std::int64_t age_us, double half_life_us) noexcept {
    return value_after(stored, age_us, half_life_us, 1.0 / half_life_us);
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
