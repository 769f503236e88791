// relscore._core's Scorer: the one file that defines the class, with every method (scores,
// bulk ingest, snapshots, and the insight queries: replies, trend, rhythm, due lists,
// explanations, stars). The fast path of add() and the integer-id factorizer it binds are
// in ingest_fast_path.cpp.
//
// Design notes
// - Every method takes the scorer's lock (locked_scorer.hpp): shared for queries, exclusive
//   for add/merge/shrink_to_fit; the GIL is released for the long C++ work.
// - Results cross as tuples, dicts and numpy columns of plain values (convert.hpp); the
//   Python layer (relscore/_scorer.py, _insight.py) turns them into dataclasses and frames.
//   Described results (relationship, reply_stats, trend, rhythm, due items, explanation
//   parts, receipts, the table's columns) cross by their one
//   description (describe.hpp): tuples and columns in description order and names.

#include "convert.hpp"
#include "describe.hpp"
#include "ingest_fast_path.hpp"
#include "locked_scorer.hpp"
#include "register.hpp"

#include <relscore/relscore.hpp>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <vector>

namespace relscore::bindings {
namespace {

using namespace py::literals;

using channel_tuple = std::tuple<std::string, double, std::int64_t>;  // name, weight, half-life (us)
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

// The UTF-8 bytes of item i, which must be a str; nothing for a str that has none (a lone
// surrogate): no person is named by it. The bytes live as long as the item, which the
// caller's tuple holds while the GIL is released.
std::optional<std::string_view> name_at(const py::tuple& names, std::size_t i, const char* which) {
    PyObject* item = PyTuple_GET_ITEM(names.ptr(), static_cast<Py_ssize_t>(i));
    if (!PyUnicode_Check(item))
        throw py::type_error(std::string("relscore.Scorer.between_many(): ") + which + "[" + std::to_string(i) +
                             "] is not a str");
    Py_ssize_t size = 0;
    const char* utf8 = PyUnicode_AsUTF8AndSize(item, &size);
    if (utf8 == nullptr) {
        PyErr_Clear();
        return std::nullopt;
    }
    return std::string_view{utf8, static_cast<std::size_t>(size)};
}

// Scorer.between_many(): each pair found by its people's names, so asking for k pairs
// costs O(k), whatever the size of the scorer (the GIL released while it looks).
py::array_t<double> strengths_between(const locked_scorer& locked, const py::list& a, const py::list& b,
                                      std::optional<std::int64_t> at_us) {
    if (a.size() != b.size())
        throw invalid_argument_error("relscore.Scorer.between_many(): a has " + std::to_string(a.size()) + " ids, b has " +
                                     std::to_string(b.size()));
    // Tuples of the items: they keep every name alive (and the lists' later changes out)
    // while the GIL is released.
    const py::tuple a_items(a), b_items(b);
    const std::size_t n = a_items.size();
    std::vector<std::optional<std::string_view>> left(n), right(n);
    for (std::size_t i = 0; i < n; ++i) {
        left[i] = name_at(a_items, i, "a");
        right[i] = name_at(b_items, i, "b");
    }
    py::array_t<double> out(static_cast<py::ssize_t>(n));
    double* strength = out.mutable_data();
    const auto guard = locked.read();
    const scorer& s = *guard;
    const std::optional<timestamp> at = at_of(at_us);
    const std::optional<timestamp> newest = s.newest();
    if (at && newest && *at < *newest)  // refused whether or not a pair is found, as between() refuses it
        throw time_order_error("relscore.Scorer.between_many(): query time " + format_time(*at) +
                               " is earlier than the newest interaction " + format_time(*newest));
    py::gil_scoped_release release;
    for (std::size_t i = 0; i < n; ++i) {
        const std::optional<person_id> x = left[i] ? s.find_person(*left[i]) : std::nullopt;
        const std::optional<person_id> y = right[i] ? s.find_person(*right[i]) : std::nullopt;
        strength[i] = !x || !y ? std::numeric_limits<double>::quiet_NaN() : *x == *y ? 0.0 : s.between(*x, *y, at).strength;
    }
    return out;
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
        for (const auto& [name, weight, half_life_us] : channels) config.channels.add({name, weight, duration{half_life_us}});
    }
    apply_kernels(config.channels, kernels);
    return config;
}

}  // namespace

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
            "people", [](const locked_scorer& locked) { return people_of(*locked.read()); },
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
        .def_property(
            "threads", [](const locked_scorer& locked) { return locked.read()->threads(); },
            [](locked_scorer& locked, unsigned threads) { locked.write()->set_threads(threads); },
            "Threads a batch (add_columns) may use; 0 sets one per hardware thread. Not saved in snapshots.")
        .def(
            "shrink_to_fit", [](locked_scorer& locked) { locked.write()->shrink_to_fit(); },
            "Release spare capacity (results unchanged).")
        .def(
            "between",
            [](const locked_scorer& locked, const std::string& a, const std::string& b, std::optional<std::int64_t> at_us) {
                const auto guard = locked.read();
                const scorer& s = *guard;
                return record_tuple(s, s.between(a, b, at_of(at_us)));
            },
            "a"_a, "b"_a, "at_us"_a, "One relationship as a tuple of result_fields()['relationship'].")
        .def("strengths_between", &strengths_between, "a"_a, "b"_a, "at_us"_a,
             "Strengths of a[i] with b[i] (lists of names) as a float64 array: 0.0 for a pair that never interacted "
             "or a person with themself, NaN where either person is unknown. One lookup per pair.")
        .def(
            "top",
            [](const locked_scorer& locked, const std::string& person, std::size_t k, std::optional<std::int64_t> at_us) {
                const auto guard = locked.read();
                const scorer& s = *guard;
                py::list out;
                for (const auto& r : s.top(person, k, at_of(at_us))) out.append(record_tuple(s, r));
                return out;
            },
            "person"_a, "k"_a, "at_us"_a, "A person's k strongest relationships as tuples of result_fields()['relationship'].")
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
                put_table_columns(out, t, [](auto& column) { return owning_array(std::move(column)); });
                return out;
            },
            "at_us"_a,
            "Every relationship as numpy columns named as result_fields()['relationship'] (a and b are person ids, "
            "times int64 microseconds).")
        .def(
            "to_bytes",
            [](const locked_scorer& locked) {
                const auto guard = locked.read();
                // Written straight into the bytes object (no copy of a std::string after).
                const auto write = [&](std::size_t room) {
                    PyObject* raw = PyBytes_FromStringAndSize(nullptr, static_cast<Py_ssize_t>(room));
                    if (!raw) throw py::error_already_set();
                    auto out = py::reinterpret_steal<py::bytes>(raw);
                    std::size_t size = 0;
                    {
                        py::gil_scoped_release nogil;
                        size = guard->to_bytes(std::span<char>(PyBytes_AS_STRING(raw), room));
                    }
                    return std::pair{std::move(out), size};
                };
                auto [out, size] = write(guard->to_bytes_size_hint());
                if (size > static_cast<std::size_t>(PyBytes_GET_SIZE(out.ptr()))) std::tie(out, size) = write(size);
                if (size != static_cast<std::size_t>(PyBytes_GET_SIZE(out.ptr()))) {
                    PyObject* raw = out.release().ptr();
                    if (_PyBytes_Resize(&raw, static_cast<Py_ssize_t>(size)) != 0) throw py::error_already_set();
                    out = py::reinterpret_steal<py::bytes>(raw);
                }
                return out;
            },
            "The complete state in relscore's snapshot format.")
        .def_static(
            "from_bytes",
            [](const py::bytes& data) { return std::make_unique<locked_scorer>(scorer::from_bytes(std::string_view(data))); },
            "data"_a,
            "Rebuild a scorer from to_bytes() output.")
        .def_static(
            "from_bytes_many",
            [](const std::vector<py::bytes>& snapshots) {
                std::vector<std::string_view> views;
                views.reserve(snapshots.size());
                for (const auto& data : snapshots) views.emplace_back(data);  // the list keeps the bytes alive
                std::unique_ptr<locked_scorer> out;
                {
                    py::gil_scoped_release nogil;
                    out = std::make_unique<locked_scorer>(scorer::from_bytes_many(views));
                }
                return out;
            },
            "snapshots"_a,
            "One scorer from the snapshots of scorers holding disjoint relationships, decoded in one "
            "pass (equal to from_bytes(first) merged with each other one). A relationship in two "
            "snapshots raises ValueError.")
        .def(
            "copy", [](const locked_scorer& locked) { return std::make_unique<locked_scorer>(*locked.read()); },
            "An independent copy.")
        .def_property_readonly(
            "insight_settings",
            [](const locked_scorer& locked) {
                const auto guard = locked.read();
                const scorer& s = *guard;
                const insight_config& c = s.config().insight;
                return py::dict("reply_window_us"_a = c.reply_window.count(), "touch_gap_us"_a = c.touch_gap.count(),
                                "trend_horizon_us"_a = c.trend_horizon.count(), "trend_threshold"_a = c.trend_threshold,
                                "new_tie_rhythm_us"_a = c.new_tie_rhythm.count(), "min_rhythm_us"_a = c.min_rhythm.count(),
                                "conversations"_a = c.conversations, "retain_events"_a = c.retain_events);
            },
            "The insight settings (durations in microseconds).")
        .def(
            "conversation",
            [](const locked_scorer& locked, const std::string& a, const std::string& b, std::optional<std::int64_t> at_us) {
                const auto guard = locked.read();
                const scorer& s = *guard;
                const conversation_stats c = s.conversation(a, b, at_of(at_us));
                return py::dict("a"_a = s.name(c.a), "b"_a = s.name(c.b), "a_to_b"_a = record_tuple(s, c.a_to_b),
                                "b_to_a"_a = record_tuple(s, c.b_to_a), "conversations"_a = c.conversations,
                                "touches"_a = c.touches, "late"_a = c.late,
                                "first_interaction_us"_a = micros(c.first_interaction),
                                "last_interaction_us"_a = micros(c.last_interaction));
            },
            "a"_a, "b"_a, "at_us"_a,
            "Replies, persistence and initiation as a dict (a_to_b, b_to_a: tuples of result_fields()['reply_stats']).")
        .def(
            "trend_of",
            [](const locked_scorer& locked, const std::string& a, const std::string& b, std::optional<std::int64_t> at_us) {
                const auto guard = locked.read();
                const scorer& s = *guard;
                return record_tuple(s, s.trend_of(a, b, at_of(at_us)));
            },
            "a"_a, "b"_a, "at_us"_a, "The trend of a relationship as a tuple of result_fields()['trend'].")
        .def(
            "rhythm_of",
            [](const locked_scorer& locked, const std::string& a, const std::string& b, std::optional<std::int64_t> at_us) {
                const auto guard = locked.read();
                const scorer& s = *guard;
                return record_tuple(s, s.rhythm_of(a, b, at_of(at_us)));
            },
            "a"_a, "b"_a, "at_us"_a, "The rhythm of a relationship as a tuple of result_fields()['rhythm'].")
        .def(
            "due",
            [](const locked_scorer& locked, std::optional<std::string> person, std::size_t k, std::optional<std::int64_t> at_us) {
                const auto guard = locked.read();
                const scorer& s = *guard;
                return record_tuples(s, person ? s.due(*person, k, at_of(at_us)) : s.due_all(k, at_of(at_us)));
            },
            "person"_a, "k"_a, "at_us"_a,
            "Relationships due a touch (of one person, or all), as tuples of result_fields()['due_item'].")
        .def(
            "explain",
            [](const locked_scorer& locked, const std::string& a, const std::string& b, std::size_t receipts,
               std::optional<std::int64_t> at_us) {
                const auto guard = locked.read();
                const scorer& s = *guard;
                const explanation x = s.explain(a, b, receipts, at_of(at_us));
                return py::dict("a"_a = s.name(x.a), "b"_a = s.name(x.b), "at_us"_a = to_micros(x.at),
                                "strength"_a = x.strength, "parts"_a = record_tuples(s, x.parts, {x.a, x.b}),
                                "receipts"_a = record_tuples(s, x.receipts),
                                "receipts_total"_a = x.receipts_total);
            },
            "a"_a, "b"_a, "receipts"_a, "at_us"_a, "The exact breakdown of a strength as a dict (parts, receipts: tuples of result_fields()['strength_part'], "
            "['receipt']).")
        .def(
            "stars_of",
            [](const locked_scorer& locked, const std::string& a, const std::string& b, std::optional<std::int64_t> at_us,
               const std::optional<std::vector<double>>& thresholds) {
                const auto guard = locked.read();
                const scorer& s = *guard;
                return stars(s, s.between(a, b, at_of(at_us)),
                             stars_config_of(thresholds, "relscore.Scorer.stars(): thresholds"));
            },
            "a"_a, "b"_a, "at_us"_a, "thresholds"_a, "Stars (0-5) of one relationship.")
        .def(
            "insight_columns",
            [](const locked_scorer& locked, std::optional<std::int64_t> at_us, const std::optional<std::vector<double>>& thresholds,
               std::optional<std::int64_t> log_span_us) {
                const auto guard = locked.read();
                const scorer& s = *guard;
                const stars_config config =
                    stars_config_of(thresholds, "relscore.Scorer.insight_frame(): star_thresholds")
                        .for_log(log_span_us ? duration{*log_span_us} : s.log_span());
                relationship_table t = s.table(at_of(at_us));
                const auto n = static_cast<py::ssize_t>(t.size());
                py::array_t<std::int8_t> star(n), direction(n);
                py::array_t<double> change(n), overdue(n);
                py::array_t<std::int64_t> gap(n), due(n);
                auto st = star.mutable_unchecked<1>();
                auto dir = direction.mutable_unchecked<1>();
                auto ch = change.mutable_unchecked<1>();
                auto od = overdue.mutable_unchecked<1>();
                auto ga = gap.mutable_unchecked<1>();
                auto du = due.mutable_unchecked<1>();
                {
                    py::gil_scoped_release release;
                    for (py::ssize_t i = 0; i < n; ++i) {
                        const relationship r = t.row(static_cast<std::size_t>(i));
                        st(i) = static_cast<std::int8_t>(stars(r, config));
                        if (s.config().insight.conversations) {
                            const trend tr = s.trend_of(r.a, r.b, t.at);
                            dir(i) = static_cast<std::int8_t>(static_cast<int>(tr.direction) - 1);
                            ch(i) = tr.change_over_horizon;
                            const rhythm rh = s.rhythm_of(r.a, r.b, t.at);
                            ga(i) = rh.typical_gap.count();
                            du(i) = to_micros(rh.due);
                            od(i) = rh.overdue;
                        } else {
                            dir(i) = 0;
                            ch(i) = od(i) = std::numeric_limits<double>::quiet_NaN();
                            ga(i) = du(i) = 0;
                        }
                    }
                }
                // The table's own columns too: one call, so one consistent state even while
                // other threads add (two calls could see different numbers of rows). Moved
                // into the arrays, not copied (the loop above was their last use here): a copy
                // is fresh memory, page-faulted in, for every column.
                py::dict out("stars"_a = star, "trend"_a = direction, "trend_change"_a = change, "typical_gap_us"_a = gap,
                             "due_us"_a = due, "overdue"_a = overdue, "at_us"_a = to_micros(t.at), "people"_a = people_of(s));
                put_table_columns(out, t, [](auto& column) { return owning_array(std::move(column)); });
                return out;
            },
            "at_us"_a, "thresholds"_a, "log_span_us"_a = py::none(),
            "Per table() row (stars fitted to log_span_us, default the scorer's own log span): stars, trend (-1 cooling, 0 steady, 1 rising, 2 not enough history) and its "
            "change, rhythm, due time and overdue factor, as numpy columns; with the table's own columns and the "
            "people, from the same state.");
    register_add_common(m);
    m.def("factorize_int_ids", &factorize_int_ids, "source"_a, "target"_a,
          "Integer ids as (source codes, target codes, names): pandas.factorize of source then target, names their "
          "decimal values.");
    m.def("fill_weights", &fill_weights, py::arg("weight").noconvert(), "channel"_a, "defaults"_a,
          "Fill each NaN of weight (float64, in place) with defaults[channel[i]] (defaults[0] for a table of one) and "
          "return the first row not in [0, max_weight], or -1. Without defaults, only the check.");
}

}  // namespace relscore::bindings
