// relscore._eval: the link predictors that relscore.evaluate scores (an extension of its own,
// built from the relscore_eval library, so that relscore._core links none of them).

#include "convert.hpp"
#include "register_eval.hpp"

#include <relscore/version.hpp>

#include <pybind11/pybind11.h>

namespace py = pybind11;

PYBIND11_MODULE(_eval, m) {
    m.doc() = "relscore's compiled link predictors for evaluation (private: use relscore.evaluate).";
    m.attr("__version__") = RELSCORE_VERSION_STRING;
    // The public names register_eval() defines, written once, sorted.
    m.attr("__all__") = py::list(py::make_tuple("LinkModel", "RelscoreLink", "link_feature_names", "make_count",
                                                "make_decay", "make_decay_reciprocal", "make_edgebank", "make_hawkes",
                                                "make_power_law", "make_recency", "make_relscore_link",
                                                "run_feature_stream", "run_stream"));
    py::register_local_exception_translator(relscore::bindings::translate_errors);
    relscore::bindings::register_eval(m);
}
