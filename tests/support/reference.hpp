#pragma once
// A brute-force reference of the model: keeps every interaction and sums the formulas
// directly in long double. Slow on purpose; the scorer must agree with it.

#include <relscore/relscore.hpp>

#include <cmath>
#include <string>
#include <vector>

namespace relscore::test {

struct reference_volumes {
    long double ab = 0, ba = 0;
    std::size_t interactions = 0;
    std::int64_t last_us = 0;
};

inline reference_volumes reference_between(const std::vector<interaction>& log, const channel_registry& channels,
                                           const std::string& a, const std::string& b, timestamp at) {
    reference_volumes r;
    const std::int64_t t = to_micros(at);
    bool any = false;
    for (const auto& e : log) {
        const bool ab = e.source == a && e.target == b, ba = e.source == b && e.target == a;
        if (!ab && !ba) continue;
        const std::int64_t ti = to_micros(e.time);
        if (ti > t) continue;
        const channel& c = channels[channels.id(e.channel)];
        const long double w = e.weight ? *e.weight : c.weight;
        const long double term =
            w * std::exp2l(-static_cast<long double>(t - ti) / static_cast<long double>(c.half_life.count()));
        if (e.mutual || ab) r.ab += term;
        if (e.mutual || ba) r.ba += term;
        ++r.interactions;
        r.last_us = any ? std::max(r.last_us, ti) : ti;
        any = true;
    }
    return r;
}

inline long double reference_strength(long double ab, long double ba, long double rho) {
    return (1 - rho) * (ab + ba) + rho * 2 * std::min(ab, ba);
}

/// |x - ref| <= rel·|ref| + abs: relative agreement, with an absolute floor for values that
/// are flushed to zero below DBL_MIN.
inline bool agrees(double x, long double ref, double rel = 1e-12, double abs = 1e-300) {
    return std::fabs(static_cast<long double>(x) - ref) <= rel * std::fabs(ref) + abs;
}

/// The message of the exception `f` throws, or "" if it throws none.
template <typename Error = std::exception, typename F>
std::string message_of(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

}  // namespace relscore::test
