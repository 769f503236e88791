#pragma once
/// \file io/ingest.hpp
/// All-or-nothing ingest of a log file into a scorer.
///
/// read_interactions() streams rows to a callback, so a bad row in the middle of a file
/// stops it after the rows before it were used. ingest() instead reads the whole file into
/// columns (about 41 bytes a row) and adds it as one batch (scorer::add_columns): every
/// row or none (strong exception guarantee), and in time order whatever the file's row
/// order, so a shuffled file gives the sorted file's answers.

#include <istream>
#include <string>

#include <relscore/io/event_log.hpp>
#include <relscore/scorer.hpp>

RELSCORE_BEGIN_NAMESPACE
namespace io {

/// Adds every interaction of the log in `in` to `s`, or none: on any error (a parse_error
/// naming file, line, column and field) `s` is unchanged. With `options.skip_invalid`,
/// bad rows are skipped and counted instead. Channels unknown to `s` are errors unless
/// its config registers unknown channels.
read_summary ingest(scorer& s, std::istream& in, const std::string& name, const read_options& options = {});

/// The same for a file path (a `.tsv` suffix selects tab as the delimiter).
read_summary ingest(scorer& s, const std::string& path, const read_options& options = {});

}  // namespace io
RELSCORE_END_NAMESPACE
