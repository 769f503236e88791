#pragma once
// Conversions every binding file shares: times cross the boundary as int64 microseconds
// since the epoch (None for "at the newest interaction").

#include <relscore/time.hpp>

#include <cstdint>
#include <optional>

namespace relscore::bindings {

inline std::optional<timestamp> at_of(std::optional<std::int64_t> at_us) {
    if (!at_us) return std::nullopt;
    return from_micros(*at_us);
}

}  // namespace relscore::bindings
