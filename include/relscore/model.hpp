#pragma once
/// \file model.hpp
/// The scoring model's formulas, as plain functions of the two directed volumes.
///
/// Directed volume of a toward b at time t:
///     V_ab(t) = Σ over interactions a→b (and mutual ones) with t_i ≤ t of w_i · 2^(−(t − t_i)/h_c(i))
/// Reciprocity:
///     r_ab = 2·min(V_ab, V_ba) / (V_ab + V_ba), and 0 when both are 0
/// Strength, with ρ ∈ [0, 1] the reciprocity weight:
///     S_ab = (1 − ρ)·(V_ab + V_ba) + ρ·2·min(V_ab, V_ba)
/// ρ = 0 ignores direction; ρ = 1 counts only reciprocated volume (Squartini et al. 2013).
/// S is symmetric, non-decreasing in each direction, and equals V_ab + V_ba for a
/// perfectly balanced tie.

#include <algorithm>

#include <relscore/version.hpp>

RELSCORE_BEGIN_NAMESPACE

/// r_ab = 2·min(V_ab, V_ba) / (V_ab + V_ba), in [0, 1]; 0 when both volumes are 0.
[[nodiscard]] constexpr double reciprocity(double volume_ab, double volume_ba) noexcept {
    const double total = volume_ab + volume_ba;
    return total > 0 ? 2 * std::min(volume_ab, volume_ba) / total : 0.0;
}

/// S_ab = (1 − ρ)·(V_ab + V_ba) + ρ·2·min(V_ab, V_ba).
[[nodiscard]] constexpr double strength(double volume_ab, double volume_ba, double rho) noexcept {
    return (1 - rho) * (volume_ab + volume_ba) + rho * 2 * std::min(volume_ab, volume_ba);
}

RELSCORE_END_NAMESPACE
