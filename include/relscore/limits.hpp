#pragma once
/// \file limits.hpp
/// The largest weight an interaction may carry and the largest total a scorer keeps, so
/// that no stored sum and no query result can reach inf or NaN.
///
/// Design notes (issue 19)
/// - Every decayed sum is stored at its pair's landmark (detail/decay.hpp), each term
///   grown by at most 2^880 (max_growth_half_lives), so a stored sum never exceeds 2^880
///   times the plain sum of the weights folded into it (times the kernel's component
///   weights, each <= 1); its value at any time from the pair's last interaction on,
///   what queries read, never exceeds that plain sum.
/// - Ingest: each weight (an interaction's, or a channel's default) is at most
///   max_weight = 1e15. A CRM weight is a small multiplier (1 for an email, 5 for a
///   meeting); even a weight in cents of a 10-billion deal is 1e12. A scorer ingests
///   fewer than 2^64 interactions (the counters are 64-bit), so ingest alone keeps every
///   value below 2^64 · 1e15 ≈ 1.8e34, and every stored sum below 2^994.
/// - Merge: merging a scorer into itself doubles its sums, so repeated merges could still
///   grow without bound. merge() therefore refuses (before changing anything) when a
///   merged sum's value could exceed max_total = 1e100, far above anything ingest
///   reaches, or a stored one 2^1000 (detail::max_stored_sum).
/// - Counts: a relationship holds at most max_pair_interactions (2^32 - 1) interactions,
///   the width of its record's counters; every count kept for it (touches, replies,
///   conversations, histogram bins) is at most its number of interactions. Ingest and
///   merge() refuse, before changing anything, what would take a relationship past it
///   (repeated self-merges reach it after about 30 doublings, long before max_total), and
///   a snapshot that holds more is refused as corrupted.
/// - Queries add and multiply a few sums (volumes, reciprocity, a person's ties, chain
///   products); with every sum below ~1e100 each of these stays far inside the
///   double range (1.8e308).

#include <cstddef>
#include <cstdint>
#include <cmath>
#include <cstdio>
#include <string>

#include <relscore/version.hpp>

RELSCORE_BEGIN_NAMESPACE

/// The largest weight of one interaction or of a channel's default weight (1e15).
inline constexpr double max_weight = 1e15;
/// The largest value a stored sum may reach through merge() (1e100).
inline constexpr double max_total = 1e100;
/// The most interactions one relationship may hold (2^32 - 1: its counters are 32 bits).
inline constexpr std::uint64_t max_pair_interactions = 4294967295;

namespace detail {

/// Names (people, channels) longer than this are refused (a guard against a wrong column).
inline constexpr std::size_t max_name_bytes = 4096;

/// True for a weight relscore accepts: finite, >= 0 and <= max_weight (false for NaN).
[[nodiscard]] constexpr bool weight_in_range(double w) noexcept { return w >= 0 && w <= max_weight; }

/// A number short enough for an error message (std::to_string(1e308) has 300 digits).
[[nodiscard]] inline std::string short_number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

/// The message for a weight out of range, ending "got " + `got` (the text as given).
[[nodiscard]] inline std::string weight_range_message(const std::string& got) {
    return "weight must be finite, >= 0 and <= " + short_number(max_weight) + " (relscore::max_weight), got " + got;
}
/// The same for a number: "..., got 1e+308".
[[nodiscard]] inline std::string weight_range_message(double w) { return weight_range_message(short_number(w)); }

/// True if adding two stored sums keeps the result within max_total.
[[nodiscard]] constexpr bool total_in_range(double a, double b) noexcept { return a + b <= max_total; }

}  // namespace detail
RELSCORE_END_NAMESPACE
