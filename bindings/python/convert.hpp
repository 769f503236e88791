#pragma once
// Conversions every binding file shares, in one place.
//
// Design notes
// - Times cross the boundary as int64 microseconds since the epoch, durations as int64
//   microseconds, and an absent time as None ("at the newest interaction" for `at`).
// - Arrays come in as `carray<T>`: C-contiguous, converted (forcecast) only when the
//   caller's dtype differs, so int64 / float64 / uint8 input is read without a copy.
// - Results go out as numpy arrays that own the C++ buffer (moved, not copied), or as
//   plain dicts of those values that the Python layer turns into dataclasses.
// - C++ errors become ValueError, an unknown person KeyError and a file error OSError (as
//   error.hpp documents), with the same message.

#include <relscore/relscore.hpp>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <exception>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace relscore::bindings {

namespace py = pybind11;

template <typename T>
using carray = py::array_t<T, py::array::c_style | py::array::forcecast>;

inline std::optional<timestamp> at_of(std::optional<std::int64_t> at_us) {
    if (!at_us) return std::nullopt;
    return from_micros(*at_us);
}

inline py::object micros(const std::optional<timestamp>& t) { return t ? py::cast(to_micros(*t)) : py::none(); }
inline py::object micros(const std::optional<duration>& d) { return d ? py::cast(d->count()) : py::none(); }

template <typename T>
std::span<const T> span_of(const carray<T>& a) {
    return {a.data(), static_cast<std::size_t>(a.size())};
}

template <typename T>
std::span<const T> span_of(const std::optional<carray<T>>& a) {
    if (!a) return {};
    return span_of(*a);
}

template <typename T>
std::span<T> mutable_span_of(carray<T>& a) {
    return {a.mutable_data(), static_cast<std::size_t>(a.size())};
}

// A numpy array that owns an Eigen column (moved, not copied).
template <typename Column>
py::array owning_array(Column&& column) {
    using column_type = std::decay_t<Column>;
    using scalar = typename column_type::Scalar;
    auto* heap = new column_type(std::forward<Column>(column));
    py::capsule owner(heap, [](void* p) { delete static_cast<column_type*>(p); });
    return py::array_t<scalar>(heap->size(), heap->data(), owner);
}

// A numpy copy of a buffer the C++ side keeps.
template <typename T, typename Size>
py::array_t<T> copied_array(const T* data, Size size) {
    return py::array_t<T>(static_cast<py::ssize_t>(size), data);
}

inline std::vector<std::string> people_of(const scorer& s) {
    std::vector<std::string> out;
    out.reserve(s.people());
    for (person_id i = 0; i < s.people(); ++i) out.push_back(s.name(i));
    return out;
}

// The translation every extension installs (local to the module that calls it).
inline void translate_errors(std::exception_ptr p) {
    try {
        if (p) std::rethrow_exception(p);
    } catch (const unknown_person_error& e) {
        PyErr_SetString(PyExc_KeyError, e.what());
    } catch (const file_error& e) {
        PyErr_SetString(PyExc_OSError, e.what());
    } catch (const relscore::error& e) {
        PyErr_SetString(PyExc_ValueError, e.what());
    }
}

// ---- insight results as dicts (relscore/_insight.py builds the dataclasses) -------------

inline py::dict agreement_dict(const star_agreement& a) {
    using namespace py::literals;
    return py::dict("rated"_a = a.rated, "exact"_a = a.exact, "within_one"_a = a.within_one,
                    "mean_abs_error"_a = a.mean_abs_error);
}

// Star thresholds from Python: None for the defaults, or 5 strengths (for 1..5 stars),
// checked by the core (stars_config::with_thresholds); `what` names the argument.
inline stars_config stars_config_of(const std::optional<std::vector<double>>& thresholds, std::string_view what) {
    if (!thresholds) return {};
    return stars_config::with_thresholds(*thresholds, what);
}

}  // namespace relscore::bindings
