// The strength graph, warm introductions and meeting suggestions (see network.hpp).

#include <relscore/network.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <queue>
#include <set>
#include <span>
#include <utility>

RELSCORE_BEGIN_NAMESPACE

namespace {

// The graph's positive entries as adjacency lists (row-compressed, neighbours sorted by
// id), read once from whatever shape of sparse matrix the caller has. Column j of the
// (symmetric) matrix gives j's ties.
struct adjacency {
    std::vector<std::size_t> offset;   // neighbours of v: [offset[v], offset[v + 1])
    std::vector<person_id> neighbour;
    std::vector<double> strength;
    double strongest = 0;

    explicit adjacency(const Eigen::SparseMatrix<double>& g, const char* where) {
        if (g.rows() != g.cols())
            throw invalid_argument_error(
                fmt::format("{}: the strength graph must be square, got {} x {}", where, g.rows(), g.cols()));
        const auto n = static_cast<std::size_t>(g.cols());
        offset.assign(n + 1, 0);
        std::vector<std::pair<person_id, double>> column;
        for (Eigen::Index j = 0; j < g.outerSize(); ++j) {
            column.clear();
            for (Eigen::SparseMatrix<double>::InnerIterator it(g, j); it; ++it) {
                const double v = it.value();
                if (!(std::isfinite(v) && v >= 0))
                    throw invalid_argument_error(fmt::format("{}: strength ({}, {}) must be finite and >= 0, got {}",
                                                             where, it.row(), j, v));
                if (v > 0 && it.row() != j) column.emplace_back(static_cast<person_id>(it.row()), v);
            }
            std::sort(column.begin(), column.end());
            for (const auto& [who, value] : column) {
                neighbour.push_back(who);
                strength.push_back(value);
                strongest = std::max(strongest, value);
            }
            offset[static_cast<std::size_t>(j) + 1] = neighbour.size();
        }
    }

    [[nodiscard]] std::size_t size() const noexcept { return offset.size() - 1; }
    [[nodiscard]] std::size_t degree(person_id v) const noexcept { return offset[v + 1] - offset[v]; }
    void check(person_id v, const char* where, const char* what) const {
        if (v >= size())
            throw invalid_argument_error(
                fmt::format("{}: {} id {} is not a row of the {}-person strength graph", where, what, v, size()));
    }
};

// ---- introductions ---------------------------------------------------------------------

struct chain {
    double cost = 0;
    std::vector<person_id> people;
    friend bool operator<(const chain& x, const chain& y) {
        if (x.cost != y.cost) return x.cost < y.cost;
        return x.people < y.people;
    }
};

class intro_search {
public:
    intro_search(const adjacency& g, person_id to, const std::vector<person_id>& avoid)
        : m_g(g), m_to(to), m_avoid(g.size(), 0) {
        for (person_id v : avoid) m_avoid[v] = 1;
    }

    // −log of a hop's normalized strength: ≥ 0, and 0 for the strongest tie.
    [[nodiscard]] double hop_cost(double strength) const { return -std::log(strength / m_g.strongest); }

    // Sums the hop costs left to right, so equal chains always get bit-identical costs.
    [[nodiscard]] double chain_cost(const std::vector<person_id>& people) const {
        double cost = 0;
        for (std::size_t i = 0; i + 1 < people.size(); ++i) cost += hop_cost(strength(people[i], people[i + 1]));
        return cost;
    }

    [[nodiscard]] double strength(person_id x, person_id y) const {
        const auto first = m_g.neighbour.begin() + static_cast<std::ptrdiff_t>(m_g.offset[x]);
        const auto last = m_g.neighbour.begin() + static_cast<std::ptrdiff_t>(m_g.offset[x + 1]);
        const auto it = std::lower_bound(first, last, y);
        return m_g.strength[static_cast<std::size_t>(it - m_g.neighbour.begin())];
    }

    // Dijkstra from `from` to m_to skipping avoided people, the people in `removed` and,
    // out of `from` only, the hops to people in `blocked_first_hop` (Yen's spur search).
    // Returns the chain (from first) or an empty vector.
    [[nodiscard]] std::vector<person_id> shortest(person_id from, const std::vector<char>& removed,
                                                  const std::vector<char>& blocked_first_hop) const {
        constexpr double unreached = std::numeric_limits<double>::infinity();
        constexpr person_id none = std::numeric_limits<person_id>::max();
        std::vector<double> dist(m_g.size(), unreached);
        std::vector<person_id> previous(m_g.size(), none);
        using entry = std::pair<double, person_id>;
        std::priority_queue<entry, std::vector<entry>, std::greater<>> queue;
        dist[from] = 0;
        queue.emplace(0.0, from);
        while (!queue.empty()) {
            const auto [d, u] = queue.top();
            queue.pop();
            if (d > dist[u]) continue;
            if (u == m_to) break;
            for (std::size_t e = m_g.offset[u]; e < m_g.offset[u + 1]; ++e) {
                const person_id v = m_g.neighbour[e];
                if (m_avoid[v] || removed[v] || (u == from && blocked_first_hop[v])) continue;
                const double candidate = d + hop_cost(m_g.strength[e]);
                if (candidate < dist[v]) {
                    dist[v] = candidate;
                    previous[v] = u;
                    queue.emplace(candidate, v);
                }
            }
        }
        if (dist[m_to] == unreached) return {};
        std::vector<person_id> path;
        for (person_id v = m_to; v != none; v = previous[v]) path.push_back(v);
        std::reverse(path.begin(), path.end());
        return path;
    }

    // Yen's k shortest loopless paths.
    [[nodiscard]] std::vector<chain> best(person_id from, std::size_t k) const {
        std::vector<chain> accepted;
        if (k == 0) return accepted;
        const std::vector<char> nobody(m_g.size(), 0);
        auto first = shortest(from, nobody, nobody);
        if (first.empty()) return accepted;
        accepted.push_back({chain_cost(first), std::move(first)});
        std::set<chain> candidates;
        std::vector<char> removed(m_g.size(), 0), blocked(m_g.size(), 0);
        while (accepted.size() < k) {
            const std::vector<person_id> last = accepted.back().people;  // copy: `accepted` grows below
            for (std::size_t i = 0; i + 1 < last.size(); ++i) {
                const person_id spur = last[i];
                // Hops out of the spur that an accepted chain with the same root already took.
                std::fill(blocked.begin(), blocked.end(), 0);
                for (const auto& c : accepted)
                    if (c.people.size() > i + 1 && std::equal(last.begin(), last.begin() + static_cast<std::ptrdiff_t>(i + 1),
                                                              c.people.begin()))
                        blocked[c.people[i + 1]] = 1;
                // The root's people before the spur may not be visited again (loopless).
                std::fill(removed.begin(), removed.end(), 0);
                for (std::size_t r = 0; r < i; ++r) removed[last[r]] = 1;
                const auto spur_path = shortest(spur, removed, blocked);
                if (spur_path.empty()) continue;
                chain c;
                c.people.assign(last.begin(), last.begin() + static_cast<std::ptrdiff_t>(i));
                c.people.insert(c.people.end(), spur_path.begin(), spur_path.end());
                c.cost = chain_cost(c.people);
                candidates.insert(std::move(c));
            }
            // The best candidate not yet accepted (a candidate can be found again later).
            while (!candidates.empty() &&
                   std::any_of(accepted.begin(), accepted.end(),
                               [&](const chain& a) { return a.people == candidates.begin()->people; }))
                candidates.erase(candidates.begin());
            if (candidates.empty()) break;
            accepted.push_back(*candidates.begin());
            candidates.erase(candidates.begin());
        }
        return accepted;
    }

private:
    const adjacency& m_g;
    person_id m_to;
    std::vector<char> m_avoid;
};

// ---- suggestions -----------------------------------------------------------------------

struct tally {
    double score = 0;
    std::size_t common = 0;
    person_id via = 0;
    double via_strength = 0;

    void add(person_id z, double m) {
        score += m;
        ++common;
        if (m > via_strength) {  // strictly: on a tie the first (smallest) z stays
            via = z;
            via_strength = m;
        }
    }
};

bool ranks_before(const meeting_suggestion& x, const meeting_suggestion& y) {
    if (x.score != y.score) return x.score > y.score;
    if (x.a != y.a) return x.a < y.a;
    return x.b < y.b;
}

// Finds, person by person, the people two hops away with no tie, and keeps the best
// `opts.top` pairs seen so far in a bounded heap. Dense per-person arrays (reset through
// the list of people touched) instead of one hash map of every pair: the work is still
// Σ_z deg(z)², but memory is O(n + top) and each update is an array access.
class suggestion_finder {
public:
    suggestion_finder(const adjacency& g, const suggest_options& opts)
        : m_g(g), m_opts(opts), m_tally(g.size()), m_tied(g.size(), 0) {}

    // The pairs (x, y) with no tie and a common neighbour; with later_only, only y > x.
    // For each pair the intermediaries z come in increasing id order (x's neighbours are
    // sorted), so the sums do not depend on anything but the graph.
    void collect(person_id x, bool later_only) {
        if (m_opts.top == 0) return;
        const auto ties_of_x = std::span(m_g.neighbour).subspan(m_g.offset[x], m_g.degree(x));
        for (person_id y : ties_of_x) m_tied[y] = 1;
        for (std::size_t e = m_g.offset[x]; e < m_g.offset[x + 1]; ++e) {
            const person_id z = m_g.neighbour[e];
            if (m_opts.max_intermediary_degree != 0 && m_g.degree(z) > m_opts.max_intermediary_degree) continue;
            for (std::size_t f = m_g.offset[z]; f < m_g.offset[z + 1]; ++f) {
                const person_id y = m_g.neighbour[f];
                if (y == x || m_tied[y] || (later_only && y < x)) continue;
                if (m_tally[y].common == 0) m_touched.push_back(y);
                m_tally[y].add(z, std::min(m_g.strength[e], m_g.strength[f]));
            }
        }
        for (person_id y : m_touched) {
            const tally& t = m_tally[y];
            offer({x, y, t.score, t.common, t.via, t.via_strength});
            m_tally[y] = {};
        }
        m_touched.clear();
        for (person_id y : ties_of_x) m_tied[y] = 0;
    }

    // The kept suggestions, best first.
    [[nodiscard]] std::vector<meeting_suggestion> best() {
        std::sort(m_heap.begin(), m_heap.end(), ranks_before);
        return std::move(m_heap);
    }

private:
    // A heap whose front is the worst kept suggestion.
    void offer(const meeting_suggestion& m) {
        if (m_heap.size() < m_opts.top) {
            m_heap.push_back(m);
            std::push_heap(m_heap.begin(), m_heap.end(), ranks_before);
        } else if (ranks_before(m, m_heap.front())) {
            std::pop_heap(m_heap.begin(), m_heap.end(), ranks_before);
            m_heap.back() = m;
            std::push_heap(m_heap.begin(), m_heap.end(), ranks_before);
        }
    }

    const adjacency& m_g;
    const suggest_options& m_opts;
    std::vector<tally> m_tally;
    std::vector<char> m_tied;
    std::vector<person_id> m_touched;
    std::vector<meeting_suggestion> m_heap;
};

}  // namespace

Eigen::SparseMatrix<double> strength_matrix(const scorer& s, std::optional<timestamp> at) {
    const relationship_table t = s.table(at);
    std::vector<Eigen::Triplet<double>> entries;
    entries.reserve(2 * t.size());
    for (Eigen::Index i = 0; i < static_cast<Eigen::Index>(t.size()); ++i) {
        if (!(t.strength[i] > 0)) continue;
        const auto a = static_cast<Eigen::Index>(t.a[i]), b = static_cast<Eigen::Index>(t.b[i]);
        entries.emplace_back(a, b, t.strength[i]);
        entries.emplace_back(b, a, t.strength[i]);
    }
    const auto n = static_cast<Eigen::Index>(s.people());
    Eigen::SparseMatrix<double> g(n, n);
    g.setFromTriplets(entries.begin(), entries.end());
    return g;
}

std::vector<intro_path> introductions(const Eigen::SparseMatrix<double>& graph, person_id from, person_id to,
                                      const intro_options& opts) {
    constexpr const char* where = "relscore::introductions()";
    const adjacency g(graph, where);
    g.check(from, where, "from");
    g.check(to, where, "to");
    for (person_id v : opts.avoid) g.check(v, where, "avoided person");
    if (from == to) throw invalid_argument_error(fmt::format("{}: from and to are the same person ({})", where, from));
    for (person_id v : opts.avoid)
        if (v == from || v == to)
            throw invalid_argument_error(fmt::format("{}: person {} is an end of the chain and cannot be avoided", where, v));

    const intro_search search(g, to, opts.avoid);
    std::vector<intro_path> out;
    for (auto& c : search.best(from, opts.paths)) {
        intro_path p;
        p.strongest_tie = g.strongest;
        for (std::size_t i = 0; i + 1 < c.people.size(); ++i)
            p.strengths.push_back(search.strength(c.people[i], c.people[i + 1]));
        p.product = 1;
        for (double s : p.strengths) p.product *= s / g.strongest;
        p.cost = c.cost;
        p.people = std::move(c.people);
        out.push_back(std::move(p));
    }
    return out;
}

std::vector<intro_path> introductions(const scorer& s, std::string_view from, std::string_view to,
                                      const intro_options& opts) {
    const person_id a = s.person(from), z = s.person(to);
    return introductions(strength_matrix(s, opts.at), a, z, opts);
}

std::vector<intro_hop> intro_hops(const std::vector<intro_path>& chains) {
    std::vector<intro_hop> out;
    for (std::size_t k = 0; k < chains.size(); ++k) {
        const auto& c = chains[k];
        for (std::size_t i = 0; i < c.strengths.size(); ++i)
            out.push_back({k + 1, i + 1, c.people[i], c.people[i + 1], c.strengths[i], c.strengths[i] / c.strongest_tie,
                           c.product});
    }
    return out;
}

std::vector<meeting_suggestion> suggest_meetings(const Eigen::SparseMatrix<double>& graph, person_id person,
                                                 const suggest_options& opts) {
    constexpr const char* where = "relscore::suggest_meetings()";
    const adjacency g(graph, where);
    g.check(person, where, "person");
    suggestion_finder finder(g, opts);
    finder.collect(person, /*later_only=*/false);
    return finder.best();
}

std::vector<meeting_suggestion> suggest_meetings(const Eigen::SparseMatrix<double>& graph, const suggest_options& opts) {
    const adjacency g(graph, "relscore::suggest_meetings()");
    suggestion_finder finder(g, opts);
    // Each pair once, from its smaller id.
    for (person_id x = 0; x < g.size(); ++x) {
        finder.collect(x, /*later_only=*/true);
        if (opts.on_progress && (x + 1) % 1024 == 0) opts.on_progress(x + 1, g.size());
    }
    if (opts.on_progress) opts.on_progress(g.size(), g.size());
    return finder.best();
}

std::vector<meeting_suggestion> suggest_meetings(const scorer& s, const suggest_options& opts) {
    return suggest_meetings(strength_matrix(s, opts.at), opts);
}

std::vector<meeting_suggestion> suggest_meetings(const scorer& s, std::string_view person, const suggest_options& opts) {
    const person_id p = s.person(person);
    return suggest_meetings(strength_matrix(s, opts.at), p, opts);
}

RELSCORE_END_NAMESPACE
