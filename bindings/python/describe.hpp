#pragma once
// Results to Python by their one description (relscore/describe.hpp).
//
// Design notes
// - A described result crosses as a tuple of plain values in description order: a person
//   by name, a time or duration as int64 microseconds (None if absent), counts as int,
//   reals as float, flags as bool, enumerations by their to_string() text, a channel by
//   its name, a `side` flag as the person of the pair it names, an absent field as None.
//   `_core.result_fields()` gives, per result type, the (name, kind, doc) of each field, and the Python layer (relscore/_describe.py) builds
//   the result classes and frame columns from it: a new C++ field reaches Python with no
//   edit here or there.

#include "convert.hpp"

#include <relscore/describe.hpp>
#include <relscore/relscore.hpp>

#include <pybind11/pybind11.h>

#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace relscore::bindings {

/// The pair a result belongs to, for fields of kind `side` (an explanation part's source).
struct record_pair {
    person_id a = 0, b = 0;
};

namespace detail {
inline py::object value_of(const scorer& s, const record_pair&, field_kind kind, person_id v) {
    return kind == field_kind::name ? py::cast(s.name(v)) : py::cast(v);
}
inline py::object value_of(const scorer& s, const record_pair&, field_kind, channel_id c) {
    return py::cast(s.channels()[c].name);
}
inline py::object value_of(const scorer&, const record_pair&, field_kind, timestamp t) { return py::cast(to_micros(t)); }
inline py::object value_of(const scorer&, const record_pair&, field_kind, const std::optional<timestamp>& t) { return micros(t); }
inline py::object value_of(const scorer&, const record_pair&, field_kind, duration d) { return py::cast(d.count()); }
inline py::object value_of(const scorer&, const record_pair&, field_kind, const std::optional<duration>& d) { return micros(d); }
inline py::object value_of(const scorer&, const record_pair&, field_kind, std::uint64_t n) { return py::cast(n); }
inline py::object value_of(const scorer&, const record_pair&, field_kind, double x) { return py::cast(x); }
inline py::object value_of(const scorer& s, const record_pair& pair, field_kind kind, bool b) {
    if (kind == field_kind::side) return py::cast(s.name(b ? pair.a : pair.b));
    return py::cast(b);
}
template <typename E>
    requires std::is_enum_v<E>
py::object value_of(const scorer&, const record_pair&, field_kind, E e) {
    return py::str(to_string(e));
}
}  // namespace detail

/// `r` as a tuple of its described fields, in description order (an absent field is
/// None; `pair` names the persons of `side` fields).
template <described T>
py::tuple record_tuple(const scorer& s, const T& r, const record_pair& pair = {}) {
    py::tuple out(field_count<T>);
    std::size_t i = 0;
    for_each_field<T>([&](const auto& f) {
        out[i++] = f.is_absent(r) ? py::object(py::none()) : detail::value_of(s, pair, f.kind, f.get(r));
    });
    return out;
}

/// `rows` as a list of record_tuple()s.
template <described T>
py::list record_tuples(const scorer& s, const std::vector<T>& rows, const record_pair& pair = {}) {
    py::list out;
    for (const auto& r : rows) out.append(record_tuple(s, r, pair));
    return out;
}

/// `T`'s description as a list of (name, kind, doc).
template <described T>
py::list field_list() {
    py::list out;
    for_each_field<T>([&](const auto& f) {
        out.append(py::make_tuple(std::string(f.name), std::string(to_string(f.kind)), std::string(f.doc)));
    });
    return out;
}

/// A relationship_table's columns as numpy arrays named by the description; `take`
/// turns a column into an array (moved or copied).
template <typename Take>
void put_table_columns(py::dict& out, relationship_table& t, Take&& take) {
    for_each_field<relationship_table>([&](const auto& f) { out[py::str(std::string(f.name))] = take(t.*(f.member)); });
}

}  // namespace relscore::bindings
