// The strength graph, warm introductions and meeting suggestions, against brute force:
// every simple path enumerated on small random graphs, every pair's common neighbours
// summed from a dense matrix, every matrix entry against scorer::between().

#include "support/catch.hpp"
#include "support/random_log.hpp"
#include "support/reference.hpp"

#include <relscore/network.hpp>
#include <relscore/relscore.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <random>
#include <set>
#include <vector>

using namespace relscore;

namespace {

using dense = std::vector<std::vector<double>>;

// A random symmetric graph on n people: each pair tied with probability `density`, with a
// strength in (0, 10] (or a small integer when `integers`, so sums are exact and ties
// between scores are common).
dense random_graph(std::mt19937_64& rng, std::size_t n, double density, bool integers = false) {
    std::uniform_real_distribution<double> unit(0, 1);
    std::uniform_int_distribution<int> small(1, 4);
    dense w(n, std::vector<double>(n, 0.0));
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = i + 1; j < n; ++j)
            if (unit(rng) < density) w[i][j] = w[j][i] = integers ? small(rng) : 10 * (1 - unit(rng));
    return w;
}

Eigen::SparseMatrix<double> to_sparse(const dense& w) {
    const auto n = static_cast<Eigen::Index>(w.size());
    Eigen::SparseMatrix<double> g(n, n);
    std::vector<Eigen::Triplet<double>> t;
    for (Eigen::Index i = 0; i < n; ++i)
        for (Eigen::Index j = 0; j < n; ++j)
            if (w[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)] > 0)
                t.emplace_back(i, j, w[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)]);
    g.setFromTriplets(t.begin(), t.end());
    return g;
}

double strongest(const dense& w) {
    double m = 0;
    for (const auto& row : w)
        for (double x : row) m = std::max(m, x);
    return m;
}

// Σ −log(w / max) along the path, left to right.
double path_cost(const dense& w, const std::vector<person_id>& p) {
    const double m = strongest(w);
    double cost = 0;
    for (std::size_t i = 0; i + 1 < p.size(); ++i) cost += -std::log(w[p[i]][p[i + 1]] / m);
    return cost;
}

// Every simple path from `from` to `to` avoiding `avoid`, by depth-first search.
std::vector<std::vector<person_id>> all_simple_paths(const dense& w, person_id from, person_id to,
                                                     const std::set<person_id>& avoid = {}) {
    std::vector<std::vector<person_id>> out;
    std::vector<person_id> path{from};
    std::vector<char> on(w.size(), 0);
    on[from] = 1;
    std::function<void(person_id)> walk = [&](person_id u) {
        if (u == to) {
            out.push_back(path);
            return;
        }
        for (person_id v = 0; v < w.size(); ++v) {
            if (w[u][v] <= 0 || on[v] || avoid.count(v)) continue;
            on[v] = 1;
            path.push_back(v);
            walk(v);
            path.pop_back();
            on[v] = 0;
        }
    };
    walk(from);
    return out;
}

// Checks `got` against exhaustive enumeration: the same number of paths (up to k), the
// same costs in the same order, and each path a valid, simple, distinct chain.
// Returns how many simple paths there are (so callers can see which cases they covered).
std::size_t check_against_exhaustive(const dense& w, person_id from, person_id to, std::size_t k,
                                     const std::set<person_id>& avoid, const std::vector<intro_path>& got) {
    auto paths = all_simple_paths(w, from, to, avoid);
    std::vector<double> costs;
    for (const auto& p : paths) costs.push_back(path_cost(w, p));
    std::sort(costs.begin(), costs.end());
    REQUIRE(got.size() == std::min(k, costs.size()));
    std::set<std::vector<person_id>> seen;
    for (std::size_t i = 0; i < got.size(); ++i) {
        const auto& p = got[i];
        CAPTURE(i, p.people);
        REQUIRE(p.people.size() >= 2);
        CHECK(p.people.front() == from);
        CHECK(p.people.back() == to);
        CHECK(std::set<person_id>(p.people.begin(), p.people.end()).size() == p.people.size());  // simple
        CHECK(seen.insert(p.people).second);                                                     // distinct
        REQUIRE(p.strengths.size() == p.people.size() - 1);
        for (std::size_t h = 0; h < p.strengths.size(); ++h) {
            CHECK(p.strengths[h] == w[p.people[h]][p.people[h + 1]]);
            CHECK_FALSE(avoid.count(p.people[h]));
        }
        CHECK(p.strongest_tie == strongest(w));
        CHECK(test::agrees(p.cost, path_cost(w, p.people), 0, 1e-12));
        CHECK(test::agrees(p.cost, costs[i], 0, 1e-12));  // the i-th best of all simple paths
        CHECK(test::agrees(p.product, std::exp(-p.cost), 1e-12));
        CHECK(p.product > 0);
        CHECK(p.product <= 1);
        if (i > 0) CHECK(p.cost >= got[i - 1].cost);
    }
    return paths.size();
}

// The brute-force suggestion score: for every pair with no tie, the sum over common
// neighbours z (with at most `cap` ties, 0: any) of min(w_xz, w_zy), z in increasing order.
std::vector<meeting_suggestion> brute_force_suggestions(const dense& w, std::optional<person_id> person,
                                                        std::size_t cap) {
    const auto n = static_cast<person_id>(w.size());
    const auto degree = [&](person_id z) {
        return static_cast<std::size_t>(std::count_if(w[z].begin(), w[z].end(), [](double x) { return x > 0; }));
    };
    std::vector<meeting_suggestion> out;
    for (person_id x = 0; x < n; ++x) {
        for (person_id y = 0; y < n; ++y) {
            if (x == y || w[x][y] > 0) continue;
            if (person ? x != *person : x > y) continue;
            meeting_suggestion m{x, y, 0, 0, 0, 0};
            for (person_id z = 0; z < n; ++z) {
                if (z == x || z == y || w[x][z] <= 0 || w[z][y] <= 0 || (cap && degree(z) > cap)) continue;
                const double link = std::min(w[x][z], w[z][y]);
                m.score += link;
                ++m.common;
                if (link > m.via_strength) {
                    m.via = z;
                    m.via_strength = link;
                }
            }
            if (m.common) out.push_back(m);
        }
    }
    std::sort(out.begin(), out.end(), [](const auto& p, const auto& q) {
        if (p.score != q.score) return p.score > q.score;
        return p.a != q.a ? p.a < q.a : p.b < q.b;
    });
    return out;
}

void check_same(const std::vector<meeting_suggestion>& got, const std::vector<meeting_suggestion>& want) {
    REQUIRE(got.size() == want.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
        CAPTURE(i);
        CHECK(got[i].a == want[i].a);
        CHECK(got[i].b == want[i].b);
        CHECK(got[i].score == want[i].score);  // same terms summed in the same order: exact
        CHECK(got[i].common == want[i].common);
        CHECK(got[i].via == want[i].via);
        CHECK(got[i].via_strength == want[i].via_strength);
    }
}

}  // namespace

TEST_CASE("strength_matrix holds between() for every pair", "[network][matrix]") {
    for (std::uint64_t seed = 1; seed <= 20; ++seed) {
        CAPTURE(seed);
        scorer s;
        s.add_batch(test::random_log(seed, {.people = 12, .interactions = 150}));
        for (const std::optional<timestamp> at : {std::optional<timestamp>{}, std::optional<timestamp>{*s.newest() + std::chrono::days(90)}}) {
            const auto g = strength_matrix(s, at);
            REQUIRE(g.rows() == static_cast<Eigen::Index>(s.people()));
            REQUIRE(g.cols() == static_cast<Eigen::Index>(s.people()));
            const Eigen::MatrixXd d = Eigen::MatrixXd(g);
            CHECK(d.isApprox(d.transpose(), 0.0));
            for (person_id a = 0; a < s.people(); ++a) {
                CHECK(d(a, a) == 0);
                for (person_id b = 0; b < s.people(); ++b) {
                    if (a == b) continue;
                    const double want = s.between(a, b, at).strength;
                    CHECK(test::agrees(d(a, b), want, 1e-12));
                    CHECK((g.coeff(a, b) != 0) == (want > 0));  // only positive ties are stored
                }
            }
        }
    }
}

TEST_CASE("strength_matrix of an empty scorer is empty, and refuses a time before the newest", "[network][matrix]") {
    scorer empty;
    CHECK(strength_matrix(empty).rows() == 0);
    scorer s;
    s.add({parse_time("2026-01-02"), "ana", "ben", "email"});
    CHECK_THROWS_AS(strength_matrix(s, parse_time("2026-01-01")), time_order_error);
}

TEST_CASE("the best introduction and its alternatives are the best simple paths", "[network][intro]") {
    std::mt19937_64 rng(4);
    // The rounds must cover every case: no path at all, all paths returned (fewer than k),
    // cut at k, and an avoided person that removes paths.
    std::size_t none = 0, all = 0, cut = 0, avoid_removes = 0;
    for (int round = 0; round < 400; ++round) {
        const std::size_t n = std::uniform_int_distribution<std::size_t>(2, 8)(rng);
        const double density = std::uniform_real_distribution<double>(0.15, 0.9)(rng);
        const dense w = random_graph(rng, n, density);
        const auto g = to_sparse(w);
        std::uniform_int_distribution<person_id> who(0, static_cast<person_id>(n - 1));
        const person_id from = who(rng);
        person_id to = who(rng);
        while (to == from) to = who(rng);
        const std::size_t k = std::uniform_int_distribution<std::size_t>(1, 12)(rng);
        CAPTURE(round, n, from, to, k);
        const std::size_t paths = check_against_exhaustive(w, from, to, k, {}, introductions(g, from, to, {.paths = k}));
        (paths == 0 ? none : paths <= k ? all : cut) += 1;
        // Avoiding someone: the best paths that do not pass through them.
        if (n > 2) {
            person_id avoided = who(rng);
            while (avoided == from || avoided == to) avoided = who(rng);
            CAPTURE(avoided);
            if (check_against_exhaustive(w, from, to, k, {avoided}, introductions(g, from, to, {.paths = k, .avoid = {avoided}})) <
                paths)
                ++avoid_removes;
        }
    }
    CAPTURE(none, all, cut, avoid_removes);
    CHECK(none > 0);
    CHECK(all > 0);
    CHECK(cut > 0);
    CHECK(avoid_removes > 0);
}

TEST_CASE("introductions with equal strengths everywhere still find every path", "[network][intro]") {
    // A complete graph on 6 people with equal strengths: every hop costs 0, so all paths
    // tie; Yen's algorithm must still list each simple path once.
    const dense w(6, std::vector<double>{1, 1, 1, 1, 1, 1});
    dense no_loops = w;
    for (std::size_t i = 0; i < 6; ++i) no_loops[i][i] = 0;
    const auto total = all_simple_paths(no_loops, 0, 5).size();  // 1 + 4 + 12 + 24 + 24 = 65
    CHECK(total == 65);
    const auto got = introductions(to_sparse(no_loops), 0, 5, {.paths = 100});
    check_against_exhaustive(no_loops, 0, 5, 100, {}, got);
    // The diagonal is ignored: a self-tie is not a hop.
    CHECK(introductions(to_sparse(w), 0, 5, {.paths = 100}).size() == 65);
}

TEST_CASE("introductions: errors and unreachable people", "[network][intro]") {
    // 0 - 1 - 2 and 3 - 4: two components.
    dense w(5, std::vector<double>(5, 0.0));
    w[0][1] = w[1][0] = 2;
    w[1][2] = w[2][1] = 1;
    w[3][4] = w[4][3] = 4;
    const auto g = to_sparse(w);
    CHECK(introductions(g, 0, 4).empty());
    CHECK(introductions(g, 0, 2, {.paths = 1, .avoid = {1}}).empty());
    const auto p = introductions(g, 0, 2);
    REQUIRE(p.size() == 1);
    CHECK(p[0].people == std::vector<person_id>{0, 1, 2});
    CHECK(test::agrees(p[0].product, 2.0 / 4 * 1.0 / 4));  // normalized by the strongest tie, 3 - 4
    CHECK(introductions(g, 0, 2, {.paths = 0}).empty());
    CHECK_THROWS_AS(introductions(g, 1, 1), invalid_argument_error);
    CHECK_THROWS_AS(introductions(g, 0, 5), invalid_argument_error);
    CHECK_THROWS_AS(introductions(g, 0, 2, {.paths = 1, .avoid = {2}}), invalid_argument_error);
    CHECK_THROWS_AS(introductions(g, 0, 2, {.paths = 1, .avoid = {9}}), invalid_argument_error);
    Eigen::SparseMatrix<double> bad = g;
    bad.coeffRef(0, 1) = -1;
    CHECK_THROWS_AS(introductions(bad, 0, 2), invalid_argument_error);
    CHECK_THROWS_AS(introductions(Eigen::SparseMatrix<double>(3, 4), 0, 2), invalid_argument_error);

    scorer s;
    s.add({parse_time("2026-01-02"), "ana", "ben", "email"});
    s.add({parse_time("2026-01-03"), "ben", "cleo", "call"});
    CHECK_THROWS_AS(introductions(s, "ana", "zed"), unknown_person_error);
    CHECK(test::message_of([&] { (void)introductions(s, "ana", "zed"); }).find("unknown person 'zed'") != std::string::npos);
    CHECK_THROWS_AS(introductions(s, "ana", "ana"), invalid_argument_error);
    const auto chain = introductions(s, "ana", "cleo");
    REQUIRE(chain.size() == 1);
    CHECK(test::agrees(chain[0].strengths[0], s.between("ana", "ben").strength));
    CHECK(test::agrees(chain[0].strengths[1], s.between("ben", "cleo").strength));
}

TEST_CASE("suggestions equal the brute-force weighted common neighbours", "[network][suggest]") {
    std::mt19937_64 rng(44);
    for (int round = 0; round < 200; ++round) {
        const std::size_t n = std::uniform_int_distribution<std::size_t>(2, 12)(rng);
        const bool integers = round % 2 == 0;  // exact ties between scores half the time
        const dense w = random_graph(rng, n, std::uniform_real_distribution<double>(0.1, 0.7)(rng), integers);
        const auto g = to_sparse(w);
        for (const std::size_t cap : {std::size_t{0}, std::size_t{2}, std::size_t{4}}) {
            CAPTURE(round, n, cap);
            const auto everyone = brute_force_suggestions(w, std::nullopt, cap);
            check_same(suggest_meetings(g, {.top = 1000, .max_intermediary_degree = cap}), everyone);
            // top k is a prefix of the full ranking
            const std::size_t k = std::min<std::size_t>(3, everyone.size());
            check_same(suggest_meetings(g, {.top = 3, .max_intermediary_degree = cap}),
                       std::vector<meeting_suggestion>(everyone.begin(), everyone.begin() + static_cast<std::ptrdiff_t>(k)));
            for (person_id p = 0; p < n; ++p) {
                CAPTURE(p);
                check_same(suggest_meetings(g, p, {.top = 1000, .max_intermediary_degree = cap}),
                           brute_force_suggestions(w, p, cap));
            }
        }
    }
}

TEST_CASE("suggestions from a scorer: people with a common friend and no tie", "[network][suggest]") {
    scorer s;
    s.add({parse_time("2026-01-02"), "ana", "ben", "meeting", std::nullopt, true});
    s.add({parse_time("2026-01-03"), "ben", "cleo", "call", std::nullopt, true});
    s.add({parse_time("2026-01-04"), "ana", "dev", "email", std::nullopt, true});
    s.add({parse_time("2026-01-05"), "dev", "cleo", "email", std::nullopt, true});
    const auto mine = suggest_meetings(s, "ana");
    REQUIRE(mine.size() == 1);
    CHECK(s.name(mine[0].b) == "cleo");
    CHECK(mine[0].common == 2);
    const double via_ben = std::min(s.between("ana", "ben").strength, s.between("ben", "cleo").strength);
    const double via_dev = std::min(s.between("ana", "dev").strength, s.between("dev", "cleo").strength);
    CHECK(test::agrees(mine[0].score, via_ben + via_dev));
    CHECK(s.name(mine[0].via) == (via_ben >= via_dev ? "ben" : "dev"));
    const auto all = suggest_meetings(s);
    REQUIRE(all.size() == 2);  // ana - cleo and ben - dev
    CHECK_THROWS_AS(suggest_meetings(s, "zed"), unknown_person_error);
    CHECK_THROWS_AS(suggest_meetings(s, {.at = parse_time("2026-01-01")}), time_order_error);
}
