#pragma once
/// \file scorer_types.hpp
/// What a scorer is configured with, what it takes in bulk, and what it answers: the
/// plain types of relscore::scorer's interface (scorer.hpp).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Core>

#include <relscore/channel.hpp>
#include <relscore/describe.hpp>
#include <relscore/insight.hpp>
#include <relscore/interaction.hpp>
#include <relscore/time.hpp>

RELSCORE_BEGIN_NAMESPACE

/// What a scorer is configured with. Two scorers merge only if their configs are equal.
struct scorer_config {
    channel_registry channels = channel_registry::defaults();
    double reciprocity = 0.5;  ///< ρ in the strength formula, in [0, 1]
    insight_config insight;    ///< replies, rhythm, trend and event retention (insight.hpp)
    /// Channel names ingest does not know: rejected (nullopt, the default), or registered
    /// on first use with this channel's weight and half-life (its name is ignored), e.g.
    /// `config.register_unknown_channels = relscore::channel{};` (weight 1, 60 days).
    /// A policy, not state: snapshots do not store it and merge() does not compare it.
    std::optional<channel> register_unknown_channels;

    friend bool operator==(const scorer_config& x, const scorer_config& y) {
        return x.channels == y.channels && x.reciprocity == y.reciprocity && x.insight == y.insight;
    }
};

/// One relationship at one time, seen from `a`.
struct relationship {
    person_id a = 0;
    person_id b = 0;
    double strength = 0;      ///< S_ab
    double volume_ab = 0;     ///< V_ab: decayed volume of a toward b
    double volume_ba = 0;     ///< V_ba
    double reciprocity = 0;   ///< r_ab
    std::optional<timestamp> last_interaction;  ///< empty if they never interacted
    std::optional<timestamp> first_interaction;
    std::uint64_t interactions = 0;             ///< count, a mutual interaction once
    std::uint64_t touches = 0;                  ///< interactions after a silence longer than the touch gap
};

/// The one description of a relationship (describe.hpp): the CLI's columns, the Python
/// attributes and frame columns, in this order. New fields go at the end.
template <>
struct describe<relationship> {
    static constexpr std::string_view name = "relationship";
    static constexpr auto fields = std::tuple{
        make_field("a", &relationship::a, field_kind::name, "one person (the one the relationship is seen from)"),
        make_field("b", &relationship::b, field_kind::name, "the other person"),
        make_field("strength", &relationship::strength, field_kind::real, "S_ab: the decayed volume both ways, its one-sided excess discounted by rho"),
        make_field("volume_ab", &relationship::volume_ab, field_kind::real, "V_ab: decayed volume of a toward b"),
        make_field("volume_ba", &relationship::volume_ba, field_kind::real, "V_ba: decayed volume of b toward a"),
        make_field("reciprocity", &relationship::reciprocity, field_kind::real, "2 min(V_ab, V_ba) / (V_ab + V_ba) in [0, 1]", 3),
        make_field("last_interaction", &relationship::last_interaction, field_kind::time, "time of the newest interaction (empty if none)"),
        make_field("interactions", &relationship::interactions, field_kind::count, "interactions, both directions (a mutual one once)"),
        make_field("first_interaction", &relationship::first_interaction, field_kind::time, "time of the first interaction (empty if none)"),
        make_field("touches", &relationship::touches, field_kind::count, "touch periods with contact (insight_config::touch_gap)"),
    };
};

/// Every relationship at one time, as columns (one row per pair that ever interacted;
/// `a` is the person first seen). Built with Eigen's vectorized array operations.
struct relationship_table {
    using id_column = Eigen::Array<person_id, Eigen::Dynamic, 1>;
    using int_column = Eigen::Array<std::int64_t, Eigen::Dynamic, 1>;

    timestamp at;
    id_column a, b;
    Eigen::ArrayXd strength, volume_ab, volume_ba, reciprocity;
    int_column last_interaction_us;  ///< microseconds since the epoch
    int_column first_interaction_us;
    int_column interactions;
    int_column touches;

    [[nodiscard]] std::size_t size() const noexcept { return static_cast<std::size_t>(a.size()); }
    /// Row `i` as a relationship.
    [[nodiscard]] relationship row(std::size_t i) const {
        const auto k = static_cast<Eigen::Index>(i);
        relationship r;
        r.a = a[k];
        r.b = b[k];
        r.strength = strength[k];
        r.volume_ab = volume_ab[k];
        r.volume_ba = volume_ba[k];
        r.reciprocity = reciprocity[k];
        r.last_interaction = from_micros(last_interaction_us[k]);
        r.first_interaction = from_micros(first_interaction_us[k]);
        r.interactions = static_cast<std::uint64_t>(interactions[k]);
        r.touches = static_cast<std::uint64_t>(touches[k]);
        return r;
    }
    /// Row indices ordered strongest first; ties broken by row order.
    [[nodiscard]] std::vector<std::size_t> strongest_first() const {
        std::vector<std::size_t> order(size());
        for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
        std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
            return strength[static_cast<Eigen::Index>(x)] > strength[static_cast<Eigen::Index>(y)];
        });
        return order;
    }
};

/// The columns of a relationship_table, named and ordered as the fields of a relationship
/// (describe<relationship>): the Python binding hands them over by these names.
template <>
struct describe<relationship_table> {
    static constexpr std::string_view name = "relationship_table";
    static constexpr auto fields = std::tuple{
        make_field("a", &relationship_table::a, field_kind::name, "person ids"),
        make_field("b", &relationship_table::b, field_kind::name, "person ids"),
        make_field("strength", &relationship_table::strength, field_kind::real, "S_ab"),
        make_field("volume_ab", &relationship_table::volume_ab, field_kind::real, "V_ab"),
        make_field("volume_ba", &relationship_table::volume_ba, field_kind::real, "V_ba"),
        make_field("reciprocity", &relationship_table::reciprocity, field_kind::real, "r_ab"),
        make_field("last_interaction", &relationship_table::last_interaction_us, field_kind::time, "microseconds since the epoch"),
        make_field("interactions", &relationship_table::interactions, field_kind::count, "interactions"),
        make_field("first_interaction", &relationship_table::first_interaction_us, field_kind::time, "microseconds since the epoch"),
        make_field("touches", &relationship_table::touches, field_kind::count, "touches"),
    };
};

/// Interactions as columns, for bulk ingest without per-row overhead (the Python
/// bindings pass numpy arrays straight through). All non-empty columns have one entry
/// per interaction.
struct interaction_columns {
    std::span<const std::int64_t> time_us;   ///< microseconds since the epoch
    std::span<const std::int64_t> source;    ///< codes into `people`, or dense person ids
    std::span<const std::int64_t> target;
    std::span<const std::string> people;     ///< names for the codes; empty: ids are dense person ids
    std::span<const std::int64_t> channel;   ///< codes into `channel_names`; empty: all `default_channel`
    std::span<const std::string> channel_names;
    std::string_view default_channel = "contact";
    std::span<const double> weight;          ///< empty: each channel's weight
    std::span<const std::uint8_t> mutual;    ///< nonzero: mutual; empty: all directed
};

/// Sizes of a scorer's state.
struct scorer_stats {
    std::size_t people = 0;
    std::size_t relationships = 0;  ///< undirected pairs that ever interacted
    std::size_t decayed_sums = 0;   ///< (pair, direction, channel) states
    std::optional<timestamp> newest;
};

/// Bytes a scorer has allocated, by component (capacity, not size: what the heap holds for
/// it, allocator overhead aside). See scorer::memory_usage().
struct scorer_memory {
    std::size_t pairs = 0;          ///< each pair's record: people, times, counts, its sums' block
    std::size_t pair_index = 0;     ///< the hash index from (lo, hi) to the pair's row
    std::size_t ties = 0;           ///< each person's list of pairs
    std::size_t people = 0;         ///< names and the name index
    std::size_t decayed_sums = 0;   ///< the pool of (component, direction) sums
    std::size_t conversations = 0;  ///< conversation history (insight_config::conversations)
    std::size_t events = 0;         ///< retained and window-kernel events
    [[nodiscard]] std::size_t total() const noexcept {
        return pairs + pair_index + ties + people + decayed_sums + conversations + events;
    }
};

RELSCORE_END_NAMESPACE
