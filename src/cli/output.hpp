#pragma once
// Printing results as an aligned table, CSV or JSON.
//
// Design notes
// - A described result (relscore/describe.hpp) prints through one writer: record_table()
//   and record_json() walk its fields, so its CSV header, JSON keys and table columns are
//   the description's names in the description's order, and a new field is printed with
//   no edit here. The kind decides the text: a person's name, ISO 8601 times ("" or null
//   when absent), durations in days (named `<field>_days` in CSV and JSON, "12.3d" in the
//   table), counts, reals (rounded to the field's digits in the table, shortest exact text
//   in CSV), true/false, an enumeration's to_string().
// - A `channel` field prints the channel's name, a `side` field the person of the pair it
//   names (record_pair), and a field absent for a result (field::absent_if: a mutual
//   receipt's source) an empty cell or null.
// - A view shows some described fields, by name (field_view, checked at compile time with
//   is_view_of): stars shows a relationship's, the due table a compact set of a due item's
//   (CSV and JSON keep every field). Columns that are not fields (stars, trend, a part's
//   share) are appended (append_columns). explain's header lines and replies table are
//   prose over the described structs; its JSON prints them by the description.

#include <relscore/scorer.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdio>
#include <algorithm>
#include <array>
#include <optional>
#include <span>
#include <string_view>
#include <string>
#include <type_traits>
#include <vector>

namespace relscore::cli {

enum class output_format { table, csv, json };

/// Prints `rows` (already ordered) in `format` to `out`.
void print_relationships(std::FILE* out, const scorer& s, const std::vector<relationship>& rows, timestamp at,
                         output_format format);

/// Rows of text cells under a header; the first `left_columns` are left-aligned (names),
/// the rest right-aligned (numbers).
struct table {
    std::vector<std::string> header;
    std::size_t left_columns = 0;
    std::vector<std::vector<std::string>> rows;
    std::vector<bool> left = {};  ///< per column, if given: overrides left_columns
};

/// `s` with control characters (C0, DEL, C1) written as \xHH or \u00HH, for table output
/// on a terminal; CSV and JSON keep the bytes (their readers need the exact names).
std::string escape_control(const std::string& s);

/// A CSV field, quoted if it needs to be (RFC 4180).
std::string csv_quote(const std::string& s);

/// Registers `--format table|csv|json` on a subcommand.
void add_format_option(CLI::App& cmd, output_format& format);

/// Prints `t` aligned (table) or as CSV, or prints `doc` (json).
void print_table(std::FILE* out, const table& t, output_format format, const nlohmann::ordered_json& doc);

// ---- described results (relscore/describe.hpp) ----------------------------------------

/// A duration for people: "42m", "7.5h", "12.3d" ("-" if absent).
std::string human(duration d);
std::string human(const std::optional<duration>& d);
/// A duration in days (fractional).
double days_of(duration d);

/// The name of a field in CSV headers and JSON keys: durations are `<name>_days`.
template <typename Field>
std::string column_name(const Field& f) {
    std::string name(f.name);
    if (f.kind == field_kind::interval) name += "_days";  // appended, not operator+: GCC 12 warns (-Wrestrict) on that
    return name;
}

/// The CSV/JSON names of `T`'s fields, in description order.
template <described T>
std::vector<std::string> column_names() {
    std::vector<std::string> out;
    for_each_field<T>([&](const auto& f) { out.push_back(column_name(f)); });
    return out;
}

/// The pair a result belongs to, for fields of kind `side` (an explanation part's source).
struct record_pair {
    person_id a = 0, b = 0;
};

namespace detail {
// What a writer needs besides the value: the scorer (names, channels) and the pair.
struct record_view {
    const scorer& s;
    record_pair pair;
};

inline std::string cell_text(const record_view& v, field_kind kind, person_id id, bool, int) {
    return kind == field_kind::name ? v.s.name(id) : std::to_string(id);
}
inline std::string cell_text(const record_view& v, field_kind, channel_id c, bool, int) { return v.s.channels()[c].name; }
inline std::string cell_text(const record_view&, field_kind, timestamp t, bool, int) { return format_time(t); }
inline std::string cell_text(const record_view&, field_kind, const std::optional<timestamp>& t, bool, int) {
    return t ? format_time(*t) : "";
}
inline std::string cell_text(const record_view&, field_kind, duration d, bool exact, int) {
    return exact ? fmt::format("{}", days_of(d)) : human(d);
}
inline std::string cell_text(const record_view&, field_kind, const std::optional<duration>& d, bool exact, int) {
    return d ? (exact ? fmt::format("{}", days_of(*d)) : human(*d)) : (exact ? "" : "-");
}
inline std::string cell_text(const record_view&, field_kind, std::uint64_t n, bool, int) { return fmt::format("{}", n); }
inline std::string cell_text(const record_view&, field_kind, double x, bool exact, int digits) {
    return exact ? fmt::format("{}", x) : fmt::format("{:.{}f}", x, digits);
}
inline std::string cell_text(const record_view& v, field_kind kind, bool b, bool, int) {
    if (kind == field_kind::side) return v.s.name(b ? v.pair.a : v.pair.b);
    return b ? "true" : "false";
}
template <typename E>
    requires std::is_enum_v<E>
std::string cell_text(const record_view&, field_kind, E e, bool, int) {
    return to_string(e);
}

inline nlohmann::ordered_json json_value(const record_view& v, field_kind kind, person_id id) {
    if (kind == field_kind::name) return v.s.name(id);
    return id;
}
inline nlohmann::ordered_json json_value(const record_view& v, field_kind, channel_id c) { return v.s.channels()[c].name; }
inline nlohmann::ordered_json json_value(const record_view&, field_kind, timestamp t) { return format_time(t); }
inline nlohmann::ordered_json json_value(const record_view&, field_kind, const std::optional<timestamp>& t) {
    return t ? nlohmann::ordered_json(format_time(*t)) : nlohmann::ordered_json(nullptr);
}
inline nlohmann::ordered_json json_value(const record_view&, field_kind, duration d) { return days_of(d); }
inline nlohmann::ordered_json json_value(const record_view&, field_kind, const std::optional<duration>& d) {
    return d ? nlohmann::ordered_json(days_of(*d)) : nlohmann::ordered_json(nullptr);
}
inline nlohmann::ordered_json json_value(const record_view& v, field_kind kind, bool b) {
    if (kind == field_kind::side) return v.s.name(b ? v.pair.a : v.pair.b);
    return b;
}
template <typename V>
    requires std::is_arithmetic_v<V> && (!std::is_same_v<V, bool>)
nlohmann::ordered_json json_value(const record_view&, field_kind, V x) {
    return x;
}
template <typename E>
    requires std::is_enum_v<E>
nlohmann::ordered_json json_value(const record_view&, field_kind, E e) {
    return to_string(e);
}
}  // namespace detail

/// Whether a column of kind `kind` is left-aligned in the table (names and times).
[[nodiscard]] constexpr bool left_aligned(field_kind kind) noexcept {
    return kind == field_kind::name || kind == field_kind::time || kind == field_kind::channel || kind == field_kind::side;
}

/// A view of a described result: the names of the fields it shows, in its order (empty:
/// every field, in description order). Check a view at compile time with is_view_of().
using field_view = std::span<const std::string_view>;

/// Whether every name of `view` is a field of `T` (for static_assert on a view's names,
/// so a renamed field fails the build instead of dropping a column).
template <described T, std::size_t N>
[[nodiscard]] consteval bool is_view_of(const std::array<std::string_view, N>& view) {
    const auto names = field_names<T>();
    for (const auto& v : view)
        if (std::find(names.begin(), names.end(), v) == names.end()) return false;
    return true;
}

namespace detail {
// Calls f(field) for the fields of `view` in its order, or every field if it is empty.
template <described T, typename F>
void for_each_view_field(field_view view, F&& f) {
    if (view.empty()) {
        for_each_field<T>(f);
        return;
    }
    for (const std::string_view name : view)
        for_each_field<T>([&](const auto& g) {
            if (g.name == name) f(g);
        });
}
}  // namespace detail

/// `rows` as a table of the described fields of `view` (default: every field): names and
/// times left-aligned, the rest right-aligned; `exact` (CSV) prints reals and days exactly.
/// An absent field is an empty cell; `pair` names the persons of `side` fields.
template <described T>
table record_table(const scorer& s, const std::vector<T>& rows, bool exact, record_pair pair = {}, field_view view = {}) {
    const detail::record_view rv{s, pair};
    table t;
    detail::for_each_view_field<T>(view, [&](const auto& f) {
        t.header.push_back(exact ? column_name(f) : std::string(f.name));
        t.left.push_back(left_aligned(f.kind));
    });
    t.rows.reserve(rows.size());
    for (const auto& r : rows) {
        std::vector<std::string> cells;
        cells.reserve(t.header.size());
        detail::for_each_view_field<T>(view, [&](const auto& f) {
            cells.push_back(f.is_absent(r) ? std::string() : detail::cell_text(rv, f.kind, f.get(r), exact, f.digits));
        });
        t.rows.push_back(std::move(cells));
    }
    return t;
}

/// `r` as a JSON object of the described fields of `view` (default: every field, in
/// description order); an absent field is null; `pair` names the persons of `side` fields.
template <described T>
nlohmann::ordered_json record_json(const scorer& s, const T& r, record_pair pair = {}, field_view view = {}) {
    const detail::record_view rv{s, pair};
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    detail::for_each_view_field<T>(view, [&](const auto& f) {
        out[column_name(f)] = f.is_absent(r) ? nlohmann::ordered_json(nullptr) : detail::json_value(rv, f.kind, f.get(r));
    });
    return out;
}

/// In a table from record_table(s, rows, false, pair, view), each time column as its date
/// (YYYY-MM-DD), for compact views on a terminal.
template <described T>
void times_as_dates(table& t, field_view view = {}) {
    std::size_t c = 0;
    detail::for_each_view_field<T>(view, [&](const auto& f) {
        if (f.kind == field_kind::time)
            for (auto& row : t.rows) row[c] = row[c].substr(0, 10);
        ++c;
    });
}

/// Appends the columns of `more` (with as many rows) to `t`.
void append_columns(table& t, const table& more);

/// Prints `rows` in `format`: a table or CSV of every described field, or JSON
/// `{"at": ..., "<list_key>": [ {...}, ... ]}`.
template <described T>
void print_records(std::FILE* out, const scorer& s, const std::vector<T>& rows, timestamp at, output_format format,
                   const char* list_key) {
    if (format == output_format::json) {
        nlohmann::ordered_json doc;
        doc["at"] = format_time(at);
        doc[list_key] = nlohmann::ordered_json::array();
        for (const auto& r : rows) doc[list_key].push_back(record_json(s, r));
        print_table(out, {}, format, doc);
        return;
    }
    print_table(out, record_table(s, rows, format == output_format::csv), format, {});
}

}  // namespace relscore::cli
