// relscore._core's time functions: ISO 8601 / UNIX seconds and durations, as the CLI reads them.

#include "register.hpp"

#include <relscore/error.hpp>
#include <relscore/time.hpp>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace relscore::bindings {

namespace py = pybind11;
using namespace py::literals;

void register_time(py::module_& m) {
    m.def(
        "parse_time", [](const std::string& text) { return to_micros(parse_time(text)); }, "text"_a,
        "Parse ISO 8601 or UNIX seconds into microseconds since the epoch (UTC).");
    // A column of time texts, read as parse_time reads each (so add_arrays reads a text as
    // add() and the CLI do); the error names the column and the row.
    m.def(
        "parse_times",
        [](const py::list& texts, const std::string& name) {
            const auto n = static_cast<py::ssize_t>(texts.size());
            py::array_t<std::int64_t> out(n);
            auto* us = out.mutable_data();
            for (py::ssize_t row = 0; row < n; ++row) {
                const py::handle item = texts[static_cast<std::size_t>(row)];
                if (!py::isinstance<py::str>(item))
                    throw py::value_error(name + " at row " + std::to_string(row) + ": " +
                                          py::repr(item).cast<std::string>() + " is not a time text");
                std::string text;
                try {
                    text = item.cast<std::string>();
                } catch (const py::cast_error&) {  // a lone surrogate: no UTF-8 for the parser
                    throw py::value_error(name + " at row " + std::to_string(row) + ": " +
                                          py::repr(item).cast<std::string>() + " is not valid Unicode");
                }
                try {
                    us[row] = to_micros(parse_time(text));
                } catch (const relscore::error& e) {
                    throw py::value_error(name + " at row " + std::to_string(row) + ": " + e.what());
                }
            }
            return out;
        },
        "texts"_a, "name"_a,
        "Parse a list of str as parse_time does into an int64 array of microseconds; ValueError names the row.");
    m.def(
        "parse_duration", [](const std::string& text) { return parse_duration(text).count(); }, "text"_a,
        "Parse a duration such as '90d', '12h', '2w' or 'HH:MM:SS' into microseconds.");
    m.def(
        "format_time", [](std::int64_t us) { return format_time(from_micros(us)); }, "time_us"_a,
        "Format microseconds since the epoch as ISO 8601 UTC.");
}

}  // namespace relscore::bindings
