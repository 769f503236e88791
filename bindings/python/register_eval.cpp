// relscore._eval's link predictors (include/relscore/eval/link_models.hpp), driven by the
// Python harness relscore.evaluate. Arrays come in as numpy int64 / float64 without a copy
// when they already have that dtype; the C++ work runs without the GIL.

#include "convert.hpp"
#include "register_eval.hpp"

#include <relscore/eval/link_models.hpp>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <span>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace relscore::bindings {

using namespace py::literals;

namespace {

namespace ev = relscore::eval;
using ev::node_id;
using index_array = carray<std::int64_t>;

// A row-major matrix of `rows` link feature vectors, and a view the C++ side writes into.
std::pair<carray<double>, std::span<double>> feature_matrix(std::size_t rows) {
    carray<double> out({static_cast<py::ssize_t>(rows), static_cast<py::ssize_t>(ev::link_feature_count)});
    std::span<double> view{out.mutable_data(), static_cast<std::size_t>(out.size())};
    return {std::move(out), view};
}

// The stream of run_stream and run_feature_stream, over the caller's arrays (no copy).
ev::stream_plan stream_of(const carray<node_id>& src, const carray<node_id>& dst, const carray<double>& time,
                          const index_array& learn_index, const index_array& learn_offset,
                          const index_array& batch_index, const index_array& batch_offset,
                          const carray<node_id>& neg_src, const carray<node_id>& neg_dst) {
    return {span_of(src),         span_of(dst),          span_of(time),    span_of(learn_index), span_of(learn_offset),
            span_of(batch_index), span_of(batch_offset), span_of(neg_src), span_of(neg_dst)};
}

// run_stream's and run_feature_stream's arguments, and both their docstrings' shared part.
template <typename Body>
void def_stream(py::module_& m, const char* name, Body&& body, const char* doc) {
    m.def(name, std::forward<Body>(body), "model"_a, "src"_a, "dst"_a, "time"_a, "learn_index"_a, "learn_offset"_a,
          "batch_index"_a, "batch_offset"_a, "neg_src"_a, "neg_dst"_a, doc);
}

}  // namespace

void register_eval(py::module_& m) {
    using ev::link_model;
    py::class_<link_model, std::unique_ptr<link_model>>(
        m, "LinkModel",
        "A streaming link predictor: score() a batch without learning from it, then observe() edges in time order.")
        .def(
            "observe",
            [](link_model& model, const carray<node_id>& src, const carray<node_id>& dst, const carray<double>& time) {
                py::gil_scoped_release release;
                model.observe(span_of(src), span_of(dst), span_of(time));
            },
            "src"_a, "dst"_a, "time"_a, "Learn edges src -> dst at time (seconds), in time order.")
        .def(
            "score",
            [](const link_model& model, const carray<node_id>& src, const carray<node_id>& dst,
               const carray<double>& time) {
                carray<double> out(time.size());
                auto out_view = mutable_span_of(out);
                {
                    py::gil_scoped_release release;
                    model.score(span_of(src), span_of(dst), span_of(time), out_view);
                }
                return out;
            },
            "src"_a, "dst"_a, "time"_a, "Scores of src -> dst at time (higher = more likely); learns nothing.")
        .def("describe", &link_model::describe, "The model and its parameters.")
        .def("__repr__", [](const link_model& model) { return "<LinkModel " + model.describe() + ">"; });

    m.def(
        "make_edgebank",
        [](const std::string& mode, double proportion) { return ev::make_edgebank(ev::parse_edgebank_mode(mode), proportion); },
        "mode"_a, "proportion"_a = 0.15,
        "EdgeBank: unlimited, time_window, repeat_interval or repeat_threshold memory.");
    m.def("make_count", &ev::make_count, "Number of observed src -> dst edges.");
    m.def("make_recency", &ev::make_recency, "1 / (1 + days since the newest src -> dst edge), 0 if none.");
    m.def("make_decay", &ev::make_decay, "half_life"_a, "Directed decayed volume V_uv (half-life in seconds).");
    m.def("make_decay_reciprocal", &ev::make_decay_reciprocal, "half_life"_a, "reciprocity"_a,
          "relscore's strength (1 - rho)(V_uv + V_vu) + rho * 2 min(V_uv, V_vu).");
    m.def("make_power_law", &ev::make_power_law, "tau"_a, "exponent"_a,
          "Power-law kernel: sum over src -> dst edges of (1 + dt / tau)^(-exponent).");
    m.def("make_hawkes", &ev::make_hawkes, "base_rate"_a, "decay_rate"_a, "reciprocal_excitation"_a,
          "Hawkes intensity with a popularity base rate and exponential (self and reciprocal) excitation.");
    py::class_<ev::relscore_link, link_model, std::unique_ptr<ev::relscore_link>>(
        m, "RelscoreLink", "relscore's link score: a weighted sum of features (relscore.evaluate.LINK_FEATURES).")
        .def(
            "features",
            [](const ev::relscore_link& model, const carray<node_id>& src, const carray<node_id>& dst,
               const carray<double>& time) {
                auto [out, out_view] = feature_matrix(time.size());
                {
                    py::gil_scoped_release release;
                    model.features(span_of(src), span_of(dst), span_of(time), out_view);
                }
                return out;
            },
            "src"_a, "dst"_a, "time"_a, "The feature vectors (one row per query); learns nothing.");
    m.def("link_feature_names", [] {
        std::vector<std::string> names;
        for (const auto name : ev::link_feature_names()) names.emplace_back(name);
        return names;
    }, "The features of relscore's link score, in the order of its weights.");
    m.def(
        "make_relscore_link",
        [](const carray<double>& weights) { return ev::make_relscore_link(span_of(weights)); }, "weights"_a,
        "relscore's link score with one weight per feature (see link_feature_names()).");
    def_stream(
        m, "run_feature_stream",
        [](ev::relscore_link& model, const carray<node_id>& src, const carray<node_id>& dst, const carray<double>& time,
           const index_array& learn_index, const index_array& learn_offset, const index_array& batch_index,
           const index_array& batch_offset, const carray<node_id>& neg_src, const carray<node_id>& neg_dst) {
            auto [positive, pos_view] = feature_matrix(batch_index.size());
            auto [negative, neg_view] = feature_matrix(batch_index.size());
            {
                py::gil_scoped_release release;
                ev::run_feature_stream(model, stream_of(src, dst, time, learn_index, learn_offset, batch_index,
                                                        batch_offset, neg_src, neg_dst),
                                       pos_view, neg_view);
            }
            return std::make_tuple(positive, negative);
        },
        "As run_stream, but returns the feature matrices (positives, negatives) of relscore's link score.");
    def_stream(
        m, "run_stream",
        [](link_model& model, const carray<node_id>& src, const carray<node_id>& dst, const carray<double>& time,
           const index_array& learn_index, const index_array& learn_offset, const index_array& batch_index,
           const index_array& batch_offset, const carray<node_id>& neg_src, const carray<node_id>& neg_dst) {
            carray<double> positive(batch_index.size());
            carray<double> negative(batch_index.size());
            auto pos_view = mutable_span_of(positive);
            auto neg_view = mutable_span_of(negative);
            {
                py::gil_scoped_release release;
                ev::run_stream(model, stream_of(src, dst, time, learn_index, learn_offset, batch_index, batch_offset,
                                                neg_src, neg_dst),
                               pos_view, neg_view);
            }
            return std::make_tuple(positive, negative);
        },
        "For each batch: observe the learn edges, then score the batch's positives and negatives. "
        "Returns (positive scores, negative scores).");
}

}  // namespace relscore::bindings
