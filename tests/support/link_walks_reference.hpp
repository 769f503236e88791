#pragma once
// Issue 16, part 3's link features (eval/link_models.hpp: walk2_1d, walk2_7d, hop2_since,
// src_target_dormancy, dst_dormancy_vs_src) recomputed from the whole history by their
// documented definitions, for tests/cpp/link_models.cpp. `Edge` has u, v (node ids) and t.

#include <relscore/eval/link_models.hpp>

#include <algorithm>
#include <cmath>
#include <set>
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
