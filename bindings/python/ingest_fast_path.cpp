// Scorer.add()'s common call and integer ids factorized in C++: the two conversions that
// make the Python layer's ingest fast (register_scorer.cpp binds them).
//
// Design notes
// - Both only convert: what they accept is what the general (Python) path accepts, with
//   the same results; anything else gives None and the general path takes over, so the
//   error messages stay in one place.
// - The GIL is released only for the pure C++ loop (factorize_int_ids), never while a
//   Python object is read.

#include "ingest_fast_path.hpp"

#include <relscore/relscore.hpp>

#include <boost/unordered/unordered_flat_map.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace relscore::bindings {
namespace {

// A Python loop of add() is dominated by per-call overhead, so its common call is
// converted here with the C API rather than in Python: a time of UNIX seconds (int or
// float), two str or two int ids, a str channel, mutual True or False, no weight. Anything
// else, and any call the scorer refuses, gives None, and the Python layer takes its general
// path, which converts every other type and says what was wrong (a refused call changes
// nothing). The conversions are the general path's: int seconds times 10^6, float seconds
// times 10^6 rounded half to even (Python's round()), an int id named by its decimal digits.

std::optional<std::int64_t> common_time_us(PyObject* t) {
    std::int64_t us = 0;
    if (PyLong_CheckExact(t)) {
        int overflow = 0;
        const long long seconds = PyLong_AsLongLongAndOverflow(t, &overflow);
        if (overflow != 0 || (seconds == -1 && PyErr_Occurred())) {
            PyErr_Clear();
            return std::nullopt;
        }
        if (seconds < scorer::min_time_us / 1'000'000 - 1 || seconds > scorer::max_time_us / 1'000'000 + 1) return std::nullopt;
        us = static_cast<std::int64_t>(seconds) * 1'000'000;
    } else if (PyFloat_CheckExact(t)) {
        const double scaled = PyFloat_AS_DOUBLE(t) * 1e6;
        if (!(scaled >= static_cast<double>(scorer::min_time_us) && scaled <= static_cast<double>(scorer::max_time_us)))
            return std::nullopt;  // also NaN
        us = static_cast<std::int64_t>(std::nearbyint(scaled));  // the default rounding: half to even
    } else {
        return std::nullopt;
    }
    if (us < scorer::min_time_us || us > scorer::max_time_us) return std::nullopt;
    return us;
}

// A person id as the core names it, and its kind: 's' (str) or 'i' (int); 0 if neither.
char common_id(PyObject* id, std::string& name) {
    if (PyUnicode_CheckExact(id)) {
        Py_ssize_t size = 0;
        const char* utf8 = PyUnicode_AsUTF8AndSize(id, &size);
        if (utf8 == nullptr) {  // e.g. a lone surrogate: the general path names it
            PyErr_Clear();
            return 0;
        }
        name.assign(utf8, static_cast<std::size_t>(size));
        return 's';
    }
    if (PyLong_CheckExact(id)) {  // exact: a bool is not an int id
        int overflow = 0;
        const long long v = PyLong_AsLongLongAndOverflow(id, &overflow);
        if (overflow != 0 || (v == -1 && PyErr_Occurred())) {
            PyErr_Clear();
            return 0;
        }
        name = std::to_string(v);
        return 'i';
    }
    return 0;
}

}  // namespace

py::object add_common(locked_scorer& locked, py::handle time, py::handle source, py::handle target, py::handle channel,
                      py::handle mutual, py::handle ids) {
    const auto us = common_time_us(time.ptr());
    if (!us || !PyUnicode_CheckExact(channel.ptr()) || (mutual.ptr() != Py_True && mutual.ptr() != Py_False))
        return py::none();
    std::string a, b;
    const char kind = common_id(source.ptr(), a);
    if (kind == 0 || common_id(target.ptr(), b) != kind || a.empty() || b.empty()) return py::none();
    // The kind as one interned str each, made once: a loop of add() gets back the same
    // object it passes in next (compared by address first), instead of a new str a call.
    // Never freed, as the module itself is not.
    static PyObject* const str_kind = PyUnicode_InternFromString("str");
    static PyObject* const int_kind = PyUnicode_InternFromString("int");
    PyObject* const kind_object = kind == 's' ? str_kind : int_kind;
    if (kind_object == nullptr) {  // interning ran out of memory (once: the static stays null)
        PyErr_NoMemory();
        throw py::error_already_set();
    }
    if (!ids.is_none() && ids.ptr() != kind_object &&
        (!PyUnicode_CheckExact(ids.ptr()) || PyUnicode_CompareWithASCIIString(ids.ptr(), kind == 's' ? "str" : "int") != 0))
        return py::none();  // the other kind: the general path raises
    Py_ssize_t size = 0;
    const char* channel_utf8 = PyUnicode_AsUTF8AndSize(channel.ptr(), &size);
    if (channel_utf8 == nullptr) {
        PyErr_Clear();
        return py::none();
    }
    try {
        const auto guard = locked.write();
        guard->add(interaction{from_micros(*us), std::move(a), std::move(b), std::string(channel_utf8, static_cast<std::size_t>(size)),
                               std::nullopt, mutual.ptr() == Py_True});
    } catch (const relscore::error&) {
        return py::none();
    }
    return py::reinterpret_borrow<py::object>(kind_object);
}

namespace {

// add_common() as a plain CPython function (METH_FASTCALL): a loop of Scorer.add() spends
// as long in pybind11's general dispatch (argument records, overload loop) as in the
// scorer itself, and this call needs none of it. The text signature before "--" is what
// inspect.signature() (and the stubs' check) reads.
PyObject* add_common_fastcall(PyObject*, PyObject* const* args, Py_ssize_t nargs) noexcept {
    if (nargs != 7) {
        PyErr_Format(PyExc_TypeError, "add_common() takes 7 positional arguments (%zd given)", nargs);
        return nullptr;
    }
    try {
        locked_scorer& locked = py::cast<locked_scorer&>(py::handle(args[0]));
        return add_common(locked, args[1], args[2], args[3], args[4], args[5], args[6]).release().ptr();
    } catch (py::error_already_set& e) {
        e.restore();
    } catch (const py::cast_error& e) {
        PyErr_SetString(PyExc_TypeError, e.what());
    } catch (const std::bad_alloc&) {
        PyErr_NoMemory();
    } catch (const std::exception& e) {
        PyErr_SetString(PyExc_RuntimeError, e.what());
    } catch (...) {  // nothing escapes a C function
        PyErr_SetString(PyExc_RuntimeError, "relscore: an unknown C++ exception in add_common()");
    }
    return nullptr;
}

PyMethodDef add_common_method = {
    "add_common", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&add_common_fastcall)), METH_FASTCALL,
    "add_common(core, time, source, target, channel, mutual, ids, /)\n--\n\n"
    "Add one interaction of Scorer.add()'s common shape (int/float seconds, two str or two int ids, "
    "no weight) to `core`; returns the id kind ('str' or 'int'), or None if the call is not of that "
    "shape or is refused (nothing changed: the general path converts it and says what was wrong)."};

}  // namespace

void register_add_common(py::module_& m) {
    PyObject* f = PyCFunction_NewEx(&add_common_method, nullptr, m.attr("__name__").ptr());
    if (f == nullptr) throw py::error_already_set();
    m.add_object("add_common", py::reinterpret_steal<py::object>(f));
}

// Integer person ids as codes into one list of names (their decimal values), numbered by
// first appearance in source, then in target: what pandas.factorize gives for the two
// columns joined, without building the joined column or hashing through Python objects
// (about 4x faster on a 10 M-row log, where factorizing had cost a third of add_arrays).
py::tuple factorize_int_ids(const carray<std::int64_t>& source, const carray<std::int64_t>& target) {
    const auto src = span_of(source), tgt = span_of(target);
    carray<std::int64_t> src_codes(static_cast<py::ssize_t>(src.size())), tgt_codes(static_cast<py::ssize_t>(tgt.size()));
    std::int64_t* const src_out = src_codes.mutable_data();  // with the GIL: numpy's own call
    std::int64_t* const tgt_out = tgt_codes.mutable_data();
    std::vector<std::int64_t> uniques;
    {
        py::gil_scoped_release release;
        boost::unordered_flat_map<std::int64_t, std::int64_t> code_of;
        const auto number = [&](std::span<const std::int64_t> ids, std::int64_t* codes) {
            for (std::size_t i = 0; i < ids.size(); ++i) {
                const auto [it, fresh] = code_of.try_emplace(ids[i], static_cast<std::int64_t>(uniques.size()));
                if (fresh) uniques.push_back(ids[i]);
                codes[i] = it->second;
            }
        };
        number(src, src_out);
        number(tgt, tgt_out);
    }
    py::list names(uniques.size());
    for (std::size_t k = 0; k < uniques.size(); ++k) names[k] = py::str(std::to_string(uniques[k]));
    return py::make_tuple(std::move(src_codes), std::move(tgt_codes), std::move(names));
}

std::int64_t fill_weights(py::array_t<double, py::array::c_style> weight, const std::optional<carray<std::int64_t>>& channel,
                          const std::optional<carray<double>>& defaults) {
    const auto n = static_cast<std::size_t>(weight.size());
    const auto table = span_of(defaults);
    const auto codes = span_of(channel);
    if (!table.empty() && table.size() > 1 && codes.size() != n)
        throw std::invalid_argument("fill_weights: one channel code per weight is needed for several defaults");
    double* const w = table.empty() ? nullptr : weight.mutable_data();  // writable only when it is filled
    const double* const r = weight.data();
    std::int64_t first_bad = -1;
    {
        py::gil_scoped_release release;
        for (std::size_t i = 0; i < n; ++i) {
            double x = r[i];
            if (std::isnan(x) && !table.empty()) {
                const std::int64_t c = table.size() == 1 ? 0 : codes[i];
                x = c >= 0 && static_cast<std::size_t>(c) < table.size() ? table[static_cast<std::size_t>(c)]
                                                                          : std::numeric_limits<double>::quiet_NaN();
                w[i] = x;
            }
            if (first_bad < 0 && !relscore::detail::weight_in_range(x)) first_bad = static_cast<std::int64_t>(i);
        }
    }
    return first_bad;
}

}  // namespace relscore::bindings
