#pragma once
// A minimal RAII layer over SQLite's C API (Debian's libsqlite3): a connection, prepared
// statements with typed binds and columns, and errors as exceptions naming the SQL.

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace crm {

struct database_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class statement {
public:
    statement(sqlite3* db, std::string_view sql) : m_db(db) {
        if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &m_stmt, nullptr) != SQLITE_OK)
            throw database_error(std::string("SQLite: ") + sqlite3_errmsg(db) + " in: " + std::string(sql));
    }
    statement(const statement&) = delete;
    statement& operator=(const statement&) = delete;
    ~statement() { sqlite3_finalize(m_stmt); }

    statement& bind(int index, std::int64_t value) { return check(sqlite3_bind_int64(m_stmt, index, value)); }
    statement& bind(int index, double value) { return check(sqlite3_bind_double(m_stmt, index, value)); }
    statement& bind(int index, std::string_view value) {
        return check(sqlite3_bind_text(m_stmt, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT));
    }
    statement& bind(int index, std::optional<double> value) {
        return value ? bind(index, *value) : check(sqlite3_bind_null(m_stmt, index));
    }

    /// Steps once: true while there is a row to read.
    bool step() {
        const int rc = sqlite3_step(m_stmt);
        if (rc == SQLITE_ROW) return true;
        if (rc == SQLITE_DONE) return false;
        throw database_error(std::string("SQLite: ") + sqlite3_errmsg(m_db) + " in: " + sqlite3_sql(m_stmt));
    }
    void reset() {
        sqlite3_reset(m_stmt);
        sqlite3_clear_bindings(m_stmt);
    }

    [[nodiscard]] std::int64_t int64(int column) const { return sqlite3_column_int64(m_stmt, column); }
    [[nodiscard]] std::optional<double> optional_double(int column) const {
        if (sqlite3_column_type(m_stmt, column) == SQLITE_NULL) return std::nullopt;
        return sqlite3_column_double(m_stmt, column);
    }
    [[nodiscard]] std::string text(int column) const {
        const auto* p = sqlite3_column_text(m_stmt, column);
        return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, column)))
                 : std::string();
    }

private:
    statement& check(int rc) {
        if (rc != SQLITE_OK) throw database_error(std::string("SQLite: cannot bind: ") + sqlite3_errmsg(m_db));
        return *this;
    }
    sqlite3* m_db;
    sqlite3_stmt* m_stmt = nullptr;
};

class database {
public:
    explicit database(const std::string& path, bool create) {
        const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
        if (sqlite3_open_v2(path.c_str(), &m_db, flags, nullptr) != SQLITE_OK) {
            const std::string message = m_db ? sqlite3_errmsg(m_db) : "out of memory";
            sqlite3_close(m_db);
            throw database_error("cannot open database '" + path + "': " + message);
        }
        sqlite3_busy_timeout(m_db, 5000);
        exec("PRAGMA foreign_keys = ON");
    }
    database(const database&) = delete;
    database& operator=(const database&) = delete;
    ~database() { sqlite3_close(m_db); }

    void exec(const std::string& sql) {
        char* error = nullptr;
        if (sqlite3_exec(m_db, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
            const std::string message = error ? error : "unknown error";
            sqlite3_free(error);
            throw database_error("SQLite: " + message + " in: " + sql);
        }
    }
    [[nodiscard]] statement prepare(std::string_view sql) { return statement(m_db, sql); }

private:
    sqlite3* m_db = nullptr;
};

/// BEGIN ... COMMIT, rolled back if the scope is left by an exception.
class transaction {
public:
    explicit transaction(database& db) : m_db(db) { m_db.exec("BEGIN IMMEDIATE"); }
    transaction(const transaction&) = delete;
    transaction& operator=(const transaction&) = delete;
    ~transaction() {
        if (!m_done) {
            try {
                m_db.exec("ROLLBACK");
            } catch (...) {  // nothing more to do while unwinding
            }
        }
    }
    void commit() {
        m_db.exec("COMMIT");
        m_done = true;
    }

private:
    database& m_db;
    bool m_done = false;
};

}  // namespace crm
