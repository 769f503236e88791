// relscore._core: the private compiled module under the Python package.
//
// Design notes
// - This file only assembles the module: one register_<area>() per area (register.hpp),
//   each defined in its own register_<area>.cpp, each class defined in exactly one of them.
// - Times cross the boundary as int64 microseconds since the epoch and durations as int64
//   microseconds; the Python layer (relscore/_convert.py) turns datetime, numpy, pandas
//   and strings into those, so the bindings stay thin, typed wrappers (convert.hpp).
// - C++ exceptions map to ValueError / KeyError with the same message.
// - The link predictors of relscore.evaluate are another extension, relscore._eval
//   (eval_module.cpp): the product module links none of them.

#include "convert.hpp"
#include "describe.hpp"
#include "register.hpp"

#include <relscore/limits.hpp>
#include <relscore/network.hpp>
#include <relscore/version.hpp>

#include <pybind11/pybind11.h>

namespace py = pybind11;

PYBIND11_MODULE(_core, m) {
    m.doc() = "relscore's compiled core (private: use the relscore package).";
    m.attr("__version__") = RELSCORE_VERSION_STRING;
    m.attr("max_weight") = relscore::max_weight;
    m.attr("max_pair_interactions") = relscore::max_pair_interactions;
    m.def(
        "result_fields",
        [] {
            py::dict fields;
            fields["relationship"] = relscore::bindings::field_list<relscore::relationship>();
            fields["reply_stats"] = relscore::bindings::field_list<relscore::reply_stats>();
            fields["trend"] = relscore::bindings::field_list<relscore::trend>();
            fields["meeting_suggestion"] = relscore::bindings::field_list<relscore::meeting_suggestion>();
            fields["rhythm"] = relscore::bindings::field_list<relscore::rhythm>();
            fields["due_item"] = relscore::bindings::field_list<relscore::due_item>();
            fields["strength_part"] = relscore::bindings::field_list<relscore::strength_part>();
            fields["receipt"] = relscore::bindings::field_list<relscore::receipt>();
            fields["intro_hop"] = relscore::bindings::field_list<relscore::intro_hop>();
            return fields;
        },
        "The one description of each result type (relscore/describe.hpp): its name -> [(field, kind, doc)], in "
        "output order.");
    // The public names the register_* below define, written once, sorted.
    m.attr("__all__") = py::list(py::make_tuple("Scorer", "calibrate_stars", "format_time", "introductions",
                                                "parse_duration", "parse_time", "parse_times",
                                                "strength_matrix", "suggest_meetings"));
    py::register_exception_translator(relscore::bindings::translate_errors);
    relscore::bindings::register_time(m);
    relscore::bindings::register_scorer(m);
    relscore::bindings::register_stars(m);    // after Scorer: it takes one
    relscore::bindings::register_network(m);  // after Scorer: its functions take one
    relscore::bindings::register_shuffle(m);
}
