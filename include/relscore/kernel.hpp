#pragma once
/// \file kernel.hpp
/// Decay kernels: how the worth of one interaction fades with its age Δ.
///
/// - **exponential** (the default): K(Δ) = 2^(−Δ/h), h the channel's half-life. Exact and
///   O(1) per interaction: one decayed sum per direction.
/// - **power law**: K(Δ) = (1 + Δ/τ)^(−β). Memory that fades fast at first and then holds
///   on (an old friend is not forgotten at the rate a recent acquaintance is). Kept O(1)
///   per interaction by writing it as a sum of exponentials,
///       (1 + x)^(−β) = (1/Γ(β)) ∫ s^(β−1) e^(−s) e^(−s·x) ds
///                    = (1/Γ(β)) ∫ e^(β·u − e^u) e^(−e^u·x) du         (s = e^u),
///   and the trapezoidal rule in u with step δ over [u_min, u_max]: each node is one
///   exponential with rate e^(u_k)/τ and weight δ·e^(β·u_k − e^(u_k))/Γ(β). The integrand
///   falls doubly exponentially at both ends, so the rule converges geometrically in 1/δ;
///   u_min is set by the range the kernel must hold (beyond it the sum decays faster than
///   the power law). The step is halved until the largest relative error over [0, range]
///   (on a dense grid) is below 1e-3; the error reached is reported.
/// - **window**: K(Δ) = 1 for Δ < L, else 0. A hard window has no O(1) sum form, so its
///   interactions are kept (per pair, only those still inside the window of the pair's
///   newest interaction), and a query adds up the ones inside [t − L, t].

#include <cmath>
#include <cstdint>
#include <numbers>
#include <vector>

#include <relscore/error.hpp>
#include <relscore/time.hpp>

RELSCORE_BEGIN_NAMESPACE

/// How a channel's interactions fade.
struct decay_kernel {
    enum class shape : std::uint8_t { exponential, power_law, window };
    shape kind = shape::exponential;
    duration scale{};       ///< power law: τ; window: the window length L
    double exponent = 0;    ///< power law: β > 0
    duration range{};       ///< power law: the ages over which the approximation is held to its error

    /// (1 + Δ/τ)^(−β), approximated to within 1e-3 relative over Δ ∈ [0, range]
    /// (default range: 1000·τ).
    [[nodiscard]] static decay_kernel power_law(duration tau, double beta, duration range = {}) {
        return {shape::power_law, tau, beta, range.count() > 0 ? range : tau * 1000};
    }
    /// 1 inside the last `length`, 0 before.
    [[nodiscard]] static decay_kernel window(duration length) { return {shape::window, length, 0, {}}; }

    friend bool operator==(const decay_kernel&, const decay_kernel&) = default;
};

/// One exponential term of a kernel: coefficient · 2^(−Δ/half_life).
struct exponential_term {
    double coefficient = 1;
    double half_life_us = 0;
};

/// A kernel written as exponential terms, and the largest relative error of that sum
/// over its range (0 for the exponential kernel; the window kernel has no terms).
struct kernel_terms {
    std::vector<exponential_term> terms;
    double max_relative_error = 0;
};

namespace detail {

[[nodiscard]] inline double power_law_value(double x_over_tau, double beta) { return std::pow(1 + x_over_tau, -beta); }

[[nodiscard]] inline double terms_value(const std::vector<exponential_term>& terms, double age_us) {
    double v = 0;
    for (const auto& t : terms) v += t.coefficient * std::exp2(-age_us / t.half_life_us);
    return v;
}

[[nodiscard]] inline kernel_terms power_law_terms(double tau_us, double beta, double range_us) {
    const double log_gamma = std::lgamma(beta);
    const double u_max = std::log(60.0 + 4 * beta);              // e^(−s)·s^β is negligible beyond
    // The terms left out below u_min weigh about e^(β·u_min)/(β·Γ(β)) against a kernel value of
    // (1 + range/τ)^(−β) at the far end of the range: keep that below 1e-4.
    const double u_min = (std::log(1e-4 * beta) + log_gamma) / beta - std::log1p(range_us / tau_us);
    kernel_terms out;
    for (double step = 1.0; step > 1.0 / 64; step /= 2) {
        out.terms.clear();
        for (double u = u_max; u >= u_min; u -= step) {
            const double rate_per_tau = std::exp(u);
            const double coefficient = step * std::exp(beta * u - rate_per_tau - log_gamma);
            out.terms.push_back({coefficient, std::numbers::ln2 * tau_us / rate_per_tau});
        }
        out.max_relative_error = 0;
        for (int i = 0; i <= 400; ++i) {  // ages 0 and 10^(−3) .. 1 of the range, log-spaced
            const double age = i == 0 ? 0.0 : range_us * std::pow(10.0, -3.0 + 3.0 * (i - 1) / 399.0);
            const double exact = power_law_value(age / tau_us, beta);
            out.max_relative_error = std::max(out.max_relative_error, std::fabs(terms_value(out.terms, age) - exact) / exact);
        }
        if (out.max_relative_error < 1e-3) break;
    }
    return out;
}

}  // namespace detail

RELSCORE_END_NAMESPACE
