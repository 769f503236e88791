#pragma once
/// \file eval/link_models.hpp
/// Streaming link predictors for dynamic link prediction (the DyGLib protocol, driven by
/// relscore.evaluate in Python): EdgeBank in its four memory modes, simple baselines, a
/// Hawkes intensity, and relscore's own link score.
///
/// Design notes
/// - Every model follows one contract: `score()` a batch of (source, destination, time)
///   triples without learning anything from it, then `observe()` edges. Observed edges must
///   come in time order (times never decrease); a score is asked at a time not earlier than
///   the newest observed edge. That is what the protocol needs (a batch is scored, then
///   learnt) and it lets every decayed sum be kept in O(1) per edge (detail/decay.hpp).
/// - Node ids are the data set's own integers; times are seconds (double), as in the
///   benchmark files. Times are turned into whole microseconds for the decayed sums.
/// - Scores are "higher = more likely"; only their order within a batch matters to the
///   metrics. Never-met pairs score exactly 0 in the baselines that only look at the pair.
/// - Thread safety: none; one model per thread. Exception guarantee: basic for observe()
///   (a bad argument is reported before anything changes), score() changes nothing.

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <relscore/version.hpp>

RELSCORE_BEGIN_NAMESPACE
namespace eval {

using node_id = std::int64_t;

/// The contract every link predictor follows (see the design notes).
class link_model {
public:
    virtual ~link_model() = default;
    /// Learn edges src[k] -> dst[k] at time[k], in non-decreasing time order.
    virtual void observe(std::span<const node_id> src, std::span<const node_id> dst, std::span<const double> time) = 0;
    /// out[k] = score of src[k] -> dst[k] at time[k]; learns nothing.
    virtual void score(std::span<const node_id> src, std::span<const node_id> dst, std::span<const double> time,
                       std::span<double> out) const = 0;
    /// A short description with the parameters, e.g. "decay(half_life=86400)".
    [[nodiscard]] virtual std::string describe() const = 0;
};

/// EdgeBank's memory modes (Poursafaei et al. 2022), exactly as DyGLib implements them.
enum class edgebank_mode {
    unlimited,          ///< every pair ever seen
    time_window,        ///< pairs seen since the `1 - proportion` quantile of all history times
    repeat_interval,    ///< pairs seen within the average repeat interval before the newest edge
    repeat_threshold,   ///< pairs seen at least as often as the average pair
};

[[nodiscard]] edgebank_mode parse_edgebank_mode(std::string_view name);
[[nodiscard]] std::string_view to_string(edgebank_mode mode) noexcept;

/// EdgeBank: 1 if (src, dst) is in memory, else 0. `proportion` is the time-window share
/// (DyGLib: the test ratio, 0.15).
[[nodiscard]] std::unique_ptr<link_model> make_edgebank(edgebank_mode mode, double proportion = 0.15);
/// Number of observed src -> dst edges.
[[nodiscard]] std::unique_ptr<link_model> make_count();
/// 1 / (1 + days since the newest src -> dst edge); 0 if none.
[[nodiscard]] std::unique_ptr<link_model> make_recency();
/// Directed decayed volume V_uv(t) = Σ over u -> v edges of 2^(-(t - t_i)/h).
[[nodiscard]] std::unique_ptr<link_model> make_decay(double half_life);
/// relscore's strength: (1 - ρ)(V_uv + V_vu) + ρ · 2 min(V_uv, V_vu).
[[nodiscard]] std::unique_ptr<link_model> make_decay_reciprocal(double half_life, double reciprocity);
/// Power-law kernel: Σ over u -> v edges of (1 + (t - t_i)/τ)^(-p).
[[nodiscard]] std::unique_ptr<link_model> make_power_law(double tau, double exponent);
/// Hawkes intensity λ_uv(t) = μ · n_v / n + Σ_{u->v} e^{-β(t - t_i)} + α_r Σ_{v->u} e^{-β(t - t_i)},
/// with n_v the edges into v so far and n all edges so far (the baseline rate follows the
/// destination's popularity); the self-excitation weight is the unit.
[[nodiscard]] std::unique_ptr<link_model> make_hawkes(double base_rate, double decay_rate, double reciprocal_excitation);
/// relscore's link score: a weighted sum of the features below, all computed from the
/// observed edges only (V_xy(h) = Σ over x -> y edges of 2^(-(t - t_i)/h), the directed
/// decayed tie; half-lives h ∈ {1 h, 1 day, 7 days, 30 days}):
///
///     score(u -> v, t) = Σ_k w_k · f_k(u, v, t)
///
/// | feature               | f_k(u, v, t)                                                     |
/// |-----------------------|------------------------------------------------------------------|
/// | tie_out_{h}           | log(1 + V_uv(h)): the tie in the queried direction               |
/// | tie_in_{h}            | log(1 + V_vu(h)): the tie the other way (u answers v)            |
/// | reciprocated_7d       | log(1 + 2 min(V_uv, V_vu)) at 7 days: the reciprocated part      |
/// | pair_count            | log(1 + number of u -> v edges)                                  |
/// | since_out, since_in   | -log(1 + minutes since the newest u -> v / v -> u edge); -20 never |
/// | dst_in_{h}            | log(1 + decayed number of edges into v)                          |
/// | dst_out_{h}           | log(1 + decayed number of edges out of v)                        |
/// | dst_since_active      | -log(1 + minutes since v's newest edge, either way); -20 never   |
/// | dst_was_destination   | 1 if v ever received an edge, else 0                             |
/// | src_out_{1d,7d}       | log(1 + decayed number of edges out of u)                        |
/// | src_in_{1d,7d}        | log(1 + decayed number of edges into u)                          |
/// | two_hop_7d            | only if u and v never met: log(1 + Σ over common neighbours w of |
/// |                       | min(S_uw, S_wv)), S_xy = V_xy + V_yx at 7 days; else 0           |
/// | common_neighbours     | log(1 + number of common neighbours, either direction)           |
/// | last_from_dst         | 1 if the pair's newest edge is v -> u (u owes an answer), else 0 |
/// | overdue_out           | log(1 + time since the newest u -> v edge / the pair's mean gap  |
/// |                       | between u -> v edges); 0 with fewer than two u -> v edges        |
/// | src_novelty_7d        | share of u's decayed outgoing edges (7 days) that opened a pair  |
/// | dst_new_in_7d         | log(1 + decayed number of pairs opened towards v, 7 days)        |
///
/// Added by issue 16 (the pair's and the destination's own rhythm, the destination's balance,
/// daily and weekly profiles; "edges of x" = edges from or to x, a self-loop once; the hour and
/// weekday of a time are those of its offset from the log's first edge, t mod 1 day, t mod 7 days):
///
/// | feature               | f_k(u, v, t)                                                     |
/// |-----------------------|------------------------------------------------------------------|
/// | overdue_pair          | log(1 + time since the pair's newest edge (either way) / the     |
/// |                       | pair's mean gap between its edges); 0 with fewer than two edges  |
/// | pair_mean_gap         | log(1 + that mean gap in minutes); -1 with fewer than two edges  |
/// | dst_overdue           | log(1 + time since v's newest edge / v's mean gap between edges) |
/// | dst_balance_{1d,7d}   | log((1 + decayed edges into v) / (1 + decayed edges out of v))   |
/// | dst_since_in, _out    | -log(1 + minutes since v's newest incoming / outgoing edge); -20 |
/// | src_since_active      | -log(1 + minutes since u's newest edge, either way); -20 never   |
/// | dst_hour_share        | log(8 (c + 1) / (n + 8)): n edges of v, c of them in the query's |
/// |                       | hour of day or the hours just before and after (3 of 24 hours)   |
/// | src_hour_share        | the same for u                                                   |
/// | pair_hour_share       | the same for the pair's edges, either way                        |
/// | dst_weekday_share     | log(7 (c + 1) / (n + 7)), c = v's edges on the query's weekday   |
/// | query_lag             | -log(1 + minutes since the newest observed edge); -20 if none    |
/// | dst_new_in_1d         | log(1 + decayed number of pairs opened towards v, 1 day)         |
/// | dst_new_out_7d        | log(1 + decayed number of pairs v opened, 7 days)                |
/// | dst_since_new_in      | -log(1 + minutes since a pair was last opened towards v); -20    |
/// | dst_degree, src_degree| log(1 + number of distinct neighbours of v / of u, either way)   |
/// | two_hop_1d            | two_hop_7d with the ties at 1 day                                |
///
/// Added by issue 16, part 1 (longer paths, which tell apart the pairs that have not met yet;
/// N(x) = the distinct neighbours of x either way, self-loops left out; all three are 0 when
/// u = v). The two longer walks are capped so that a query costs O(K^2), K = link_path_cap,
/// whatever the degrees: R(x) = the K nodes of N(x) whose newest edge with x (either way)
/// came last in the log, RD(x) the same among x's destinations (x -> y edges only), RS(x)
/// among its senders (y -> x edges only); all of N(x) when it has at most K nodes:
///
/// | feature               | f_k(u, v, t)                                                     |
/// |-----------------------|------------------------------------------------------------------|
/// | adamic_adar           | Σ over common neighbours w of 1 / log(2 + |N(w)|) (not capped)   |
/// | paths_3               | log(1 + number of paths u - x - y - v, x ∈ R(u), y ∈ R(x) ∩ R(v),|
/// |                       | x ≠ v, y ∉ {u, v}): recent three-step paths either way           |
/// | co_senders            | log(1 + number of (y, x), y ∈ RS(v), y ≠ u, x ∈ RD(y) ∩ RD(u),   |
/// |                       | x ≠ v): others who wrote to u's destinations also wrote to v     |
///
/// Added by issue 16, part 2 (recency as a rank among the node's own contacts, which reads the
/// same for busy and quiet nodes):
///
/// | feature               | f_k(u, v, t)                                                     |
/// |-----------------------|------------------------------------------------------------------|
/// | rank_in_src           | v's place in R(u), newest first (0 = u's newest neighbour); K if |
/// |                       | v is not in R(u)                                                 |
/// | rank_in_dst           | u's place in R(v); K if u is not in R(v)                         |
///
/// Added by issue 16, part 3 (two-step walks weighted by the recency of their edges, after
/// TPNet's time-decayed walk matrices, S_xy(h) = V_xy(h) + V_yx(h); and the destination's
/// dormancy against the source's habit, D(x, t) = log(1 + minutes since x's newest edge,
/// either way), 20 for a node without edges):
///
/// | feature               | f_k(u, v, t)                                                     |
/// |-----------------------|------------------------------------------------------------------|
/// | walk2_{1d,7d}         | log(1 + Σ over common neighbours w of S_uw(h) S_wv(h)), u ≠ v;   |
/// |                       | also for pairs that met (unlike two_hop)                         |
/// | hop2_since            | -log(1 + minutes since the newest two-step path was complete:    |
/// |                       | max over common neighbours w of min(last u-w edge, last w-v      |
/// |                       | edge), either way); -20 without a common neighbour               |
/// | src_target_dormancy   | mean over u's edges u -> y (self-loops too) of D(y, t_i) from    |
/// |                       | the edges before that one in the log; -1 if u sent none          |
/// | dst_dormancy_vs_src   | D(v, t) - src_target_dormancy; 0 if u sent none                  |
///
/// Added by issue 16, part 4 (cohorts: people who joined the log about the same time write to
/// each other, and a source that writes to many new contacts in a row tends to pick people who
/// joined about when its previous picks did; first(x) = the time of x's first edge, either way;
/// RD(u) as above, newest first):
///
/// | feature               | f_k(u, v, t)                                                     |
/// |-----------------------|------------------------------------------------------------------|
/// | cohort_gap            | log(1 + |first(u) - first(v)| in hours); -1 if u or v has no edge|
/// | cohort_vs_src         | (first(v) - mean over u's edges u -> y (self-loops too) of first |
/// |                       | (y) from the edges before that one) in days; first() is the edge's|
/// |                       | own time (the query's for v) for a node without earlier edges; 0 |
/// |                       | if u sent none                                                   |
/// | cohort_near_recent    | log(1 + min over y ∈ RD(u), y ≠ v of |first(y) - first(v)| in    |
/// |                       | hours); -1 if v has no edge or there is no such y                |
/// | cohort_last_gap       | the same for the newest such y only                              |
/// | cohort_step           | (first(v) - first(y)) in days for that newest y; 0 if none       |
///
/// The weights are fitted by relscore.evaluate (logistic regression on the validation stage);
/// relscore.evaluate's default combiner is gradient-boosted trees over the same features.
inline constexpr std::size_t link_feature_count = 66;
/// K of paths_3 and co_senders: the recent neighbours, destinations and senders they walk.
inline constexpr std::size_t link_path_cap = 16;

/// The feature names, in the order of the weights and of features().
[[nodiscard]] const std::array<std::string_view, link_feature_count>& link_feature_names() noexcept;

/// relscore's link score; features() exposes the feature vectors it sums (for fitting).
class relscore_link : public link_model {
public:
    /// out[k * link_feature_count + j] = feature j of src[k] -> dst[k] at time[k]; learns nothing.
    virtual void features(std::span<const node_id> src, std::span<const node_id> dst, std::span<const double> time,
                          std::span<double> out) const = 0;
};

/// relscore's link score with the given weights (link_feature_count of them, finite).
[[nodiscard]] std::unique_ptr<relscore_link> make_relscore_link(std::span<const double> weights);

/// Runs a whole evaluation stream: for each batch b, observe the edges
/// learn_index[learn_offset[b] .. learn_offset[b+1]) of the log (src, dst, time), then score
/// the positives batch_index[batch_offset[b] .. batch_offset[b+1]) and the negatives
/// (neg_src, neg_dst) aligned with them, at the positives' times. Scores go to
/// positive_out and negative_out (one per entry of batch_index).
struct stream_plan {
    std::span<const node_id> src, dst;
    std::span<const double> time;
    std::span<const std::int64_t> learn_index, learn_offset, batch_index, batch_offset;
    std::span<const node_id> neg_src, neg_dst;
};
void run_stream(link_model& model, const stream_plan& plan, std::span<double> positive_out,
                std::span<double> negative_out);
/// The same stream, but writes the positives' and negatives' feature vectors (row-major,
/// link_feature_count per entry of batch_index) instead of scores.
void run_feature_stream(relscore_link& model, const stream_plan& plan, std::span<double> positive_features,
                        std::span<double> negative_features);

}  // namespace eval
RELSCORE_END_NAMESPACE
