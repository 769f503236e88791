#pragma once
/// \file snapshot.hpp
/// Snapshot files: a scorer's complete state on disk, written atomically.
///
/// The bytes are scorer::to_bytes() (format: docs/snapshot-format.md). save_snapshot()
/// never leaves a torn file: it writes a temporary file in the same directory, fsyncs it,
/// renames it over `path` and fsyncs the directory, so after a crash at any point `path`
/// holds either the previous snapshot or the new one. A crash before the rename may leave
/// a `NAME.tmp-XXXXXX` file beside it; it is never read and may be deleted. A new
/// snapshot file is private to its owner (mode 0600); a replaced one keeps its mode.
///
/// **Example**:
///
///     relscore::save_snapshot(s, "crm.relscore");
///     relscore::scorer restored = relscore::load_snapshot("crm.relscore");

#include <filesystem>
#include <string_view>

#include <relscore/scorer.hpp>

RELSCORE_BEGIN_NAMESPACE

/// Writes `bytes` to `path` atomically, as save_snapshot() does (for files that carry a
/// snapshot with more, such as an application's own header). Throws file_error.
void write_file_atomically(const std::filesystem::path& path, std::string_view bytes);

/// Writes `s` to `path` atomically (see above). Throws file_error naming the path and the
/// system's reason; on error `path` is unchanged and the temporary file is removed.
void save_snapshot(const scorer& s, const std::filesystem::path& path);

/// Reads a snapshot file. Throws file_error if it cannot be read, and parse_error (naming
/// the path) if it is foreign, truncated, corrupted or of an unsupported version. Returns
/// a new scorer, so `s = load_snapshot(p)` leaves `s` untouched when it throws.
[[nodiscard]] scorer load_snapshot(const std::filesystem::path& path);

namespace detail {
/// The steps of save_snapshot(), in order, for crash-safety tests.
enum class save_step { temp_opened, half_written, written, file_synced, renamed, dir_synced };
/// Test hook: if set, save_snapshot() calls it after each step (a test may throw or
/// terminate the process there). Not for production use; not thread-safe to change.
inline void (*save_snapshot_hook)(save_step) = nullptr;
}  // namespace detail

RELSCORE_END_NAMESPACE
