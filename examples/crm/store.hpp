#pragma once
// The CRM's storage: people and interactions in SQLite, and the relscore scorer kept in
// step with them through a snapshot file beside the database.
//
// Design notes
// - The interactions table is the truth; the scorer is a cache of it. Triggers on the
//   table bump `meta.interactions_version` on every INSERT, UPDATE or DELETE, whoever
//   makes it (this program, the sqlite3 shell, another tool).
// - The snapshot file `<db>.scores` holds a one-line header with the version it reflects,
//   then relscore's snapshot bytes. When the file is missing, unreadable or its version
//   differs from the table's, the scorer is rebuilt from the table and saved again.
// - `crm log` updates the scorer incrementally: the interaction is validated by the
//   scorer first (nothing is written if relscore refuses it), inserted in a transaction,
//   and the snapshot is rewritten atomically (temporary file, fsync, rename).

#include <relscore/relscore.hpp>

#include <optional>
#include <string>
#include <vector>

#include "sqlite.hpp"

namespace crm {

/// One logged interaction as stored.
struct stored_interaction {
    std::int64_t id = 0;
    relscore::interaction event;
    std::string note;
};

class store {
public:
    /// Opens the database at `path`; with `create`, creates it (and its tables) if needed.
    store(std::string path, bool create);

    [[nodiscard]] std::string owner();
    void set_owner(const std::string& name);

    /// The scorer for the current interactions: from the snapshot when it is fresh,
    /// otherwise rebuilt (and saved). Says on stderr when and why it rebuilt.
    relscore::scorer& scores();

    /// Records one interaction: validated by relscore, stored, scored, snapshot saved.
    void log(const relscore::interaction& event, const std::string& note);
    /// Records many in one transaction (all or nothing). Returns how many.
    std::size_t log_all(const std::vector<relscore::interaction>& events);

    /// The newest `limit` interactions involving `person`, newest first.
    std::vector<stored_interaction> recent(const std::string& person, std::size_t limit);

    [[nodiscard]] const std::string& snapshot_path() const { return m_snapshot_path; }

private:
    std::int64_t interactions_version();
    std::int64_t person_id(const std::string& name);  // creating the person if new
    void insert(const relscore::interaction& event, const std::string& note);
    relscore::scorer rebuild();
    void save_snapshot(const relscore::scorer& s, std::int64_t version);
    std::optional<relscore::scorer> load_snapshot(std::int64_t version, std::string& why_not);

    std::string m_path;
    std::string m_snapshot_path;
    database m_db;
    std::optional<relscore::scorer> m_scores;
};

}  // namespace crm
