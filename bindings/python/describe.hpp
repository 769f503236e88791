#pragma once
// Results to Python by their one description (relscore/describe.hpp).
//
// Design notes
// - A described result crosses as a tuple of plain values in description order: a person
//   by name, a time or duration as int64 microseconds (None if absent), counts as int,
//   reals as float, flags as bool, enumerations by their to_string() text. `_core.result_fields()` gives, per result type, the
//   (name, kind, doc) of each field, and the Python layer (relscore/_describe.py) builds
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

namespace relscore::bindings {

namespace detail {
inline py::object value_of(const scorer& s, field_kind kind, person_id v) {
    return kind == field_kind::name ? py::cast(s.name(v)) : py::cast(v);
}
inline py::object value_of(const scorer&, field_kind, timestamp t) { return py::cast(to_micros(t)); }
inline py::object value_of(const scorer&, field_kind, const std::optional<timestamp>& t) { return micros(t); }
inline py::object value_of(const scorer&, field_kind, duration d) { return py::cast(d.count()); }
inline py::object value_of(const scorer&, field_kind, const std::optional<duration>& d) { return micros(d); }
inline py::object value_of(const scorer&, field_kind, std::uint64_t n) { return py::cast(n); }
inline py::object value_of(const scorer&, field_kind, double x) { return py::cast(x); }
inline py::object value_of(const scorer&, field_kind, bool b) { return py::cast(b); }
template <typename E>
    requires std::is_enum_v<E>
py::object value_of(const scorer&, field_kind, E e) {
    return py::str(to_string(e));
}
}  // namespace detail

/// `r` as a tuple of its described fields, in description order.
template <described T>
py::tuple record_tuple(const scorer& s, const T& r) {
    py::tuple out(field_count<T>);
    std::size_t i = 0;
    for_each_field<T>([&](const auto& f) { out[i++] = detail::value_of(s, f.kind, f.get(r)); });
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
