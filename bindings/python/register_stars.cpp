// relscore._core's calibrate_stars: fits the star thresholds (stars.hpp) to a user's ratings.

#include "convert.hpp"
#include "locked_scorer.hpp"
#include "register.hpp"

#include <relscore/relscore.hpp>

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <optional>
#include <string>
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
}


}  // namespace relscore::bindings
