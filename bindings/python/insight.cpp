// relscore._core: replies, trend, rhythm, due lists, explanations and stars (insight.hpp,
// stars.hpp). Results cross as dicts of plain values (times and durations as int64
// microseconds, None when absent); relscore/_insight.py turns them into dataclasses and
// DataFrames.

#include "convert.hpp"
#include "locked_scorer.hpp"

#include <relscore/relscore.hpp>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace py = pybind11;
using namespace py::literals;
using namespace relscore;

namespace {

using bindings::at_of;
using bindings::locked_scorer;
py::object micros(const std::optional<timestamp>& t) { return t ? py::cast(to_micros(*t)) : py::none(); }
py::object micros(const std::optional<duration>& d) { return d ? py::cast(d->count()) : py::none(); }

py::dict reply_dict(const reply_stats& r) {
    return py::dict("messages"_a = r.messages, "waits"_a = r.waits, "answered"_a = r.answered, "resolved"_a = r.resolved,
                    "reply_rate"_a = r.reply_rate, "latency_p25_us"_a = micros(r.latency_p25),
                    "latency_median_us"_a = micros(r.latency_median), "latency_p75_us"_a = micros(r.latency_p75),
                    "initiated"_a = r.initiated, "initiated_share"_a = r.initiated_share,
                    "unanswered_streak"_a = r.unanswered_streak,
                    "attempts_before_first_answer"_a = r.attempts_before_first_answer, "ever_answered"_a = r.ever_answered,
                    "waiting_since_us"_a = micros(r.waiting_since));
}

py::dict rhythm_dict(const rhythm& r) {
    return py::dict("typical_gap_us"_a = r.typical_gap.count(), "learned"_a = r.learned, "gaps"_a = r.gaps,
                    "last_contact_us"_a = to_micros(r.last_contact), "due_us"_a = to_micros(r.due), "overdue"_a = r.overdue);
}

py::dict trend_dict(const trend& t) {
    return py::dict("direction"_a = to_string(t.direction), "rate_per_day"_a = t.rate_per_day,
                    "change_over_horizon"_a = t.change_over_horizon);
}

stars_config stars_config_of(const std::optional<std::vector<double>>& thresholds) {
    stars_config c;
    if (!thresholds) return c;
    if (thresholds->size() != 5)
        throw invalid_argument_error("relscore: star thresholds must be 5 strengths (for 1..5 stars), got " +
                                     std::to_string(thresholds->size()));
    for (std::size_t k = 0; k < 5; ++k) c.levels[k].min_strength = (*thresholds)[k];
    return c;
}

py::dict agreement_dict(const star_agreement& a) {
    return py::dict("rated"_a = a.rated, "exact"_a = a.exact, "within_one"_a = a.within_one,
                    "mean_abs_error"_a = a.mean_abs_error);
}

py::list due_list(const scorer& s, const std::vector<due_item>& items) {
    py::list out;
    for (const auto& d : items)
        out.append(py::dict("a"_a = s.name(d.a), "b"_a = s.name(d.b), "strength"_a = d.strength, "priority"_a = d.priority,
                            "rhythm"_a = rhythm_dict(d.when)));
    return out;
}

std::vector<std::string> people_of(const scorer& s) {
    std::vector<std::string> out;
    out.reserve(s.people());
    for (person_id i = 0; i < s.people(); ++i) out.push_back(s.name(i));
    return out;
}

}  // namespace

void bind_insight(py::module_& m) {
    auto cls = py::reinterpret_borrow<py::class_<locked_scorer>>(m.attr("Scorer"));
    cls.def_property_readonly(
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
                return py::dict("a"_a = s.name(c.a), "b"_a = s.name(c.b), "a_to_b"_a = reply_dict(c.a_to_b),
                                "b_to_a"_a = reply_dict(c.b_to_a), "conversations"_a = c.conversations,
                                "touches"_a = c.touches, "late"_a = c.late,
                                "first_interaction_us"_a = micros(c.first_interaction),
                                "last_interaction_us"_a = micros(c.last_interaction));
            },
            "a"_a, "b"_a, "at_us"_a, "Replies, persistence and initiation as a dict.")
        .def(
            "trend_of",
            [](const locked_scorer& locked, const std::string& a, const std::string& b, std::optional<std::int64_t> at_us) {
                const auto guard = locked.read();
                const scorer& s = *guard;
                return trend_dict(s.trend_of(a, b, at_of(at_us)));
            },
            "a"_a, "b"_a, "at_us"_a, "The trend of a relationship as a dict.")
        .def(
            "rhythm_of",
            [](const locked_scorer& locked, const std::string& a, const std::string& b, std::optional<std::int64_t> at_us) {
                const auto guard = locked.read();
                const scorer& s = *guard;
                return rhythm_dict(s.rhythm_of(a, b, at_of(at_us)));
            },
            "a"_a, "b"_a, "at_us"_a, "The rhythm of a relationship as a dict.")
        .def(
            "due",
            [](const locked_scorer& locked, std::optional<std::string> person, std::size_t k, std::optional<std::int64_t> at_us) {
                const auto guard = locked.read();
                const scorer& s = *guard;
                return due_list(s, person ? s.due(*person, k, at_of(at_us)) : s.due_all(k, at_of(at_us)));
            },
            "person"_a, "k"_a, "at_us"_a, "Relationships due a touch (of one person, or all), as dicts.")
        .def(
            "explain",
            [](const locked_scorer& locked, const std::string& a, const std::string& b, std::size_t receipts,
               std::optional<std::int64_t> at_us) {
                const auto guard = locked.read();
                const scorer& s = *guard;
                const explanation x = s.explain(a, b, receipts, at_of(at_us));
                py::list parts, rows;
                for (const auto& p : x.parts)
                    parts.append(py::dict("channel"_a = s.channels()[p.channel].name,
                                          "source"_a = p.from_a ? s.name(x.a) : s.name(x.b), "volume"_a = p.volume,
                                          "contribution"_a = p.contribution));
                for (const auto& r : x.receipts)
                    rows.append(py::dict("time_us"_a = to_micros(r.time), "channel"_a = s.channels()[r.channel].name,
                                         "source"_a = r.mutual ? py::object(py::none()) : py::cast(s.name(r.source)),
                                         "mutual"_a = r.mutual, "weight"_a = r.weight, "contribution"_a = r.contribution));
                return py::dict("a"_a = s.name(x.a), "b"_a = s.name(x.b), "at_us"_a = to_micros(x.at),
                                "strength"_a = x.strength, "parts"_a = parts, "receipts"_a = rows,
                                "receipts_total"_a = x.receipts_total);
            },
            "a"_a, "b"_a, "receipts"_a, "at_us"_a, "The exact breakdown of a strength (and receipts) as a dict.")
        .def(
            "stars_of",
            [](const locked_scorer& locked, const std::string& a, const std::string& b, std::optional<std::int64_t> at_us,
               const std::optional<std::vector<double>>& thresholds) {
                const auto guard = locked.read();
                const scorer& s = *guard;
                return stars(s, s.between(a, b, at_of(at_us)), stars_config_of(thresholds));
            },
            "a"_a, "b"_a, "at_us"_a, "thresholds"_a, "Stars (0-5) of one relationship.")
        .def(
            "insight_columns",
            [](const locked_scorer& locked, std::optional<std::int64_t> at_us, const std::optional<std::vector<double>>& thresholds,
               std::optional<std::int64_t> log_span_us) {
                const auto guard = locked.read();
                const scorer& s = *guard;
                const stars_config config = stars_config_of(thresholds).for_log(log_span_us ? duration{*log_span_us} : s.log_span());
                const relationship_table t = s.table(at_of(at_us));
                const auto n = static_cast<py::ssize_t>(t.size());
                py::array_t<std::int8_t> star(n), direction(n);
                py::array_t<double> change(n), overdue(n);
                py::array_t<std::int64_t> first(n), touches(n), gap(n), due(n);
                auto st = star.mutable_unchecked<1>();
                auto dir = direction.mutable_unchecked<1>();
                auto ch = change.mutable_unchecked<1>();
                auto od = overdue.mutable_unchecked<1>();
                auto fi = first.mutable_unchecked<1>();
                auto to = touches.mutable_unchecked<1>();
                auto ga = gap.mutable_unchecked<1>();
                auto du = due.mutable_unchecked<1>();
                {
                    py::gil_scoped_release release;
                    for (py::ssize_t i = 0; i < n; ++i) {
                        const relationship r = t.row(static_cast<std::size_t>(i));
                        st(i) = static_cast<std::int8_t>(stars(r, config));
                        fi(i) = to_micros(*r.first_interaction);
                        to(i) = static_cast<std::int64_t>(r.touches);
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
                // other threads add (two calls could see different numbers of rows).
                const auto copy = [](const auto& column) {
                    using scalar = typename std::decay_t<decltype(column)>::Scalar;
                    return py::array_t<scalar>(static_cast<py::ssize_t>(column.size()), column.data());
                };
                return py::dict("stars"_a = star, "first_interaction_us"_a = first, "touches"_a = touches,
                                "trend"_a = direction, "trend_change"_a = change, "typical_gap_us"_a = gap,
                                "due_us"_a = due, "overdue"_a = overdue, "at_us"_a = to_micros(t.at), "a"_a = copy(t.a),
                                "b"_a = copy(t.b), "strength"_a = copy(t.strength), "volume_ab"_a = copy(t.volume_ab),
                                "volume_ba"_a = copy(t.volume_ba), "reciprocity"_a = copy(t.reciprocity),
                                "last_interaction_us"_a = copy(t.last_interaction_us),
                                "interactions"_a = copy(t.interactions), "people"_a = people_of(s));
            },
            "at_us"_a, "thresholds"_a, "log_span_us"_a = py::none(),
            "Per table() row (stars fitted to log_span_us, default the scorer's own log span): stars, first interaction, touches, trend (-1 cooling, 0 steady, 1 rising, 2 not enough "
            "history) and its "
            "change, rhythm, due time and overdue factor, as numpy columns; with the table's own columns and the "
            "people, from the same state.");

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
}
