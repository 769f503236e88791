// The link predictors of eval/link_models.hpp.

#include <relscore/eval/link_models.hpp>

#include <relscore/detail/decay.hpp>
#include <relscore/error.hpp>

#include <boost/container_hash/hash.hpp>
#include <boost/unordered/unordered_flat_map.hpp>
#include <boost/unordered/unordered_flat_set.hpp>
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
template <typename Base = link_model>
class streaming_model : public Base {
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
        check_query("score", src, dst, time, out.size(), time.size());
        prepare();
        for (std::size_t k = 0; k < time.size(); ++k) out[k] = value(src[k], dst[k], time[k]);
    }

protected:
    // Queries must not be older than what was learnt (see the design notes).
    void check_query(std::string_view what, std::span<const node_id> src, std::span<const node_id> dst,
                     std::span<const double> time, std::size_t outputs, std::size_t expected_outputs) const {
        check_sizes(what, src.size(), dst.size(), time.size());
        if (outputs != expected_outputs)
            throw_invalid(fmt::format("relscore::eval::link_model::{}(): {} outputs for {} queries", what, outputs,
                                      time.size()));
        for (std::size_t k = 0; k < time.size(); ++k)
            if (m_any && time[k] < m_newest)
                throw time_order_error(fmt::format(
                    "relscore::eval::link_model::{}(): time[{}] = {} is older than the newest observed edge ({})",
                    what, k, time[k], m_newest));
    }

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

// ---------------------------------------------------------------------------- relscore link

constexpr std::array<std::string_view, link_feature_count> feature_names{
    "tie_out_1h", "tie_out_1d", "tie_out_7d", "tie_out_30d",
    "tie_in_1h", "tie_in_1d", "tie_in_7d", "tie_in_30d",
    "reciprocated_7d", "pair_count", "since_out", "since_in",
    "dst_in_1h", "dst_in_1d", "dst_in_7d", "dst_in_30d",
    "dst_out_1h", "dst_out_1d", "dst_out_7d", "dst_out_30d",
    "dst_since_active", "dst_was_destination",
    "src_out_1d", "src_out_7d", "src_in_1d", "src_in_7d",
    "two_hop_7d", "common_neighbours",
    "last_from_dst", "overdue_out", "src_novelty_7d", "dst_new_in_7d"};

// The half-lives of the features, in seconds (1 h, 1 day, 7 days, 30 days); index 2 (7 days)
// is the scale of the reciprocity and two-hop features.
constexpr std::array<double, 4> feature_half_lives{3600.0, 86400.0, 7 * 86400.0, 30 * 86400.0};
constexpr std::size_t week = 2;
constexpr double never_recency = -20;  // the "since" features of a pair or node with no edge yet

using decayed_scales = std::array<detail::decayed_sum, feature_half_lives.size()>;

void add_at_every_scale(decayed_scales& sums, std::int64_t t_us) noexcept {
    for (std::size_t h = 0; h < sums.size(); ++h) sums[h].add(1.0, t_us, feature_half_lives[h] * 1e6);
}

[[nodiscard]] double at_scale(const decayed_scales& sums, std::size_t h, std::int64_t t_us) noexcept {
    return sums[h].at(t_us, feature_half_lives[h] * 1e6);
}

[[nodiscard]] double since(double then, double now) noexcept { return -std::log1p((now - then) / 60.0); }

class relscore_link_model final : public streaming_model<relscore_link> {
public:
    explicit relscore_link_model(std::span<const double> weights) {
        std::copy(weights.begin(), weights.end(), m_weights.begin());
    }

    [[nodiscard]] std::string describe() const override {
        std::string out = "relscore_link(";
        for (std::size_t j = 0; j < link_feature_count; ++j)
            out += fmt::format("{}{}={}", j ? ", " : "", feature_names[j], m_weights[j]);
        return out += ")";
    }

    void features(std::span<const node_id> src, std::span<const node_id> dst, std::span<const double> time,
                  std::span<double> out) const override {
        check_query("features", src, dst, time, out.size(), time.size() * link_feature_count);
        for (std::size_t k = 0; k < time.size(); ++k)
            compute(src[k], dst[k], time[k], out.subspan(k * link_feature_count, link_feature_count));
    }

protected:
    void learn(node_id u, node_id v, double t) override {
        const auto us = to_micros(t);
        auto& pair = m_pairs[pair_key{u, v}];
        const bool first_time = pair.count == 0;
        add_at_every_scale(pair.sums, us);
        if (!first_time) pair.gap_sum += t - pair.last;
        ++pair.count;
        pair.last = t;
        auto& from = m_nodes[u];
        add_at_every_scale(from.out, us);
        if (first_time) from.new_out.add(1.0, us, feature_half_lives[week] * 1e6);
        from.last = t;
        auto& to = m_nodes[v];
        add_at_every_scale(to.in, us);
        if (first_time) to.new_in.add(1.0, us, feature_half_lives[week] * 1e6);
        to.last = t;
        to.was_destination = true;
        if (u != v) {
            m_nodes[u].neighbours.insert(v);  // (re-lookup: inserting v may have moved u's entry)
            m_nodes[v].neighbours.insert(u);
        }
    }

    [[nodiscard]] double value(node_id u, node_id v, double t) const override {
        std::array<double, link_feature_count> f{};
        compute(u, v, t, f);
        double s = 0;
        for (std::size_t j = 0; j < link_feature_count; ++j) s += m_weights[j] * f[j];
        return s;
    }

private:
    struct pair_state {
        decayed_scales sums{};
        std::int64_t count = 0;
        double last = 0;
        double gap_sum = 0;  // Σ of the gaps between consecutive u -> v edges
    };
    struct node_state {
        decayed_scales in{}, out{};
        detail::decayed_sum new_out, new_in;  // first edges of a pair, at 7 days
        double last = 0;
        bool was_destination = false;
        boost::unordered_flat_set<node_id> neighbours;  // either direction
    };

    [[nodiscard]] double directed(const pair_state* p, std::size_t h, std::int64_t us) const noexcept {
        return p ? at_scale(p->sums, h, us) : 0.0;
    }

    void compute(node_id u, node_id v, double t, std::span<double> f) const {
        const auto us = to_micros(t);
        const pair_state* out = find(m_pairs, u, v);
        const pair_state* in = find(m_pairs, v, u);
        std::size_t j = 0;
        for (std::size_t h = 0; h < feature_half_lives.size(); ++h) f[j++] = std::log1p(directed(out, h, us));
        for (std::size_t h = 0; h < feature_half_lives.size(); ++h) f[j++] = std::log1p(directed(in, h, us));
        f[j++] = std::log1p(2 * std::min(directed(out, week, us), directed(in, week, us)));
        f[j++] = std::log1p(out ? static_cast<double>(out->count) : 0.0);
        f[j++] = out ? since(out->last, t) : never_recency;
        f[j++] = in ? since(in->last, t) : never_recency;

        const auto dst_it = m_nodes.find(v);
        const node_state* dst = dst_it == m_nodes.end() ? nullptr : &dst_it->second;
        for (std::size_t h = 0; h < feature_half_lives.size(); ++h) f[j++] = dst ? std::log1p(at_scale(dst->in, h, us)) : 0;
        for (std::size_t h = 0; h < feature_half_lives.size(); ++h) f[j++] = dst ? std::log1p(at_scale(dst->out, h, us)) : 0;
        f[j++] = dst ? since(dst->last, t) : never_recency;
        f[j++] = dst && dst->was_destination ? 1.0 : 0.0;

        const auto src_it = m_nodes.find(u);
        const node_state* src = src_it == m_nodes.end() ? nullptr : &src_it->second;
        for (const std::size_t h : {std::size_t{1}, week}) f[j++] = src ? std::log1p(at_scale(src->out, h, us)) : 0;
        for (const std::size_t h : {std::size_t{1}, week}) f[j++] = src ? std::log1p(at_scale(src->in, h, us)) : 0;

        double two_hop = 0;
        std::size_t common = 0;
        if (src && dst && u != v) {
            const bool never_met = !out && !in;
            const bool u_smaller = src->neighbours.size() <= dst->neighbours.size();
            const auto& walk = u_smaller ? src->neighbours : dst->neighbours;
            const auto& other = u_smaller ? dst->neighbours : src->neighbours;
            for (const node_id w : walk) {
                if (w == u || w == v || !other.contains(w)) continue;
                ++common;
                if (never_met) two_hop += std::min(undirected(u, w, us), undirected(w, v, us));
            }
        }
        f[j++] = std::log1p(two_hop);
        f[j++] = std::log1p(static_cast<double>(common));

        f[j++] = in && (!out || in->last > out->last) ? 1.0 : 0.0;
        const double mean_gap = out && out->count > 1 ? out->gap_sum / static_cast<double>(out->count - 1) : 0.0;
        f[j++] = mean_gap > 0 ? std::log1p((t - out->last) / mean_gap) : 0.0;
        const double week_us = feature_half_lives[week] * 1e6;
        const double src_out_week = src ? at_scale(src->out, week, us) : 0.0;
        f[j++] = src_out_week > 0 ? src->new_out.at(us, week_us) / src_out_week : 0.0;
        f[j++] = dst ? std::log1p(dst->new_in.at(us, week_us)) : 0.0;
    }

    // S_xy = V_xy + V_yx at 7 days.
    [[nodiscard]] double undirected(node_id x, node_id y, std::int64_t us) const noexcept {
        return directed(find(m_pairs, x, y), week, us) + directed(find(m_pairs, y, x), week, us);
    }

    std::array<double, link_feature_count> m_weights{};
    pair_map<pair_state> m_pairs;
    node_map<node_state> m_nodes;
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

const std::array<std::string_view, link_feature_count>& link_feature_names() noexcept { return feature_names; }

std::unique_ptr<relscore_link> make_relscore_link(std::span<const double> weights) {
    if (weights.size() != link_feature_count)
        throw_invalid(fmt::format("relscore::eval::make_relscore_link(): {} weights given, {} expected (one per feature)",
                                  weights.size(), link_feature_count));
    for (std::size_t j = 0; j < weights.size(); ++j)
        if (!std::isfinite(weights[j]))
            throw_invalid(fmt::format("relscore::eval::make_relscore_link(): the weight of {} is not finite",
                                      feature_names[j]));
    return std::make_unique<relscore_link_model>(weights);
}

namespace {

// The stream loop of run_stream() and run_feature_stream(): `query(src, dst, time, first,
// count, negative)` is called for each batch's positives, then its negatives, after the
// batch's learn edges were observed. `per_entry` outputs per entry of batch_index.
template <typename Query>
void drive_stream(link_model& model, const stream_plan& plan, std::size_t positive_outputs,
                  std::size_t negative_outputs, std::size_t per_entry, Query&& query) {
    const auto fail = [](const std::string& what) { throw_invalid("relscore::eval::run_stream(): " + what); };
    const std::size_t n = plan.time.size();
    if (plan.src.size() != n || plan.dst.size() != n) fail("src, dst and time differ in length");
    if (plan.learn_offset.size() != plan.batch_offset.size() || plan.batch_offset.empty())
        fail("learn_offset and batch_offset must both have one entry per batch plus one");
    const std::size_t batches = plan.batch_offset.size() - 1;
    const std::size_t scored = plan.batch_index.size();
    if (plan.neg_src.size() != scored || plan.neg_dst.size() != scored)
        fail("neg_src and neg_dst need one entry per entry of batch_index");
    if (positive_outputs != scored * per_entry || negative_outputs != scored * per_entry)
        fail(fmt::format("the outputs need {} values per entry of batch_index", per_entry));
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
        query(std::span<const node_id>(src), std::span<const node_id>(dst), std::span<const double>(time), first, count,
              false);
        query(plan.neg_src.subspan(first, count), plan.neg_dst.subspan(first, count), std::span<const double>(time),
              first, count, true);
    }
}

}  // namespace

void run_stream(link_model& model, const stream_plan& plan, std::span<double> positive_out,
                std::span<double> negative_out) {
    drive_stream(model, plan, positive_out.size(), negative_out.size(), 1,
                 [&](auto src, auto dst, auto time, std::size_t first, std::size_t count, bool negative) {
                     model.score(src, dst, time, (negative ? negative_out : positive_out).subspan(first, count));
                 });
}

void run_feature_stream(relscore_link& model, const stream_plan& plan, std::span<double> positive_features,
                        std::span<double> negative_features) {
    constexpr auto f = link_feature_count;
    drive_stream(model, plan, positive_features.size(), negative_features.size(), f,
                 [&](auto src, auto dst, auto time, std::size_t first, std::size_t count, bool negative) {
                     model.features(src, dst, time,
                                    (negative ? negative_features : positive_features).subspan(first * f, count * f));
                 });
}

}  // namespace eval
RELSCORE_END_NAMESPACE
