// relscore._core: the private compiled module under the Python package.
//
// Design notes
// - Times cross the boundary as int64 microseconds since the epoch and durations as int64
//   microseconds; the Python layer (relscore/_convert.py) turns datetime, numpy, pandas
//   and strings into those, so this file stays a thin, typed wrapper.
// - Bulk ingest takes numpy arrays without copying when their dtype already matches
//   (int64, float64, uint8, C-contiguous) and releases the GIL for the C++ work.
// - Results come back as numpy arrays that own the C++ buffers (no copy).
// - C++ exceptions map to ValueError / KeyError with the same message.

#include "convert.hpp"
#include "locked_scorer.hpp"

#include <relscore/relscore.hpp>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace py = pybind11;

void bind_evaluate(py::module_& m);  // evaluate.cpp: relscore.evaluate's link predictors
void bind_insight(py::module_& m);   // insight.cpp: replies, trend, rhythm, due, explain, stars
using namespace py::literals;
using namespace relscore;

void bind_network(py::module_& m);  // network.cpp

namespace {

template <typename T>
using carray = py::array_t<T, py::array::c_style | py::array::forcecast>;

using channel_tuple = std::tuple<std::string, double, std::int64_t>;  // name, weight, half-life (us)
using relationship_tuple =
    std::tuple<std::string, std::string, double, double, double, double, std::optional<std::int64_t>, std::uint64_t>;

using bindings::at_of;
using bindings::locked_scorer;

relationship_tuple to_tuple(const scorer& s, const relationship& r) {
    std::optional<std::int64_t> last;
    if (r.last_interaction) last = to_micros(*r.last_interaction);
    return {s.name(r.a), s.name(r.b), r.strength, r.volume_ab, r.volume_ba, r.reciprocity, last, r.interactions};
}

// A numpy array that owns an Eigen column (moved, not copied).
template <typename Column>
py::array owning_array(Column&& column) {
    using scalar = typename std::decay_t<Column>::Scalar;
    auto* heap = new std::decay_t<Column>(std::forward<Column>(column));
    py::capsule owner(heap, [](void* p) { delete static_cast<std::decay_t<Column>*>(p); });
    return py::array_t<scalar>(heap->size(), heap->data(), owner);
}

template <typename T>
std::span<const T> span_of(const std::optional<carray<T>>& a) {
    if (!a) return {};
    return {a->data(), static_cast<std::size_t>(a->size())};
}

template <typename T>
std::span<const T> span_of(const carray<T>& a) {
    return {a.data(), static_cast<std::size_t>(a.size())};
}

// Insight settings by name (durations in microseconds); unknown names are refused.
void apply_insight(insight_config& c, const py::dict& settings) {
    for (const auto& [key, value] : settings) {
        const auto name = py::cast<std::string>(key);
        if (name == "reply_window_us") c.reply_window = duration{py::cast<std::int64_t>(value)};
        else if (name == "touch_gap_us") c.touch_gap = duration{py::cast<std::int64_t>(value)};
        else if (name == "trend_horizon_us") c.trend_horizon = duration{py::cast<std::int64_t>(value)};
        else if (name == "trend_threshold") c.trend_threshold = py::cast<double>(value);
        else if (name == "new_tie_rhythm_us") c.new_tie_rhythm = duration{py::cast<std::int64_t>(value)};
        else if (name == "min_rhythm_us") c.min_rhythm = duration{py::cast<std::int64_t>(value)};
        else if (name == "conversations") c.conversations = py::cast<bool>(value);
        else if (name == "retain_events") c.retain_events = py::cast<bool>(value);
        else throw invalid_argument_error("relscore.Scorer: unknown insight setting '" + name + "'");
    }
}

// Kernels by channel name: ("power_law", tau_us, beta, range_us) or ("window", length_us, 0, 0).
using kernel_tuple = std::tuple<std::string, std::int64_t, double, std::int64_t>;

void apply_kernels(channel_registry& channels, const std::map<std::string, kernel_tuple>& kernels) {
    for (const auto& [name, spec] : kernels) {
        channel c = channels[channels.id(name)];
        const auto& [kind, scale_us, exponent, range_us] = spec;
        if (kind == "power_law") c.kernel = decay_kernel::power_law(duration{scale_us}, exponent, duration{range_us});
        else if (kind == "window") c.kernel = decay_kernel::window(duration{scale_us});
        else if (kind == "exponential") c.kernel = {};
        else throw invalid_argument_error("relscore.Scorer: channel '" + name + "': unknown kernel '" + kind +
                                          "' (power_law, window or exponential)");
        channels.define(c);
    }
}

scorer_config make_config(double reciprocity, const std::vector<channel_tuple>& channels, const py::dict& insight,
                          const std::map<std::string, kernel_tuple>& kernels) {
    scorer_config config;
    config.reciprocity = reciprocity;
    apply_insight(config.insight, insight);
    if (!channels.empty()) {
        config.channels = channel_registry();
        for (const auto& [name, weight, half_life_us] : channels) config.channels.define({name, weight, duration{half_life_us}});
    }
    apply_kernels(config.channels, kernels);
    return config;
}

void register_scorer(py::module_& m) {
    py::class_<locked_scorer>(m, "Scorer", "The C++ scorer. Use relscore.Scorer, which wraps it with Pythonic conversions.")
        .def(py::init([](double reciprocity, const std::vector<channel_tuple>& channels, const py::dict& insight,
                         const std::map<std::string, kernel_tuple>& kernels) {
                 return std::make_unique<locked_scorer>(scorer(make_config(reciprocity, channels, insight, kernels)));
             }),
             "reciprocity"_a, "channels"_a, "insight"_a = py::dict(), "kernels"_a = std::map<std::string, kernel_tuple>(),
             "Create a scorer; channels are (name, weight, half-life in microseconds), empty for the defaults; "
             "insight settings by name (see insight_settings).")
        .def_property_readonly(
            "reciprocity", [](const locked_scorer& locked) { return locked.read()->config().reciprocity; },
            "The reciprocity weight rho.")
        .def_property_readonly(
            "channels",
            [](const locked_scorer& locked) {
                const auto guard = locked.read();
                const scorer& s = *guard;
                std::vector<channel_tuple> out;
                for (const auto& c : s.channels()) out.emplace_back(c.name, c.weight, c.half_life.count());
                return out;
            },
            "The channels as (name, weight, half-life in microseconds).")
        .def_property_readonly(
            "kernels",
            [](const locked_scorer& locked) {
                const auto guard = locked.read();
                const scorer& s = *guard;
                std::map<std::string, kernel_tuple> out;
                for (const auto& c : s.channels()) {
                    if (c.kernel.kind == decay_kernel::shape::power_law)
                        out[c.name] = {"power_law", c.kernel.scale.count(), c.kernel.exponent, c.kernel.range.count()};
                    else if (c.kernel.kind == decay_kernel::shape::window)
                        out[c.name] = {"window", c.kernel.scale.count(), 0.0, 0};
                }
                return out;
            },
            "The channels whose kernel is not exponential: name -> (kind, scale us, exponent, range us).")
        .def_property_readonly(
            "people_count", [](const locked_scorer& locked) { return locked.read()->people(); }, "Number of people seen.")
        .def_property_readonly(
            "relationship_count", [](const locked_scorer& locked) { return locked.read()->relationships(); },
            "Number of pairs that ever interacted.")
        .def_property_readonly(
            "newest_us",
            [](const locked_scorer& locked) -> std::optional<std::int64_t> {
                const auto guard = locked.read();
                const scorer& s = *guard;
                if (auto t = s.newest()) return to_micros(*t);
                return std::nullopt;
            },
            "The newest interaction time in microseconds since the epoch, or None.")
        .def(
            "people",
            [](const locked_scorer& locked) {
                const auto guard = locked.read();
                const scorer& s = *guard;
                std::vector<std::string> out;
                out.reserve(s.people());
                for (person_id i = 0; i < s.people(); ++i) out.push_back(s.name(i));
                return out;
            },
            "Every person's name, by id.")
        .def(
            "add",
            [](locked_scorer& locked, std::int64_t time_us, std::string source, std::string target, std::string channel,
               std::optional<double> weight, bool mutual) {
                const auto guard = locked.write();
                scorer& s = *guard;
                s.add(interaction{from_micros(time_us), std::move(source), std::move(target), std::move(channel), weight,
                                  mutual});
            },
            "time_us"_a, "source"_a, "target"_a, "channel"_a, "weight"_a, "mutual"_a, "Add one interaction.")
        .def(
            "add_columns",
            [](locked_scorer& locked, const carray<std::int64_t>& time_us, const carray<std::int64_t>& source,
               const carray<std::int64_t>& target, const std::optional<std::vector<std::string>>& people,
               const std::optional<carray<std::int64_t>>& channel, const std::vector<std::string>& channel_names,
               const std::string& default_channel, const std::optional<carray<double>>& weight,
               const std::optional<carray<std::uint8_t>>& mutual) {
                const auto guard = locked.write();
                scorer& s = *guard;
                interaction_columns c;
                c.time_us = span_of(time_us);
                c.source = span_of(source);
                c.target = span_of(target);
                if (people) c.people = *people;
                c.channel = span_of(channel);
                c.channel_names = channel_names;
                c.default_channel = default_channel;
                c.weight = span_of(weight);
                c.mutual = span_of(mutual);
                py::gil_scoped_release release;
                s.add_columns(c);
            },
            "time_us"_a, "source"_a, "target"_a, "people"_a, "channel"_a, "channel_names"_a, "default_channel"_a,
            "weight"_a, "mutual"_a,
            "Add interactions from columns (validated whole first; the GIL is released).")
        .def(
            "merge",
            [](locked_scorer& locked, const locked_scorer& other) {
                locked.with_other(other, [](scorer& mine, const scorer& theirs) { mine.merge(theirs); });
            },
            "other"_a, "Fold another scorer in exactly (both are locked; merging a scorer into itself is allowed).")
        .def(
            "shrink_to_fit", [](locked_scorer& locked) { locked.write()->shrink_to_fit(); },
            "Release spare capacity (results unchanged).")
        .def(
            "between",
            [](const locked_scorer& locked, const std::string& a, const std::string& b, std::optional<std::int64_t> at_us) {
                const auto guard = locked.read();
                const scorer& s = *guard;
                return to_tuple(s, s.between(a, b, at_of(at_us)));
            },
            "a"_a, "b"_a, "at_us"_a, "One relationship as a tuple.")
        .def(
            "top",
            [](const locked_scorer& locked, const std::string& person, std::size_t k, std::optional<std::int64_t> at_us) {
                const auto guard = locked.read();
                const scorer& s = *guard;
                std::vector<relationship_tuple> out;
                for (const auto& r : s.top(person, k, at_of(at_us))) out.push_back(to_tuple(s, r));
                return out;
            },
            "person"_a, "k"_a, "at_us"_a, "A person's k strongest relationships as tuples.")
        .def(
            "table",
            [](const locked_scorer& locked, std::optional<std::int64_t> at_us) {
                const auto guard = locked.read();
                const scorer& s = *guard;
                relationship_table t;
                {
                    py::gil_scoped_release release;
                    t = s.table(at_of(at_us));
                }
                py::dict out;
                out["at_us"] = to_micros(t.at);
                out["a"] = owning_array(std::move(t.a));
                out["b"] = owning_array(std::move(t.b));
                out["strength"] = owning_array(std::move(t.strength));
                out["volume_ab"] = owning_array(std::move(t.volume_ab));
                out["volume_ba"] = owning_array(std::move(t.volume_ba));
                out["reciprocity"] = owning_array(std::move(t.reciprocity));
                out["last_interaction_us"] = owning_array(std::move(t.last_interaction_us));
                out["interactions"] = owning_array(std::move(t.interactions));
                return out;
            },
            "at_us"_a, "Every relationship as numpy columns (a and b are person ids).")
        .def(
            "to_bytes",
            [](const locked_scorer& locked) {
                const auto guard = locked.read();
                std::string bytes;
                {
                    py::gil_scoped_release nogil;
                    bytes = guard->to_bytes();
                }
                return py::bytes(bytes);
            },
            "The complete state in relscore's snapshot format.")
        .def_static(
            "from_bytes",
            [](const py::bytes& data) { return std::make_unique<locked_scorer>(scorer::from_bytes(std::string_view(data))); },
            "data"_a,
            "Rebuild a scorer from to_bytes() output.")
        .def(
            "copy", [](const locked_scorer& locked) { return std::make_unique<locked_scorer>(*locked.read()); },
            "An independent copy.");
}

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

}  // namespace

PYBIND11_MODULE(_core, m) {
    m.doc() = "relscore's compiled core (private: use the relscore package).";
    m.attr("__version__") = RELSCORE_VERSION_STRING;
    m.attr("max_weight") = relscore::max_weight;
    m.attr("__all__") = py::list(py::make_tuple("Scorer", "calibrate_stars", "format_time", "parse_duration", "parse_time"));
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const unknown_person_error& e) {
            PyErr_SetString(PyExc_KeyError, e.what());
        } catch (const relscore::error& e) {
            PyErr_SetString(PyExc_ValueError, e.what());
        }
    });
    register_time(m);
    register_scorer(m);
    bind_evaluate(m);
    bind_insight(m);
    bind_network(m);  // after Scorer: its functions take one
}
