// relscore._core's calibrate_stars: fits the star thresholds (stars.hpp) to a user's ratings.

#include "convert.hpp"
#include "locked_scorer.hpp"
#include "register.hpp"

#include <relscore/io/config_file.hpp>
#include <relscore/relscore.hpp>

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relscore::bindings {

using namespace py::literals;

void register_stars(py::module_& m) {
    m.def(
        "calibrate_stars",
        [](const locked_scorer& locked, const std::vector<std::string>& a, const std::vector<std::string>& b,
           const std::vector<int>& given, std::optional<std::int64_t> at_us) {
            const auto guard = locked.read();
            const scorer& s = *guard;
            if (a.size() != b.size() || a.size() != given.size())
                throw invalid_argument_error("relscore.calibrate_stars(): a, b and stars have different lengths");
            std::vector<relationship> rs;
            rs.reserve(a.size());
            for (std::size_t i = 0; i < a.size(); ++i) rs.push_back(s.between(a[i], b[i], at_of(at_us)));
            const star_calibration fit = calibrate_stars(rs, given, stars_config{}.for_log(s.log_span()));
            std::vector<double> thresholds;
            for (const auto& l : fit.config.levels) thresholds.push_back(l.min_strength);
            return py::dict("thresholds"_a = thresholds, "before"_a = agreement_dict(fit.before),
                            "after"_a = agreement_dict(fit.after));
        },
        "scorer"_a, "a"_a, "b"_a, "stars"_a, "at_us"_a,
        "Fit the star thresholds to a user's ratings; returns the thresholds and the agreement before and after.");
    m.def(
        "check_star_thresholds",
        [](const std::vector<double>& thresholds, const std::string& what) {
            (void)stars_config::with_thresholds(thresholds, what);
        },
        "thresholds"_a, "what"_a,
        "Raise ValueError naming `what` and the position if these are not valid star thresholds (as the core checks).");
    m.def(
        "parse_config",
        [](const py::bytes& text, const std::string& name) {
            const io::config_file c = io::parse_config_file(std::string_view(text), name);
            py::list channels;
            for (channel_id i = 0; i < c.channels.size(); ++i)
                channels.append(py::make_tuple(c.channels[i].name, c.channels[i].weight, c.channels[i].half_life.count()));
            py::object thresholds = py::none();
            if (c.star_thresholds) thresholds = py::cast(std::vector<double>(c.star_thresholds->begin(), c.star_thresholds->end()));
            return py::dict("reciprocity"_a = c.reciprocity, "channels"_a = channels, "star_thresholds"_a = thresholds);
        },
        "text"_a, "name"_a,
        "A configuration file's JSON text read as the C++ reader (io::parse_config_file) reads it: {'reciprocity', "
        "'channels': [(name, weight, half_life_us)], 'star_thresholds': 5 floats (inf: no strength earns that star) "
        "or None}. ValueError with the reader's message (starting with `name` and a colon, if not empty).");
}


}  // namespace relscore::bindings
