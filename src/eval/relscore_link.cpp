// relscore's link score (eval/link_models.hpp, relscore_link): a weighted sum of features
// of the observed edges, kept in O(1) per edge with decayed sums at four half-lives.

#include "streaming_model.hpp"

#include <boost/unordered/unordered_flat_set.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <optional>

RELSCORE_BEGIN_NAMESPACE
namespace eval {
namespace {

using namespace internal;

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
    "last_from_dst", "overdue_out", "src_novelty_7d", "dst_new_in_7d",
    // Issue 16: rhythm, balance, daily and weekly profiles, and the query's lag.
    "overdue_pair", "pair_mean_gap", "dst_overdue", "dst_balance_1d", "dst_balance_7d",
    "dst_since_in", "dst_since_out", "src_since_active",
    "dst_hour_share", "src_hour_share", "pair_hour_share", "dst_weekday_share", "query_lag",
    "dst_new_in_1d", "dst_new_out_7d", "dst_since_new_in", "dst_degree", "src_degree", "two_hop_1d",
    // Issue 16, part 1: longer paths, for pairs that have not met (random negatives).
    "adamic_adar", "paths_3", "co_senders",
    // Issue 16, part 2: recency as a rank among the node's own recent contacts.
    "rank_in_src", "rank_in_dst",
    // Issue 16, part 3: two-step walks weighted by how recent their edges are, and how
    // dormant the destination is against the source's habit.
    "walk2_1d", "walk2_7d", "hop2_since", "src_target_dormancy", "dst_dormancy_vs_src",
    // Issue 16, part 4: cohorts, when each end was first seen against the other's and against
    // the source's recent destinations.
    "cohort_gap", "cohort_vs_src", "cohort_near_recent", "cohort_last_gap", "cohort_step"};

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

// The daily and weekly profiles (issue 16): times are seconds since the log's first edge, so
// the bins are phases of that origin (the same shift for every edge, which a share ignores).
constexpr double day_seconds = 86400.0;
constexpr double week_seconds = 7 * day_seconds;
constexpr std::size_t hour_bins = 24;
constexpr std::size_t weekday_bins = 7;

[[nodiscard]] std::size_t hour_of(double t) noexcept {
    const double phase = std::fmod(t, day_seconds);
    return std::min(hour_bins - 1, static_cast<std::size_t>(std::max(phase, 0.0) / 3600.0));
}

[[nodiscard]] std::size_t weekday_of(double t) noexcept {
    const double phase = std::fmod(t, week_seconds);
    return std::min(weekday_bins - 1, static_cast<std::size_t>(std::max(phase, 0.0) / day_seconds));
}

using hour_counts = std::array<std::uint32_t, hour_bins>;

// log of the smoothed share of the edges in the query's hour and the two beside it (a
// window of 3 of the 24 hours), against the uniform share: log(8 (c + 1) / (n + 8)).
// 0 for no edges; positive when the node (or pair) is usually active at that time of day.
[[nodiscard]] double hour_share(const hour_counts& counts, std::uint64_t total, double t) noexcept {
    const std::size_t h = hour_of(t);
    const double c = static_cast<double>(counts[(h + hour_bins - 1) % hour_bins]) + counts[h] + counts[(h + 1) % hour_bins];
    return std::log(8.0 * (c + 1.0) / (static_cast<double>(total) + 8.0));
}

// The longer paths (paths_3, co_senders) walk only each node's most recent distinct
// neighbours: a query then costs O(cap^2) whatever the degrees. Uncapped, email-Eu-core's
// hubs (hundreds of neighbours) made the whole docs/results.md run 3.6 times slower. K = 16
// was chosen on the hold-out inside validation (scripts/link_holdout.py): UCI mean 95.32
// against 95.29 at K = 32 and 95.22 uncapped; email-Eu-core 95.77 against 95.74 uncapped.
constexpr std::size_t path_cap = link_path_cap;

/// The distinct nodes last met, newest first, at most path_cap of them (a move-to-front
/// list: the nodes whose newest edge with this one came last in the log).
class recent_nodes {
public:
    void touch(node_id x) noexcept {
        auto end = m_ids.begin() + m_size;
        auto it = std::find(m_ids.begin(), end, x);
        if (it == end) {
            if (m_size < path_cap) ++m_size, ++end;
            it = end - 1;  // a new slot, or the oldest node, which drops out
        }
        std::move_backward(m_ids.begin(), it, it + 1);
        m_ids[0] = x;
    }
    [[nodiscard]] std::span<const node_id> view() const noexcept { return {m_ids.data(), m_size}; }
    // x's place in the list (0 = newest), path_cap if it is not there.
    [[nodiscard]] std::size_t rank(node_id x) const noexcept {
        const auto end = m_ids.begin() + m_size;
        const auto it = std::find(m_ids.begin(), end, x);
        return it == end ? path_cap : static_cast<std::size_t>(it - m_ids.begin());
    }
    // The same nodes sorted, for binary searches.
    [[nodiscard]] std::array<node_id, path_cap> sorted(std::size_t& size) const noexcept {
        std::array<node_id, path_cap> out = m_ids;
        size = m_size;
        std::sort(out.begin(), out.begin() + m_size);
        return out;
    }

private:
    std::array<node_id, path_cap> m_ids{};
    std::size_t m_size = 0;
};

/// Running mean of the gaps between consecutive events, and the newest event.
struct rhythm {
    std::int64_t count = 0;
    double first = 0, last = 0;
    void add(double t) noexcept {
        if (count == 0) first = t;
        last = t;
        ++count;
    }
    [[nodiscard]] double mean_gap() const noexcept {
        return count > 1 ? (last - first) / static_cast<double>(count - 1) : 0.0;
    }
    // log(1 + time since the newest event / the mean gap); 0 without a positive mean gap.
    [[nodiscard]] double overdue(double t) const noexcept {
        const double gap = mean_gap();
        return gap > 0 ? std::log1p((t - last) / gap) : 0.0;
    }
};

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
        {  // the destination's dormancy before this edge (a self-loop's own node)
            const auto it = m_nodes.find(v);
            const double d = dormancy(it == m_nodes.end() ? nullptr : &it->second, t);
            auto& sender = m_nodes[u];
            sender.target_dormancy += d;
            ++sender.targets;
        }
        {  // when the destination was first seen (this edge's time if it is new; part 4)
            const auto it = m_nodes.find(v);
            const double first = it == m_nodes.end() || it->second.activity.count == 0 ? t : it->second.activity.first;
            m_nodes[u].target_first += first;
        }
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
        if (first_time) {
            to.new_in.add(1.0, us, feature_half_lives[week] * 1e6);
            to.new_in_day.add(1.0, us, feature_half_lives[1] * 1e6);
            to.last_new_in = t;
            to.any_new_in = true;
        }
        to.last = t;
        to.was_destination = true;
        to.last_in = t;
        to.any_in = true;
        m_nodes[u].last_out = t;  // (re-lookup: inserting v may have moved u's entry)
        m_nodes[u].any_out = true;
        const auto hour = hour_of(t);
        const auto weekday = weekday_of(t);
        const auto count_activity = [&](node_id x) {
            auto& node = m_nodes[x];
            node.activity.add(t);
            ++node.hours[hour];
            ++node.weekdays[weekday];
        };
        count_activity(u);
        if (v != u) count_activity(v);  // a self-loop counts once
        auto& undirected_pair = m_undirected[pair_key{std::min(u, v), std::max(u, v)}];
        undirected_pair.contacts.add(t);
        ++undirected_pair.hours[hour];
        add_at_every_scale(undirected_pair.sums, us);
        m_newest = t;
        m_any = true;
        if (u != v) {
            auto& from_node = m_nodes[u];  // (re-lookup: inserting v may have moved u's entry)
            from_node.neighbours.insert(v);
            from_node.recent.touch(v);
            from_node.recent_destinations.touch(v);
            auto& to_node = m_nodes[v];
            to_node.neighbours.insert(u);
            to_node.recent.touch(u);
            to_node.recent_senders.touch(u);
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
        detail::decayed_sum new_in_day;       // ... into the node, at 1 day
        double last_new_in = 0;
        bool any_new_in = false;
        double last = 0;
        bool was_destination = false;
        boost::unordered_flat_set<node_id> neighbours;  // either direction, no self-loops
        // The newest path_cap of them, and of the node's destinations and senders.
        recent_nodes recent, recent_destinations, recent_senders;
        // Issue 16: the node's edges either way (self-loops once), by hour and weekday.
        rhythm activity;
        hour_counts hours{};
        std::array<std::uint32_t, weekday_bins> weekdays{};
        double last_in = 0, last_out = 0;
        bool any_in = false, any_out = false;
        // Issue 16, part 3: Σ over the node's outgoing edges of its destination's dormancy
        // then (dormancy()), and their number.
        double target_dormancy = 0;
        std::int64_t targets = 0;
        // Issue 16, part 4: Σ over the same edges of the time the destination was first seen
        // (the edge's own time for a destination without edges before it).
        double target_first = 0;
    };

    // log(1 + minutes since x's newest edge, either way); 20 for a node without edges.
    [[nodiscard]] static double dormancy(const node_state* x, double t) noexcept {
        return x && x->activity.count > 0 ? std::log1p((t - x->activity.last) / 60.0) : 20.0;
    }
    struct undirected_state {  // the edges of a pair, either way
        rhythm contacts;
        hour_counts hours{};
        decayed_scales sums{};  // S_xy at every half-life (the walks of part 3)
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

        double two_hop = 0, two_hop_day = 0, adamic_adar = 0;
        std::array<double, 2> walk2{};        // Σ_w S_uw S_wv at 1 day and 7 days
        double newest_path = -1;              // max over w of min(last(u, w), last(w, v))
        std::size_t common = 0;
        if (src && dst && u != v) {
            const bool never_met = !out && !in;
            const bool u_smaller = src->neighbours.size() <= dst->neighbours.size();
            const auto& walk = u_smaller ? src->neighbours : dst->neighbours;
            const auto& other = u_smaller ? dst->neighbours : src->neighbours;
            for (const node_id w : walk) {
                if (w == u || w == v || !other.contains(w)) continue;
                ++common;
                adamic_adar += 1.0 / std::log(2.0 + static_cast<double>(degree(w)));
                const undirected_state* uw = find(m_undirected, std::min(u, w), std::max(u, w));
                const undirected_state* wv = find(m_undirected, std::min(w, v), std::max(w, v));
                for (std::size_t k = 0; k < walk2.size(); ++k)
                    walk2[k] += at_scale(uw->sums, k + 1, us) * at_scale(wv->sums, k + 1, us);
                newest_path = std::max(newest_path, std::min(uw->contacts.last, wv->contacts.last));
                if (never_met) {
                    two_hop += std::min(undirected(u, w, us), undirected(w, v, us));
                    two_hop_day += std::min(undirected(u, w, us, 1), undirected(w, v, us, 1));
                }
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

        const undirected_state* pair = find(m_undirected, std::min(u, v), std::max(u, v));
        f[j++] = pair ? pair->contacts.overdue(t) : 0.0;
        const double pair_gap = pair ? pair->contacts.mean_gap() : 0.0;
        f[j++] = pair_gap > 0 ? std::log1p(pair_gap / 60.0) : -1.0;
        f[j++] = dst ? dst->activity.overdue(t) : 0.0;
        for (const std::size_t h : {std::size_t{1}, week})
            f[j++] = dst ? std::log((1 + at_scale(dst->in, h, us)) / (1 + at_scale(dst->out, h, us))) : 0.0;
        f[j++] = dst && dst->any_in ? since(dst->last_in, t) : never_recency;
        f[j++] = dst && dst->any_out ? since(dst->last_out, t) : never_recency;
        f[j++] = src ? since(src->last, t) : never_recency;
        const auto total = [](const node_state* n) { return n ? static_cast<std::uint64_t>(n->activity.count) : 0u; };
        f[j++] = dst ? hour_share(dst->hours, total(dst), t) : 0.0;
        f[j++] = src ? hour_share(src->hours, total(src), t) : 0.0;
        f[j++] = pair ? hour_share(pair->hours, static_cast<std::uint64_t>(pair->contacts.count), t) : 0.0;
        f[j++] = dst ? std::log(7.0 * (dst->weekdays[weekday_of(t)] + 1.0) / (static_cast<double>(total(dst)) + 7.0))
                     : 0.0;
        f[j++] = m_any ? since(m_newest, t) : never_recency;
        f[j++] = dst ? std::log1p(dst->new_in_day.at(us, feature_half_lives[1] * 1e6)) : 0.0;
        f[j++] = dst ? std::log1p(dst->new_out.at(us, week_us)) : 0.0;
        f[j++] = dst && dst->any_new_in ? since(dst->last_new_in, t) : never_recency;
        f[j++] = dst ? std::log1p(static_cast<double>(dst->neighbours.size())) : 0.0;
        f[j++] = src ? std::log1p(static_cast<double>(src->neighbours.size())) : 0.0;
        f[j++] = std::log1p(two_hop_day);
        f[j++] = adamic_adar;
        f[j++] = src && dst && u != v ? std::log1p(static_cast<double>(paths_3(u, *src, v, *dst))) : 0.0;
        f[j++] = src && dst && u != v ? std::log1p(static_cast<double>(co_senders(u, *src, v, *dst))) : 0.0;
        f[j++] = static_cast<double>(src ? src->recent.rank(v) : path_cap);
        f[j++] = static_cast<double>(dst ? dst->recent.rank(u) : path_cap);
        for (const double w : walk2) f[j++] = std::log1p(w);
        f[j++] = newest_path >= 0 ? since(newest_path, t) : never_recency;
        const double habit = src && src->targets > 0 ? src->target_dormancy / static_cast<double>(src->targets) : -1.0;
        f[j++] = habit;
        f[j++] = src && src->targets > 0 ? dormancy(dst, t) - habit : 0.0;
        // Issue 16, part 4: cohorts (first(x) = the time of x's first edge, either way).
        const bool v_seen = dst && dst->activity.count > 0;
        f[j++] = src && src->activity.count > 0 && v_seen
                     ? std::log1p(std::abs(src->activity.first - dst->activity.first) / 3600.0)
                     : -1.0;
        f[j++] = src && src->targets > 0 ? ((v_seen ? dst->activity.first : t) -
                                            src->target_first / static_cast<double>(src->targets)) / day_seconds
                                         : 0.0;
        double nearest = -1, last_gap = -1, step = 0;  // over u's recent destinations but v
        if (src && v_seen)
            for (const node_id y : src->recent_destinations.view()) {
                if (y == v) continue;
                const double first_y = m_nodes.find(y)->second.activity.first;
                const double gap = std::abs(first_y - dst->activity.first);
                if (last_gap < 0) last_gap = gap, step = (dst->activity.first - first_y) / day_seconds;
                nearest = nearest < 0 ? gap : std::min(nearest, gap);
            }
        f[j++] = nearest >= 0 ? std::log1p(nearest / 3600.0) : -1.0;
        f[j++] = last_gap >= 0 ? std::log1p(last_gap / 3600.0) : -1.0;
        f[j++] = step;
    }

    [[nodiscard]] std::size_t degree(node_id w) const {
        const auto it = m_nodes.find(w);
        return it == m_nodes.end() ? 0 : it->second.neighbours.size();
    }

    // Paths u - x - y - v (either direction) with x among u's newest neighbours, y among x's
    // and v's (the recent lists), x != v, y not in {u, v}.
    [[nodiscard]] std::size_t paths_3(node_id u, const node_state& src, node_id v, const node_state& dst) const {
        std::size_t size = 0;
        const auto near_v = dst.recent.sorted(size);
        const auto end = near_v.begin() + size;
        std::size_t n = 0;
        for (const node_id x : src.recent.view()) {
            if (x == v) continue;
            for (const node_id y : m_nodes.find(x)->second.recent.view())
                if (y != u && y != v && std::binary_search(near_v.begin(), end, y)) ++n;
        }
        return n;
    }

    // (y, x) with y among v's newest senders, x among y's and u's newest destinations, y != u,
    // x != v: others who wrote to u's destinations also wrote to v.
    [[nodiscard]] std::size_t co_senders(node_id u, const node_state& src, node_id v, const node_state& dst) const {
        std::size_t size = 0;
        const auto from_u = src.recent_destinations.sorted(size);
        const auto end = from_u.begin() + size;
        std::size_t n = 0;
        for (const node_id y : dst.recent_senders.view()) {
            if (y == u) continue;
            for (const node_id x : m_nodes.find(y)->second.recent_destinations.view())
                if (x != v && std::binary_search(from_u.begin(), end, x)) ++n;
        }
        return n;
    }

    // S_xy = V_xy + V_yx at 7 days (or at the half-life of index h).
    [[nodiscard]] double undirected(node_id x, node_id y, std::int64_t us, std::size_t h = week) const noexcept {
        return directed(find(m_pairs, x, y), h, us) + directed(find(m_pairs, y, x), h, us);
    }

    std::array<double, link_feature_count> m_weights{};
    pair_map<pair_state> m_pairs;
    node_map<node_state> m_nodes;
    pair_map<undirected_state> m_undirected;  // key (min, max)
    double m_newest = 0;
    bool m_any = false;
};

}  // namespace

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

}  // namespace eval
RELSCORE_END_NAMESPACE
