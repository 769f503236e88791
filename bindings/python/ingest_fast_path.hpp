#pragma once
// The conversions behind the Python layer's fast ingest (ingest_fast_path.cpp).

#include "convert.hpp"
#include "locked_scorer.hpp"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>

namespace relscore::bindings {

// Scorer.add()'s common call (UNIX-seconds time, two str or two int ids, a str channel,
// mutual True/False, no weight) added to the scorer: the ids' kind ("str" or "int"), or None
// for any other call or one the scorer refuses (nothing changed; Python's general path
// then converts it and says what was wrong).
py::object add_common(locked_scorer& locked, py::handle time, py::handle source, py::handle target, py::handle channel,
                      py::handle mutual, py::handle ids);

// add_common(core, time, source, target, channel, mutual, ids) on module `m`, as a plain
// CPython function: the fast path of a Python loop of Scorer.add().
void register_add_common(py::module_& m);

// Integer person ids as codes into one list of names (their decimal values), numbered by
// first appearance in source, then in target: pandas.factorize of the two joined columns.
py::tuple factorize_int_ids(const carray<std::int64_t>& source, const carray<std::int64_t>& target);

// Weights checked, and missing ones filled, in one pass with no temporary: each NaN of
// `weight` (float64, C-contiguous, written in place) becomes its channel's default
// (`defaults[channel[i]]`, or `defaults[0]` for a table of one; NaN for a code outside the
// table); without `defaults`, nothing is written. Returns the first row whose weight is not
// in [0, max_weight] after filling (NaN included), or -1: the Python layer then says what
// was wrong (relscore._convert.weight_column).
std::int64_t fill_weights(py::array_t<double, py::array::c_style> weight, const std::optional<carray<std::int64_t>>& channel,
                          const std::optional<carray<double>>& defaults);

}  // namespace relscore::bindings
