// relscore._core's time functions: ISO 8601 / UNIX seconds and durations, as the CLI reads them.

#include "register.hpp"

#include <relscore/time.hpp>

#include <pybind11/pybind11.h>

#include <cstdint>
#include <string>

namespace relscore::bindings {

namespace py = pybind11;
using namespace py::literals;

void register_time(py::module_& m) {
    m.def(
        "parse_time", [](const std::string& text) { return to_micros(parse_time(text)); }, "text"_a,
        "Parse ISO 8601 or UNIX seconds into microseconds since the epoch (UTC).");
    m.def(
        "parse_duration", [](const std::string& text) { return parse_duration(text).count(); }, "text"_a,
        "Parse a duration such as '90d', '12h', '2w' or 'HH:MM:SS' into microseconds.");
    m.def(
        "format_time", [](std::int64_t us) { return format_time(from_micros(us)); }, "time_us"_a,
        "Format microseconds since the epoch as ISO 8601 UTC.");
}

}  // namespace relscore::bindings
