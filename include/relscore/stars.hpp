#pragma once
/// \file stars.hpp
/// Stars (0–5), as CRM users rate contacts, from a relationship's state, and the fit of
/// the thresholds to how one user rates.
///
/// Why these defaults: strength is measured in "fresh emails" (an email weighs 1 on the
/// day it is sent). A relationship earns star k only if it also holds every lower star, so
/// stars build slowly and need more than volume:
///
/// | stars | strength ≥ | reciprocity ≥ | known for ≥ | touches ≥ | meaning                          |
/// |------:|-----------:|--------------:|------------:|----------:|----------------------------------|
/// | 1     | 0.25       | 0             | 0           | 1         | in touch at all (one exchange)   |
/// | 2     | 3          | 0             | 0           | 2         | more than a single exchange      |
/// | 3     | 6          | 0.4           | 14 days     | 3         | repeated and two-way             |
/// | 4     | 12         | 0.5           | 60 days     | 5         | a working relationship           |
/// | 5     | 20         | 0.6           | 120 days    | 8         | sustained two-way contact, months|
///
/// "Known for" is the time from the first to the newest interaction; touches are the days
/// with contact (both gates shrink for a short log: stars_config::for_log)
/// (periods of insight_config::touch_gap, UTC days by default), so a burst of emails on one
/// day is one touch and daily contact earns one a day. A relationship that fades loses its
/// stars as its strength decays.

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <relscore/error.hpp>
#include <relscore/limits.hpp>
#include <relscore/scorer.hpp>

RELSCORE_BEGIN_NAMESPACE

/// What one star needs.
struct star_level {
    double min_strength = 0;
    double min_reciprocity = 0;
    duration min_span{};           ///< first to newest interaction
    std::uint64_t min_touches = 0;

    friend bool operator==(const star_level&, const star_level&) = default;
};

namespace detail {
// The one check of star strength thresholds (stars_config::with_thresholds(), check()):
// `what` names the list in the caller's terms ("star_thresholds" in a file, "thresholds" in
// Python), so the message says where the bad value is.
[[noreturn, gnu::cold, gnu::noinline]] inline void bad_star_threshold(std::string_view what, std::size_t k, double v,
                                                                    const char* why) {
    throw_error<invalid_argument_error>(std::string(what) + "[" + std::to_string(k) + "] (the strength for " +
                                        std::to_string(k + 1) + (k ? " stars" : " star") + ") is " + short_number(v) +
                                        ": " + why);
}
inline void check_star_thresholds(std::span<const double> thresholds, std::string_view what) {
    if (thresholds.size() != 5)
        throw_error<invalid_argument_error>(std::string(what) + " must be 5 strengths (for 1..5 stars), got " +
                                            std::to_string(thresholds.size()));
    for (std::size_t k = 0; k < thresholds.size(); ++k) {
        const double v = thresholds[k];
        if (std::isnan(v)) bad_star_threshold(what, k, v, "not a number");
        if (v < 0) bad_star_threshold(what, k, v, "a threshold must be >= 0 (a strength is never negative)");
        if (k > 0 && v < thresholds[k - 1])
            bad_star_threshold(what, k, v, ("below the one for " + std::to_string(k) + (k > 1 ? " stars" : " star") +
                                            " (" + short_number(thresholds[k - 1]) +
                                            "); thresholds must not decrease").c_str());
    }
}
}  // namespace detail

/// The thresholds of stars 1..5 (levels[k] is star k+1).
///
/// Valid strength thresholds (check()) are numbers >= 0, none below the one before (a star
/// is never easier than a lower one). Equal thresholds, and +inf ("no strength earns this
/// star"), are allowed: calibrate_stars() gives both when no rating calls for a star.
struct stars_config {
    std::array<star_level, 5> levels{{
        {0.25, 0.0, duration{0}, 1},
        {3.0, 0.0, duration{0}, 2},
        {6.0, 0.4, std::chrono::days{14}, 3},
        {12.0, 0.5, std::chrono::days{60}, 5},
        {20.0, 0.6, std::chrono::days{120}, 8},
    }};
    /// Scale the gates that take time to pass ("known for" and touches) to a short log (see
    /// for_log()).
    bool scale_spans_to_log = true;

    /// The default gates with these strength thresholds (for stars 1..5). Throws
    /// invalid_argument_error naming `what` and the position of a bad one (check()), or if
    /// there are not 5.
    ///
    /// **Example**:
    ///
    ///     auto c = relscore::stars_config::with_thresholds(std::array{0.5, 2.0, 5.0, 10.0, 30.0});
    [[nodiscard]] static stars_config with_thresholds(std::span<const double> thresholds,
                                                      std::string_view what = "relscore::stars_config: thresholds") {
        detail::check_star_thresholds(thresholds, what);
        stars_config out;
        for (std::size_t k = 0; k < out.levels.size(); ++k) out.levels[k].min_strength = thresholds[k];
        return out;
    }

    /// The strength thresholds (levels[k].min_strength, for stars 1..5).
    [[nodiscard]] std::array<double, 5> thresholds() const noexcept {
        std::array<double, 5> out{};
        for (std::size_t k = 0; k < out.size(); ++k) out[k] = levels[k].min_strength;
        return out;
    }

    /// Throws invalid_argument_error if a strength threshold is NaN, negative or below the
    /// one before, naming `what` and its position (levels[k].min_strength is `what`[k]).
    void check(std::string_view what = "relscore::stars_config: levels[].min_strength") const {
        const std::array<double, 5> t = thresholds();
        detail::check_star_thresholds(t, what);
    }

    /// These thresholds for a log that spans `log_span` (scorer::log_span()). A pair cannot
    /// be known for longer than the log, nor in practice for all of it, so in a log shorter
    /// than twice the longest "known for" gate (240 days) those gates shrink in proportion,
    /// the longest to half the log's span; and in a log shorter than that gate (120 days) the
    /// touch gates (days with contact) shrink by log span / 120 days, rounded up, asking for
    /// the same rate of contact. Without it no pair of a 28-day log could pass 3 stars, nor
    /// one of a 2-day log 2 stars, whatever its contact.
    /// Throws invalid_argument_error for invalid strength thresholds (check()).
    [[nodiscard]] stars_config for_log(duration log_span) const {
        check("relscore::stars_config::for_log(): levels[].min_strength");
        stars_config out = *this;
        duration longest{0};
        for (const star_level& l : levels) longest = std::max(longest, l.min_span);
        if (!scale_spans_to_log || longest <= duration{0}) return out;
        const double span = static_cast<double>(std::max(log_span, duration{0}).count()), gate = static_cast<double>(longest.count());
        const double span_factor = std::min(1.0, span / (2 * gate)), touch_factor = std::min(1.0, span / gate);
        for (star_level& l : out.levels) {
            l.min_span = duration{static_cast<duration::rep>(std::llround(static_cast<double>(l.min_span.count()) * span_factor))};
            if (l.min_touches > 1)
                l.min_touches = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(static_cast<double>(l.min_touches) * touch_factor)));
        }
        return out;
    }

    friend bool operator==(const stars_config&, const stars_config&) = default;
};

namespace detail {
// The highest star whose gates other than strength pass (each star needs the lower ones).
[[nodiscard]] inline int star_cap(const relationship& r, const stars_config& c) {
    const duration span = r.first_interaction && r.last_interaction ? *r.last_interaction - *r.first_interaction : duration{0};
    int cap = 0;
    for (const star_level& l : c.levels) {
        if (r.reciprocity < l.min_reciprocity || span < l.min_span || r.touches < l.min_touches) break;
        ++cap;
    }
    return cap;
}
[[nodiscard]] inline int star_by_strength(double strength, const stars_config& c) {
    int s = 0;
    for (const star_level& l : c.levels) {
        if (!(strength >= l.min_strength) || strength <= 0) break;
        ++s;
    }
    return s;
}
}  // namespace detail

/// The stars of a relationship: the highest k such that it meets every gate of stars 1..k.
/// Non-decreasing in strength when the rest is fixed. The thresholds are used as given,
/// unchecked (a loop over many relationships checks them once: stars_config::check());
/// stars(s, r) fits them to the span of the scorer's log first, which checks them.
[[nodiscard]] inline int stars(const relationship& r, const stars_config& c = {}) {
    return std::min(detail::star_by_strength(r.strength, c), detail::star_cap(r, c));
}

/// The stars of a relationship of scorer `s`, with the thresholds fitted to its log's span
/// (stars_config::for_log).
[[nodiscard]] inline int stars(const scorer& s, const relationship& r, const stars_config& c = {}) {
    return stars(r, c.for_log(s.log_span()));
}

/// How well a mapping reproduces a user's stars.
struct star_agreement {
    std::size_t rated = 0;
    double exact = 0;       ///< share rated exactly as the user did
    double within_one = 0;  ///< share off by at most one star
    double mean_abs_error = 0;
};

[[nodiscard]] inline star_agreement agreement(std::span<const relationship> rs, std::span<const int> user_stars,
                                              const stars_config& c) {
    star_agreement a;
    a.rated = rs.size();
    if (rs.empty()) return a;
    for (std::size_t i = 0; i < rs.size(); ++i) {
        const int diff = std::abs(stars(rs[i], c) - user_stars[i]);
        a.exact += diff == 0;
        a.within_one += diff <= 1;
        a.mean_abs_error += diff;
    }
    const auto n = static_cast<double>(rs.size());
    a.exact /= n;
    a.within_one /= n;
    a.mean_abs_error /= n;
    return a;
}

/// The result of calibrate_stars().
struct star_calibration {
    stars_config config;        ///< the fitted thresholds
    star_agreement before;      ///< agreement of the starting config
    star_agreement after;       ///< agreement of the fitted one
};

/// Fits the strength thresholds of `start` to the stars a user gave (0–5) to some
/// relationships, keeping the other gates: an ordinal fit that maximizes the number of
/// relationships rated exactly as the user did (then fewer stars, on ties), found
/// exactly by dynamic programming over the relationships ordered by strength. Each
/// threshold lands halfway between the strengths it separates.
[[nodiscard]] inline star_calibration calibrate_stars(std::span<const relationship> rs, std::span<const int> user_stars,
                                                     const stars_config& start = {}) {
    start.check("relscore::calibrate_stars(): start.levels[].min_strength");
    if (rs.size() != user_stars.size())
        detail::throw_error<invalid_argument_error>("relscore::calibrate_stars(): " + std::to_string(rs.size()) +
                                                    " relationships but " + std::to_string(user_stars.size()) + " ratings");
    for (std::size_t i = 0; i < user_stars.size(); ++i)
        if (user_stars[i] < 0 || user_stars[i] > 5)
            detail::throw_error<invalid_argument_error>("relscore::calibrate_stars(): rating #" + std::to_string(i) +
                                                        " is " + std::to_string(user_stars[i]) + ", not 0..5");
    star_calibration out;
    out.before = agreement(rs, user_stars, start);
    out.config = start;
    if (rs.empty()) {
        out.after = out.before;
        return out;
    }
    // Groups of equal strength, weakest first: a threshold cannot split a group.
    std::vector<std::size_t> order(rs.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return rs[x].strength < rs[y].strength; });
    std::vector<std::size_t> group_start{0};
    for (std::size_t i = 1; i < order.size(); ++i)
        if (rs[order[i]].strength != rs[order[i - 1]].strength) group_start.push_back(i);
    group_start.push_back(order.size());
    const std::size_t groups = group_start.size() - 1;

    // best[g][L]: most exact matches for groups 0..g with group g at strength level L (levels
    // non-decreasing); the predicted star of a member is min(L, its cap from the other gates).
    constexpr int levels = 6;
    std::vector<std::array<long, levels>> best(groups);
    std::vector<std::array<int, levels>> from(groups);
    for (std::size_t g = 0; g < groups; ++g) {
        for (int L = 0; L < levels; ++L) {
            long gain = 0;
            for (std::size_t i = group_start[g]; i < group_start[g + 1]; ++i) {
                const relationship& r = rs[order[i]];
                const int predicted = r.strength > 0 ? std::min(L, detail::star_cap(r, start)) : 0;
                gain += predicted == user_stars[order[i]];
            }
            long prev = 0;
            int arg = 0;
            if (g > 0) {
                prev = -1;
                for (int P = 0; P <= L; ++P)
                    if (best[g - 1][P] > prev) prev = best[g - 1][P], arg = P;
            }
            best[g][L] = prev + gain;
            from[g][L] = arg;
        }
    }
    std::vector<int> level(groups);
    int L = 0;
    for (int k = 1; k < levels; ++k)
        if (best[groups - 1][k] > best[groups - 1][L]) L = k;
    for (std::size_t g = groups; g-- > 0;) {
        level[g] = L;
        L = from[g][L];
    }
    // Thresholds: star k starts halfway between the last group below it and the first at it.
    for (int k = 1; k < levels; ++k) {
        double threshold = std::numeric_limits<double>::infinity();
        for (std::size_t g = 0; g < groups; ++g)
            if (level[g] >= k) {
                const double here = rs[order[group_start[g]]].strength;
                threshold = g == 0 ? here : (rs[order[group_start[g] - 1]].strength + here) / 2;
                break;
            }
        out.config.levels[static_cast<std::size_t>(k - 1)].min_strength = threshold;
    }
    out.after = agreement(rs, user_stars, out.config);
    return out;
}

RELSCORE_END_NAMESPACE
