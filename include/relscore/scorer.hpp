#pragma once
/// \file scorer.hpp
/// relscore::scorer: ingests interactions and answers "how strong is this relationship?"
/// at any time not earlier than the newest interaction.
///
/// Design notes
/// - People are interned to dense ids (`person_id`); an undirected pair {lo, hi} (lo < hi)
///   gets a `pair_record` found through one flat hash map keyed by (lo << 32 | hi).
/// - Each pair keeps its per-(kernel component, direction) decayed sums (detail/decay.hpp)
///   in one contiguous block (detail/state_blocks.hpp). A pair rarely uses more than a few
///   channels, so finding the right sum is a scan of a few adjacent keys, and ingest costs
///   one hash probe plus O(1) arithmetic whatever the history length.
/// - Bulk ingest sorts a batch by pair first (detail/pair_grouping.hpp), so each pair is
///   looked up once per batch and its records are touched while hot.
/// - Each person keeps the list of their pairs, so a person's top-k never scans the graph.
/// - Everything is a sum, so two scorers merge exactly (see merge()).

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <numbers>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include <Eigen/Core>
#include <boost/unordered/unordered_flat_map.hpp>

#include <relscore/channel.hpp>
#include <relscore/detail/decay.hpp>
#include <relscore/detail/history.hpp>
#include <relscore/detail/pair_grouping.hpp>
#include <relscore/detail/state_blocks.hpp>
#include <relscore/detail/utf8.hpp>
#include <relscore/error.hpp>
#include <relscore/insight.hpp>
#include <relscore/interaction.hpp>
#include <relscore/limits.hpp>
#include <relscore/model.hpp>
#include <relscore/time.hpp>

RELSCORE_BEGIN_NAMESPACE

namespace detail {
struct snapshot_codec;
}

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

/// Scores relationships from interactions. See model.hpp for the formulas.
///
/// **Example**:
///
///     relscore::scorer s;
///     s.add({relscore::parse_time("2026-01-05T10:00:00Z"), "ana", "ben", "email"});
///     s.add({relscore::parse_time("2026-01-06T09:00:00Z"), "ben", "ana", "email"});
///     auto r = s.between("ana", "ben");   // at the newest interaction
///
/// Contracts
/// - Complexity: add() is O(1) amortized (one hash probe, a walk of the pair's few
///   channel states); between() is O(channels of the pair); top() is O(degree);
///   table() is O(states).
/// - Exceptions: add(), add_batch() and merge() give the strong guarantee for every error
///   they report (arguments are validated before any state changes); add_batch()
///   validates the whole batch first. Queries never modify state.
/// - Thread safety: concurrent const calls are safe; any non-const call needs exclusive
///   access.
/// - Times: queries at a time earlier than the newest ingested interaction throw
///   time_order_error; interactions may arrive in any order.
class scorer {
public:
    /// Earliest and latest accepted interaction times (years 1400 and 9999): keeps every
    /// time difference far inside int64 microseconds.
    static constexpr std::int64_t min_time_us = -17987443200LL * 1000000;  // 1400-01-01
    static constexpr std::int64_t max_time_us = 253402300799999999LL;      // 9999-12-31T23:59:59.999999
    /// Names longer than this are refused (a guard against a wrong column).
    static constexpr std::size_t max_name_bytes = 4096;
    /// Dense person ids must be below this.
    static constexpr person_id max_person_id = (person_id{1} << 31) - 1;

    explicit scorer(scorer_config config = {}) : m_config(std::move(config)) {
        if (!(m_config.reciprocity >= 0 && m_config.reciprocity <= 1))
            detail::throw_error<invalid_argument_error>("relscore::scorer: reciprocity weight must be in [0, 1], got " +
                                                        std::to_string(m_config.reciprocity));
        if (m_config.channels.size() == 0)
            detail::throw_error<invalid_argument_error>("relscore::scorer: the channel registry is empty");
        const insight_config& ic = m_config.insight;
        const auto require_positive = [](duration d, const char* what) {
            if (d.count() <= 0)
                detail::throw_error<invalid_argument_error>(std::string("relscore::scorer: insight.") + what +
                                                            " must be positive");
        };
        require_positive(ic.reply_window, "reply_window");
        require_positive(ic.touch_gap, "touch_gap");
        require_positive(ic.trend_horizon, "trend_horizon");
        require_positive(ic.new_tie_rhythm, "new_tie_rhythm");
        require_positive(ic.min_rhythm, "min_rhythm");
        if (!(ic.trend_threshold > 0 && std::isfinite(ic.trend_threshold)))
            detail::throw_error<invalid_argument_error>("relscore::scorer: insight.trend_threshold must be finite and > 0");
        if (m_config.register_unknown_channels) {  // refuse a bad template now, not at first use
            channel probe = *m_config.register_unknown_channels;
            probe.name = "probe";
            channel_registry().define(probe);
        }
        cache_half_lives();
    }

    [[nodiscard]] const scorer_config& config() const noexcept { return m_config; }
    [[nodiscard]] const channel_registry& channels() const noexcept { return m_config.channels; }

    // ---- people ----------------------------------------------------------------------

    /// The id of `name`, creating the person if new.
    person_id intern(std::string_view name) {
        check_name(name, "relscore::scorer::intern()");
        if (auto it = m_ids.find(name); it != m_ids.end()) return it->second;
        return new_person(std::string(name));
    }
    /// The id of `name`, if known.
    [[nodiscard]] std::optional<person_id> find_person(std::string_view name) const {
        if (auto it = m_ids.find(name); it != m_ids.end()) return it->second;
        return std::nullopt;
    }
    /// The id of `name`; throws unknown_person_error if unknown.
    [[nodiscard]] person_id person(std::string_view name) const {
        if (auto id = find_person(name)) return *id;
        detail::throw_error<unknown_person_error>("relscore::scorer: unknown person '" + std::string(name) + "'");
    }
    /// The name of person `id` (people added through dense ids are named by their decimal id).
    [[nodiscard]] const std::string& name(person_id id) const {
        check_person(id);
        return m_names[id];
    }
    [[nodiscard]] std::size_t people() const noexcept { return m_names.size(); }
    [[nodiscard]] std::size_t relationships() const noexcept { return m_pairs.size(); }
    /// The newest interaction time ingested, if any.
    [[nodiscard]] std::optional<timestamp> newest() const noexcept {
        if (m_pairs.empty()) return std::nullopt;
        return from_micros(m_newest_us);
    }
    [[nodiscard]] scorer_stats stats() const noexcept { return {people(), relationships(), m_states.size(), newest()}; }

    // ---- ingest ----------------------------------------------------------------------

    /// Adds one interaction named by string ids. Strong exception guarantee.
    void add(const interaction& e) {
        std::vector<std::string> new_channels;
        const dense_interaction d = resolve_checked(e, "relscore::scorer::add()", new_channels);
        register_channels(new_channels);
        apply_named(e, d);
    }

    /// Adds one interaction named by dense ids (the fast path). Ids not yet known create
    /// people named by their decimal value. Strong exception guarantee.
    void add(const dense_interaction& e) {
        validate(e, "relscore::scorer::add()");
        ensure_dense_people(std::max(e.source, e.target));
        apply(e.source, e.target, e);
    }

    /// Adds a batch: every interaction is validated before any is applied, so a bad one
    /// leaves the scorer unchanged. The error names the index of the offending element.
    /// The batch is applied grouped by pair (see detail/pair_grouping.hpp), with the same
    /// result as adding its interactions one by one in order.
    void add_batch(std::span<const interaction> batch) {
        std::vector<dense_interaction> resolved;
        resolved.reserve(batch.size());
        std::vector<std::string> new_channels;
        for (std::size_t i = 0; i < batch.size(); ++i)
            resolved.push_back(resolve_checked(batch[i], batch_position(i), new_channels));
        register_channels(new_channels);
        // Intern in batch order, source before target, so ids follow first appearance.
        std::vector<std::pair<person_id, person_id>> ends(batch.size());
        person_id top = 0;
        for (std::size_t i = 0; i < batch.size(); ++i) {
            ends[i].first = intern(batch[i].source);
            ends[i].second = intern(batch[i].target);
            top = std::max({top, ends[i].first, ends[i].second});
        }
        apply_grouped(batch.size(), top, [&](std::size_t i) { return ends[i]; },
                      [&](std::size_t i) -> const dense_interaction& { return resolved[i]; });
    }

    /// Dense-id batch; validated whole before any is applied, then applied grouped by pair.
    void add_batch(std::span<const dense_interaction> batch) {
        person_id top = 0;
        for (std::size_t i = 0; i < batch.size(); ++i) {
            validate(batch[i], batch_position(i));
            top = std::max({top, batch[i].source, batch[i].target});
        }
        if (!batch.empty()) ensure_dense_people(top);
        apply_grouped(batch.size(), top, [&](std::size_t i) { return std::pair{batch[i].source, batch[i].target}; },
                      [&](std::size_t i) -> const dense_interaction& { return batch[i]; });
    }

    /// Room for `relationships` pairs without rehashing or reallocation (a hint, like
    /// std::vector::reserve).
    void reserve(std::size_t relationships) {
        m_pair_index.reserve(relationships);
        m_pairs.reserve(relationships);
        if (m_config.insight.conversations) m_history.reserve(relationships);
    }

    /// Adds interactions given as columns. The whole batch is validated first (lengths,
    /// times, ids, channels, weights, self-interactions); an error names the row and the
    /// column and leaves the scorer unchanged.
    void add_columns(const interaction_columns& c) {
        constexpr const char* where = "relscore::scorer::add_columns()";
        const std::size_t n = c.time_us.size();
        const auto check_length = [&](std::size_t size, const char* column, bool optional) {
            if (size != n && !(optional && size == 0))
                detail::throw_error<invalid_argument_error>(std::string(where) + ": length mismatch: time has " +
                                                            std::to_string(n) + " rows, " + column + " has " +
                                                            std::to_string(size));
        };
        check_length(c.source.size(), "source", false);
        check_length(c.target.size(), "target", false);
        check_length(c.channel.size(), "channel", true);
        check_length(c.weight.size(), "weight", true);
        check_length(c.mutual.size(), "mutual", true);

        std::vector<channel_id> channel_of;  // code -> channel id
        std::vector<std::string> new_channels;
        for (const auto& name : c.channel_names) channel_of.push_back(channel_or_register(name, where, new_channels));
        const channel_id fallback = c.channel.empty() ? channel_or_register(c.default_channel, where, new_channels) : 0;
        {
            boost::unordered_flat_map<std::string_view, std::size_t> seen;
            for (std::size_t i = 0; i < c.people.size(); ++i) {
                check_name(c.people[i], where);
                if (!seen.emplace(c.people[i], i).second)
                    detail::throw_error<invalid_argument_error>(std::string(where) + ": person name '" + c.people[i] +
                                                                "' appears twice in the names");
            }
        }
        const std::int64_t id_limit = c.people.empty() ? std::int64_t{max_person_id} + 1
                                                       : static_cast<std::int64_t>(c.people.size());
        const auto row_error = [&](std::size_t row, const std::string& what) {
            detail::throw_error<invalid_argument_error>(std::string(where) + ": row " + std::to_string(row) + ": " + what);
        };
        std::int64_t top = -1;
        for (std::size_t i = 0; i < n; ++i) {
            const std::int64_t a = c.source[i], b = c.target[i];
            if (a < 0 || a >= id_limit) row_error(i, "source id " + std::to_string(a) + " out of range");
            if (b < 0 || b >= id_limit) row_error(i, "target id " + std::to_string(b) + " out of range");
            if (a == b)
                row_error(i, "self-interaction (source and target are both " +
                                 (c.people.empty() ? std::to_string(a) : "'" + c.people[static_cast<std::size_t>(a)] + "'") + ")");
            top = std::max({top, a, b});
            if (c.time_us[i] < min_time_us || c.time_us[i] > max_time_us)
                row_error(i, "time " + std::to_string(c.time_us[i]) + "us is outside years 1400..9999");
            if (!c.channel.empty() && (c.channel[i] < 0 || c.channel[i] >= static_cast<std::int64_t>(channel_of.size())))
                row_error(i, "channel code " + std::to_string(c.channel[i]) + " out of range");
            if (!c.weight.empty() && !detail::weight_in_range(c.weight[i])) row_error(i, detail::weight_range_message(c.weight[i]));
        }
        // Valid: apply.
        register_channels(new_channels);
        std::vector<person_id> id_of;
        if (c.people.empty()) {
            if (top >= 0) ensure_dense_people(static_cast<person_id>(top));
        } else {
            id_of.reserve(c.people.size());
            for (const auto& name : c.people) id_of.push_back(intern(name));
        }
        const auto person_of = [&](std::int64_t code) {
            return id_of.empty() ? static_cast<person_id>(code) : id_of[static_cast<std::size_t>(code)];
        };
        person_id top_id = 0;
        if (!id_of.empty()) top_id = *std::max_element(id_of.begin(), id_of.end());
        else if (top >= 0) top_id = static_cast<person_id>(top);
        dense_interaction e;  // reused: the accessor returns a reference to it
        apply_grouped(
            n, top_id, [&](std::size_t i) { return std::pair{person_of(c.source[i]), person_of(c.target[i])}; },
            [&](std::size_t i) -> const dense_interaction& {
                e.time = from_micros(c.time_us[i]);
                e.channel = c.channel.empty() ? fallback : channel_of[static_cast<std::size_t>(c.channel[i])];
                e.weight = c.weight.empty() ? std::optional<double>{} : c.weight[i];
                e.mutual = !c.mutual.empty() && c.mutual[i] != 0;
                return e;
            });
    }

    /// Folds `other` into this scorer: afterwards this scorer answers as if it had been fed
    /// the interactions of both (exactly, up to floating-point rounding). People are
    /// matched by name. Throws config_mismatch_error (and changes nothing) if the configs
    /// differ, and invalid_argument_error (and changes nothing) if a merged sum could
    /// exceed relscore::max_total (limits.hpp).
    void merge(const scorer& other) {
        if (&other == this) {
            const scorer copy = other;
            merge(copy);
            return;
        }
        if (!(m_config == other.m_config))
            detail::throw_error<config_mismatch_error>(
                "relscore::scorer::merge(): the scorers have different configurations (channels or reciprocity)");
        check_merge_totals(other);
        std::vector<person_id> map(other.m_names.size());
        for (std::size_t i = 0; i < map.size(); ++i) map[i] = intern(other.m_names[i]);
        for (const auto& p : other.m_pairs) {
            const person_id x = map[p.lo], y = map[p.hi];
            const bool flipped = x > y;
            const std::uint32_t idx = find_or_add_pair(std::min(x, y), std::max(x, y));
            pair_record& mine = m_pairs[idx];
            const std::size_t theirs = static_cast<std::size_t>(&p - other.m_pairs.data());
            if (m_config.insight.conversations)
                merge_history(m_history[idx], other.m_history[theirs], flipped, mine.last_us < p.last_us);
            if (m_config.insight.retain_events)
                for (retained_event ev : other.m_events[theirs]) {
                    if (flipped && ev.dir < 2) ev.dir = static_cast<std::uint8_t>(1 - ev.dir);
                    m_events[idx].push_back(ev);
                }
            mine.last_us = std::max(mine.last_us, p.last_us);
            mine.first_us = std::min(mine.first_us, p.first_us);
            mine.touches += p.touches;
            mine.n_lo_hi += flipped ? p.n_hi_lo : p.n_lo_hi;
            mine.n_hi_lo += flipped ? p.n_lo_hi : p.n_hi_lo;
            mine.n_mutual += p.n_mutual;
            const auto keys = other.m_states.keys(p.states);
            const auto sums = other.m_states.sums(p.states);
            for (std::size_t s = 0; s < keys.size(); ++s) {
                const std::uint16_t component = detail::state_blocks::component_of(keys[s]);
                const std::uint8_t dir = detail::state_blocks::dir_of(keys[s]);
                state_for(idx, component, flipped ? static_cast<std::uint8_t>(1 - dir) : dir)
                    .merge(sums[s], m_half_life_us[component]);
            }
            if (m_has_windows) {
                for (retained_event ev : other.m_windows[theirs]) {
                    if (flipped && ev.dir < 2) ev.dir = static_cast<std::uint8_t>(1 - ev.dir);
                    m_windows[idx].push_back(ev);
                }
                prune_window(idx);
            }
        }
        m_newest_us = std::max(m_newest_us, other.m_newest_us);
    }

    /// Releases spare capacity (O(state)): each pair's decayed sums packed with no slack,
    /// every array trimmed to its size. Worth calling once after a large ingest that is
    /// kept for querying; later ingest grows the storage again as needed.
    void shrink_to_fit() {
        m_states.compact([&](auto&& f) {
            for (pair_record& p : m_pairs) f(p.states);
        }, /*trim=*/true);
        m_pairs.shrink_to_fit();
        m_history.shrink_to_fit();
        m_events.shrink_to_fit();
        m_windows.shrink_to_fit();
        for (auto& ties : m_ties) ties.shrink_to_fit();
        m_ties.shrink_to_fit();
        m_names.shrink_to_fit();
        m_pair_index.rehash(0);  // the fewest buckets that keep the maximum load factor
        m_ids.rehash(0);
    }

    // ---- state ---------------------------------------------------------------------

    /// The complete state (configuration, names, every relationship) in relscore's
    /// versioned, checksummed binary snapshot format (see src/snapshot.cpp). Loading it
    /// gives a scorer with bit-identical results; saving that again gives the same bytes.
    [[nodiscard]] std::string to_bytes() const;
    /// Rebuilds a scorer from to_bytes() output. Throws parse_error saying whether the
    /// data is foreign, truncated, corrupted or of an unsupported version.
    [[nodiscard]] static scorer from_bytes(std::string_view bytes);

    // ---- queries ---------------------------------------------------------------------

    /// The relationship of `a` with `b` at time `at` (default: the newest interaction).
    /// Both people must be known; a pair that never interacted gives zeros.
    [[nodiscard]] relationship between(person_id a, person_id b, std::optional<timestamp> at = {}) const {
        check_person(a);
        check_person(b);
        const std::int64_t t = query_time(at, "relscore::scorer::between()");
        if (a == b)
            detail::throw_error<invalid_argument_error>("relscore::scorer::between(): a person has no relationship with themself");
        relationship r;
        r.a = a;
        r.b = b;
        if (auto it = m_pair_index.find(pair_key(std::min(a, b), std::max(a, b))); it != m_pair_index.end())
            fill(r, it->second, a > b, t);
        return r;
    }
    [[nodiscard]] relationship between(std::string_view a, std::string_view b, std::optional<timestamp> at = {}) const {
        const person_id first = person(a);  // resolve in order: the error names the first unknown
        return between(first, person(b), at);
    }

    /// The k strongest relationships of `p` at `at`, strongest first (ties: by the other
    /// person's name), each seen from `p`.
    [[nodiscard]] std::vector<relationship> top(person_id p, std::size_t k, std::optional<timestamp> at = {}) const {
        check_person(p);
        const std::int64_t t = query_time(at, "relscore::scorer::top()");
        const auto& ties = m_ties[p];
        // Rank by strength alone, then build the k relationships that are returned.
        struct ranked_tie {
            double strength;
            person_id other;
            std::uint32_t pair;
        };
        std::vector<ranked_tie> ranked(ties.size());
        for (std::size_t i = 0; i < ties.size(); ++i) {
            const pair_record& pr = m_pairs[ties[i]];
            double v[2];
            volumes(ties[i], t, v);
            ranked[i] = {relscore::strength(v[0], v[1], m_config.reciprocity), pr.hi == p ? pr.lo : pr.hi, ties[i]};
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
    [[nodiscard]] std::vector<relationship> top(std::string_view p, std::size_t k, std::optional<timestamp> at = {}) const {
        return top(person(p), k, at);
    }

    /// Every relationship at `at` (default: the newest interaction), as columns.
    [[nodiscard]] relationship_table table(std::optional<timestamp> at = {}) const {
        const std::int64_t t = query_time(at, "relscore::scorer::table()");
        const auto n_pairs = static_cast<Eigen::Index>(m_pairs.size());
        const auto n_states = static_cast<Eigen::Index>(m_states.size());
        relationship_table out;
        out.at = from_micros(t);
        out.a.resize(n_pairs);
        out.b.resize(n_pairs);
        out.last_interaction_us.resize(n_pairs);
        out.first_interaction_us.resize(n_pairs);
        out.interactions.resize(n_pairs);
        out.touches.resize(n_pairs);

        // Gather each state's value, age and half-life into contiguous columns, decay them
        // all at once, then scatter-add into the two directions of each pair.
        Eigen::ArrayXd value(n_states), age(n_states), half_life(n_states);
        std::vector<std::uint32_t> slot(static_cast<std::size_t>(n_states));
        Eigen::Index k = 0;
        for (Eigen::Index i = 0; i < n_pairs; ++i) {
            const pair_record& p = m_pairs[static_cast<std::size_t>(i)];
            out.a[i] = p.lo;
            out.b[i] = p.hi;
            out.last_interaction_us[i] = p.last_us;
            out.first_interaction_us[i] = p.first_us;
            out.interactions[i] = static_cast<std::int64_t>(p.n_lo_hi) + p.n_hi_lo + p.n_mutual;
            out.touches[i] = p.touches;
            const auto keys = m_states.keys(p.states);
            const auto sums = m_states.sums(p.states);
            for (std::size_t s = 0; s < keys.size(); ++s, ++k) {
                value[k] = sums[s].value;
                age[k] = static_cast<double>(t - sums[s].ref_us);
                half_life[k] = m_half_life_us[detail::state_blocks::component_of(keys[s])];
                slot[static_cast<std::size_t>(k)] = static_cast<std::uint32_t>(2 * i + detail::state_blocks::dir_of(keys[s]));
            }
        }
        const Eigen::ArrayXd halvings = age / half_life;
        const Eigen::ArrayXd decayed =
            (halvings < 1022.0).select(value * (-std::numbers::ln2 * halvings).exp(), 0.0);
        Eigen::ArrayXd volumes = Eigen::ArrayXd::Zero(2 * n_pairs);
        for (Eigen::Index s = 0; s < n_states; ++s) volumes[slot[static_cast<std::size_t>(s)]] += decayed[s];
        if (m_has_windows)
            for (Eigen::Index i = 0; i < n_pairs; ++i) {
                double v[2] = {0, 0};
                add_window_volumes(static_cast<std::uint32_t>(i), t, v);
                volumes[2 * i] += v[0];
                volumes[2 * i + 1] += v[1];
            }
        using stride = Eigen::InnerStride<2>;
        out.volume_ab = Eigen::Map<const Eigen::ArrayXd, 0, stride>(volumes.data(), n_pairs);
        // No pairs: data() is null, and null + 1 is undefined behaviour (found by fuzzing).
        out.volume_ba = Eigen::Map<const Eigen::ArrayXd, 0, stride>(n_pairs > 0 ? volumes.data() + 1 : nullptr, n_pairs);
        const double rho = m_config.reciprocity;
        const Eigen::ArrayXd total = out.volume_ab + out.volume_ba;
        const Eigen::ArrayXd low = out.volume_ab.min(out.volume_ba);
        out.strength = (1 - rho) * total + rho * 2 * low;
        out.reciprocity = (total > 0).select(2 * low / total, 0.0);
        return out;
    }

    // ---- insight (definitions in insight.hpp) -----------------------------------------

    /// Replies, persistence and initiation between `a` and `b` at `at`, seen from a.
    [[nodiscard]] conversation_stats conversation(person_id a, person_id b, std::optional<timestamp> at = {}) const {
        // Not a structured binding: the lambdas below use t, and clang before 16 cannot
        // capture structured bindings.
        const pair_lookup look = insight_pair(a, b, at, "relscore::scorer::conversation()");
        const std::uint32_t pair = look.pair;
        const bool flipped = look.flipped;
        const std::int64_t t = look.t;
        conversation_stats c;
        c.a = a;
        c.b = b;
        if (pair == no_pair) return c;
        const pair_record& p = m_pairs[pair];
        const detail::pair_history& h = m_history[pair];
        c.conversations = h.conversations;
        c.touches = p.touches;
        c.late = h.late;
        c.first_interaction = from_micros(p.first_us);
        c.last_interaction = from_micros(p.last_us);
        const double total = h.conversations;
        const auto side = [&](int k) {
            const detail::direction_history& d = h.dir[k];
            reply_stats r;
            r.messages = d.messages;
            r.waits = d.waits;
            r.answered = d.answered;
            detail::direction_history::latency_histogram censored = h.latencies[k].censored;
            r.resolved = d.answered + censored.total();
            if (d.waiting) {  // the open wait: censored at how long it has been watched so far
                const std::int64_t watched = std::min(t - d.wait_first_us, d.wait_last_us + m_reply_window_us - d.wait_first_us);
                censored.add(watched, detail::direction_history::latency_base_us);
                if (t - d.wait_last_us > m_reply_window_us) ++r.resolved;
                r.waiting_since = from_micros(d.wait_first_us);
            }
            r.reply_rate = r.resolved ? static_cast<double>(r.answered) / static_cast<double>(r.resolved) : 0.0;
            const auto quantile = [&](double q) -> std::optional<duration> {
                if (auto v = detail::km_quantile(h.latencies[k].latency, censored, detail::direction_history::latency_base_us, q))
                    return duration{static_cast<duration::rep>(std::llround(*v))};
                return std::nullopt;
            };
            r.latency_p25 = quantile(0.25);
            r.latency_median = quantile(0.5);
            r.latency_p75 = quantile(0.75);
            r.initiated = d.initiated;
            r.initiated_share = total > 0 ? (d.initiated + 0.5 * h.mutual_initiated) / total : 0.0;
            r.unanswered_streak = d.streak;
            r.attempts_before_first_answer = d.attempts_before_first_answer;
            r.ever_answered = d.answered_ever;
            return r;
        };
        c.a_to_b = side(flipped ? 1 : 0);
        c.b_to_a = side(flipped ? 0 : 1);
        return c;
    }
    [[nodiscard]] conversation_stats conversation(std::string_view a, std::string_view b,
                                                  std::optional<timestamp> at = {}) const {
        const person_id first = person(a);
        return conversation(first, person(b), at);
    }

    /// Where the relationship of `a` and `b` is heading at `at` (see relscore::trend).
    [[nodiscard]] relscore::trend trend_of(person_id a, person_id b, std::optional<timestamp> at = {}) const {
        const auto [pair, flipped, t] = insight_pair(a, b, at, "relscore::scorer::trend_of()");
        (void)flipped;
        return pair == no_pair ? relscore::trend{} : trend_at(pair, t);
    }
    [[nodiscard]] relscore::trend trend_of(std::string_view a, std::string_view b, std::optional<timestamp> at = {}) const {
        const person_id first = person(a);
        return trend_of(first, person(b), at);
    }

    /// The rhythm of the relationship of `a` and `b` and how overdue it is at `at`.
    /// Throws invalid_argument_error if they never interacted.
    [[nodiscard]] relscore::rhythm rhythm_of(person_id a, person_id b, std::optional<timestamp> at = {}) const {
        const auto [pair, flipped, t] = insight_pair(a, b, at, "relscore::scorer::rhythm_of()");
        (void)flipped;
        if (pair == no_pair)
            detail::throw_error<invalid_argument_error>("relscore::scorer::rhythm_of(): '" + m_names[a] + "' and '" +
                                                        m_names[b] + "' never interacted");
        return rhythm_at(pair, t);
    }
    [[nodiscard]] relscore::rhythm rhythm_of(std::string_view a, std::string_view b, std::optional<timestamp> at = {}) const {
        const person_id first = person(a);
        return rhythm_of(first, person(b), at);
    }

    /// The relationships of `p` due a touch at `at` (overdue ≥ 1), highest strength ×
    /// overdue first, at most k. Any interaction resets a relationship's clock.
    [[nodiscard]] std::vector<due_item> due(person_id p, std::size_t k, std::optional<timestamp> at = {}) const {
        check_person(p);
        require_conversations("relscore::scorer::due()");
        const std::int64_t t = query_time(at, "relscore::scorer::due()");
        std::vector<due_item> out;
        for (const std::uint32_t pair : m_ties[p]) add_if_due(out, pair, m_pairs[pair].hi == p, t);
        return rank_due(std::move(out), k);
    }
    [[nodiscard]] std::vector<due_item> due(std::string_view p, std::size_t k, std::optional<timestamp> at = {}) const {
        return due(person(p), k, at);
    }
    /// Every relationship due a touch at `at`, highest priority first, at most k.
    [[nodiscard]] std::vector<due_item> due_all(std::size_t k, std::optional<timestamp> at = {}) const {
        require_conversations("relscore::scorer::due_all()");
        const std::int64_t t = query_time(at, "relscore::scorer::due_all()");
        std::vector<due_item> out;
        for (std::uint32_t pair = 0; pair < m_pairs.size(); ++pair) add_if_due(out, pair, false, t);
        return rank_due(std::move(out), k);
    }

    /// An exact breakdown of the strength of `a` and `b` at `at` by channel and direction,
    /// and (with insight_config::retain_events) the `receipts` interactions that
    /// contribute most.
    [[nodiscard]] explanation explain(person_id a, person_id b, std::size_t receipts = 10,
                                      std::optional<timestamp> at = {}) const {
        const relationship r = between(a, b, at);
        const std::int64_t t = query_time(at, "relscore::scorer::explain()");
        explanation out;
        out.a = a;
        out.b = b;
        out.at = from_micros(t);
        out.strength = r.strength;
        const auto it = m_pair_index.find(pair_key(std::min(a, b), std::max(a, b)));
        if (it == m_pair_index.end()) return out;
        const std::uint32_t pair = it->second;
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
        const auto keys = m_states.keys(m_pairs[pair].states);
        const auto sums = m_states.sums(m_pairs[pair].states);
        for (std::size_t s = 0; s < keys.size(); ++s) {
            const std::uint16_t component = detail::state_blocks::component_of(keys[s]);
            const std::uint8_t dir = detail::state_blocks::dir_of(keys[s]);
            const channel_id c = m_component_channel[component];
            volume[c][dir] += sums[s].at(t, m_half_life_us[component]);
            present[c][dir] = true;
        }
        if (m_has_windows)
            for (const retained_event& ev : m_windows[pair]) {
                const double w = kernel_value(ev.channel, t - ev.time_us) * ev.weight;
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
                const double kept = kernel_value(ev.channel, t - ev.time_us);
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
    [[nodiscard]] explanation explain(std::string_view a, std::string_view b, std::size_t receipts = 10,
                                      std::optional<timestamp> at = {}) const {
        const person_id first = person(a);
        return explain(first, person(b), receipts, at);
    }

private:
    static constexpr std::uint32_t no_pair = std::numeric_limits<std::uint32_t>::max();

    struct pair_lookup {
        std::uint32_t pair;  // no_pair if they never interacted
        bool flipped;        // a is the pair's hi
        std::int64_t t;
    };
    void require_conversations(const char* where) const {
        if (!m_config.insight.conversations)
            detail::throw_error<invalid_argument_error>(std::string(where) +
                                                        ": conversation tracking is off (insight_config::conversations)");
    }
    [[nodiscard]] pair_lookup insight_pair(person_id a, person_id b, std::optional<timestamp> at, const char* where) const {
        check_person(a);
        check_person(b);
        require_conversations(where);
        if (a == b) detail::throw_error<invalid_argument_error>(std::string(where) + ": a person has no relationship with themself");
        const std::int64_t t = query_time(at, where);
        const auto it = m_pair_index.find(pair_key(std::min(a, b), std::max(a, b)));
        return {it == m_pair_index.end() ? no_pair : it->second, a > b, t};
    }

    [[nodiscard]] relscore::trend trend_at(std::uint32_t pair, std::int64_t t) const {
        const detail::pair_history& h = m_history[pair];
        relscore::trend out;
        // Paces (weight per unit of time): 4·recent/long is the ratio of the two averages.
        const double recent = h.pace_recent.at(t, m_trend_horizon_us), long_run = h.pace_long.at(t, 4 * m_trend_horizon_us);
        if (long_run <= 0) return out;
        out.change_over_horizon = 4 * recent / long_run - 1;
        out.rate_per_day = out.change_over_horizon / (m_trend_horizon_us / 86400e6);
        const double threshold = m_config.insight.trend_threshold;
        out.direction = out.change_over_horizon > threshold    ? trend_direction::rising
                        : out.change_over_horizon < -threshold ? trend_direction::cooling
                                                               : trend_direction::steady;
        return out;
    }

    [[nodiscard]] relscore::rhythm rhythm_at(std::uint32_t pair, std::int64_t t) const {
        const pair_record& p = m_pairs[pair];
        const auto& gaps = m_history[pair].gaps;
        relscore::rhythm out;
        out.gaps = gaps.total();
        out.learned = out.gaps > 0;
        const double typical = out.learned ? *detail::binned_quantile(gaps, m_touch_gap_us, 0.5)
                                           : static_cast<double>(m_config.insight.new_tie_rhythm.count());
        const auto gap_us = std::max(static_cast<std::int64_t>(std::llround(typical)), m_config.insight.min_rhythm.count());
        out.typical_gap = duration{gap_us};
        out.last_contact = from_micros(p.last_us);
        out.due = from_micros(std::min(p.last_us + gap_us, max_time_us));
        out.overdue = static_cast<double>(t - p.last_us) / static_cast<double>(gap_us);
        return out;
    }

    void add_if_due(std::vector<due_item>& out, std::uint32_t pair, bool flipped, std::int64_t t) const {
        const relscore::rhythm when = rhythm_at(pair, t);
        if (when.overdue < 1) return;
        const pair_record& p = m_pairs[pair];
        relationship r;
        fill(r, pair, flipped, t);
        if (r.strength <= 0) return;
        out.push_back({flipped ? p.hi : p.lo, flipped ? p.lo : p.hi, r.strength, when, r.strength * when.overdue});
    }

    [[nodiscard]] std::vector<due_item> rank_due(std::vector<due_item> items, std::size_t k) const {
        const auto first = [&](const due_item& x, const due_item& y) {
            if (x.priority != y.priority) return x.priority > y.priority;
            return std::tie(m_names[x.a], m_names[x.b]) < std::tie(m_names[y.a], m_names[y.b]);
        };
        k = std::min(k, items.size());
        std::partial_sort(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(k), items.end(), first);
        items.resize(k);
        return items;
    }

    static constexpr std::uint32_t no_state = std::numeric_limits<std::uint32_t>::max();

    struct pair_record {
        person_id lo, hi;                 // lo < hi
        std::int64_t last_us;             // newest interaction time
        std::int64_t first_us;            // oldest interaction time
        std::uint32_t n_lo_hi, n_hi_lo, n_mutual;
        std::uint32_t touches;            // interactions after a silence > touch gap (arrival order)
        detail::state_blocks::block states;  // this pair's decayed sums
    };
    /// A retained interaction (insight_config::retain_events).
    struct retained_event {
        std::int64_t time_us;
        double weight;
        channel_id channel;
        std::uint8_t dir;                 // 0: lo→hi, 1: hi→lo, 2: mutual
    };
    struct string_hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
    };

    [[nodiscard]] static std::uint64_t pair_key(person_id lo, person_id hi) noexcept {
        return (std::uint64_t{lo} << 32) | hi;
    }

    // Each channel's kernel as exponential components (one for the exponential kernel, a
    // few dozen for a power law, none for a window), and the window lengths.
    void cache_half_lives() {
        m_half_life_us.clear();
        m_component_weight.clear();
        m_component_channel.clear();
        m_channel_components.clear();
        m_window_us.assign(m_config.channels.size(), 0);
        for (channel_id c = 0; c < m_config.channels.size(); ++c) {
            const channel& ch = m_config.channels[c];
            const auto first = static_cast<std::uint32_t>(m_half_life_us.size());
            const auto add = [&](double coefficient, double half_life_us) {
                m_half_life_us.push_back(half_life_us);
                m_component_weight.push_back(coefficient);
                m_component_channel.push_back(c);
            };
            switch (ch.kernel.kind) {
                case decay_kernel::shape::exponential: add(1.0, static_cast<double>(ch.half_life.count())); break;
                case decay_kernel::shape::power_law:
                    for (const auto& term : detail::power_law_terms(static_cast<double>(ch.kernel.scale.count()),
                                                                    ch.kernel.exponent,
                                                                    static_cast<double>(ch.kernel.range.count()))
                                                .terms)
                        add(term.coefficient, term.half_life_us);
                    break;
                case decay_kernel::shape::window: m_window_us[c] = ch.kernel.scale.count(); break;
            }
            m_channel_components.push_back({first, static_cast<std::uint32_t>(m_half_life_us.size())});
        }
        if (m_half_life_us.size() > detail::state_blocks::max_components)
            detail::throw_error<invalid_argument_error>(
                "relscore::scorer: the channels' kernels need more than " +
                std::to_string(detail::state_blocks::max_components) + " terms");
        m_has_windows = std::any_of(m_window_us.begin(), m_window_us.end(), [](std::int64_t w) { return w > 0; });
        m_reply_window_us = m_config.insight.reply_window.count();
        m_touch_gap_us = m_config.insight.touch_gap.count();
        m_trend_horizon_us = static_cast<double>(m_config.insight.trend_horizon.count());
    }

    // ---- conversation statistics (definitions in insight.hpp) ----

    // An unanswered wait leaves the window: censored at how long it was watched.
    void expire_wait(detail::pair_history& h, int k) const {
        detail::direction_history& d = h.dir[k];
        h.latencies[k].censored.add(d.wait_last_us + m_reply_window_us - d.wait_first_us,
                                    detail::direction_history::latency_base_us);
        d.waiting = false;
    }

    // The other side got in touch with the one whose outreach `d` records, at t.
    void got_in_touch(detail::pair_history& h, int k, std::int64_t t) const {
        detail::direction_history& d = h.dir[k];
        if (d.waiting) {
            if (t - d.wait_last_us <= m_reply_window_us) {
                ++d.answered;
                h.latencies[k].latency.add(t - d.wait_first_us, detail::direction_history::latency_base_us);
                d.waiting = false;
            } else {
                expire_wait(h, k);
            }
        }
        d.streak = 0;
        d.answered_ever = true;
    }

    // One interaction in arrival order (not late): dir 0 lo→hi, 1 hi→lo, 2 mutual.
    void record_conversation(detail::pair_history& h, std::uint8_t dir, std::int64_t t, bool first,
                             std::int64_t previous) const {
        if (first || t - previous > m_reply_window_us) {
            ++h.conversations;
            ++(dir == 2 ? h.mutual_initiated : h.dir[dir].initiated);
        }
        if (!first && t - previous > m_touch_gap_us) h.gaps.add(t - previous, m_touch_gap_us);
        if (dir == 2) {
            got_in_touch(h, 0, t);
            got_in_touch(h, 1, t);
            return;
        }
        detail::direction_history& mine = h.dir[dir];
        got_in_touch(h, 1 - dir, t);
        ++mine.messages;
        ++mine.streak;
        if (!mine.answered_ever) ++mine.attempts_before_first_answer;
        if (mine.waiting && t - mine.wait_last_us <= m_reply_window_us) {
            mine.wait_last_us = t;  // a follow-up extends the wait
        } else {
            if (mine.waiting) expire_wait(h, dir);
            mine.waiting = true;
            ++mine.waits;
            mine.wait_first_us = mine.wait_last_us = t;
        }
    }

    // Where an error happened: a call, and for batches the element. Formatted only when an
    // error is reported, so validating a batch costs no string work per element.
    struct error_site {
        static constexpr std::size_t no_index = static_cast<std::size_t>(-1);
        const char* call;
        std::size_t index = no_index;
        error_site(const char* c) : call(c) {}  // NOLINT(google-explicit-constructor): a call's name is a site
        error_site(const char* c, std::size_t i) : call(c), index(i) {}
        [[nodiscard]] std::string str() const {
            std::string out = call;
            if (index != no_index) out += ": interaction #" + std::to_string(index);
            return out;
        }
    };
    static error_site batch_position(std::size_t i) { return {"relscore::scorer::add_batch()", i}; }

    void check_person(person_id id) const {
        if (id >= m_names.size())
            detail::throw_error<unknown_person_error>("relscore::scorer: unknown person id " + std::to_string(id));
    }

    static void check_name(std::string_view name, const error_site& where) {
        if (name.empty()) detail::throw_error<invalid_argument_error>(where.str() + ": empty person id");
        if (name.size() > max_name_bytes)
            detail::throw_error<invalid_argument_error>(where.str() + ": person id longer than " +
                                                        std::to_string(max_name_bytes) + " bytes");
        if (auto bad = detail::invalid_utf8_at(name))
            detail::throw_error<invalid_argument_error>(where.str() + ": person id is not valid UTF-8 (byte " +
                                                        std::to_string(*bad) + ")");
    }

    void validate(const dense_interaction& e, const error_site& where) const {
        if (e.source == e.target)
            detail::throw_error<invalid_argument_error>(where.str() + ": self-interaction (source and target are both " +
                                                        std::to_string(e.source) + ")");
        if (e.source > max_person_id || e.target > max_person_id)
            detail::throw_error<invalid_argument_error>(where.str() + ": person id above " +
                                                        std::to_string(max_person_id));
        validate_common(e, where);
    }

    // `new_channels`: channels registered by the batch being validated (ids past the registry's).
    void validate_common(const dense_interaction& e, const error_site& where, std::size_t new_channels = 0) const {
        if (e.channel >= m_config.channels.size() + new_channels)
            detail::throw_error<invalid_argument_error>(where.str() + ": unknown channel id " + std::to_string(e.channel));
        if (e.weight && !detail::weight_in_range(*e.weight))
            detail::throw_error<invalid_argument_error>(where.str() + ": " + detail::weight_range_message(*e.weight));
        const std::int64_t t = to_micros(e.time);
        if (t < min_time_us || t > max_time_us)
            detail::throw_error<invalid_argument_error>(where.str() + ": time " + std::to_string(t) +
                                                        "us is outside years 1400..9999");
    }

    [[nodiscard]] channel_id channel_or_throw(std::string_view name, const error_site& where) const {
        if (auto id = m_config.channels.find(name)) return *id;
        detail::throw_error<invalid_argument_error>(where.str() + ": unknown channel '" + std::string(name) +
                                                    "' (known: " + m_config.channels.names() + ")");
    }

    // The id of channel `name`. An unknown name is an error, or, if the config registers
    // unknown channels, gets the next free id and is appended to `new_channels`: the caller
    // registers them (register_channels()) only once its whole batch is valid.
    [[nodiscard]] channel_id channel_or_register(std::string_view name, const error_site& where,
                                                 std::vector<std::string>& new_channels) const {
        if (!m_config.register_unknown_channels) return channel_or_throw(name, where);
        if (auto id = m_config.channels.find(name)) return *id;
        for (std::size_t i = 0; i < new_channels.size(); ++i)
            if (new_channels[i] == name) return static_cast<channel_id>(m_config.channels.size() + i);
        if (name.empty()) detail::throw_error<invalid_argument_error>(where.str() + ": empty channel name");
        if (name.size() > max_name_bytes || detail::invalid_utf8_at(name))
            detail::throw_error<invalid_argument_error>(where.str() + ": channel name is too long or not valid UTF-8");
        if (m_config.channels.size() + new_channels.size() >= channel_registry::max_channels)
            detail::throw_error<invalid_argument_error>(where.str() + ": cannot register channel '" + std::string(name) + "': " +
                                                        std::to_string(channel_registry::max_channels) +
                                                        " channels is the limit");
        new_channels.emplace_back(name);
        return static_cast<channel_id>(m_config.channels.size() + new_channels.size() - 1);
    }

    void register_channels(const std::vector<std::string>& new_channels) {
        if (new_channels.empty()) return;
        for (const auto& name : new_channels) {
            channel c = *m_config.register_unknown_channels;
            c.name = name;
            m_config.channels.define(std::move(c));
        }
        cache_half_lives();
    }

    // Validates a named interaction and resolves its channel; people are not interned yet.
    [[nodiscard]] dense_interaction resolve_checked(const interaction& e, const error_site& where,
                                                    std::vector<std::string>& new_channels) const {
        check_name(e.source, where);
        check_name(e.target, where);
        if (e.source == e.target)
            detail::throw_error<invalid_argument_error>(where.str() + ": self-interaction ('" + e.source + "')");
        dense_interaction d{e.time, 0, 0, channel_or_register(e.channel, where, new_channels), e.weight, e.mutual};
        validate_common(d, where, new_channels.size());
        return d;
    }

    // The largest decayed sum pair `idx` stores (its kernel states and pace sums).
    [[nodiscard]] double largest_sum(std::uint32_t idx) const noexcept {
        double top = 0;
        for (const auto& sum : m_states.sums(m_pairs[idx].states)) top = std::max(top, sum.value);
        if (m_config.insight.conversations)
            top = std::max({top, m_history[idx].pace_recent.value, m_history[idx].pace_long.value});
        return top;
    }

    // merge()'s strong guarantee for the finite-totals rule (limits.hpp): refuses, before
    // any change, a merge in which some pair's sums could add up past max_total.
    void check_merge_totals(const scorer& other) const {
        std::vector<std::optional<person_id>> map(other.m_names.size());
        for (std::size_t i = 0; i < map.size(); ++i) map[i] = find_person(other.m_names[i]);
        for (std::uint32_t theirs = 0; theirs < other.m_pairs.size(); ++theirs) {
            const pair_record& p = other.m_pairs[theirs];
            double mine = 0;
            if (map[p.lo] && map[p.hi]) {
                const person_id x = *map[p.lo], y = *map[p.hi];
                if (auto it = m_pair_index.find(pair_key(std::min(x, y), std::max(x, y))); it != m_pair_index.end())
                    mine = largest_sum(it->second);
            }
            if (!detail::total_in_range(mine, other.largest_sum(theirs)))
                detail::throw_error<invalid_argument_error>(
                    "relscore::scorer::merge(): the relationship of '" + other.m_names[p.lo] + "' and '" +
                    other.m_names[p.hi] + "' would exceed relscore::max_total (" + detail::short_number(max_total) +
                    ") after the merge; nothing was merged");
        }
    }

    person_id new_person(std::string name) {
        const auto id = static_cast<person_id>(m_names.size());
        m_names.push_back(name);
        m_ties.emplace_back();
        m_ids.emplace(std::move(name), id);
        return id;
    }

    void ensure_dense_people(person_id top) {
        // Validate first: a decimal name already used by another person is a conflict.
        for (auto id = static_cast<person_id>(m_names.size()); id <= top; ++id) {
            if (auto it = m_ids.find(std::to_string(id)); it != m_ids.end())
                detail::throw_error<invalid_argument_error>("relscore::scorer::add(): dense id " + std::to_string(id) +
                                                            " would be named '" + std::to_string(id) +
                                                            "', which already names person " + std::to_string(it->second));
        }
        while (m_names.size() <= top) new_person(std::to_string(m_names.size()));
    }

    std::uint32_t find_or_add_pair(person_id lo, person_id hi) {
        const auto [it, inserted] = m_pair_index.try_emplace(pair_key(lo, hi), static_cast<std::uint32_t>(m_pairs.size()));
        if (inserted) {
            m_pairs.push_back({lo, hi, min_time_us, max_time_us, 0, 0, 0, 0, {}});
            if (m_config.insight.conversations) m_history.emplace_back();
            if (m_config.insight.retain_events) m_events.emplace_back();
            if (m_has_windows) m_windows.emplace_back();
            m_ties[lo].push_back(it->second);
            m_ties[hi].push_back(it->second);
        }
        return it->second;
    }

    // The decayed sum of (component, dir) of `pair`; a new one starts empty at the oldest
    // time, so the first add() sets it exactly.
    detail::decayed_sum& state_for(std::uint32_t pair, std::uint16_t component, std::uint8_t dir) {
        detail::state_blocks::block& b = m_pairs[pair].states;
        const std::uint32_t key = detail::state_blocks::key(component, dir);
        if (detail::decayed_sum* found = m_states.find(b, key)) return *found;
        if (b.count == b.capacity && m_states.wasteful())
            m_states.compact([&](auto&& f) {
                for (pair_record& p : m_pairs) f(p.states);
            });
        return m_states.add(b, key, {0.0, min_time_us});
    }

    void apply(person_id source, person_id target, const dense_interaction& e) {
        apply_to_pair(find_or_add_pair(std::min(source, target), std::max(source, target)), source > target, e);
    }

    // Applies a validated batch grouped by pair (detail/pair_grouping.hpp): one hash probe
    // per pair and chunk, each pair's records touched while hot. Each pair still sees its
    // interactions in batch order and new pairs are created in order of first appearance,
    // so the state is bit-identical to applying the batch one by one.
    // `endpoints(i)`: (source, target) of interaction i; `interaction(i)`: the interaction
    // (its source and target fields are ignored); `top`: the largest person id involved.
    template <class Endpoints, class Interaction>
    void apply_grouped(std::size_t n, person_id top, Endpoints&& endpoints, Interaction&& interaction) {
        constexpr std::size_t worth_grouping = 64;  // below this, sorting costs more than it saves
        if (n < worth_grouping) {
            for (std::size_t i = 0; i < n; ++i) {
                const auto [source, target] = endpoints(i);
                apply(source, target, interaction(i));
            }
            return;
        }
        const std::size_t chunk = detail::pair_grouping::chunk_size(top);
        detail::pair_grouping order;
        struct run {
            std::size_t begin;      // into order
            std::uint32_t pair;     // the pair's index, no_state until known
        };
        std::vector<run> runs;
        std::vector<std::uint32_t> new_run_at;  // chunk index -> the new run starting there
        for (std::size_t base = 0; base < n; base += chunk) {
            const std::size_t m = std::min(chunk, n - base);
            order.sort(m, top, [&](std::size_t i) {
                const auto [source, target] = endpoints(base + i);
                return std::pair{std::min(source, target), std::max(source, target)};
            });
            runs.clear();
            new_run_at.assign(m, no_state);
            std::size_t new_pairs = 0;
            for (std::size_t k = 0; k < m; ++k) {
                const std::uint64_t key = order.pair_key(k);
                if (k > 0 && key == order.pair_key(k - 1)) continue;
                const auto it = m_pair_index.find(key);
                if (it == m_pair_index.end()) {
                    new_run_at[order.index(k)] = static_cast<std::uint32_t>(runs.size());
                    ++new_pairs;
                }
                runs.push_back({k, it == m_pair_index.end() ? no_state : it->second});
            }
            // New pairs in order of first appearance (a run starts at its pair's first
            // index), with room made once rather than by repeated doubling.
            grow_pairs(m_pairs.size() + new_pairs);
            for (const std::uint32_t r : new_run_at) {
                if (r == no_state) continue;
                const std::uint64_t key = order.pair_key(runs[r].begin);
                runs[r].pair = find_or_add_pair(static_cast<person_id>(key >> 32), static_cast<person_id>(key));
            }
            constexpr std::size_t lookahead = 4;  // runs ahead whose records are prefetched
            for (std::size_t r = 0; r < runs.size(); ++r) {
                if (r + lookahead < runs.size()) prefetch_pair(runs[r + lookahead].pair);
                const std::size_t end = r + 1 < runs.size() ? runs[r + 1].begin : m;
                for (std::size_t k = runs[r].begin; k < end; ++k) {
                    const std::size_t i = base + order.index(k);
                    const auto [source, target] = endpoints(i);
                    apply_to_pair(runs[r].pair, source > target, interaction(i));
                }
            }
        }
    }

    // Capacity for `pairs` pairs, growing geometrically so repeated batches stay amortized O(1).
    void grow_pairs(std::size_t pairs) {
        if (pairs <= m_pairs.capacity()) return;
        reserve(std::max(pairs, m_pairs.capacity() + m_pairs.capacity() / 2));
    }

    void prefetch_pair(std::uint32_t pair) const noexcept {
        __builtin_prefetch(&m_pairs[pair]);
        if (m_config.insight.conversations) {
            const auto* h = reinterpret_cast<const char*>(&m_history[pair]);
            for (std::size_t line = 0; line < offsetof(detail::pair_history, gaps); line += 64) __builtin_prefetch(h + line);
        }
    }

    // One validated interaction of pair `idx`; `flipped`: its source is the pair's hi.
    void apply_to_pair(std::uint32_t idx, bool flipped, const dense_interaction& e) {
        const std::int64_t t = to_micros(e.time);
        const double w = e.weight ? *e.weight : m_config.channels[e.channel].weight;
        const auto dir = static_cast<std::uint8_t>(flipped);
        pair_record& p = m_pairs[idx];
        const bool first = p.first_us == max_time_us && p.last_us == min_time_us;
        const std::int64_t previous = p.last_us;
        const bool late = !first && t < previous;
        if (!late && (first || t - previous > m_touch_gap_us)) ++p.touches;
        p.first_us = std::min(p.first_us, t);
        p.last_us = std::max(p.last_us, t);
        if (m_config.insight.conversations) {
            detail::pair_history& hist = m_history[idx];
            hist.pace_recent.add(e.mutual ? 2 * w : w, t, m_trend_horizon_us);
            hist.pace_long.add(e.mutual ? 2 * w : w, t, 4 * m_trend_horizon_us);
            if (late)
                ++hist.late;
            else
                record_conversation(hist, e.mutual ? 2 : dir, t, first, previous);
        }
        if (m_config.insight.retain_events) m_events[idx].push_back({t, w, e.channel, static_cast<std::uint8_t>(e.mutual ? 2 : dir)});
        ++(e.mutual ? p.n_mutual : dir == 0 ? p.n_lo_hi : p.n_hi_lo);
        const auto [first_component, end_component] = m_channel_components[e.channel];
        for (std::uint32_t k = first_component; k < end_component; ++k) {
            const double wk = w * m_component_weight[k], h = m_half_life_us[k];
            const auto component = static_cast<std::uint16_t>(k);
            if (e.mutual) {
                state_for(idx, component, 0).add(wk, t, h);
                state_for(idx, component, 1).add(wk, t, h);
            } else {
                state_for(idx, component, dir).add(wk, t, h);
            }
        }
        if (m_window_us[e.channel] > 0) add_to_window(idx, {t, w, e.channel, static_cast<std::uint8_t>(e.mutual ? 2 : dir)});
        m_newest_us = std::max(m_newest_us, t);
    }

    // A window channel's interaction; ones that can never count again (older than the
    // pair's newest interaction by their window: queries are never earlier) are dropped
    // whenever the list doubles, so the work stays O(1) amortized.
    void add_to_window(std::uint32_t pair, const retained_event& ev) {
        auto& events = m_windows[pair];
        events.push_back(ev);
        if (events.size() >= 8 && std::has_single_bit(events.size())) prune_window(pair);
    }
    void prune_window(std::uint32_t pair) {
        const std::int64_t last = m_pairs[pair].last_us;
        std::erase_if(m_windows[pair], [&](const retained_event& ev) { return last - ev.time_us >= m_window_us[ev.channel]; });
    }
    // Window kernels' volumes of a pair at t, by stored direction.
    void add_window_volumes(std::uint32_t pair, std::int64_t t, double (&v)[2]) const {
        if (!m_has_windows) return;
        for (const retained_event& ev : m_windows[pair]) {
            if (t - ev.time_us >= m_window_us[ev.channel] || ev.time_us > t) continue;
            if (ev.dir != 1) v[0] += ev.weight;
            if (ev.dir != 0) v[1] += ev.weight;
        }
    }
    // What one interaction of `channel` of age `age_us` is worth now, per unit weight, as
    // the state represents it (the sum of the kernel's terms, or the window's 0 or 1).
    [[nodiscard]] double kernel_value(channel_id channel, std::int64_t age_us) const {
        if (m_window_us[channel] > 0) return age_us >= 0 && age_us < m_window_us[channel] ? 1.0 : 0.0;
        double v = 0;
        const auto [first_component, end_component] = m_channel_components[channel];
        for (std::uint32_t k = first_component; k < end_component; ++k)
            v += m_component_weight[k] * detail::decay_factor(age_us, m_half_life_us[k]);
        return v;
    }

    void apply_named(const interaction& e, const dense_interaction& resolved) {
        // Intern in a fixed order (function arguments are evaluated in unspecified order),
        // so ids, and so table rows, follow first appearance: source before target.
        const person_id source = intern(e.source);
        const person_id target = intern(e.target);
        apply(source, target, resolved);
    }

    [[nodiscard]] std::int64_t query_time(std::optional<timestamp> at, const char* where) const {
        if (!at) return m_pairs.empty() ? 0 : m_newest_us;
        const std::int64_t t = to_micros(*at);
        if (!m_pairs.empty() && t < m_newest_us) throw_query_too_early(where, *at);
        return t;
    }
    // Out of line: keeps the error's string building out of every query's inlined code.
    [[noreturn, gnu::noinline, gnu::cold]] void throw_query_too_early(const char* where, timestamp at) const {
        std::string message = where;
        message += ": query time " + format_time(at) + " is earlier than the newest interaction " +
                   format_time(from_micros(m_newest_us));
        detail::throw_error<time_order_error>(message);
    }

    // The pair's volumes at t by stored direction (0: lo→hi).
    void volumes(std::uint32_t pair, std::int64_t t, double (&v)[2]) const {
        v[0] = v[1] = 0;
        const auto keys = m_states.keys(m_pairs[pair].states);
        const auto sums = m_states.sums(m_pairs[pair].states);
        for (std::size_t s = 0; s < keys.size(); ++s)
            v[detail::state_blocks::dir_of(keys[s])] +=
                sums[s].at(t, m_half_life_us[detail::state_blocks::component_of(keys[s])]);
        add_window_volumes(pair, t, v);
    }

    void fill(relationship& r, std::uint32_t pair, bool flipped, std::int64_t t) const {
        const pair_record& p = m_pairs[pair];
        double v[2];
        volumes(pair, t, v);
        r.volume_ab = v[flipped ? 1 : 0];
        r.volume_ba = v[flipped ? 0 : 1];
        r.strength = relscore::strength(r.volume_ab, r.volume_ba, m_config.reciprocity);
        r.reciprocity = relscore::reciprocity(r.volume_ab, r.volume_ba);
        r.last_interaction = from_micros(p.last_us);
        r.first_interaction = from_micros(p.first_us);
        r.interactions = std::uint64_t{p.n_lo_hi} + p.n_hi_lo + p.n_mutual;
        r.touches = p.touches;
    }

    // Counts and histograms add; the open waits and streaks come from the newer side.
    void merge_history(detail::pair_history& mine, const detail::pair_history& theirs, bool flipped,
                       bool theirs_newer) const {
        mine.conversations += theirs.conversations;
        mine.mutual_initiated += theirs.mutual_initiated;
        mine.late += theirs.late;
        mine.gaps.merge(theirs.gaps);
        mine.pace_recent.merge(theirs.pace_recent, m_trend_horizon_us);
        mine.pace_long.merge(theirs.pace_long, 4 * m_trend_horizon_us);
        for (int d = 0; d < 2; ++d) {
            detail::direction_history& x = mine.dir[d];
            const detail::direction_history& y = theirs.dir[flipped ? 1 - d : d];
            x.messages += y.messages;
            x.waits += y.waits;
            x.answered += y.answered;
            x.initiated += y.initiated;
            x.attempts_before_first_answer += x.answered_ever ? 0 : y.attempts_before_first_answer;
            x.answered_ever = x.answered_ever || y.answered_ever;
            mine.latencies[d].latency.merge(theirs.latencies[flipped ? 1 - d : d].latency);
            mine.latencies[d].censored.merge(theirs.latencies[flipped ? 1 - d : d].censored);
            if (theirs_newer) {
                if (x.waiting) expire_wait(mine, d);
                x.streak = y.streak;
                x.waiting = y.waiting;
                x.wait_first_us = y.wait_first_us;
                x.wait_last_us = y.wait_last_us;
            } else if (y.waiting) {  // the older side's open wait: unanswered as far as we know
                mine.latencies[d].censored.add(y.wait_last_us + m_reply_window_us - y.wait_first_us,
                               detail::direction_history::latency_base_us);
            }
        }
    }

    friend struct detail::snapshot_codec;

    scorer_config m_config;
    std::vector<double> m_half_life_us;         // per kernel component (state_blocks::component_of)
    std::vector<double> m_component_weight;     // per component: its coefficient in the kernel
    std::vector<channel_id> m_component_channel;
    struct component_range {
        std::uint32_t first, end;
    };
    std::vector<component_range> m_channel_components;  // per channel
    std::vector<std::int64_t> m_window_us;      // per channel: the window length, 0 if not a window kernel
    bool m_has_windows = false;
    std::vector<std::vector<retained_event>> m_windows;  // per pair, if a channel has a window kernel
    std::vector<std::string> m_names;
    boost::unordered_flat_map<std::string, person_id, string_hash, std::equal_to<>> m_ids;
    std::vector<std::vector<std::uint32_t>> m_ties;  // person -> their pairs
    boost::unordered_flat_map<std::uint64_t, std::uint32_t> m_pair_index;
    std::vector<pair_record> m_pairs;
    detail::state_blocks m_states;
    std::int64_t m_newest_us = min_time_us;
    std::int64_t m_reply_window_us = 0, m_touch_gap_us = 0;  // cached from m_config.insight
    double m_trend_horizon_us = 0;
    std::vector<detail::pair_history> m_history;             // per pair, if insight.conversations
    std::vector<std::vector<retained_event>> m_events;       // per pair, if insight.retain_events
};

RELSCORE_END_NAMESPACE
