#pragma once
// The areas of relscore._core, one register_<area>() per file (module.cpp calls them).

#include <pybind11/pybind11.h>

namespace relscore::bindings {

void register_time(pybind11::module_& m);     // register_time.cpp: parse_time, parse_duration, format_time
void register_scorer(pybind11::module_& m);   // register_scorer.cpp: the Scorer class (scores and insight)
void register_stars(pybind11::module_& m);    // register_stars.cpp: calibrate_stars
void register_network(pybind11::module_& m);  // register_network.cpp: strength graph, intro, suggest
void register_shuffle(pybind11::module_& m);  // register_shuffle.cpp: relscore.dask's split by pair

}  // namespace relscore::bindings
