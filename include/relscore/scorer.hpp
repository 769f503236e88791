#pragma once
/// \file scorer.hpp
/// relscore::scorer: ingests interactions and answers "how strong is this relationship?"
/// at any time not earlier than the newest interaction.
///
/// Layers, from the bottom:
/// - detail/decay.hpp, detail/state_blocks.hpp: exact decayed sums, and where a pair's live;
/// - detail/kernels.hpp: each channel's kernel as exponential components;
/// - detail/history.hpp, detail/conversation.hpp: conversation history and its rules;
/// - detail/batch_grouping.hpp: the order in which bulk ingest applies a batch;
/// - detail/pair_table.hpp: the per-pair records and the index that finds them;
/// - detail/pair_store.hpp: where every interaction's state lives and how one changes it;
///   detail/pair_store_history.hpp: a history kept from a pair's second interaction;
///   detail/pair_store_rows.hpp: people and pairs made, and unmade when that fails;
///   detail/pair_store_bulk.hpp: how a grouped batch meets the pairs;
/// - detail/validation.hpp: what is checked before anything changes;
/// - this file: the public class, which validates input (strong exception guarantee) and
///   answers queries. Everything is a sum, so two scorers merge exactly (see merge()).
///   What every interaction and a pair's strength run is defined here (inlined); the
///   rest is compiled in src/: scorer_ingest.cpp (add_columns, merge),
///   scorer_insight.cpp (a pair's conversation, trend and rhythm, a person's due),
///   scorer_queries.cpp (table, a person's top, due_all, explain) and scorer_state.cpp
///   (memory_usage, shrink_to_fit);
/// - src/snapshot_*.cpp: snapshots, which see only the state layer (the private base
///   detail::pair_store) and the configuration, handed over by to_bytes() and from_bytes().

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
#include <thread>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include <Eigen/Core>
#include <boost/unordered/unordered_flat_map.hpp>

#include <relscore/channel.hpp>
#include <relscore/detail/batch_grouping.hpp>
#include <relscore/detail/conversation.hpp>
#include <relscore/detail/decay.hpp>
#include <relscore/detail/history.hpp>
#include <relscore/detail/kernels.hpp>
#include <relscore/detail/pair_store.hpp>
#include <relscore/detail/state_blocks.hpp>
#include <relscore/detail/utf8.hpp>
#include <relscore/detail/validation.hpp>
#include <relscore/error.hpp>
#include <relscore/insight.hpp>
#include <relscore/interaction.hpp>
#include <relscore/limits.hpp>
#include <relscore/model.hpp>
#include <relscore/scorer_types.hpp>
#include <relscore/time.hpp>

RELSCORE_BEGIN_NAMESPACE

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
///   time_order_error; interactions may arrive in any order (a batch is applied in time
///   order; see insight.hpp for what a late interaction in a later call counts in).
class scorer : private detail::pair_store {
public:
    /// Earliest and latest accepted interaction times (years 1400 and 9999): keeps every
    /// time difference far inside int64 microseconds.
    static constexpr std::int64_t min_time_us = pair_store::min_time_us;  // 1400-01-01
    static constexpr std::int64_t max_time_us = pair_store::max_time_us;  // 9999-12-31T23:59:59.999999
    /// Names longer than this are refused (a guard against a wrong column).
    static constexpr std::size_t max_name_bytes = detail::max_name_bytes;
    /// Dense person ids must be below this.
    static constexpr person_id max_person_id = detail::max_person_id;

    explicit scorer(scorer_config config = {})
        : pair_store(config), m_config(std::move(config)) {
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
    }

    [[nodiscard]] const scorer_config& config() const noexcept { return m_config; }
    [[nodiscard]] const channel_registry& channels() const noexcept { return m_config.channels; }

    // ---- people ----------------------------------------------------------------------

    /// The id of `name`, creating the person if new.
    person_id intern(std::string_view name) {
        detail::check_name(name, "relscore::scorer::intern()");
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
    /// The time from the oldest to the newest interaction ingested (zero if none).
    [[nodiscard]] duration log_span() const noexcept {
        return m_pairs.empty() ? duration{0} : duration{m_newest_us - m_oldest_us};
    }
    [[nodiscard]] scorer_stats stats() const noexcept { return {people(), relationships(), m_states.size(), newest()}; }
    /// What the state costs, by component (O(people + pairs)).
    [[nodiscard]] scorer_memory memory_usage() const noexcept;

    // ---- ingest ----------------------------------------------------------------------

    /// Adds one interaction named by string ids. Strong exception guarantee.
    void add(const interaction& e) {
        std::vector<std::string> new_channels;
        const dense_interaction d = detail::resolve_checked(m_config, e, "relscore::scorer::add()", new_channels);
        if (!new_channels.empty())  // apply() checks the limit once the channel is made: too late then
            check_one_more_interaction(e.source, e.target, "relscore::scorer::add()");
        register_channels(new_channels);
        apply_named(e, d);
    }

    /// Adds one interaction named by dense ids (the fast path). Ids not yet known create
    /// people named by their decimal value. Strong exception guarantee.
    void add(const dense_interaction& e) {
        detail::validate_dense(m_config, e, "relscore::scorer::add()");
        ensure_dense_people(std::max(e.source, e.target));
        apply(e.source, e.target, e);
    }

    /// Adds a batch: every interaction is validated before any is applied, so a bad one
    /// leaves the scorer unchanged. The error names the index of the offending element.
    /// The batch is applied grouped by pair (see detail/batch_grouping.hpp), with the same
    /// result as adding its interactions one by one in order.
    void add_batch(std::span<const interaction> batch) {
        std::vector<dense_interaction> resolved;
        resolved.reserve(batch.size());
        std::vector<std::string> new_channels;
        for (std::size_t i = 0; i < batch.size(); ++i)
            resolved.push_back(detail::resolve_checked(m_config, batch[i], batch_position(i), new_channels));
        check_interaction_limit(batch.size(), [&](std::size_t i) { return known_pair(batch[i].source, batch[i].target); },
                                "relscore::scorer::add_batch()");
        register_channels(new_channels);
        // Intern in batch order, source before target, so ids follow first appearance.
        std::vector<std::pair<person_id, person_id>> ends(batch.size());
        for (std::size_t i = 0; i < batch.size(); ++i) {
            ends[i].first = intern(batch[i].source);
            ends[i].second = intern(batch[i].target);
        }
        apply_grouped(batch.size(), [&](std::size_t i) { return resolve_event(ends[i].first, ends[i].second, resolved[i]); });
    }

    /// Dense-id batch; validated whole before any is applied, then applied grouped by pair.
    void add_batch(std::span<const dense_interaction> batch) {
        person_id top = 0;
        for (std::size_t i = 0; i < batch.size(); ++i) {
            detail::validate_dense(m_config, batch[i], batch_position(i));
            top = std::max({top, batch[i].source, batch[i].target});
        }
        check_interaction_limit(batch.size(), [&](std::size_t i) { return known_pair(batch[i].source, batch[i].target); },
                                "relscore::scorer::add_batch()");
        if (!batch.empty()) ensure_dense_people(top);
        apply_grouped(batch.size(), [&](std::size_t i) { return resolve_event(batch[i].source, batch[i].target, batch[i]); });
    }

    /// Room for `relationships` pairs without rehashing or reallocation (a hint, like
    /// std::vector::reserve).
    void reserve(std::size_t relationships) { reserve_pairs(relationships); }

    /// How many threads a batch (add_batch, add_columns, io::ingest) may use: 1 (the
    /// default) keeps all work on the calling thread; 0 means one per hardware thread.
    /// Threads are started inside the call and joined before it returns, each given at
    /// least `min_rows_each` interactions of the batch (so only batches of twice that use
    /// two), and the result is bit for bit the same with any number (detail/parallel.hpp).
    /// Not part of the configuration: snapshots, merges and comparisons ignore it.
    void set_threads(unsigned threads, std::size_t min_rows_each = std::size_t{1} << 16) noexcept {
        m_threads.threads = threads != 0 ? threads : std::max(1u, std::thread::hardware_concurrency());
        m_threads.min_part = std::max<std::size_t>(min_rows_each, 1);
    }
    [[nodiscard]] unsigned threads() const noexcept { return m_threads.threads; }

    /// Adds interactions given as columns. The whole batch is validated first (lengths,
    /// times, ids, channels, weights, self-interactions); an error names the row and the
    /// column and leaves the scorer unchanged.
    void add_columns(const interaction_columns& c);

    /// Folds `other` into this scorer: afterwards this scorer answers as if it had been fed
    /// the interactions of both (exactly, up to floating-point rounding). People are
    /// matched by name. Throws config_mismatch_error (and changes nothing) if the configs
    /// differ, and invalid_argument_error (and changes nothing) if a merged sum could
    /// exceed relscore::max_total (limits.hpp).
    void merge(const scorer& other);

    /// Releases spare capacity (O(state)): each pair's decayed sums packed with no slack,
    /// every array trimmed to its size. Worth calling once after a large ingest that is
    /// kept for querying; later ingest grows the storage again as needed.
    void shrink_to_fit();

    // ---- state ---------------------------------------------------------------------

    /// The complete state (configuration, names, every relationship) in relscore's
    /// versioned, checksummed binary snapshot format (see src/snapshot_format.hpp). Loading it
    /// gives a scorer with bit-identical results; saving that again gives the same bytes.
    [[nodiscard]] std::string to_bytes() const;
    /// to_bytes() written into the caller's memory (a Python bytes object: no copy after).
    /// Returns the snapshot's size; the snapshot is in `out` only if that is at most
    /// out.size() (else nothing useful is, and a call with that much room writes it).
    /// to_bytes_size_hint() is a size that fits but for unusually long channel names.
    [[nodiscard]] std::size_t to_bytes(std::span<char> out) const;
    [[nodiscard]] std::size_t to_bytes_size_hint() const;
    /// Rebuilds a scorer from to_bytes() output. Throws parse_error saying whether the
    /// data is foreign, truncated, corrupted or of an unsupported version.
    [[nodiscard]] static scorer from_bytes(std::string_view bytes);
    /// One scorer from the snapshots of scorers that hold **disjoint** relationships (the
    /// partials of a log partitioned by pair), in one decoding pass: the first is loaded as
    /// from_bytes() loads it, each further one appended straight into it (people matched by
    /// name, pairs added as merge() adds a pair it did not have). The result equals
    /// from_bytes(first) followed by merge(from_bytes(next)) for each next, field for field
    /// (to_bytes() gives identical bytes), without building and merging each partial.
    /// A relationship found in two snapshots is refused with invalid_argument_error (merge()
    /// combines those); snapshots of different configurations with config_mismatch_error;
    /// a bad snapshot with parse_error naming its position. No snapshots give an empty
    /// default scorer. Nothing is half-loaded: an error returns no scorer.
    [[nodiscard]] static scorer from_bytes_many(std::span<const std::string_view> snapshots);

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
        if (const std::uint32_t row = m_pairs.find(pair_key(std::min(a, b), std::max(a, b))); row != no_row)
            fill(r, row, a > b, t);
        return r;
    }
    [[nodiscard]] relationship between(std::string_view a, std::string_view b, std::optional<timestamp> at = {}) const {
        const person_id first = person(a);  // resolve in order: the error names the first unknown
        return between(first, person(b), at);
    }

    /// The k strongest relationships of `p` at `at`, strongest first (ties: by the other
    /// person's name), each seen from `p`.
    [[nodiscard]] std::vector<relationship> top(person_id p, std::size_t k, std::optional<timestamp> at = {}) const;
    [[nodiscard]] std::vector<relationship> top(std::string_view p, std::size_t k, std::optional<timestamp> at = {}) const {
        return top(person(p), k, at);
    }

    /// Every relationship at `at` (default: the newest interaction), as columns.
    [[nodiscard]] relationship_table table(std::optional<timestamp> at = {}) const;

    // ---- insight (definitions in insight.hpp) -----------------------------------------

    /// Replies, persistence and initiation between `a` and `b` at `at`, seen from a.
    [[nodiscard]] conversation_stats conversation(person_id a, person_id b, std::optional<timestamp> at = {}) const;
    [[nodiscard]] conversation_stats conversation(std::string_view a, std::string_view b,
                                                  std::optional<timestamp> at = {}) const {
        const person_id first = person(a);
        return conversation(first, person(b), at);
    }

    /// Where the relationship of `a` and `b` is heading at `at` (see relscore::trend).
    [[nodiscard]] relscore::trend trend_of(person_id a, person_id b, std::optional<timestamp> at = {}) const;
    [[nodiscard]] relscore::trend trend_of(std::string_view a, std::string_view b, std::optional<timestamp> at = {}) const {
        const person_id first = person(a);
        return trend_of(first, person(b), at);
    }

    /// The rhythm of the relationship of `a` and `b` and how overdue it is at `at`.
    /// Throws invalid_argument_error if they never interacted.
    [[nodiscard]] relscore::rhythm rhythm_of(person_id a, person_id b, std::optional<timestamp> at = {}) const;
    [[nodiscard]] relscore::rhythm rhythm_of(std::string_view a, std::string_view b, std::optional<timestamp> at = {}) const {
        const person_id first = person(a);
        return rhythm_of(first, person(b), at);
    }

    /// The relationships of `p` due a touch at `at` (overdue ≥ 1), highest strength ×
    /// overdue first, at most k. Any interaction resets a relationship's clock.
    [[nodiscard]] std::vector<due_item> due(person_id p, std::size_t k, std::optional<timestamp> at = {}) const;
    [[nodiscard]] std::vector<due_item> due(std::string_view p, std::size_t k, std::optional<timestamp> at = {}) const {
        return due(person(p), k, at);
    }
    /// Every relationship due a touch at `at`, highest priority first, at most k.
    [[nodiscard]] std::vector<due_item> due_all(std::size_t k, std::optional<timestamp> at = {}) const;

    /// An exact breakdown of the strength of `a` and `b` at `at` by channel and direction,
    /// and (with insight_config::retain_events) the `receipts` interactions that
    /// contribute most.
    [[nodiscard]] explanation explain(person_id a, person_id b, std::size_t receipts = 10,
                                      std::optional<timestamp> at = {}) const;
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
    // The insight queries' shared steps (scorer_insight.cpp).
    void require_conversations(const char* where) const;
    [[nodiscard]] pair_lookup insight_pair(person_id a, person_id b, std::optional<timestamp> at, const char* where) const;
    [[nodiscard]] relscore::trend trend_at(std::uint32_t pair, std::int64_t t) const;
    [[nodiscard]] relscore::rhythm rhythm_at(std::uint32_t pair, std::int64_t t) const;
    void add_if_due(std::vector<due_item>& out, std::uint32_t pair, bool flipped, std::int64_t t) const;

    // The k most overdue (priority, then names), in that order (scorer_queries.cpp).
    [[nodiscard]] std::vector<due_item> rank_due(std::vector<due_item> items, std::size_t k) const;

    using error_site = detail::error_site;
    static error_site batch_position(std::size_t i) { return {"relscore::scorer::add_batch()", i}; }

    void check_person(person_id id) const {
        if (id >= m_names.size())
            detail::throw_error<unknown_person_error>("relscore::scorer: unknown person id " + std::to_string(id));
    }

    // Channels ingest met and the configuration registers on first use (scorer_ingest.cpp).
    void register_channels(const std::vector<std::string>& new_channels);

    // The largest of pair `idx`'s decayed sums: its value at the pair's last interaction
    // (kernel states and pace sums), and as stored at the anchor (kernel states).
    struct largest_sums {
        double value = 0, stored = 0;
    };
    [[nodiscard]] largest_sums largest_sum(std::uint32_t idx) const noexcept;

    // merge()'s strong guarantee for the finite-totals rule (limits.hpp): refuses, before
    // any change, a merge in which some pair's sums could add up past max_total.
    void check_merge_totals(const scorer& other) const;

    // A pair's touches after a merge: exact when one side's interactions all come before
    // the other's (the newer side's first touch is no touch if it shares a period with the
    // older side's last); otherwise the sum, which can only over-count.
    [[nodiscard]] std::uint32_t merged_touches(std::uint32_t mine, detail::conversation_rules::span mine_span,
                                               std::uint32_t theirs, detail::conversation_rules::span theirs_span) const;

    void apply(person_id source, person_id target, const dense_interaction& e) {
        const std::size_t pairs = m_pairs.size();
        const std::uint32_t pair = find_or_add_pair(std::min(source, target), std::max(source, target));
        count_one_interaction(pair);  // a pair at the limit is an old one: nothing made yet
        try {
            apply_to_pair(pair, resolve_event(source, target, e));
        } catch (...) {  // out of memory half-way
            keep_whole_after_failed_apply(pair, m_pairs.size() > pairs);
            throw;
        }
    }

    // ---- the limit of a relationship's interactions (limits.hpp) ----
    // m_most_interactions is at least the most interactions any pair holds and never more
    // than max_pair_interactions, so a pair at the limit always meets the checks below.

    // Refuses, before anything changes, a batch of n interactions that could take a
    // relationship past max_pair_interactions, and counts them toward m_most_interactions
    // (a single add() is checked in apply(), where its pair's record is at hand).
    // `pair_of(i)`: interaction i's pair key if both its people are known (a new pair has
    // none yet). One comparison unless some pair may be near the limit.
    template <class PairOf>
    void check_interaction_limit(std::size_t n, PairOf&& pair_of, const char* where) {
        if (n > max_pair_interactions || m_most_interactions > max_pair_interactions - n) [[unlikely]]
            check_interaction_limit_exactly(n, pair_of, where);
        else
            m_most_interactions += n;
    }
    // add()'s check before it registers a new channel: apply() counts the interaction later.
    void check_one_more_interaction(std::string_view a, std::string_view b, const char* where) const {
        const std::optional<std::uint64_t> key = known_pair(a, b);
        const std::uint32_t row = key ? m_pairs.find(*key) : no_row;
        if (row != no_row && interactions_of(m_pairs[row]) >= max_pair_interactions) refuse_past_interaction_limit(row, where);
    }
    // apply()'s check: pair `pair` is about to take one more interaction.
    void count_one_interaction(std::uint32_t pair) {
        const std::uint64_t had = interactions_of(m_pairs[pair]);
        if (had >= m_most_interactions) [[unlikely]] {
            if (had >= max_pair_interactions) refuse_past_interaction_limit(pair, "relscore::scorer::add()");
            m_most_interactions = had + 1;
        }
    }
    [[noreturn, gnu::cold, gnu::noinline]] void refuse_past_interaction_limit(std::uint32_t pair, const std::string& where) const {
        detail::throw_error<invalid_argument_error>(
            where + ": the relationship of '" + m_names[m_pairs[pair].lo] + "' and '" + m_names[m_pairs[pair].hi] +
            "' would hold more than relscore::max_pair_interactions (4294967295) interactions; nothing was added");
    }
    // The check with pairs near the limit: the bound made exact, then, if it is still too
    // close, each known pair's count in the batch of n against its own.
    template <class PairOf>
    [[gnu::cold, gnu::noinline]] void check_interaction_limit_exactly(std::size_t n, PairOf& pair_of, const char* where) {
        if (n > max_pair_interactions)
            detail::throw_error<invalid_argument_error>(std::string(where) + ": a batch of " + std::to_string(n) +
                                                        " interactions, more than relscore::max_pair_interactions "
                                                        "(4294967295): split it");
        std::uint64_t most = 0;
        for (const pair_record& p : m_pairs) most = std::max(most, interactions_of(p));
        if (most <= max_pair_interactions - n) {
            m_most_interactions = most + n;
            return;
        }
        boost::unordered_flat_map<std::uint64_t, std::uint64_t> added;
        for (std::size_t i = 0; i < n; ++i)
            if (const std::optional<std::uint64_t> key = pair_of(i)) ++added[*key];
        std::uint64_t most_after = std::max<std::uint64_t>(most, n);  // a new pair gets at most n
        for (const auto& [key, count] : added) {
            const std::uint32_t row = m_pairs.find(key);
            if (row == no_row) continue;
            if (interactions_of(m_pairs[row]) + count > max_pair_interactions) refuse_past_interaction_limit(row, where);
            most_after = std::max(most_after, interactions_of(m_pairs[row]) + count);
        }
        m_most_interactions = most_after;
    }
    // The key of the pair of two people, if both are known (by name, or by dense id).
    [[nodiscard]] std::optional<std::uint64_t> known_pair(std::string_view a, std::string_view b) const {
        const std::optional<person_id> x = find_person(a), y = find_person(b);
        if (!x || !y) return std::nullopt;
        return pair_key(std::min(*x, *y), std::max(*x, *y));
    }
    [[nodiscard]] std::optional<std::uint64_t> known_pair(person_id a, person_id b) const noexcept {
        if (std::max(a, b) >= m_names.size()) return std::nullopt;
        return pair_key(std::min(a, b), std::max(a, b));
    }

    // An interaction resolved for applying (its pair's key, direction and weight).
    [[nodiscard]] detail::grouped_event resolve_event(person_id source, person_id target, const dense_interaction& e) const noexcept {
        detail::grouped_event out;
        out.pair_key = pair_key(std::min(source, target), std::max(source, target));
        out.time_us = to_micros(e.time);
        out.weight = e.weight ? *e.weight : m_config.channels[e.channel].weight;
        out.channel = e.channel;
        out.dir = e.mutual ? 2 : static_cast<std::uint8_t>(source > target);
        return out;
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
        if (t < min_time_us || t > max_time_us) throw_query_out_of_range(where, t);  // (ages would overflow)
        return t;
    }
    // Out of line: keeps the error's string building out of every query's inlined code.
    [[noreturn, gnu::noinline, gnu::cold]] void throw_query_too_early(const char* where, timestamp at) const {
        std::string message = where;
        message += ": query time " + query_time_text(to_micros(at)) + " is earlier than the newest interaction " +
                   format_time(from_micros(m_newest_us));
        detail::throw_error<time_order_error>(message);
    }
    [[noreturn, gnu::noinline, gnu::cold]] static void throw_query_out_of_range(const char* where, std::int64_t t) {
        detail::throw_error<invalid_argument_error>(std::string(where) + ": query time " + query_time_text(t) +
                                                    " is outside years 1400..9999");
    }
    // A query time as an error message names it: as format_time() gives it, or in
    // microseconds outside the years that formats.
    [[nodiscard]] static std::string query_time_text(std::int64_t t) {
        if (t < min_time_us || t > max_time_us) return std::to_string(t) + "us";
        return format_time(from_micros(t));
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

    // from_bytes() with room for `expected_pairs_per_pair` times the snapshot's pairs
    // (from_bytes_many()'s first snapshot). Like the public snapshot members, it hands
    // the codec (src/snapshot_format.hpp) only the state layer and the configuration.
    [[nodiscard]] static scorer from_bytes_with_room(std::string_view bytes, double expected_pairs_per_pair);

    scorer_config m_config;
};

RELSCORE_END_NAMESPACE
