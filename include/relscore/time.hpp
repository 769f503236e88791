#pragma once
/// \file time.hpp
/// Time inside relscore: UTC, microsecond resolution, as std::chrono types.
/// Parsing and formatting (Boost.Date_Time) are compiled in src/time.cpp, so code that
/// only scores does not pay for them.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include <relscore/version.hpp>

RELSCORE_BEGIN_NAMESPACE

/// A span of time, in microseconds.
using duration = std::chrono::microseconds;
/// A point in time: microseconds since 1970-01-01T00:00:00Z (UTC, no leap seconds).
using timestamp = std::chrono::sys_time<duration>;

/// Parses a point in time. Accepted forms (all UTC unless an offset is given):
///  - ISO 8601: "2006-12-18T09:30:00Z", "2006-12-18T09:30:00.250+02:00",
///    "2006-12-18 09:30:00", "2006-12-18" (midnight);
///  - UNIX seconds, integer or decimal: "1166434200", "1166434200.5".
/// Calendar dates must lie in years 1400..9999 (Boost.Date_Time's range).
/// Throws parse_error naming the text.
///
/// **Example**:
///
///     auto t = relscore::parse_time("2006-12-18T09:30:00Z");
[[nodiscard]] timestamp parse_time(std::string_view text);

/// Parses a span of time: a number and a unit ("90d", "12h", "2w", "30m", "45s",
/// "1.5d", "250ms", "10us"), or Boost's "HH:MM:SS[.ffffff]" form. Throws parse_error.
[[nodiscard]] duration parse_duration(std::string_view text);

/// Formats a time as ISO 8601 in UTC: "2006-12-18T09:30:00Z", with ".ffffff" when the
/// time has a fractional second. Throws invalid_argument_error for a time outside years
/// 1400..9999 (scorer::min_time_us..max_time_us), the times parse_time() gives.
[[nodiscard]] std::string format_time(timestamp t);

/// Formats a duration in its largest exact unit: "90d", "12h", "1500ms".
[[nodiscard]] std::string format_duration(duration d);

/// Microseconds since the epoch, the integer form every hot path uses.
[[nodiscard]] constexpr std::int64_t to_micros(timestamp t) noexcept {
    return t.time_since_epoch().count();
}
/// The inverse of to_micros.
[[nodiscard]] constexpr timestamp from_micros(std::int64_t us) noexcept {
    return timestamp{duration{us}};
}

RELSCORE_END_NAMESPACE
