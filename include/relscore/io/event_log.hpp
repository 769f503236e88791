#pragma once
/// \file io/event_log.hpp
/// Reading interaction logs from CSV/TSV files with a header row.
///
/// Columns (names configurable): `time` (ISO 8601 or UNIX seconds), `source`, `target`,
/// and optionally `channel` (default: `contact`), `weight` (default: the channel's
/// weight) and `mutual` (true/false/1/0/yes/no; default false). Every problem in a row is
/// reported as a parse_error naming file, line, column number, column name and value.

#include <cstddef>
#include <fstream>
#include <functional>
#include <istream>
#include <string>
#include <vector>

#include <relscore/channel.hpp>
#include <relscore/error.hpp>
#include <relscore/interaction.hpp>

RELSCORE_BEGIN_NAMESPACE
namespace io {

/// Header names of the columns to read.
struct column_names {
    std::string time = "time";
    std::string source = "source";
    std::string target = "target";
    std::string channel = "channel";
    std::string weight = "weight";
    std::string mutual = "mutual";
};

/// How far a read has got, for progress displays.
struct read_progress {
    std::size_t rows = 0;
    std::size_t bytes = 0;
};

struct read_options {
    column_names columns;
    char delimiter = 0;  ///< 0: tab for *.tsv files or a header with tabs and no commas, else ','
    std::string default_channel = "contact";
    /// Continue past bad rows (they are counted and the first few errors kept) instead of
    /// throwing on the first.
    bool skip_invalid = false;
    /// Pass channel names the registry lacks on to the sink instead of rejecting the row
    /// (for a scorer whose config registers unknown channels; see io::ingest()).
    bool accept_unknown_channels = false;
    std::size_t max_kept_errors = 5;
    /// Called every `progress_every` rows and once at the end.
    std::function<void(const read_progress&)> on_progress;
    std::size_t progress_every = 1 << 16;
    /// Optional columns (channel, weight, mutual) that must be in the header: a parse_error
    /// names any that is missing instead of the column being ignored (the CLI lists the
    /// columns named on its command line).
    std::vector<std::string> required_columns;
};

/// What a read saw.
struct read_summary {
    std::size_t rows = 0;     ///< data rows read (header excluded)
    std::size_t skipped = 0;  ///< rows skipped as invalid (skip_invalid only)
    std::vector<parse_error> errors;  ///< the first few errors of skipped rows
};

/// Streams the log in `in`, calling `sink` for each valid interaction in file order.
/// `name` is used in messages. Throws parse_error on the first bad row unless
/// `skip_invalid` is set; a bad header (a missing column, or one column named for two
/// roles) and a read error always throw.
read_summary read_interactions(std::istream& in, const std::string& name, const channel_registry& channels,
                               const read_options& options, const std::function<void(interaction&&)>& sink);

/// Opens `path` for reading. Throws parse_error naming it if it does not exist, is a
/// directory or cannot be opened (a FIFO or /dev/stdin is read as a stream).
[[nodiscard]] std::ifstream open_for_reading(const std::string& path);

/// The same for a file path (a `.tsv` suffix selects tab as the delimiter).
read_summary read_interactions(const std::string& path, const channel_registry& channels,
                               const read_options& options, const std::function<void(interaction&&)>& sink);

}  // namespace io
RELSCORE_END_NAMESPACE
