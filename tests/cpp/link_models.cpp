// Each streaming link predictor against a brute-force recomputation from the whole history,
// on small random logs (repeated pairs, equal timestamps, reciprocal edges).

#include "support/catch.hpp"
#include "support/link_walks_reference.hpp"

#include <relscore/error.hpp>
#include <relscore/eval/link_models.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <vector>

using namespace relscore::eval;

namespace {

struct edge {
    node_id u, v;
    double t;
};

std::vector<edge> random_log(std::mt19937_64& rng, std::size_t n, int nodes) {
    std::uniform_int_distribution<int> node(1, nodes);
    std::uniform_int_distribution<int> gap(0, 3);  // 0: equal timestamps are common
    std::vector<edge> log;
    double t = 1000;
    for (std::size_t k = 0; k < n; ++k) {
        t += gap(rng) * 3600.0;
        node_id u = node(rng);
        node_id v = node(rng);
        if (u == v) v = v % nodes + 1;
        log.push_back({u, v, t});
    }
    return log;
}

// Feeds the first `known` edges in batches of 7, then scores every pair of nodes at `at`.
std::vector<double> stream_scores(link_model& model, const std::vector<edge>& log, std::size_t known, double at,
                                  int nodes) {
    for (std::size_t start = 0; start < known; start += 7) {
        std::vector<node_id> s, d;
        std::vector<double> t;
        for (std::size_t k = start; k < std::min(known, start + 7); ++k) s.push_back(log[k].u), d.push_back(log[k].v), t.push_back(log[k].t);
        model.observe(s, d, t);
    }
    std::vector<node_id> s, d;
    std::vector<double> t;
    for (int u = 1; u <= nodes; ++u)
        for (int v = 1; v <= nodes; ++v) s.push_back(u), d.push_back(v), t.push_back(at);
    std::vector<double> out(s.size());
    model.score(s, d, t, out);
    return out;
}

using reference_fn = std::function<double(const std::vector<edge>& history, node_id u, node_id v, double at)>;

void check_against(const std::function<std::unique_ptr<link_model>()>& make, const reference_fn& reference,
                   double tolerance = 1e-9) {
    std::mt19937_64 rng(42);
    constexpr int nodes = 6;
    for (int trial = 0; trial < 20; ++trial) {
        const auto log = random_log(rng, 60, nodes);
        const std::size_t known = 10 + static_cast<std::size_t>(trial) * 2;
        const double at = log[known - 1].t + (trial % 3) * 5000.0;
        const std::vector<edge> history(log.begin(), log.begin() + static_cast<std::ptrdiff_t>(known));
        auto model = make();
        const auto got = stream_scores(*model, log, known, at, nodes);
        std::size_t k = 0;
        for (int u = 1; u <= nodes; ++u)
            for (int v = 1; v <= nodes; ++v, ++k) {
                const double want = reference(history, u, v, at);
                INFO(model->describe() << " trial " << trial << " pair " << u << "->" << v);
                CHECK(std::abs(got[k] - want) <= tolerance * std::max(1.0, std::abs(want)));
            }
    }
}

double directed_decay(const std::vector<edge>& h, node_id u, node_id v, double at, double half_life) {
    long double sum = 0;
    for (const auto& e : h)
        if (e.u == u && e.v == v) sum += std::exp2(-static_cast<long double>(at - e.t) / half_life);
    return static_cast<double>(sum);
}

double strength(double a, double b, double rho) { return (1 - rho) * (a + b) + rho * 2 * std::min(a, b); }

// numpy.quantile(values, q), 'linear', by its textbook definition.
double quantile(std::vector<double> values, double q) {
    std::sort(values.begin(), values.end());
    const double pos = q * static_cast<double>(values.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(pos));
    const auto hi = std::min(lo + 1, values.size() - 1);
    return values[lo] + (values[hi] - values[lo]) * (pos - static_cast<double>(lo));
}

}  // namespace

TEST_CASE("EdgeBank memories match their definitions", "[link_models]") {
    check_against([] { return make_edgebank(edgebank_mode::unlimited); },
                  [](const auto& h, node_id u, node_id v, double) {
                      return std::any_of(h.begin(), h.end(), [&](const edge& e) { return e.u == u && e.v == v; }) ? 1.0 : 0.0;
                  });
    check_against([] { return make_edgebank(edgebank_mode::time_window, 0.15); },
                  [](const auto& h, node_id u, node_id v, double) {
                      std::vector<double> times;
                      for (const auto& e : h) times.push_back(e.t);
                      const double start = quantile(times, 0.85);
                      return std::any_of(h.begin(), h.end(),
                                         [&](const edge& e) { return e.u == u && e.v == v && e.t >= start; })
                                 ? 1.0
                                 : 0.0;
                  });
    check_against([] { return make_edgebank(edgebank_mode::repeat_interval); },
                  [](const auto& h, node_id u, node_id v, double) {
                      std::map<std::pair<node_id, node_id>, std::vector<double>> times;
                      for (const auto& e : h) times[{e.u, e.v}].push_back(e.t);
                      double sum = 0;
                      for (const auto& [pair, ts] : times) {
                          if (ts.size() < 2) continue;
                          double gaps = 0;
                          for (std::size_t k = 1; k < ts.size(); ++k) gaps += ts[k] - ts[k - 1];
                          sum += gaps / static_cast<double>(ts.size() - 1);
                      }
                      const double start = h.back().t - sum / static_cast<double>(times.size());
                      const auto it = times.find({u, v});
                      return it != times.end() && it->second.back() >= start ? 1.0 : 0.0;
                  });
    check_against([] { return make_edgebank(edgebank_mode::repeat_threshold); },
                  [](const auto& h, node_id u, node_id v, double) {
                      std::map<std::pair<node_id, node_id>, int> count;
                      for (const auto& e : h) ++count[{e.u, e.v}];
                      const double mean = static_cast<double>(h.size()) / static_cast<double>(count.size());
                      const auto it = count.find({u, v});
                      return it != count.end() && it->second >= mean ? 1.0 : 0.0;
                  });
}

TEST_CASE("count, recency, decay, power law and Hawkes match brute force", "[link_models]") {
    check_against([] { return make_count(); }, [](const auto& h, node_id u, node_id v, double) {
        return static_cast<double>(std::count_if(h.begin(), h.end(), [&](const edge& e) { return e.u == u && e.v == v; }));
    });
    check_against([] { return make_recency(); }, [](const auto& h, node_id u, node_id v, double at) {
        double last = -1;
        for (const auto& e : h)
            if (e.u == u && e.v == v) last = e.t;
        return last < 0 ? 0.0 : 1.0 / (1.0 + (at - last) / 86400.0);
    });
    check_against([] { return make_decay(7200); },
                  [](const auto& h, node_id u, node_id v, double at) { return directed_decay(h, u, v, at, 7200); });
    check_against([] { return make_decay_reciprocal(7200, 0.3); }, [](const auto& h, node_id u, node_id v, double at) {
        return strength(directed_decay(h, u, v, at, 7200), directed_decay(h, v, u, at, 7200), 0.3);
    });
    check_against([] { return make_power_law(3600, 1.5); }, [](const auto& h, node_id u, node_id v, double at) {
        double sum = 0;
        for (const auto& e : h)
            if (e.u == u && e.v == v) sum += std::pow(1 + (at - e.t) / 3600, -1.5);
        return sum;
    });
    check_against([] { return make_hawkes(2.0, 1e-4, 0.4); }, [](const auto& h, node_id u, node_id v, double at) {
        double self = 0, reciprocal = 0, into_v = 0;
        for (const auto& e : h) {
            if (e.u == u && e.v == v) self += std::exp(-1e-4 * (at - e.t));
            if (e.u == v && e.v == u) reciprocal += std::exp(-1e-4 * (at - e.t));
            if (e.v == v) into_v += 1;
        }
        return 2.0 * into_v / static_cast<double>(h.size()) + self + 0.4 * reciprocal;
    });
}

// The K = link_path_cap nodes whose newest edge with x came last in the log, among the other
// ends that `end_of(e, x)` gives (0: the edge does not count).
// Newest first.
template <typename End>
std::vector<node_id> recent_list(const std::vector<edge>& h, node_id x, End&& end_of) {
    std::vector<node_id> order;  // oldest first, each node once
    for (const auto& e : h)
        if (const node_id y = end_of(e, x); y != 0 && y != x) {
            order.erase(std::remove(order.begin(), order.end(), y), order.end());
            order.push_back(y);
        }
    const auto keep = std::min(order.size(), link_path_cap);
    return {order.rbegin(), order.rbegin() + static_cast<std::ptrdiff_t>(keep)};
}

template <typename End>
std::set<node_id> recent_of(const std::vector<edge>& h, node_id x, End&& end_of) {
    const auto list = recent_list(h, x, end_of);
    return {list.begin(), list.end()};
}

node_id either_end(const edge& e, node_id x) { return e.u == x ? e.v : e.v == x ? e.u : 0; }
node_id destination_of(const edge& e, node_id x) { return e.u == x ? e.v : 0; }
node_id sender_to(const edge& e, node_id x) { return e.v == x ? e.u : 0; }

// y's place among x's recent neighbours (0 = the newest), link_path_cap if not there.
double recent_rank(const std::vector<edge>& h, node_id x, node_id y) {
    const auto list = recent_list(h, x, either_end);
    const auto it = std::find(list.begin(), list.end(), y);
    return static_cast<double>(it == list.end() ? link_path_cap : static_cast<std::size_t>(it - list.begin()));
}

// paths_3 and co_senders (before their log1p) by their definitions over the recent lists.
std::pair<double, double> recent_paths(const std::vector<edge>& h, node_id u, node_id v) {
    double paths_3 = 0, co_senders = 0;
    if (u == v) return {0, 0};
    const auto near_v = recent_of(h, v, either_end);
    for (const node_id x : recent_of(h, u, either_end))
        for (const node_id y : recent_of(h, x, either_end))
            if (x != v && y != u && y != v && near_v.count(y)) ++paths_3;
    const auto from_u = recent_of(h, u, destination_of);
    for (const node_id y : recent_of(h, v, sender_to))
        for (const node_id x : recent_of(h, y, destination_of))
            if (y != u && x != v && from_u.count(x)) ++co_senders;
    return {paths_3, co_senders};
}

// Every feature of relscore's link score, recomputed from the whole history by its
// documented definition (eval/link_models.hpp).
std::vector<double> link_features_by_definition(const std::vector<edge>& h, node_id u, node_id v, double at) {
    const double hour = 3600, day = 86400, week = 7 * day;
    const std::vector<double> scales{hour, day, week, 30 * day};
    const auto decayed = [&](auto&& keep, double half_life) {
        double sum = 0;
        for (const auto& e : h)
            if (keep(e)) sum += std::exp2(-(at - e.t) / half_life);
        return sum;
    };
    const auto tie = [&](node_id x, node_id y, double half_life) {
        return decayed([&](const edge& e) { return e.u == x && e.v == y; }, half_life);
    };
    const auto last_of = [&](auto&& keep) {
        double last = -1;
        for (const auto& e : h)
            if (keep(e)) last = e.t;
        return last;
    };
    const auto since = [&](double last) { return last < 0 ? -20.0 : -std::log1p((at - last) / 60); };
    std::vector<double> f;
    for (const double s : scales) f.push_back(std::log1p(tie(u, v, s)));
    for (const double s : scales) f.push_back(std::log1p(tie(v, u, s)));
    f.push_back(std::log1p(2 * std::min(tie(u, v, week), tie(v, u, week))));
    const auto out_edges = std::count_if(h.begin(), h.end(), [&](const edge& e) { return e.u == u && e.v == v; });
    f.push_back(std::log1p(static_cast<double>(out_edges)));
    const double last_out = last_of([&](const edge& e) { return e.u == u && e.v == v; });
    const double last_in = last_of([&](const edge& e) { return e.u == v && e.v == u; });
    f.push_back(since(last_out));
    f.push_back(since(last_in));
    for (const double s : scales) f.push_back(std::log1p(decayed([&](const edge& e) { return e.v == v; }, s)));
    for (const double s : scales) f.push_back(std::log1p(decayed([&](const edge& e) { return e.u == v; }, s)));
    f.push_back(since(last_of([&](const edge& e) { return e.u == v || e.v == v; })));
    f.push_back(std::any_of(h.begin(), h.end(), [&](const edge& e) { return e.v == v; }) ? 1.0 : 0.0);
    for (const double s : {day, week}) f.push_back(std::log1p(decayed([&](const edge& e) { return e.u == u; }, s)));
    for (const double s : {day, week}) f.push_back(std::log1p(decayed([&](const edge& e) { return e.v == u; }, s)));
    const auto met = [&](node_id a, node_id b) {
        return std::any_of(h.begin(), h.end(), [&](const edge& e) { return (e.u == a && e.v == b) || (e.u == b && e.v == a); });
    };
    std::set<node_id> nodes;
    for (const auto& e : h) nodes.insert(e.u), nodes.insert(e.v);
    double two_hop = 0, common = 0;
    if (u != v)
        for (const node_id w : nodes)
            if (w != u && w != v && met(u, w) && met(w, v)) {
                ++common;
                if (!met(u, v))
                    two_hop += std::min(tie(u, w, week) + tie(w, u, week), tie(w, v, week) + tie(v, w, week));
            }
    f.push_back(std::log1p(two_hop));
    f.push_back(std::log1p(common));
    f.push_back(last_in >= 0 && last_in > last_out ? 1.0 : 0.0);
    double first_out = -1;
    for (const auto& e : h)
        if (e.u == u && e.v == v && first_out < 0) first_out = e.t;
    const double mean_gap = out_edges > 1 ? (last_out - first_out) / static_cast<double>(out_edges - 1) : 0.0;
    f.push_back(mean_gap > 0 ? std::log1p((at - last_out) / mean_gap) : 0.0);
    // Pairs opened by u / towards v: the first edge of each ordered pair.
    std::set<std::pair<node_id, node_id>> seen;
    double opened_by_u = 0, opened_to_v = 0;
    for (const auto& e : h)
        if (seen.insert({e.u, e.v}).second) {
            if (e.u == u) opened_by_u += std::exp2(-(at - e.t) / week);
            if (e.v == v) opened_to_v += std::exp2(-(at - e.t) / week);
        }
    const double out_of_u = decayed([&](const edge& e) { return e.u == u; }, week);
    f.push_back(out_of_u > 0 ? opened_by_u / out_of_u : 0.0);
    f.push_back(std::log1p(opened_to_v));

    // Issue 16. The times of the edges that touch a node, or a pair either way.
    const auto times_of = [&](auto&& keep) {
        std::vector<double> times;
        for (const auto& e : h)
            if (keep(e)) times.push_back(e.t);
        return times;
    };
    const auto of_node = [&](node_id x) { return times_of([&](const edge& e) { return e.u == x || e.v == x; }); };
    const auto pair_times = times_of([&](const edge& e) { return (e.u == u && e.v == v) || (e.u == v && e.v == u); });
    const auto dst_times = of_node(v);
    const auto src_times = of_node(u);
    const auto mean_gap_of = [](const std::vector<double>& times) {
        if (times.size() < 2) return 0.0;
        double sum = 0;
        for (std::size_t k = 1; k < times.size(); ++k) sum += times[k] - times[k - 1];
        return sum / static_cast<double>(times.size() - 1);
    };
    const auto overdue = [&](const std::vector<double>& times) {
        const double gap = mean_gap_of(times);
        return gap > 0 ? std::log1p((at - times.back()) / gap) : 0.0;
    };
    f.push_back(overdue(pair_times));
    f.push_back(mean_gap_of(pair_times) > 0 ? std::log1p(mean_gap_of(pair_times) / 60) : -1.0);
    f.push_back(overdue(dst_times));
    for (const double s : {day, week})
        f.push_back(std::log((1 + decayed([&](const edge& e) { return e.v == v; }, s)) /
                             (1 + decayed([&](const edge& e) { return e.u == v; }, s))));
    f.push_back(since(last_of([&](const edge& e) { return e.v == v; })));
    f.push_back(since(last_of([&](const edge& e) { return e.u == v; })));
    f.push_back(since(last_of([&](const edge& e) { return e.u == u || e.v == u; })));
    const auto hour_of = [&](double t) { return static_cast<int>(std::fmod(t, day) / hour); };
    const auto share = [&](const std::vector<double>& times) {  // the query's hour +- 1, of 24
        double c = 0;
        for (const double t : times) {
            const int d = std::abs(hour_of(t) - hour_of(at));
            if (d <= 1 || d == 23) ++c;
        }
        return std::log(8 * (c + 1) / (static_cast<double>(times.size()) + 8));
    };
    f.push_back(share(dst_times));
    f.push_back(share(src_times));
    f.push_back(share(pair_times));
    double same_weekday = 0;
    for (const double t : dst_times)
        if (static_cast<int>(std::fmod(t, week) / day) == static_cast<int>(std::fmod(at, week) / day)) ++same_weekday;
    f.push_back(std::log(7 * (same_weekday + 1) / (static_cast<double>(dst_times.size()) + 7)));
    f.push_back(h.empty() ? -20.0 : since(h.back().t));
    double opened_to_v_day = 0, opened_by_v = 0, last_opened_to_v = -1;
    seen.clear();
    for (const auto& e : h)
        if (seen.insert({e.u, e.v}).second) {
            if (e.v == v) opened_to_v_day += std::exp2(-(at - e.t) / day), last_opened_to_v = e.t;
            if (e.u == v) opened_by_v += std::exp2(-(at - e.t) / week);
        }
    f.push_back(std::log1p(opened_to_v_day));
    f.push_back(std::log1p(opened_by_v));
    f.push_back(since(last_opened_to_v));
    const auto degree = [&](node_id x) {
        std::set<node_id> neighbours;
        for (const auto& e : h)
            if (e.u != e.v && (e.u == x || e.v == x)) neighbours.insert(e.u == x ? e.v : e.u);
        return static_cast<double>(neighbours.size());
    };
    f.push_back(std::log1p(degree(v)));
    f.push_back(std::log1p(degree(u)));
    double two_hop_day = 0;
    if (u != v && !met(u, v))
        for (const node_id w : nodes)
            if (w != u && w != v && met(u, w) && met(w, v))
                two_hop_day += std::min(tie(u, w, day) + tie(w, u, day), tie(w, v, day) + tie(v, w, day));
    f.push_back(std::log1p(two_hop_day));

    // Issue 16, part 1: longer paths; paths_3 and co_senders over the recent lists.
    double adamic_adar = 0;
    if (u != v)
        for (const node_id w : nodes)
            if (w != u && w != v && met(u, w) && met(w, v)) adamic_adar += 1 / std::log(2 + degree(w));
    const auto [paths_3, co_senders] = recent_paths(h, u, v);
    f.push_back(adamic_adar);
    f.push_back(std::log1p(paths_3));
    f.push_back(std::log1p(co_senders));
    // Issue 16, part 2: the place of one end among the other's recent neighbours.
    f.push_back(recent_rank(h, u, v));
    f.push_back(recent_rank(h, v, u));
    const auto walks = walk_features_by_definition(h, u, v, at);  // issue 16, part 3
    f.insert(f.end(), walks.begin(), walks.end());
    const auto cohorts = cohort_features_by_definition(h, u, v, at);  // issue 16, part 4
    f.insert(f.end(), cohorts.begin(), cohorts.end());
    return f;
}

TEST_CASE("relscore's link features match their documented definitions", "[link_models]") {
    REQUIRE(link_feature_names().size() == link_feature_count);
    for (std::size_t j = 0; j < link_feature_count; ++j) {
        std::vector<double> unit(link_feature_count, 0.0);
        unit[j] = 1.0;  // the score is then feature j itself
        INFO("feature " << link_feature_names()[j]);
        check_against([&] { return make_relscore_link(unit); }, [&](const auto& h, node_id u, node_id v, double at) {
            const auto f = link_features_by_definition(h, u, v, at);
            REQUIRE(f.size() == link_feature_count);
            return f[j];
        }, 1e-9);
    }
}

TEST_CASE("paths_3, co_senders and the ranks use only the newest link_path_cap neighbours", "[link_models]") {
    // Hubs 1..4 meet far more than link_path_cap distinct nodes, so the cap decides the counts.
    std::mt19937_64 rng(7);
    std::uniform_int_distribution<int> hub(1, 4), other(1, 90), gap(0, 2);
    std::vector<edge> h;
    double t = 1000;
    for (int k = 0; k < 1500; ++k) {
        t += gap(rng) * 60.0;
        node_id a = k % 3 ? hub(rng) : other(rng), b = other(rng);
        if (a == b) b = b % 90 + 1;
        if (k % 2) std::swap(a, b);
        h.push_back({a, b, t});
    }
    REQUIRE(recent_of(h, 1, either_end).size() == link_path_cap);
    auto model = make_relscore_link(std::vector<double>(link_feature_count, 0.0));
    for (std::size_t start = 0; start < h.size(); start += 50) {
        std::vector<node_id> s, d;
        std::vector<double> times;
        for (std::size_t k = start; k < std::min(h.size(), start + 50); ++k)
            s.push_back(h[k].u), d.push_back(h[k].v), times.push_back(h[k].t);
        model->observe(s, d, times);
    }
    const auto& names = link_feature_names();
    const auto column = [&](std::string_view name) {
        return static_cast<std::size_t>(std::find(names.begin(), names.end(), name) - names.begin());
    };
    std::vector<node_id> s, d;
    for (node_id a : {1, 2, 5, 17, 60})
        for (node_id b : {1, 3, 4, 9, 33, 88}) s.push_back(a), d.push_back(b);
    std::vector<double> rows(s.size() * link_feature_count);
    model->features(s, d, std::vector<double>(s.size(), t + 10), rows);
    const auto all_of = [&](node_id x) {  // every neighbour: the uncapped definition
        std::set<node_id> out;
        for (const auto& e : h)
            if (const node_id y = either_end(e, x); y != 0 && y != x) out.insert(y);
        return out;
    };
    std::size_t capped = 0;
    for (std::size_t k = 0; k < s.size(); ++k) {
        const auto [paths_3, co_senders] = recent_paths(h, s[k], d[k]);
        INFO("pair " << s[k] << "->" << d[k]);
        CHECK(std::abs(rows[k * link_feature_count + column("paths_3")] - std::log1p(paths_3)) < 1e-12);
        CHECK(std::abs(rows[k * link_feature_count + column("co_senders")] - std::log1p(co_senders)) < 1e-12);
        CHECK(rows[k * link_feature_count + column("rank_in_src")] == recent_rank(h, s[k], d[k]));
        CHECK(rows[k * link_feature_count + column("rank_in_dst")] == recent_rank(h, d[k], s[k]));
        double uncapped = 0;
        const auto near_v = all_of(d[k]);
        if (s[k] != d[k])
            for (const node_id x : all_of(s[k]))
                for (const node_id y : all_of(x))
                    if (x != d[k] && y != s[k] && y != d[k] && near_v.count(y)) ++uncapped;
        capped += uncapped > paths_3;
    }
    CHECK(capped > 0);  // the cap changed some counts, so the test above checks it
}

TEST_CASE("relscore's link score is the weighted sum of its features", "[link_models]") {
    std::vector<double> weights(link_feature_count);
    for (std::size_t j = 0; j < weights.size(); ++j) weights[j] = std::sin(static_cast<double>(j) + 1.0);
    check_against([&] { return make_relscore_link(weights); }, [&](const auto& h, node_id u, node_id v, double at) {
        const auto f = link_features_by_definition(h, u, v, at);
        double s = 0;
        for (std::size_t j = 0; j < f.size(); ++j) s += weights[j] * f[j];
        return s;
    }, 1e-9);
    auto model = make_relscore_link(weights);
    const std::vector<node_id> s{1, 2}, d{2, 1};
    const std::vector<double> t{10, 20};
    model->observe(s, d, t);
    const std::vector<double> later{30, 40};
    std::vector<double> rows(2 * link_feature_count), scores(2);
    model->features(d, s, later, rows);
    model->score(d, s, later, scores);
    for (std::size_t k = 0; k < 2; ++k) {
        double sum = 0;
        for (std::size_t j = 0; j < link_feature_count; ++j) sum += weights[j] * rows[k * link_feature_count + j];
        CHECK(std::abs(sum - scores[k]) < 1e-12);
    }
    CHECK_THROWS_AS(make_relscore_link(std::vector<double>(3, 1.0)), relscore::invalid_argument_error);
    std::vector<double> bad(link_feature_count, 0.0);
    bad[4] = std::nan("");
    CHECK_THROWS_AS(make_relscore_link(bad), relscore::invalid_argument_error);
}

TEST_CASE("link models refuse edges out of time order and bad parameters", "[link_models]") {
    auto model = make_decay(3600);
    const std::vector<node_id> s{1, 2}, d{2, 1};
    const std::vector<double> t{10, 20};
    model->observe(s, d, t);
    const std::vector<double> older{15, 16};
    CHECK_THROWS_AS(model->observe(s, d, older), relscore::time_order_error);
    std::vector<double> out(2);
    CHECK_THROWS_AS(model->score(s, d, older, out), relscore::time_order_error);
    const std::vector<double> later{30, 30};
    model->score(s, d, later, out);
    CHECK(std::abs(out[0] - std::exp2(-20.0 / 3600)) < 1e-12);
    CHECK_THROWS_AS(make_decay(0), relscore::invalid_argument_error);
    CHECK_THROWS_AS(make_edgebank(edgebank_mode::time_window, 1.5), relscore::invalid_argument_error);
    CHECK_THROWS_AS(parse_edgebank_mode("forever"), relscore::invalid_argument_error);
}
