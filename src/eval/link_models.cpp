// The link predictors of eval/link_models.hpp: EdgeBank and the baselines (relscore's own
// link score is in relscore_link.cpp, the stream loop in stream.cpp).

#include "streaming_model.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <optional>
#include <vector>

RELSCORE_BEGIN_NAMESPACE
namespace eval {
namespace {

using namespace internal;

/// numpy.quantile(sorted, q) with numpy's default 'linear' method, to the last bit: DyGLib
/// draws EdgeBank's time window with it, and an edge exactly on the boundary must land on
/// the same side.
[[nodiscard]] double numpy_quantile(const std::vector<double>& sorted, double q) {
    const auto n = sorted.size();
    const double virtual_index = static_cast<double>(n - 1) * q;
    const double previous = std::floor(virtual_index);
    const auto lo = std::min(static_cast<std::size_t>(std::max(previous, 0.0)), n - 1);
    const auto hi = std::min(lo + 1, n - 1);
    const double gamma = virtual_index - previous;
    const double a = sorted[lo];
    const double b = sorted[hi];
    const double diff = b - a;
    return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;  // numpy's _lerp
}

// ---------------------------------------------------------------------------- EdgeBank

class edgebank final : public streaming_model<> {
public:
    edgebank(edgebank_mode mode, double proportion) : m_mode(mode), m_proportion(proportion) {}

    [[nodiscard]] std::string describe() const override {
        if (m_mode == edgebank_mode::time_window)
            return fmt::format("edgebank(mode={}, proportion={})", to_string(m_mode), m_proportion);
        return fmt::format("edgebank(mode={})", to_string(m_mode));
    }

protected:
    struct pair_info {
        std::int64_t count = 0;
        double last = 0;
        double gap_sum = 0;  // Σ of the gaps between consecutive edges of the pair
    };

    void learn(node_id u, node_id v, double t) override {
        auto& p = m_pairs[pair_key{u, v}];
        if (p.count > 0) p.gap_sum += t - p.last;
        p.last = t;
        ++p.count;
        m_times.push_back(t);
    }

    void changed() override { m_ready = false; }

    // The memory of DyGLib's edge_bank_link_prediction(), recomputed from the whole history
    // whenever it changed: a time threshold (window modes) or a count threshold.
    void prepare() const override {
        if (m_ready || m_times.empty()) return;
        switch (m_mode) {
            case edgebank_mode::unlimited:
                break;
            case edgebank_mode::time_window:
                m_threshold = numpy_quantile(m_times, 1 - m_proportion);
                break;
            case edgebank_mode::repeat_interval: {
                double sum_of_mean_gaps = 0;
                for (const auto& [key, p] : m_pairs)
                    if (p.count > 1) sum_of_mean_gaps += p.gap_sum / static_cast<double>(p.count - 1);
                m_threshold = m_times.back() - sum_of_mean_gaps / static_cast<double>(m_pairs.size());
                break;
            }
            case edgebank_mode::repeat_threshold:
                m_threshold = static_cast<double>(m_times.size()) / static_cast<double>(m_pairs.size());
                break;
        }
        m_ready = true;
    }

    [[nodiscard]] double value(node_id u, node_id v, double) const override {
        const pair_info* p = find(m_pairs, u, v);
        if (!p) return 0;
        switch (m_mode) {
            case edgebank_mode::unlimited: return 1;
            case edgebank_mode::time_window:
            case edgebank_mode::repeat_interval: return p->last >= m_threshold ? 1 : 0;
            case edgebank_mode::repeat_threshold: return static_cast<double>(p->count) >= m_threshold ? 1 : 0;
        }
        return 0;
    }

private:
    edgebank_mode m_mode;
    double m_proportion;
    pair_map<pair_info> m_pairs;
    std::vector<double> m_times;  // every observed time, in order (so sorted)
    mutable bool m_ready = false;
    mutable double m_threshold = 0;
};

// ---------------------------------------------------------------------------- baselines

class count_model final : public streaming_model<> {
public:
    [[nodiscard]] std::string describe() const override { return "count()"; }

protected:
    void learn(node_id u, node_id v, double) override { ++m_count[pair_key{u, v}]; }
    [[nodiscard]] double value(node_id u, node_id v, double) const override {
        const auto* c = find(m_count, u, v);
        return c ? static_cast<double>(*c) : 0.0;
    }

private:
    pair_map<std::int64_t> m_count;
};

class recency_model final : public streaming_model<> {
public:
    [[nodiscard]] std::string describe() const override { return "recency()"; }

protected:
    void learn(node_id u, node_id v, double t) override { m_last[pair_key{u, v}] = t; }
    [[nodiscard]] double value(node_id u, node_id v, double t) const override {
        const auto* last = find(m_last, u, v);
        return last ? 1.0 / (1.0 + (t - *last) / 86400.0) : 0.0;
    }

private:
    pair_map<double> m_last;
};

/// Directed decayed sums per ordered pair, the building block of the decay models.
class decayed_ties {
public:
    explicit decayed_ties(double half_life_seconds) : m_half_life_us(half_life_seconds * 1e6) {}
    void add(node_id u, node_id v, double t) { m_sums[pair_key{u, v}].add(1.0, to_micros(t), m_half_life_us); }
    [[nodiscard]] double at(node_id u, node_id v, double t) const {
        const auto* s = find(m_sums, u, v);
        return s ? s->at(to_micros(t), m_half_life_us) : 0.0;
    }
    [[nodiscard]] bool met(node_id u, node_id v) const { return m_sums.contains(pair_key{u, v}); }

private:
    double m_half_life_us;
    pair_map<detail::decayed_sum> m_sums;
};

/// relscore's strength from the two directed volumes (README, "The model").
[[nodiscard]] double strength(double v_uv, double v_vu, double reciprocity) noexcept {
    return (1 - reciprocity) * (v_uv + v_vu) + reciprocity * 2 * std::min(v_uv, v_vu);
}

class decay_model final : public streaming_model<> {
public:
    decay_model(double half_life, std::optional<double> reciprocity)
        : m_half_life(half_life), m_reciprocity(reciprocity), m_ties(half_life) {}

    [[nodiscard]] std::string describe() const override {
        if (m_reciprocity) return fmt::format("decay_reciprocal(half_life={}, reciprocity={})", m_half_life, *m_reciprocity);
        return fmt::format("decay(half_life={})", m_half_life);
    }

protected:
    void learn(node_id u, node_id v, double t) override { m_ties.add(u, v, t); }
    [[nodiscard]] double value(node_id u, node_id v, double t) const override {
        if (!m_reciprocity) return m_ties.at(u, v, t);
        return strength(m_ties.at(u, v, t), m_ties.at(v, u, t), *m_reciprocity);
    }

private:
    double m_half_life;
    std::optional<double> m_reciprocity;
    decayed_ties m_ties;
};

class power_law_model final : public streaming_model<> {
public:
    power_law_model(double tau, double exponent) : m_tau(tau), m_exponent(exponent) {}
    [[nodiscard]] std::string describe() const override {
        return fmt::format("power_law(tau={}, exponent={})", m_tau, m_exponent);
    }

protected:
    // A power law has no O(1) update: keep every time (fine at benchmark sizes).
    void learn(node_id u, node_id v, double t) override { m_times[pair_key{u, v}].push_back(t); }
    [[nodiscard]] double value(node_id u, node_id v, double t) const override {
        const auto* times = find(m_times, u, v);
        if (!times) return 0;
        double sum = 0;
        for (const double ti : *times) sum += std::pow(1 + (t - ti) / m_tau, -m_exponent);
        return sum;
    }

private:
    double m_tau;
    double m_exponent;
    pair_map<std::vector<double>> m_times;
};

class hawkes_model final : public streaming_model<> {
public:
    hawkes_model(double base_rate, double decay_rate, double reciprocal)
        : m_base_rate(base_rate), m_decay_rate(decay_rate), m_reciprocal(reciprocal),
          m_excitation(std::numbers::ln2 / decay_rate) {}

    [[nodiscard]] std::string describe() const override {
        return fmt::format("hawkes(base_rate={}, decay_rate={}, reciprocal_excitation={})", m_base_rate, m_decay_rate,
                           m_reciprocal);
    }

protected:
    void learn(node_id u, node_id v, double t) override {
        m_excitation.add(u, v, t);  // e^{-β Δ} = 2^{-Δ / (ln 2 / β)}
        ++m_in_degree[v];
        ++m_edges;
    }
    [[nodiscard]] double value(node_id u, node_id v, double t) const override {
        double base = 0;
        if (m_edges > 0) {
            const auto it = m_in_degree.find(v);
            if (it != m_in_degree.end()) base = m_base_rate * static_cast<double>(it->second) / static_cast<double>(m_edges);
        }
        return base + m_excitation.at(u, v, t) + m_reciprocal * m_excitation.at(v, u, t);
    }

private:
    double m_base_rate;
    double m_decay_rate;
    double m_reciprocal;
    decayed_ties m_excitation;
    node_map<std::int64_t> m_in_degree;
    std::int64_t m_edges = 0;
};

}  // namespace

edgebank_mode parse_edgebank_mode(std::string_view name) {
    for (const auto mode : {edgebank_mode::unlimited, edgebank_mode::time_window, edgebank_mode::repeat_interval,
                            edgebank_mode::repeat_threshold})
        if (name == to_string(mode)) return mode;
    throw_invalid(fmt::format(
        "relscore::eval::parse_edgebank_mode(): unknown mode '{}' (unlimited, time_window, repeat_interval, "
        "repeat_threshold)",
        name));
}

std::string_view to_string(edgebank_mode mode) noexcept {
    switch (mode) {
        case edgebank_mode::unlimited: return "unlimited";
        case edgebank_mode::time_window: return "time_window";
        case edgebank_mode::repeat_interval: return "repeat_interval";
        case edgebank_mode::repeat_threshold: return "repeat_threshold";
    }
    return "?";
}

std::unique_ptr<link_model> make_edgebank(edgebank_mode mode, double proportion) {
    if (!(proportion > 0 && proportion <= 1))
        throw_invalid(fmt::format("relscore::eval::make_edgebank(): proportion must be in (0, 1], got {}", proportion));
    return std::make_unique<edgebank>(mode, proportion);
}

std::unique_ptr<link_model> make_count() { return std::make_unique<count_model>(); }
std::unique_ptr<link_model> make_recency() { return std::make_unique<recency_model>(); }

std::unique_ptr<link_model> make_decay(double half_life) {
    require_positive("make_decay", "half_life", half_life);
    return std::make_unique<decay_model>(half_life, std::nullopt);
}

std::unique_ptr<link_model> make_decay_reciprocal(double half_life, double reciprocity) {
    require_positive("make_decay_reciprocal", "half_life", half_life);
    if (!(reciprocity >= 0 && reciprocity <= 1))
        throw_invalid(fmt::format("relscore::eval::make_decay_reciprocal(): reciprocity must be in [0, 1], got {}",
                                  reciprocity));
    return std::make_unique<decay_model>(half_life, reciprocity);
}

std::unique_ptr<link_model> make_power_law(double tau, double exponent) {
    require_positive("make_power_law", "tau", tau);
    require_positive("make_power_law", "exponent", exponent);
    return std::make_unique<power_law_model>(tau, exponent);
}

std::unique_ptr<link_model> make_hawkes(double base_rate, double decay_rate, double reciprocal_excitation) {
    require_non_negative("make_hawkes", "base_rate", base_rate);
    require_positive("make_hawkes", "decay_rate", decay_rate);
    require_non_negative("make_hawkes", "reciprocal_excitation", reciprocal_excitation);
    return std::make_unique<hawkes_model>(base_rate, decay_rate, reciprocal_excitation);
}

}  // namespace eval
RELSCORE_END_NAMESPACE
