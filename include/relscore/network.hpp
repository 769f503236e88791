#pragma once
/// \file network.hpp
/// The strength graph: every relationship at one time as a symmetric sparse matrix, warm
/// introductions (the best chains of people from A to Z) and who should meet whom.
///
/// Design notes
/// - Everything here reads a scorer through its public queries only (table(), name(),
///   person()); the graph is a snapshot at one time `at`, built in O(R log R) for R
///   relationships. Functions that take a scorer build that snapshot; the overloads that
///   take the matrix let a caller build it once and ask many questions.
/// - An edge is a pair whose strength at `at` is > 0. A pair that interacted but whose
///   strength has decayed to exactly 0 (or was fed only zero weights) is not an edge.
/// - Warm introduction. Each hop's strength is normalized by the strongest tie in the
///   whole graph at `at`, so each factor is in (0, 1] and a chain is worth the product of
///   its factors: a long chain, or one weak link, makes it worth little. Maximizing the
///   product is a shortest path on the hop costs −log(S / S_max) ≥ 0 (Dijkstra); the
///   alternatives are the next best loopless paths (Yen 1971). The normalization does
///   not change which chains win, only makes the product readable: 1 would be a chain of
///   hops each as strong as the strongest tie in the network.
/// - Who should meet whom. For two people x, y with no tie, the score is the weighted
///   common-neighbour sum
///
///       W_xy = Σ_{z tied to both} min(S_xz, S_zy)
///
///   We take the min, not the product S_xz·S_zy (what a sparse A² gives): an
///   introduction through z is only as good as z's weaker tie (a broker who barely knows
///   y cannot vouch for x, however close to x), W stays in strength units (W = 3 reads as
///   "as good as three common friends each tied at strength 1 to both"), and one very
///   strong tie of x cannot lift every pair it touches. Cost: Σ over intermediaries z of
///   deg(z)² pair updates for the whole graph (Σ_{z ∈ N(x)} deg(z) for one person), so
///   `max_intermediary_degree` can skip hubs (a person tied to thousands says little
///   about any two of them, as in Adamic–Adar), which bounds the work by n·cap².

#include <cstddef>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include <Eigen/SparseCore>

#include <relscore/describe.hpp>
#include <relscore/scorer.hpp>

RELSCORE_BEGIN_NAMESPACE

/// The strength graph: n × n with n = s.people(), symmetric, entry (a, b) = S_ab at `at`
/// (default: the newest interaction) for every pair with S_ab > 0; rows and columns are
/// person ids (see scorer::name()). Throws time_order_error for an `at` before the newest
/// interaction.
///
/// **Example**:
///
///     Eigen::SparseMatrix<double> g = relscore::strength_matrix(s);
///     double ab = g.coeff(s.person("ana"), s.person("ben"));   // == s.between("ana", "ben").strength
[[nodiscard]] Eigen::SparseMatrix<double> strength_matrix(const scorer& s, std::optional<timestamp> at = {});

/// One chain of introductions from `people.front()` to `people.back()`.
struct intro_path {
    std::vector<person_id> people;   ///< the chain, both ends included
    std::vector<double> strengths;   ///< strengths[i]: the tie people[i] – people[i+1]
    double product = 0;              ///< Π strengths[i] / strongest_tie, in (0, 1]
    double cost = 0;                 ///< Σ −log(strengths[i] / strongest_tie) = −log(product)
    double strongest_tie = 0;        ///< the normalizer: the strongest tie in the graph
};

struct intro_options {
    std::size_t paths = 1;              ///< the best path and paths − 1 alternatives
    std::vector<person_id> avoid;       ///< people the chains must not pass through
    std::optional<timestamp> at;        ///< default: the newest interaction (scorer overloads)
};

/// The `opts.paths` best chains from `from` to `to` (fewer if fewer exist; none if `to`
/// cannot be reached), best first: highest product (equally good chains come in an
/// unspecified but deterministic order). Chains visit nobody twice. If `from` and `to` are tied, the direct tie is
/// a one-hop chain and competes with the others.
///
/// Throws invalid_argument_error if from == to, if `from` or `to` is in `avoid`, or if
/// an id is not a row of `graph`; the scorer overloads throw unknown_person_error for an
/// unknown name.
///
/// Complexity: Dijkstra is O((n + E) log n); the alternatives cost up to
/// paths × (chain length) more Dijkstra runs (Yen's algorithm).
///
/// **Example**:
///
///     auto chains = relscore::introductions(s, "Sam Rivera", "Grace Liu", {.paths = 3});
///     // chains[0].people: Sam Rivera, Aisha Rahman, Grace Liu
[[nodiscard]] std::vector<intro_path> introductions(const Eigen::SparseMatrix<double>& graph, person_id from,
                                                    person_id to, const intro_options& opts = {});
[[nodiscard]] std::vector<intro_path> introductions(const scorer& s, std::string_view from, std::string_view to,
                                                    const intro_options& opts = {});

/// One hop of a chain of introductions: what introductions() found, one row per tie, as
/// the CLI's CSV and JSON and Python's frame show it (a chain is the list of its hops).
struct intro_hop {
    std::size_t path = 0;    ///< which chain: 1 = the best
    std::size_t hop = 0;     ///< 1 = the tie of the chain's first person
    person_id from = 0;
    person_id to = 0;
    double strength = 0;     ///< the tie from – to
    double normalized = 0;   ///< strength / the strongest tie in the graph, in (0, 1]
    double product = 0;      ///< the chain's worth: the product of its hops' normalized strengths
};

/// The one description of an intro hop (describe.hpp). New fields go at the end.
template <>
struct describe<intro_hop> {
    static constexpr std::string_view name = "intro_hop";
    static constexpr auto fields = std::tuple{
        make_field("path", &intro_hop::path, field_kind::count, "which chain, 1 = the best"),
        make_field("hop", &intro_hop::hop, field_kind::count, "the hop's place in its chain, 1 = from the first person"),
        make_field("from", &intro_hop::from, field_kind::name, "who makes the introduction on this hop"),
        make_field("to", &intro_hop::to, field_kind::name, "who is introduced to on this hop"),
        make_field("strength", &intro_hop::strength, field_kind::real, "the strength of the tie between from and to"),
        make_field("normalized", &intro_hop::normalized, field_kind::real, "strength divided by the strongest tie in the network"),
        make_field("product", &intro_hop::product, field_kind::real, "the chain's worth: the product of its normalized strengths, in (0, 1]"),
    };
};

/// The chains as rows of hops, chain by chain (path = 1 + its index in `chains`).
[[nodiscard]] std::vector<intro_hop> intro_hops(const std::vector<intro_path>& chains);

/// Two people with no tie, and why they should meet.
struct meeting_suggestion {
    person_id a = 0;          ///< for suggest_meetings(person): the person asked about
    person_id b = 0;
    double score = 0;         ///< W_ab = Σ_z min(S_az, S_zb)
    std::size_t common = 0;   ///< number of intermediaries z counted in the score
    person_id via = 0;        ///< the z with the largest min(S_az, S_zb): who could introduce them
    double via_strength = 0;  ///< that min(S_az, S_zb)
};

/// The one description of a meeting suggestion (describe.hpp). New fields go at the end.
template <>
struct describe<meeting_suggestion> {
    static constexpr std::string_view name = "meeting_suggestion";
    static constexpr auto fields = std::tuple{
        make_field("a", &meeting_suggestion::a, field_kind::name, "one person (for suggest_meetings(person): the person asked about)"),
        make_field("b", &meeting_suggestion::b, field_kind::name, "the other person"),
        make_field("score", &meeting_suggestion::score, field_kind::real, "sum over common contacts z of min(S_az, S_zb)"),
        make_field("common", &meeting_suggestion::common, field_kind::count, "common contacts counted in the score"),
        make_field("via", &meeting_suggestion::via, field_kind::name, "the common contact with the strongest two-sided link: who could introduce them"),
        make_field("via_strength", &meeting_suggestion::via_strength, field_kind::real, "that contact's weaker tie, min(S_az, S_zb)"),
    };
};

struct suggest_options {
    std::size_t top = 10;                  ///< at most this many suggestions
    std::size_t max_intermediary_degree = 0;  ///< skip intermediaries with more ties; 0: no cap
    std::optional<timestamp> at;           ///< default: the newest interaction (scorer overloads)
    /// Called now and then with (people done, people in all) by the every-pair search, and
    /// once at the end (for progress displays on big graphs).
    std::function<void(std::size_t, std::size_t)> on_progress;
};

/// The pairs (a < b by id) with no tie ranked by W_ab, highest first (ties: by a, then
/// b). Only pairs with a common neighbour appear. Complexity: Σ_z deg(z)² over the
/// intermediaries counted (so hubs dominate: see max_intermediary_degree); memory
/// O(people + top).
[[nodiscard]] std::vector<meeting_suggestion> suggest_meetings(const Eigen::SparseMatrix<double>& graph,
                                                               const suggest_options& opts = {});
/// The people `person` has no tie with, ranked by W (ties: by id), each with a = person.
/// Complexity: Σ_{z tied to person} deg(z).
[[nodiscard]] std::vector<meeting_suggestion> suggest_meetings(const Eigen::SparseMatrix<double>& graph,
                                                               person_id person, const suggest_options& opts = {});
[[nodiscard]] std::vector<meeting_suggestion> suggest_meetings(const scorer& s, const suggest_options& opts = {});
[[nodiscard]] std::vector<meeting_suggestion> suggest_meetings(const scorer& s, std::string_view person,
                                                               const suggest_options& opts = {});

RELSCORE_END_NAMESPACE
