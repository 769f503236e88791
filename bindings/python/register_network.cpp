// relscore._core's network functions: the strength graph as CSR arrays, warm
// introductions and meeting suggestions (relscore/network.py wraps them in scipy.sparse
// and pandas). They take the C++ Scorer and release the GIL for the graph work.

#include "convert.hpp"
#include "describe.hpp"
#include "locked_scorer.hpp"
#include "register.hpp"

#include <relscore/network.hpp>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace relscore::bindings {
namespace {

using namespace py::literals;

}  // namespace

void register_network(py::module_& m) {
    m.def(
        "strength_matrix",
        [](const locked_scorer& locked, std::optional<std::int64_t> at_us) {
            const auto guard = locked.read();
            const scorer& s = *guard;
            Eigen::SparseMatrix<double, Eigen::RowMajor> g;
            {
                py::gil_scoped_release release;
                g = strength_matrix(s, at_of(at_us));  // symmetric: row-major is the same matrix
                g.makeCompressed();
            }
            const auto n = g.rows();
            return py::make_tuple(copied_array(g.valuePtr(), g.nonZeros()), copied_array(g.innerIndexPtr(), g.nonZeros()),
                                  copied_array(g.outerIndexPtr(), n + 1), n);
        },
        "scorer"_a, "at_us"_a,
        "The strength graph in CSR form: (data, indices, indptr, n); rows and columns are person ids.");
    m.def(
        "introductions",
        [](const locked_scorer& locked, const std::string& a, const std::string& z, std::size_t paths,
           const std::vector<std::string>& avoid, std::optional<std::int64_t> at_us) {
            const auto guard = locked.read();
            const scorer& s = *guard;
            intro_options o;
            o.paths = paths;
            o.at = at_of(at_us);
            const person_id from = s.person(a), to = s.person(z);
            for (const auto& name : avoid) o.avoid.push_back(s.person(name));
            std::vector<intro_path> found;
            {
                py::gil_scoped_release release;
                found = introductions(strength_matrix(s, o.at), from, to, o);
            }
            return py::make_tuple(record_tuples(s, intro_hops(found)), found.empty() ? 0.0 : found[0].strongest_tie);
        },
        "scorer"_a, "a"_a, "z"_a, "paths"_a, "avoid"_a, "at_us"_a,
        "The best chains from a to z: (hops as tuples of result_fields()['intro_hop'], strongest tie).");
    m.def(
        "suggest_meetings",
        [](const locked_scorer& locked, std::optional<std::string> person, std::size_t top, std::size_t max_intermediary_degree,
           std::optional<std::int64_t> at_us) {
            const auto guard = locked.read();
            const scorer& s = *guard;
            suggest_options o;
            o.top = top;
            o.max_intermediary_degree = max_intermediary_degree;
            o.at = at_of(at_us);
            std::optional<person_id> who;
            if (person) who = s.person(*person);
            std::vector<meeting_suggestion> found;
            {
                py::gil_scoped_release release;
                const auto g = strength_matrix(s, o.at);
                found = who ? suggest_meetings(g, *who, o) : suggest_meetings(g, o);
            }
            py::list out;
            for (const auto& r : found) out.append(record_tuple(s, r));
            return out;
        },
        "scorer"_a, "person"_a, "top"_a, "max_intermediary_degree"_a, "at_us"_a,
        "Pairs with no tie ranked by the sum over common contacts of the weaker tie, as tuples of "
        "result_fields()['meeting_suggestion'].");

}

}  // namespace relscore::bindings
