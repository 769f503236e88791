#include "store.hpp"

#include <relscore/snapshot.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

namespace crm {
namespace {

constexpr const char* schema = R"sql(
CREATE TABLE IF NOT EXISTS people (
  id   INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS interactions (
  id      INTEGER PRIMARY KEY,
  time_us INTEGER NOT NULL,                       -- microseconds since 1970-01-01T00:00:00Z
  source  INTEGER NOT NULL REFERENCES people(id),
  target  INTEGER NOT NULL REFERENCES people(id),
  channel TEXT NOT NULL,
  weight  REAL,                                   -- NULL: the channel's weight
  mutual  INTEGER NOT NULL DEFAULT 0,
  note    TEXT NOT NULL DEFAULT '',
  CHECK (source <> target)
);
CREATE INDEX IF NOT EXISTS interactions_by_source ON interactions(source, time_us);
CREATE INDEX IF NOT EXISTS interactions_by_target ON interactions(target, time_us);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT OR IGNORE INTO meta VALUES ('owner', 'me'), ('interactions_version', '0');
CREATE TRIGGER IF NOT EXISTS interactions_inserted AFTER INSERT ON interactions BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'interactions_version';
END;
CREATE TRIGGER IF NOT EXISTS interactions_updated AFTER UPDATE ON interactions BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'interactions_version';
END;
CREATE TRIGGER IF NOT EXISTS interactions_deleted AFTER DELETE ON interactions BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'interactions_version';
END;
)sql";

constexpr std::string_view snapshot_magic = "relscore-crm-scores v1 interactions_version=";

}  // namespace

store::store(std::string path, bool create)
    : m_path(std::move(path)), m_snapshot_path(m_path + ".scores"), m_db(m_path, create) {
    if (create) m_db.exec(schema);
}

std::string store::owner() {
    auto q = m_db.prepare("SELECT value FROM meta WHERE key = 'owner'");
    if (!q.step()) throw database_error("the database has no owner: is it a crm database? (run crm init NAME)");
    return q.text(0);
}

void store::set_owner(const std::string& name) {
    m_db.prepare("UPDATE meta SET value = ?1 WHERE key = 'owner'").bind(1, name).step();
}

std::int64_t store::interactions_version() {
    auto q = m_db.prepare("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'interactions_version'");
    if (!q.step()) throw database_error("the database has no interactions_version: is it a crm database?");
    return q.int64(0);
}

std::int64_t store::person_id(const std::string& name) {
    m_db.prepare("INSERT OR IGNORE INTO people(name) VALUES (?1)").bind(1, name).step();
    auto q = m_db.prepare("SELECT id FROM people WHERE name = ?1");
    q.bind(1, name).step();
    return q.int64(0);
}

void store::insert(const relscore::interaction& e, const std::string& note) {
    const std::int64_t source = person_id(e.source), target = person_id(e.target);
    m_db.prepare("INSERT INTO interactions(time_us, source, target, channel, weight, mutual, note) "
                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
        .bind(1, relscore::to_micros(e.time))
        .bind(2, source)
        .bind(3, target)
        .bind(4, std::string_view(e.channel))
        .bind(5, e.weight)
        .bind(6, std::int64_t{e.mutual})
        .bind(7, std::string_view(note))
        .step();
}

relscore::scorer& store::scores() {
    if (m_scores) return *m_scores;
    const std::int64_t version = interactions_version();
    std::string why_not;
    if (auto loaded = load_snapshot(version, why_not)) {
        m_scores = std::move(*loaded);
    } else {
        m_scores = rebuild();
        save_snapshot(*m_scores, version);
        fmt::print(stderr, "crm: scores rebuilt from the interactions table ({})\n", why_not);
    }
    return *m_scores;
}

std::optional<relscore::scorer> store::load_snapshot(std::int64_t version, std::string& why_not) {
    std::ifstream in(m_snapshot_path, std::ios::binary);
    if (!in) {
        why_not = "no snapshot at " + m_snapshot_path;
        return std::nullopt;
    }
    std::string header;
    std::getline(in, header);
    if (header.rfind(snapshot_magic, 0) != 0) {
        why_not = "the snapshot has an unknown header";
        return std::nullopt;
    }
    if (header.substr(snapshot_magic.size()) != std::to_string(version)) {
        why_not = fmt::format("the snapshot is stale: it reflects interactions version {}, the database is at {}",
                              header.substr(snapshot_magic.size()), version);
        return std::nullopt;
    }
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    try {
        return relscore::scorer::from_bytes(bytes);
    } catch (const relscore::parse_error& e) {
        why_not = fmt::format("the snapshot is unreadable: {}", e.what());
        return std::nullopt;
    }
}

void store::save_snapshot(const relscore::scorer& s, std::int64_t version) {
    std::string contents(snapshot_magic);
    contents += std::to_string(version);
    contents += '\n';
    contents += s.to_bytes();
    relscore::write_file_atomically(m_snapshot_path, contents);  // old or new file, never a torn one
}

relscore::scorer store::rebuild() {
    relscore::scorer s;
    auto q = m_db.prepare(
        "SELECT i.time_us, ps.name, pt.name, i.channel, i.weight, i.mutual FROM interactions i "
        "JOIN people ps ON ps.id = i.source JOIN people pt ON pt.id = i.target ORDER BY i.id");
    std::vector<relscore::interaction> all;
    while (q.step())
        all.push_back({relscore::from_micros(q.int64(0)), q.text(1), q.text(2), q.text(3), q.optional_double(4), q.int64(5) != 0});
    s.add_batch(all);  // validated whole: a row relscore refuses names its position
    return s;
}

void store::log(const relscore::interaction& event, const std::string& note) {
    relscore::scorer& s = scores();
    relscore::scorer updated = s;  // score first: if relscore refuses it, nothing is written
    updated.add(event);
    transaction tx(m_db);
    insert(event, note);
    const std::int64_t version = interactions_version();
    tx.commit();
    s = std::move(updated);
    save_snapshot(s, version);
}

std::size_t store::log_all(const std::vector<relscore::interaction>& events) {
    relscore::scorer& s = scores();
    relscore::scorer updated = s;
    updated.add_batch(events);
    transaction tx(m_db);
    for (const auto& e : events) insert(e, "");
    const std::int64_t version = interactions_version();
    tx.commit();
    s = std::move(updated);
    save_snapshot(s, version);
    return events.size();
}

std::vector<stored_interaction> store::recent(const std::string& person, std::size_t limit) {
    auto q = m_db.prepare(
        "SELECT i.id, i.time_us, ps.name, pt.name, i.channel, i.weight, i.mutual, i.note FROM interactions i "
        "JOIN people ps ON ps.id = i.source JOIN people pt ON pt.id = i.target "
        "WHERE ps.name = ?1 OR pt.name = ?1 ORDER BY i.time_us DESC, i.id DESC LIMIT ?2");
    q.bind(1, person).bind(2, static_cast<std::int64_t>(limit));
    std::vector<stored_interaction> out;
    while (q.step())
        out.push_back({q.int64(0),
                       {relscore::from_micros(q.int64(1)), q.text(2), q.text(3), q.text(4), q.optional_double(5), q.int64(6) != 0},
                       q.text(7)});
    return out;
}

}  // namespace crm
