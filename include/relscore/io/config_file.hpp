#pragma once
/// \file io/config_file.hpp
/// Scoring configuration files: the JSON that Python's `relscore.FitResult.save` and
/// `Scorer.config()` write (docs/fitting.md), read by the CLI's `--config` and the C API.
///
///     {"format": "relscore-config", "version": 1, "reciprocity": 0.8,
///      "channels": [{"name": "email", "weight": 1.0, "half_life_us": 5184000000000}, ...],
///      "star_thresholds": [0.25, 3, 6, 12, 20]}          (optional, null: no strength earns that star; other keys are ignored)

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include <relscore/channel.hpp>
#include <relscore/version.hpp>

RELSCORE_BEGIN_NAMESPACE
namespace io {

/// What a configuration file holds: exactly its channels (no defaults), ρ, and the star
/// thresholds if it has them.
struct config_file {
    double reciprocity = 0.5;                               ///< ρ, in [0, 1]
    channel_registry channels;                              ///< the file's channels, and only those
    std::optional<std::array<double, 5>> star_thresholds;  ///< strengths for stars 1..5, if the file has them
};

/// Reads and checks a configuration file. Throws file_error if it cannot be read, and
/// invalid_argument_error naming the file and the field for anything else (not JSON,
/// another format or version, a bad channel). Infinity and NaN, which Python's json module
/// writes but JSON lacks, are named with what to write instead (null for Infinity).
config_file read_config_file(const std::string& path);

/// The same for a configuration's JSON text (Python's Scorer.from_config reads files and
/// dicts through it); errors start with `name` (a path) and a colon, or, if it is empty,
/// with the reason alone.
config_file parse_config_file(std::string_view text, const std::string& name);

}  // namespace io
RELSCORE_END_NAMESPACE
