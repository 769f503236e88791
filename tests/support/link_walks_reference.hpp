#pragma once
// Issue 16, part 3's link features (eval/link_models.hpp: walk2_1d, walk2_7d, hop2_since,
// src_target_dormancy, dst_dormancy_vs_src) recomputed from the whole history by their
// documented definitions, for tests/cpp/link_models.cpp. `Edge` has u, v (node ids) and t.

#include <relscore/eval/link_models.hpp>

#include <algorithm>
#include <cmath>
#include <set>
#include <utility>
#include <vector>

template <typename Edge>
std::vector<double> walk_features_by_definition(const std::vector<Edge>& h, relscore::eval::node_id u,
                                                 relscore::eval::node_id v, double at) {
    using relscore::eval::node_id;
    const double day = 86400, week = 7 * day;
    const auto between = [](const Edge& e, node_id a, node_id b) { return (e.u == a && e.v == b) || (e.u == b && e.v == a); };
    const auto s = [&](node_id a, node_id b, double half_life) {  // S_ab = V_ab + V_ba
        double sum = 0;
        for (const auto& e : h)
            if (between(e, a, b)) sum += std::exp2(-(at - e.t) / half_life);
        return sum;
    };
    const auto last = [&](node_id a, node_id b) {  // the newest a-b edge, either way; -1 if none
        double newest = -1;
        for (const auto& e : h)
            if (between(e, a, b)) newest = e.t;
        return newest;
    };
    std::set<node_id> nodes;
    for (const auto& e : h) nodes.insert(e.u), nodes.insert(e.v);
    double walk[2] = {}, newest_path = -1;
    for (const node_id w : nodes)
        if (u != v && w != u && w != v && last(u, w) >= 0 && last(w, v) >= 0) {  // a common neighbour
            for (int k = 0; k < 2; ++k) walk[k] += s(u, w, k ? week : day) * s(w, v, k ? week : day);
            newest_path = std::max(newest_path, std::min(last(u, w), last(w, v)));
        }
    std::vector<double> f{std::log1p(walk[0]), std::log1p(walk[1]),
                          newest_path < 0 ? -20.0 : -std::log1p((at - newest_path) / 60)};
    const auto dormancy = [&](node_id x, std::size_t before, double now) {  // from the edges before h[before]
        double newest = -1;
        for (std::size_t k = 0; k < before; ++k)
            if (h[k].u == x || h[k].v == x) newest = h[k].t;
        return newest < 0 ? 20.0 : std::log1p((now - newest) / 60);
    };
    double habit = 0, sent = 0;
    for (std::size_t k = 0; k < h.size(); ++k)
        if (h[k].u == u) habit += dormancy(h[k].v, k, h[k].t), ++sent;
    f.push_back(sent > 0 ? habit / sent : -1.0);
    f.push_back(sent > 0 ? dormancy(v, h.size(), at) - habit / sent : 0.0);
    return f;
}

// Issue 16, part 4's cohort features (cohort_gap, cohort_vs_src, cohort_near_recent,
// cohort_last_gap, cohort_step) by their documented definitions: first(x) = the time of x's
// first edge either way; RD(u) = the link_path_cap destinations of u (u -> y edges, y != u)
// whose newest u -> y edge came last in the log, newest first.
template <typename Edge>
std::vector<double> cohort_features_by_definition(const std::vector<Edge>& h, relscore::eval::node_id u,
                                                  relscore::eval::node_id v, double at) {
    using relscore::eval::node_id;
    const double day = 86400;
    const auto first_before = [&](node_id x, std::size_t end) {  // -1 if x has no edge in h[0 .. end)
        for (std::size_t k = 0; k < end; ++k)
            if (h[k].u == x || h[k].v == x) return h[k].t;
        return -1.0;
    };
    const double first_u = first_before(u, h.size()), first_v = first_before(v, h.size());
    std::vector<double> f;
    f.push_back(first_u >= 0 && first_v >= 0 ? std::log1p(std::abs(first_u - first_v) / 3600) : -1.0);
    double sum = 0, sent = 0;
    for (std::size_t k = 0; k < h.size(); ++k)
        if (h[k].u == u) {
            const double first = first_before(h[k].v, k);
            sum += first >= 0 ? first : h[k].t, ++sent;
        }
    f.push_back(sent > 0 ? ((first_v >= 0 ? first_v : at) - sum / sent) / day : 0.0);
    std::vector<std::pair<std::size_t, node_id>> newest;  // (index of the newest u -> y edge, y)
    for (std::size_t k = 0; k < h.size(); ++k)
        if (h[k].u == u && h[k].v != u) {
            auto it = std::find_if(newest.begin(), newest.end(), [&](const auto& p) { return p.second == h[k].v; });
            if (it == newest.end()) newest.push_back({k, h[k].v});
            else it->first = k;
        }
    std::sort(newest.rbegin(), newest.rend());
    if (newest.size() > relscore::eval::link_path_cap) newest.resize(relscore::eval::link_path_cap);
    double nearest = -1, last_gap = -1, step = 0;
    if (first_v >= 0)
        for (const auto& [k, y] : newest) {
            if (y == v) continue;
            const double gap = std::abs(first_before(y, h.size()) - first_v);
            if (last_gap < 0) last_gap = gap, step = (first_v - first_before(y, h.size())) / day;
            nearest = nearest < 0 ? gap : std::min(nearest, gap);
        }
    f.push_back(nearest >= 0 ? std::log1p(nearest / 3600) : -1.0);
    f.push_back(last_gap >= 0 ? std::log1p(last_gap / 3600) : -1.0);
    f.push_back(step);
    return f;
}
