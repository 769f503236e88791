// The link predictors of eval/link_models.hpp.

#include <relscore/eval/link_models.hpp>

#include <relscore/detail/decay.hpp>
#include <relscore/error.hpp>

#include <boost/container_hash/hash.hpp>
#include <boost/unordered/unordered_flat_map.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <optional>

RELSCORE_BEGIN_NAMESPACE
namespace eval {
namespace {

struct pair_key {
    node_id from;
    node_id to;
    friend bool operator==(const pair_key&, const pair_key&) = default;
};

struct pair_key_hash {
    std::size_t operator()(const pair_key& k) const noexcept {
        std::size_t seed = 0;
        boost::hash_combine(seed, k.from);
        boost::hash_combine(seed, k.to);
        return seed;
    }
};

template <typename Value>
using pair_map = boost::unordered_flat_map<pair_key, Value, pair_key_hash>;
template <typename Value>
using node_map = boost::unordered_flat_map<node_id, Value>;

[[nodiscard]] std::int64_t to_micros(double seconds) noexcept { return std::llround(seconds * 1e6); }

template <typename Value>
[[nodiscard]] const Value* find(const pair_map<Value>& map, node_id from, node_id to) noexcept {
    const auto it = map.find(pair_key{from, to});
    return it == map.end() ? nullptr : &it->second;
}

[[noreturn]] void throw_invalid(const std::string& message) { throw invalid_argument_error(message); }

void require_positive(std::string_view function, std::string_view name, double value) {
    if (!(value > 0) || !std::isfinite(value))
        throw_invalid(fmt::format("relscore::eval::{}(): {} must be positive and finite, got {}", function, name, value));
}

void require_non_negative(std::string_view function, std::string_view name, double value) {
    if (!(value >= 0) || !std::isfinite(value))
        throw_invalid(fmt::format("relscore::eval::{}(): {} must be non-negative and finite, got {}", function, name, value));
}

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

/// The shared checks and loops; a model supplies learn() and value().
class streaming_model : public link_model {
public:
    void observe(std::span<const node_id> src, std::span<const node_id> dst, std::span<const double> time) final {
        check_sizes("observe", src.size(), dst.size(), time.size());
        double newest = m_newest;
        for (std::size_t k = 0; k < time.size(); ++k) {
            if (!std::isfinite(time[k]))
                throw_invalid(fmt::format("relscore::eval::link_model::observe(): time[{}] is not finite", k));
            if (time[k] < newest)
                throw time_order_error(fmt::format(
                    "relscore::eval::link_model::observe(): edges must come in time order, but time[{}] = {} is "
                    "older than {}",
                    k, time[k], newest));
            newest = time[k];
        }
        for (std::size_t k = 0; k < time.size(); ++k) learn(src[k], dst[k], time[k]);
        if (!time.empty()) {
            m_newest = newest;
            m_any = true;
            changed();
        }
    }

    void score(std::span<const node_id> src, std::span<const node_id> dst, std::span<const double> time,
               std::span<double> out) const final {
        check_sizes("score", src.size(), dst.size(), time.size());
        if (out.size() != time.size())
            throw_invalid(fmt::format("relscore::eval::link_model::score(): {} outputs for {} queries", out.size(),
                                      time.size()));
        for (std::size_t k = 0; k < time.size(); ++k)
            if (m_any && time[k] < m_newest)
                throw time_order_error(fmt::format(
                    "relscore::eval::link_model::score(): time[{}] = {} is older than the newest observed edge ({})",
                    k, time[k], m_newest));
        prepare();
        for (std::size_t k = 0; k < time.size(); ++k) out[k] = value(src[k], dst[k], time[k]);
    }

protected:
    virtual void learn(node_id u, node_id v, double t) = 0;
    [[nodiscard]] virtual double value(node_id u, node_id v, double t) const = 0;
    virtual void changed() {}
    virtual void prepare() const {}

private:
    static void check_sizes(std::string_view what, std::size_t src, std::size_t dst, std::size_t time) {
        if (src != dst || src != time)
            throw_invalid(fmt::format("relscore::eval::link_model::{}(): src, dst and time differ in length ({}, {}, {})",
                                      what, src, dst, time));
    }

    double m_newest = -std::numeric_limits<double>::infinity();
    bool m_any = false;
};

// ---------------------------------------------------------------------------- EdgeBank

class edgebank final : public streaming_model {
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

class count_model final : public streaming_model {
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

class recency_model final : public streaming_model {
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

class decay_model final : public streaming_model {
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

class power_law_model final : public streaming_model {
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

class hawkes_model final : public streaming_model {
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

// ---------------------------------------------------------------------------- relscore link

class relscore_link_model final : public streaming_model {
public:
    explicit relscore_link_model(const link_score_params& p)
        : m_p(p), m_ties(p.tie_half_life), m_activity_half_life_us(p.activity_half_life * 1e6) {}

    [[nodiscard]] std::string describe() const override {
        return fmt::format(
            "relscore_link(tie_half_life={}, reciprocity={}, direction={}, two_hop={}, activity_half_life={}, "
            "destination_activity={}, source_activity={}, floor={})",
            m_p.tie_half_life, m_p.reciprocity, m_p.direction, m_p.two_hop, m_p.activity_half_life,
            m_p.destination_activity, m_p.source_activity, m_p.floor);
    }

protected:
    void learn(node_id u, node_id v, double t) override {
        if (!m_ties.met(u, v) && !m_ties.met(v, u)) {
            m_neighbours[u].push_back(v);
            m_neighbours[v].push_back(u);
        }
        m_ties.add(u, v, t);
        const auto us = to_micros(t);
        m_activity[u].add(1.0, us, m_activity_half_life_us);
        m_activity[v].add(1.0, us, m_activity_half_life_us);
    }

    [[nodiscard]] double value(node_id u, node_id v, double t) const override {
        const double v_uv = m_ties.at(u, v, t);
        const double v_vu = m_ties.at(v, u, t);
        double tie = strength(v_uv, v_vu, m_p.reciprocity) + m_p.direction * v_uv;
        if (m_p.two_hop > 0 && !m_ties.met(u, v) && !m_ties.met(v, u)) tie += m_p.two_hop * common_neighbours(u, v, t);
        double s = std::log(tie + m_p.floor);
        if (m_p.destination_activity != 0) s += m_p.destination_activity * std::log(activity(v, t) + m_p.floor);
        if (m_p.source_activity != 0) s += m_p.source_activity * std::log(activity(u, t) + m_p.floor);
        return s;
    }

private:
    [[nodiscard]] double activity(node_id x, double t) const {
        const auto it = m_activity.find(x);
        return it == m_activity.end() ? 0.0 : it->second.at(to_micros(t), m_activity_half_life_us);
    }

    [[nodiscard]] double tie_strength(node_id a, node_id b, double t) const {
        return strength(m_ties.at(a, b, t), m_ties.at(b, a, t), m_p.reciprocity);
    }

    // Σ over common neighbours w of min(S_uw, S_wv): walk the shorter neighbour list.
    [[nodiscard]] double common_neighbours(node_id u, node_id v, double t) const {
        const auto nu = m_neighbours.find(u);
        const auto nv = m_neighbours.find(v);
        if (nu == m_neighbours.end() || nv == m_neighbours.end()) return 0;
        const bool u_shorter = nu->second.size() <= nv->second.size();
        const node_id walker = u_shorter ? u : v;
        const node_id other = u_shorter ? v : u;
        double sum = 0;
        for (const node_id w : (u_shorter ? nu->second : nv->second)) {
            if (w == other || (!m_ties.met(w, other) && !m_ties.met(other, w))) continue;
            sum += std::min(tie_strength(walker, w, t), tie_strength(w, other, t));
        }
        return sum;
    }

    link_score_params m_p;
    decayed_ties m_ties;
    double m_activity_half_life_us;
    node_map<detail::decayed_sum> m_activity;
    node_map<std::vector<node_id>> m_neighbours;  // distinct undirected neighbours
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

std::unique_ptr<link_model> make_relscore_link(const link_score_params& p) {
    require_positive("make_relscore_link", "tie_half_life", p.tie_half_life);
    require_positive("make_relscore_link", "activity_half_life", p.activity_half_life);
    require_positive("make_relscore_link", "floor", p.floor);
    require_non_negative("make_relscore_link", "direction", p.direction);
    require_non_negative("make_relscore_link", "two_hop", p.two_hop);
    if (!(p.reciprocity >= 0 && p.reciprocity <= 1))
        throw_invalid(
            fmt::format("relscore::eval::make_relscore_link(): reciprocity must be in [0, 1], got {}", p.reciprocity));
    if (!std::isfinite(p.destination_activity) || !std::isfinite(p.source_activity))
        throw_invalid("relscore::eval::make_relscore_link(): activity exponents must be finite");
    return std::make_unique<relscore_link_model>(p);
}

void run_stream(link_model& model, const stream_plan& plan, std::span<double> positive_out,
                std::span<double> negative_out) {
    const auto fail = [](const std::string& what) { throw_invalid("relscore::eval::run_stream(): " + what); };
    const std::size_t n = plan.time.size();
    if (plan.src.size() != n || plan.dst.size() != n) fail("src, dst and time differ in length");
    if (plan.learn_offset.size() != plan.batch_offset.size() || plan.batch_offset.empty())
        fail("learn_offset and batch_offset must both have one entry per batch plus one");
    const std::size_t batches = plan.batch_offset.size() - 1;
    const std::size_t scored = plan.batch_index.size();
    if (plan.neg_src.size() != scored || plan.neg_dst.size() != scored || positive_out.size() != scored ||
        negative_out.size() != scored)
        fail("neg_src, neg_dst and the outputs need one entry per entry of batch_index");
    const auto check_offsets = [&](std::span<const std::int64_t> offsets, std::size_t total, const char* name) {
        if (offsets.front() != 0 || static_cast<std::size_t>(offsets.back()) != total)
            fail(fmt::format("{} must start at 0 and end at {}", name, total));
        for (std::size_t b = 0; b < batches; ++b)
            if (offsets[b] > offsets[b + 1]) fail(fmt::format("{} decreases at batch {}", name, b));
    };
    check_offsets(plan.learn_offset, plan.learn_index.size(), "learn_offset");
    check_offsets(plan.batch_offset, scored, "batch_offset");
    for (const auto index : {plan.learn_index, plan.batch_index})
        for (const auto k : index)
            if (k < 0 || static_cast<std::size_t>(k) >= n) fail(fmt::format("edge index {} is out of range", k));

    std::vector<node_id> src, dst;
    std::vector<double> time;
    const auto gather = [&](std::span<const std::int64_t> index) {
        src.clear(), dst.clear(), time.clear();
        for (const auto k : index) {
            const auto i = static_cast<std::size_t>(k);
            src.push_back(plan.src[i]), dst.push_back(plan.dst[i]), time.push_back(plan.time[i]);
        }
    };
    for (std::size_t b = 0; b < batches; ++b) {
        gather(plan.learn_index.subspan(static_cast<std::size_t>(plan.learn_offset[b]),
                                        static_cast<std::size_t>(plan.learn_offset[b + 1] - plan.learn_offset[b])));
        model.observe(src, dst, time);
        const auto first = static_cast<std::size_t>(plan.batch_offset[b]);
        const auto count = static_cast<std::size_t>(plan.batch_offset[b + 1] - plan.batch_offset[b]);
        gather(plan.batch_index.subspan(first, count));
        model.score(src, dst, time, positive_out.subspan(first, count));
        model.score(plan.neg_src.subspan(first, count), plan.neg_dst.subspan(first, count), time,
                    negative_out.subspan(first, count));
    }
}

}  // namespace eval
RELSCORE_END_NAMESPACE
