// Decay kernels: the power law's sum of exponentials against the exact power law, and the
// scorer with power-law and window channels against brute force over every interaction.

#include "support/catch.hpp"
#include "support/random_log.hpp"
#include "support/reference.hpp"

#include <relscore/relscore.hpp>

#include <cmath>
#include <random>

using namespace relscore;
using relscore::test::agrees;
using relscore::test::message_of;

namespace {

constexpr std::int64_t day_us = 86'400'000'000LL;

channel_registry kernel_channels() {
    channel_registry r;
    r.define({"email", 1.0, std::chrono::days{60}});
    r.define({"chat", 0.5, std::chrono::days{30}, decay_kernel::power_law(std::chrono::days{2}, 1.2)});
    r.define({"meeting", 3.0, std::chrono::days{1}, decay_kernel::window(std::chrono::days{30})});
    r.define({"friend", 2.0, std::chrono::days{1}, decay_kernel::power_law(std::chrono::hours{6}, 0.6, std::chrono::days{3650})});
    return r;
}

// The exact kernel (power law exactly, not its approximation) in long double.
long double exact_kernel(const channel& c, std::int64_t age_us) {
    const auto age = static_cast<long double>(age_us);
    switch (c.kernel.kind) {
        case decay_kernel::shape::power_law:
            return std::pow(1 + age / static_cast<long double>(c.kernel.scale.count()), -static_cast<long double>(c.kernel.exponent));
        case decay_kernel::shape::window: return age_us < c.kernel.scale.count() ? 1 : 0;
        case decay_kernel::shape::exponential: break;
    }
    return std::exp2l(-age / static_cast<long double>(c.half_life.count()));
}

// The kernel as the scorer represents it: the power law's terms summed exactly.
long double represented_kernel(const channel& c, std::int64_t age_us) {
    if (c.kernel.kind != decay_kernel::shape::power_law) return exact_kernel(c, age_us);
    const auto terms = detail::power_law_terms(static_cast<double>(c.kernel.scale.count()), c.kernel.exponent,
                                               static_cast<double>(c.kernel.range.count()));
    long double v = 0;
    for (const auto& t : terms.terms)
        v += t.coefficient * std::exp2l(-static_cast<long double>(age_us) / static_cast<long double>(t.half_life_us));
    return v;
}

struct volumes {
    long double ab = 0, ba = 0;
};
template <typename Kernel>
volumes brute_force(const std::vector<interaction>& log, const channel_registry& ch, const std::string& a,
                    const std::string& b, std::int64_t t, Kernel kernel) {
    volumes v;
    for (const auto& e : log) {
        const bool ab = e.source == a && e.target == b, ba = e.source == b && e.target == a;
        if (!ab && !ba) continue;
        const channel& c = ch[ch.id(e.channel)];
        const long double term = (e.weight ? *e.weight : c.weight) * kernel(c, t - to_micros(e.time));
        if (e.mutual || ab) v.ab += term;
        if (e.mutual || ba) v.ba += term;
    }
    return v;
}

}  // namespace

TEST_CASE("the power law's sum of exponentials holds its stated error over its range", "[kernels]") {
    std::mt19937_64 rng(1);
    for (double beta : {0.3, 0.6, 1.0, 1.2, 2.0, 4.0})
        for (double range_in_tau : {10.0, 1000.0, 1e5}) {
            const double tau = 3600e6;
            const auto k = detail::power_law_terms(tau, beta, range_in_tau * tau);
            INFO("beta " << beta << ", range " << range_in_tau << " tau: " << k.terms.size() << " terms");
            CHECK(k.max_relative_error < 1e-3);
            CHECK(k.terms.size() <= 64);
            // Off the grid it was measured on: random ages, uniform in log age, over the range.
            std::uniform_real_distribution<double> log_age(-6, std::log10(range_in_tau * tau));
            double worst = 0;
            for (int i = 0; i < 5000; ++i) {
                const double age = std::pow(10.0, log_age(rng));
                const double exact = std::pow(1 + age / tau, -beta);
                worst = std::max(worst, std::fabs(detail::terms_value(k.terms, age) - exact) / exact);
            }
            CHECK(worst < 1e-3);
        }
}

TEST_CASE("scores with power-law and window channels equal brute force over every interaction", "[kernels]") {
    const channel_registry ch = kernel_channels();
    for (std::uint64_t seed = 1; seed <= 25; ++seed) {
        scorer_config config;
        config.channels = ch;
        config.reciprocity = 0.3;
        scorer s(config);
        // Out of order, duplicates, equal timestamps; spans of a few months so windows matter.
        const auto log = test::random_log(seed, {5, 250, 120 * day_us}, ch);
        s.add_batch(log);
        for (std::int64_t later : {std::int64_t{0}, 3 * day_us, 29 * day_us, 30 * day_us, 400 * day_us}) {
            const std::int64_t t = to_micros(*s.newest()) + later;
            const auto table = s.table(from_micros(t));
            for (std::size_t i = 0; i < table.size(); ++i) {
                const relationship r = table.row(i);
                const std::string& a = s.name(r.a);
                const std::string& b = s.name(r.b);
                const volumes rep = brute_force(log, ch, a, b, t, represented_kernel);
                INFO("seed " << seed << " +" << later / day_us << "d " << a << "-" << b);
                CHECK(agrees(r.volume_ab, rep.ab, 1e-11, 1e-300));
                CHECK(agrees(r.volume_ba, rep.ba, 1e-11, 1e-300));
                const relationship one = s.between(r.a, r.b, from_micros(t));
                CHECK(agrees(one.volume_ab, rep.ab, 1e-11, 1e-300));
                // Against the exact power law: within the approximation's error.
                const volumes exact = brute_force(log, ch, a, b, t, exact_kernel);
                CHECK(agrees(r.volume_ab, exact.ab, 1e-3, 1e-300));
                CHECK(agrees(r.volume_ba, exact.ba, 1e-3, 1e-300));
                // Explanations still add up.
                double parts = 0;
                for (const auto& p : s.explain(r.a, r.b, 0, from_micros(t)).parts) parts += p.contribution;
                CHECK(agrees(parts, one.strength, 1e-12, 1e-300));
            }
        }
    }
}

TEST_CASE("a window counts an interaction for exactly its length", "[kernels]") {
    scorer_config config;
    config.channels = kernel_channels();
    scorer s(config);
    const std::int64_t t0 = to_micros(parse_time("2026-01-01T00:00:00Z"));
    s.add({from_micros(t0), "a", "b", "meeting", {}, true});
    CHECK(s.between("a", "b", from_micros(t0 + 30 * day_us - 1)).volume_ab == 3.0);
    CHECK(s.between("a", "b", from_micros(t0 + 30 * day_us)).volume_ab == 0.0);
    // Many meetings long past: the kept list is pruned as it grows, the answer unchanged.
    for (int k = 1; k <= 200; ++k) s.add({from_micros(t0 + k * day_us), "a", "b", "meeting", {}, true});
    CHECK(s.between("a", "b").volume_ab == 30 * 3.0);
}

TEST_CASE("kernels survive merge and snapshots, and bad kernels are refused", "[kernels]") {
    scorer_config config;
    config.channels = kernel_channels();
    config.insight.retain_events = true;
    const auto log = test::random_log(7, {6, 400, 200 * day_us}, config.channels);
    scorer whole(config), first(config), second(config);
    whole.add_batch(log);
    first.add_batch(std::span(log).first(150));
    second.add_batch(std::span(log).subspan(150));
    first.merge(second);
    const scorer loaded = scorer::from_bytes(whole.to_bytes());
    CHECK(loaded.to_bytes() == whole.to_bytes());
    const auto t = from_micros(to_micros(*whole.newest()) + 10 * day_us);
    const auto x = whole.table(t), y = first.table(t), z = loaded.table(t);
    for (std::size_t i = 0; i < x.size(); ++i) {
        const relationship r = x.row(i);
        const relationship m = first.between(whole.name(r.a), whole.name(r.b), t);
        CHECK(agrees(m.strength, r.strength, 1e-12, 1e-300));
        CHECK(z.strength[static_cast<Eigen::Index>(i)] == x.strength[static_cast<Eigen::Index>(i)]);
    }
    (void)y;
    channel_registry r;
    CHECK(message_of([&] { r.define({"x", 1, std::chrono::days{1}, decay_kernel::power_law(duration{0}, 1)}); })
              .find("power-law kernel needs tau > 0") != std::string::npos);
    CHECK(message_of([&] { r.define({"x", 1, std::chrono::days{1}, decay_kernel::power_law(std::chrono::days{1}, -1)}); })
              .find("0.05 <= beta") != std::string::npos);
    CHECK(message_of([&] { r.define({"x", 1, std::chrono::days{1}, decay_kernel::power_law(std::chrono::days{1}, 1e-9)}); })
              .find("0.05 <= beta") != std::string::npos);
    CHECK(message_of([&] {
              r.define({"x", 1, std::chrono::days{1}, decay_kernel::power_law(duration{1}, 1, std::chrono::days{36500})});
          }).find("range <= 1e9 tau") != std::string::npos);
    CHECK(message_of([&] { r.define({"x", 1, std::chrono::days{1}, decay_kernel::window(duration{0})}); })
              .find("window kernel needs a positive length") != std::string::npos);
    CHECK(r.size() == 0);
}
