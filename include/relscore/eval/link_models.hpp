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

/// Parameters of relscore's link score (see make_relscore_link() for the formula).
struct link_score_params {
    double tie_half_life = 7 * 86400.0;       ///< h: half-life of the decayed tie, seconds
    double reciprocity = 0.5;                 ///< ρ: weight of the reciprocated part of the tie
    double direction = 1.0;                   ///< δ: extra weight of the u -> v direction itself
    double two_hop = 0.1;                     ///< γ: weight of decayed common-neighbour strength
    double activity_half_life = 7 * 86400.0;  ///< h_a: half-life of each node's decayed activity
    double destination_activity = 0.5;        ///< a_v: exponent of the destination's activity
    double source_activity = 0.0;             ///< a_u: exponent of the source's activity
    double floor = 1e-3;                      ///< ε: keeps log finite for pairs with nothing
};

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
/// relscore's link score, with V the decayed directed ties (half-life h) and A_x the decayed
/// number of edges x took part in (half-life h_a):
///
///     T_uv  = (1 - ρ)(V_uv + V_vu) + ρ · 2 min(V_uv, V_vu) + δ · V_uv
///     C_uv  = Σ over common neighbours w of min(S_uw, S_wv)        (only when u, v never met)
///     score = log(T_uv + γ · C_uv + ε) + a_v · log(A_v + ε) + a_u · log(A_u + ε)
///
/// where S is relscore's strength (the first two terms of T).
[[nodiscard]] std::unique_ptr<link_model> make_relscore_link(const link_score_params& params);

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

}  // namespace eval
RELSCORE_END_NAMESPACE
