// relscore::scorer: Whole-scorer and per-person queries: the table, a person's top-k, everyone due a touch, explanations.
// (Out of line: scorer.hpp keeps what every interaction or query inlines; see its header.)

#include <relscore/scorer.hpp>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>
#include <tuple>
#include <vector>

RELSCORE_BEGIN_NAMESPACE

relationship_table scorer::table(std::optional<timestamp> at) const {
    const std::int64_t t = query_time(at, "relscore::scorer::table()");
    const auto n_pairs = static_cast<Eigen::Index>(m_pairs.size());
    relationship_table out;
    out.at = from_micros(t);
    out.a.resize(n_pairs);
    out.b.resize(n_pairs);
    out.last_interaction_us.resize(n_pairs);
    out.first_interaction_us.resize(n_pairs);
    out.interactions.resize(n_pairs);
    out.touches.resize(n_pairs);

    // Every pair's volumes through volumes(), as between() and top() compute them: a
    // relationship's strength must not depend on its row (a vectorised exp over all
    // states gave a batch's pairs and the leftover ones different last bits).
    out.volume_ab.resize(n_pairs);
    out.volume_ba.resize(n_pairs);
    out.strength.resize(n_pairs);
    out.reciprocity.resize(n_pairs);
    const double rho = m_config.reciprocity;
    for (Eigen::Index i = 0; i < n_pairs; ++i) {
        const pair_record& p = m_pairs[static_cast<std::size_t>(i)];
        out.a[i] = p.lo;
        out.b[i] = p.hi;
        out.last_interaction_us[i] = p.last_us;
        out.first_interaction_us[i] = p.first_us;
        out.interactions[i] = static_cast<std::int64_t>(p.n_lo_hi) + p.n_hi_lo + p.n_mutual;
        out.touches[i] = p.touches;
        double v[2];
        volumes(static_cast<std::uint32_t>(i), t, v);
        out.volume_ab[i] = v[0];
        out.volume_ba[i] = v[1];
        out.strength[i] = relscore::strength(v[0], v[1], rho);
        out.reciprocity[i] = relscore::reciprocity(v[0], v[1]);
    }
    return out;
}

explanation scorer::explain(person_id a, person_id b, std::size_t receipts,
                                      std::optional<timestamp> at) const {
    const relationship r = between(a, b, at);
    const std::int64_t t = query_time(at, "relscore::scorer::explain()");
    explanation out;
    out.a = a;
    out.b = b;
    out.at = from_micros(t);
    out.strength = r.strength;
    const std::uint32_t pair = m_pairs.find(pair_key(std::min(a, b), std::max(a, b)));
    if (pair == no_row) return out;
    const bool flipped = a > b;
    // Per stored direction (0: lo→hi), what each unit of its volume contributes (see
    // explanation): the weaker direction counts in full, the stronger one is discounted.
    const double rho = m_config.reciprocity;
    const double v_lo_hi = flipped ? r.volume_ba : r.volume_ab, v_hi_lo = flipped ? r.volume_ab : r.volume_ba;
    // 1 − ρ(V_s − V_w)/V_s, written as (1 − ρ) + ρ·V_w/V_s: no cancellation when V_w ≪ V_s.
    const double factor[2] = {v_lo_hi > v_hi_lo ? (1 - rho) + rho * (v_hi_lo / v_lo_hi) : 1.0,
                              v_hi_lo > v_lo_hi ? (1 - rho) + rho * (v_lo_hi / v_hi_lo) : 1.0};
    // Volumes by (channel, stored direction): a channel's kernel terms add up to one part.
    std::vector<std::array<double, 2>> volume(m_config.channels.size(), {0.0, 0.0});
    std::vector<std::array<bool, 2>> present(m_config.channels.size(), {false, false});
    const std::int64_t age = t - m_pairs[pair].anchor_us;
    m_states.each(m_pairs[pair].states, [&](std::uint32_t key, double sum) {
        const std::uint16_t component = detail::state_blocks::component_of(key);
        const std::uint8_t dir = detail::state_blocks::dir_of(key);
        const channel_id c = m_kernels.component_channel[component];
        volume[c][dir] += detail::value_after(sum, age, m_kernels.half_life_us[component]);
        present[c][dir] = true;
    });
    if (m_kernels.has_windows)
        for (const retained_event& ev : m_windows[pair]) {
            const double w = m_kernels.value(ev.channel, t - ev.time_us) * ev.weight;
            for (std::uint8_t d = 0; d < 2; ++d)
                if (ev.dir == 2 || ev.dir == d) {
                    volume[ev.channel][d] += w;
                    present[ev.channel][d] = true;
                }
        }
    for (channel_id c = 0; c < volume.size(); ++c)
        for (std::uint8_t d = 0; d < 2; ++d)
            if (present[c][d]) out.parts.push_back({c, (d == 1) == flipped, volume[c][d], volume[c][d] * factor[d]});
    std::sort(out.parts.begin(), out.parts.end(), [](const strength_part& x, const strength_part& y) {
        if (x.contribution != y.contribution) return x.contribution > y.contribution;
        return std::pair(x.channel, !x.from_a) < std::pair(y.channel, !y.from_a);
    });
    if (m_config.insight.retain_events) {
        const auto& events = m_events[pair];
        out.receipts_total = events.size();
        out.receipts.reserve(events.size());
        for (const retained_event& ev : events) {
            const double kept = m_kernels.value(ev.channel, t - ev.time_us);
            const double f = ev.dir == 2 ? factor[0] + factor[1] : factor[ev.dir];
            const person_id source = ev.dir == 2 ? a : (ev.dir == 0 ? m_pairs[pair].lo : m_pairs[pair].hi);
            out.receipts.push_back({from_micros(ev.time_us), ev.channel, source, ev.dir == 2, ev.weight,
                                    ev.weight * kept * f});
        }
        const auto larger = [](const receipt& x, const receipt& y) {
            if (x.contribution != y.contribution) return x.contribution > y.contribution;
            return x.time > y.time;
        };
        const std::size_t k = std::min(receipts, out.receipts.size());
        std::partial_sort(out.receipts.begin(), out.receipts.begin() + static_cast<std::ptrdiff_t>(k),
                          out.receipts.end(), larger);
        out.receipts.resize(k);
    }
    return out;
}

std::vector<relationship> scorer::top(person_id p, std::size_t k, std::optional<timestamp> at) const {
    check_person(p);
    const std::int64_t t = query_time(at, "relscore::scorer::top()");
    if (k == 0) return {};
    const auto& ties = m_ties[p];
    // Rank by strength alone, then build the k relationships that are returned.
    struct ranked_tie {
        double strength;
        person_id other;
        std::uint32_t pair;
    };
    std::vector<ranked_tie> ranked;
    const auto rank = [&](std::uint32_t pair) {
        const pair_record& pr = m_pairs[pair];
        double v[2];
        volumes(pair, t, v);
        ranked.push_back({relscore::strength(v[0], v[1], m_config.reciprocity), pr.hi == p ? pr.lo : pr.hi, pair});
    };
    if (k >= ties.size()) {
        ranked.reserve(ties.size());
        for (const std::uint32_t pair : ties) rank(pair);
    } else {
        // Most ties cannot be among the k: a bound on each tie's strength needs no exp2
        // (volume_bounds()), and exact strengths are computed in order of bound until
        // the k-th strongest so far is stronger than every bound left (strictly: a tie of
        // equal strength could still rank first by name).
        struct bounded_tie {
            double bound;
            std::uint32_t pair;
        };
        std::vector<bounded_tie> bounds(ties.size());
        // Each tie's record and sums are two cache misses at random places, the second
        // found through the first: fetched ahead, records further than sums.
        constexpr std::size_t records_ahead = 32, sums_ahead = 16;
        for (std::size_t i = 0; i < std::min(records_ahead, ties.size()); ++i) prefetch(&m_pairs[ties[i]]);
        for (std::size_t i = 0; i < ties.size(); ++i) {
            if (i + records_ahead < ties.size()) prefetch(&m_pairs[ties[i + records_ahead]]);
            if (i + sums_ahead < ties.size()) prefetch(m_states.sums(m_pairs[ties[i + sums_ahead]].states).data());
            double v[2];
            volume_bounds(ties[i], t, v);
            bounds[i] = {relscore::strength(v[0], v[1], m_config.reciprocity), ties[i]};
        }
        const auto lower_bound_first = [](const bounded_tie& x, const bounded_tie& y) { return x.bound < y.bound; };
        std::make_heap(bounds.begin(), bounds.end(), lower_bound_first);  // the largest bound first
        std::vector<double> strongest;  // the k largest exact strengths so far, a min-heap
        strongest.reserve(k + 1);
        for (auto end = bounds.end(); end != bounds.begin(); --end) {
            if (strongest.size() == k && bounds.front().bound < strongest.front()) break;
            std::pop_heap(bounds.begin(), end, lower_bound_first);
            rank((end - 1)->pair);
            strongest.push_back(ranked.back().strength);
            std::push_heap(strongest.begin(), strongest.end(), std::greater<>{});
            if (strongest.size() > k) {
                std::pop_heap(strongest.begin(), strongest.end(), std::greater<>{});
                strongest.pop_back();
            }
        }
    }
    const auto stronger = [&](const ranked_tie& x, const ranked_tie& y) {
        if (x.strength != y.strength) return x.strength > y.strength;
        return m_names[x.other] < m_names[y.other];
    };
    k = std::min(k, ranked.size());
    std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(k), ranked.end(), stronger);
    std::vector<relationship> out(k);
    for (std::size_t i = 0; i < k; ++i) {
        out[i].a = p;
        out[i].b = ranked[i].other;
        fill(out[i], ranked[i].pair, m_pairs[ranked[i].pair].hi == p, t);
    }
    return out;
}

std::vector<due_item> scorer::due_all(std::size_t k, std::optional<timestamp> at) const {
    require_conversations("relscore::scorer::due_all()");
    const std::int64_t t = query_time(at, "relscore::scorer::due_all()");
    std::vector<due_item> out;
    for (std::uint32_t pair = 0; pair < m_pairs.size(); ++pair) add_if_due(out, pair, false, t);
    return rank_due(std::move(out), k);
}

std::vector<due_item> scorer::rank_due(std::vector<due_item> items, std::size_t k) const {
    const auto first = [&](const due_item& x, const due_item& y) {
        if (x.priority != y.priority) return x.priority > y.priority;
        return std::tie(m_names[x.a], m_names[x.b]) < std::tie(m_names[y.a], m_names[y.b]);
    };
    k = std::min(k, items.size());
    std::partial_sort(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(k), items.end(), first);
    items.resize(k);
    return items;
}

RELSCORE_END_NAMESPACE
