#pragma once
/// \file detail/pair_store.hpp
/// Design notes: where an interaction's state lives, and how one changes it.
///
/// - People are interned to dense ids (`person_id`): `m_names[id]`, and `m_ids` back.
/// - An undirected pair {lo, hi} (lo < hi) is row `idx` of the per-pair arrays, found
///   by its key (lo << 32 | hi) through the index of `m_pairs` (detail/pair_table.hpp):
///   `m_pairs[idx]` (the record every interaction touches: times, counts, touches, where
///   its sums and its history are), and the optional `m_events[idx]` (retained events)
///   and `m_windows[idx]` (events of window kernels).
/// - A pair's conversation history (detail/history.hpp, 176 bytes) is kept in
///   `m_history` only from its second interaction on (detail/pair_store_history.hpp:
///   until then the record's `history` holds the one interaction's weight).
/// - A pair's decayed sums, one per (kernel component, direction) it has used, are one
///   contiguous block of the pool `m_states` (detail/state_blocks.hpp), each a double at
///   the pair's landmark `anchor_us` (forward decay, detail/decay.hpp): adding to a sum
///   is one exp2 and no read of its time, and a pair's record is one cache line.
/// - Each person keeps the list of their pairs (`m_ties`), so a person's top-k never
///   scans the graph.
/// - apply_to_pair() is the one place an interaction changes state; apply_grouped() feeds
///   it a batch grouped by pair (detail/batch_grouping.hpp), each pair's interactions in
///   time order (time_order()), so a batch's row order changes nothing. Rows are created
///   in order of first appearance either way.
/// The scorer (scorer.hpp) validates before it calls anything here, and answers queries
/// from this state; snapshots (src/snapshot_*.cpp) write and read it.

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>

#include <relscore/detail/batch_grouping.hpp>
#include <relscore/detail/conversation.hpp>
#include <relscore/detail/decay.hpp>
#include <relscore/detail/history.hpp>
#include <relscore/detail/kernels.hpp>
#include <relscore/detail/pair_table.hpp>
#include <relscore/detail/parallel.hpp>
#include <relscore/detail/state_blocks.hpp>
#include <relscore/detail/validation.hpp>
#include <relscore/error.hpp>
#include <relscore/interaction.hpp>
#include <relscore/scorer_types.hpp>
#include <relscore/version.hpp>

RELSCORE_BEGIN_NAMESPACE
namespace detail {

class pair_store {
public:
    /// Earliest and latest interaction times (detail/validation.hpp).
    static constexpr std::int64_t min_time_us = earliest_time_us;
    static constexpr std::int64_t max_time_us = latest_time_us;

    explicit pair_store(const scorer_config& config)
        : m_kernels(config.channels),
          m_rules(config.insight),
          m_conversations(config.insight.conversations),
          m_retain_events(config.insight.retain_events),
          m_states(2 * m_kernels.half_life_us.size()) {}

    static constexpr std::uint32_t no_row = std::numeric_limits<std::uint32_t>::max();  // as pair_table::no_row
    /// pair_record::history with this bit set: no history kept (see "conversation histories").
    static constexpr std::uint32_t history_not_kept = std::uint32_t{1} << 31;

    // ---- what is stored -----------------------------------------------------------------

    struct alignas(64) pair_record {
        person_id lo, hi;                 // lo < hi
        std::int64_t last_us;             // newest interaction time
        std::int64_t first_us;            // oldest interaction time
        std::int64_t anchor_us;           // the landmark its decayed sums are kept at (≤ last_us)
        std::uint32_t n_lo_hi, n_hi_lo, n_mutual;
        std::uint32_t touches;            // touch periods (UTC days by default) with contact
        state_blocks::block states;  // this pair's decayed sums
        std::uint32_t history = history_not_kept;  // see "conversation histories" below
    };
    static_assert(sizeof(pair_record) == 64, "a pair's record is one cache line");
    static_assert(no_row == pair_table<pair_record>::no_row);
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
    /// A pair's interactions: at most max_pair_interactions (limits.hpp).
    [[nodiscard]] static std::uint64_t interactions_of(const pair_record& p) noexcept {
        return std::uint64_t{p.n_lo_hi} + p.n_hi_lo + p.n_mutual;
    }

    // ---- people and pairs -------------------------------------------------------------

    person_id new_person(std::string name) {
        const auto id = static_cast<person_id>(m_names.size());
        m_names.push_back(name);
        m_ties.emplace_back();
        m_ids.emplace(std::move(name), id);
        return id;
    }

    // Makes people 0..top that do not exist yet, named by their decimal value (dense ids);
    // none if they do not fit in memory. (This and the functions to link_ties() below are
    // in detail/pair_store_rows.hpp.)
    void ensure_dense_people(person_id top) {
        if (top >= m_names.size()) make_dense_people(top);
    }
    [[gnu::cold]] void make_dense_people(person_id top);  // out of the hot path
    // Drops people [count, people) again: ones just made, in no pair yet.
    void forget_people_from(std::size_t count) noexcept;

    std::uint32_t find_or_add_pair(person_id lo, person_id hi) {
        if (const std::uint32_t row = m_pairs.find(pair_key(lo, hi)); row != no_row) return row;
        room_for_one_more_tie(lo);  // first, so that nothing fails once the pair is indexed
        room_for_one_more_tie(hi);
        const std::uint32_t idx = insert_pair(lo, hi).first;
        m_ties[lo].push_back(idx);
        m_ties[hi].push_back(idx);
        return idx;
    }
    void room_for_one_more_tie(person_id p);
    // After apply_to_pair() ran out of memory half-way: a pair just made (`fresh`) goes
    // again, so every pair kept has interacted; a known one keeps what it got, and the
    // scorer's times cover its times.
    [[gnu::cold]] void keep_whole_after_failed_apply(std::uint32_t idx, bool fresh) noexcept;
    // Undoes find_or_add_pair() of the newest pair: its row, index entry, tie list
    // entries, sums and history go.
    void drop_new_pair(std::uint32_t idx) noexcept;

    // The pair's row, and whether it is new. A new row is not yet in its people's tie
    // lists: find_or_add_pair() adds it at once, link_ties() many rows in one pass.
    std::pair<std::uint32_t, bool> insert_pair(person_id lo, person_id hi) {
        if (const std::uint32_t row = m_pairs.find(pair_key(lo, hi)); row != no_row) return {row, false};
        grow_pairs(m_pairs.size() + 1);  // so that nothing below can fail half-way
        const auto row = static_cast<std::uint32_t>(m_pairs.size());
        add_row(lo, hi);
        m_pairs.index(row);
        return {row, true};
    }

    // A new pair's row, not yet indexed (the caller's: m_pairs.index(row), with room
    // reserved by grow_pairs() so that neither fails).
    void add_row(person_id lo, person_id hi) {
        m_pairs.add({lo, hi, min_time_us, max_time_us, min_time_us, 0, 0, 0, 0, {}, history_not_kept});
        if (m_retain_events) m_events.emplace_back();
        if (m_kernels.has_windows) m_windows.emplace_back();
    }

    // Adds rows [first, end) to their people's tie lists in row order.
    void link_ties(std::uint32_t first);

    std::uint32_t find_or_add_pair(std::uint64_t key) {
        return find_or_add_pair(static_cast<person_id>(key >> 32), static_cast<person_id>(key));
    }

    // The decayed sum of (component, dir) of `pair`, at its anchor; a new one is 0.
    // `Alone` false: the pair's block has room for it, and it is not counted yet (as
    // change_pair<false>() needs, see state_blocks::add).
    template <bool Alone = true>
    double& state_for(std::uint32_t pair, std::uint16_t component, std::uint8_t dir) {
        state_blocks::block& b = m_pairs[pair].states;
        const std::uint32_t key = state_blocks::key(component, dir);
        if (double* found = m_states.find(b, key)) return *found;
        if constexpr (Alone) {
            if (b.count == b.capacity && m_states.wasteful())
                m_states.compact([&](auto&& f) {
                    for (pair_record& p : m_pairs) f(p.states);
                });
        }
        return m_states.add<Alone>(b, key, 0.0);
    }

    // What weight w at t adds to a `component` sum of `pair`: w · 2^((t − anchor)/h), after
    // moving the anchor to t if that factor would pass 2^max_growth_half_lives. Both
    // directions of a mutual interaction add the same term: one exp2 for the two.
    double term_of(std::uint32_t pair, std::uint16_t component, double w, std::int64_t t) {
        const double h = m_kernels.half_life_us[component], per_h = m_kernels.per_half_life_us[component];
        if (static_cast<double>(t - m_pairs[pair].anchor_us) * per_h > max_growth_half_lives) move_anchor(pair, t);
        return flush_denormal(flush_denormal(w) * growth_factor(t - m_pairs[pair].anchor_us, h, per_h));
    }

    // Moves `pair`'s anchor to t (not earlier than it is), decaying its sums to t.
    void move_anchor(std::uint32_t pair, std::int64_t t) {
        pair_record& p = m_pairs[pair];
        if (t <= p.anchor_us) return;
        const std::int64_t dt = t - p.anchor_us;
        m_states.each(p.states, [&](std::uint32_t key, double& sum) {
            const std::uint16_t component = state_blocks::component_of(key);
            sum = value_after(sum, dt, m_kernels.half_life_us[component], m_kernels.per_half_life_us[component]);
        });
        p.anchor_us = t;
    }

    // ---- applying interactions --------------------------------------------------------

    // The order in which a batch's interactions reach their pair: by time, and equal times
    // by who sent (the one whose name sorts first, then the other, then mutual ones), then
    // weight, then channel name. Nothing in it depends on row order or on how ids were
    // assigned, so a shuffled batch gives bit for bit the sorted batch's result.
    [[nodiscard]] bool time_order(const grouped_event& x, const grouped_event& y) const noexcept {
        if (x.time_us != y.time_us) return x.time_us < y.time_us;
        if (x.dir != y.dir) return sender_rank(x) < sender_rank(y);
        if (x.weight != y.weight) return x.weight < y.weight;
        return m_kernels.name_rank[x.channel] < m_kernels.name_rank[y.channel];
    }

    // Applies a validated batch (detail/batch_grouping.hpp): grouped by pair, one index
    // lookup per pair and slice (and a second to index a new pair once its record exists),
    // each pair's records touched while hot, each pair's interactions
    // in time_order(). New pairs are created in order of first appearance. The state is
    // bit-identical to adding the batch one by one in time_order().
    // `make(i)`: interaction i resolved (grouped_event; its index is ignored).
    template <class Make>
    void apply_grouped(std::size_t n, Make&& make);  // in detail/pair_store_bulk.hpp, as the two below
    // A known pair's run of a batch (bulk ingest with threads).
    struct known_run {
        std::uint32_t row;
        std::span<const grouped_event> run;
    };
    void apply_known_in_parts(std::span<const known_run> known);
    void make_room_for(std::uint32_t row, std::span<const grouped_event> run);
    void reserve_events_for(std::uint32_t row, std::span<const grouped_event> run);
    void drop_rows_without_interactions(std::uint32_t first) noexcept;
    template <class Run>
    void apply_in_parts(unsigned parts, const std::vector<std::size_t>& cut, Run&& run);
    template <class EventsOf>
    [[nodiscard]] static std::vector<std::size_t> cut_by_events(std::size_t count, unsigned parts, std::size_t events, EventsOf&& events_of);
    // The positions of a batch of n interactions in time order (stable), or nothing if the
    // batch already is in time order.
    template <class Make>
    [[nodiscard]] static std::vector<std::size_t> time_sorted(std::size_t n, Make& make);
    // How many interactions from `base` go in the next slice of a batch.
    template <class At>
    [[nodiscard]] static std::size_t slice_length(std::size_t base, std::size_t n, At& at);


    // A hint to fetch the cache line at p (a no-op where the compiler has no such hint).
    static void prefetch(const void* p) noexcept {
#if defined(__GNUC__) || defined(__clang__)
        __builtin_prefetch(p);
#else
        (void)p;
#endif
    }

    // Calls f(component, first_dir, last_dir) for each kernel component of interaction
    // `e`'s channel: the decayed sums it adds to are that component's in directions
    // first_dir..last_dir (its own, or both in order for a mutual one, which adds the
    // same term to each).
    template <class F>
    void for_each_sum(const grouped_event& e, F&& f) const {
        const auto [first_component, end_component] = m_kernels.channel_components[e.channel];
        const auto first_dir = static_cast<std::uint8_t>(e.dir == 2 ? 0 : e.dir), last_dir = static_cast<std::uint8_t>(e.dir == 2 ? 1 : e.dir);
        for (std::uint32_t k = first_component; k < end_component; ++k) f(static_cast<std::uint16_t>(k), first_dir, last_dir);
    }

    // How many decayed sums (component, direction) a new pair's run of interactions creates.
    [[nodiscard]] std::uint32_t sums_created_by(std::span<const grouped_event> run) {
        m_block_keys.clear();
        for (const grouped_event& e : run)
            for_each_sum(e, [&](std::uint16_t component, std::uint8_t first_dir, std::uint8_t last_dir) {
                for (std::uint8_t dir = first_dir; dir <= last_dir; ++dir) {
                    const std::uint32_t key = state_blocks::key(component, dir);
                    if (std::find(m_block_keys.begin(), m_block_keys.end(), key) == m_block_keys.end()) m_block_keys.push_back(key);
                }
            });
        return static_cast<std::uint32_t>(m_block_keys.size());
    }

    // Capacity for `pairs` pairs, growing geometrically so repeated batches stay amortized O(1).
    void grow_pairs(std::size_t pairs) {
        if (has_room(pairs)) return;
        reserve_pairs(std::max(pairs, m_pairs.capacity() + m_pairs.capacity() / 2));
    }

    // Room for `pairs` pairs in all, without rehashing or reallocation (never less than
    // there is). The per-pair vectors first and the records last, so that has_room() holds
    // only once everything has it, even if a reservation runs out of memory.
    void reserve_pairs(std::size_t pairs) {
        const auto reserve = [pairs](auto& v) {
            if (pairs > v.capacity()) v.reserve(pairs);
        };
        if (m_retain_events) reserve(m_events);
        if (m_kernels.has_windows) reserve(m_windows);
        m_pairs.reserve(pairs);
    }
    [[nodiscard]] bool has_room(std::size_t pairs) const noexcept {
        return m_pairs.has_room(pairs) && (!m_retain_events || pairs <= m_events.capacity()) && (!m_kernels.has_windows || pairs <= m_windows.capacity());
    }

    // One validated interaction of pair `idx`.
    void apply_to_pair(std::uint32_t idx, const grouped_event& e) {
        change_pair<true>(idx, e);
        m_newest_us = std::max(m_newest_us, e.time_us);
        m_oldest_us = std::min(m_oldest_us, e.time_us);
    }

    // What apply_to_pair() changes in pair `idx`'s own state (all but the scorer's newest
    // and oldest times). `Alone` false: threads change other pairs at the same time, so
    // nothing shared may change: the pair's block of sums has room for every sum it will
    // make, which are counted afterwards (state_blocks::counted()), and its history is
    // kept already if it is to be (needs_kept_history()).
    template <bool Alone>
    void change_pair(std::uint32_t idx, const grouped_event& e) {
        const std::int64_t t = e.time_us;
        const double w = e.weight;
        const bool mutual = e.dir == 2;
        pair_record& p = m_pairs[idx];
        const bool first = p.first_us == max_time_us && p.last_us == min_time_us;
        const std::int64_t previous = p.last_us;
        // The history's place is in the record, so fetching it waits for the record: it is
        // found first (kept_history() reads the record as it was) and fetched while the
        // decayed sums, which wait for the record too, are updated; it is recorded last.
        pair_history* history = nullptr;
        if (m_conversations) {
            const std::optional<std::uint32_t> waiting =
                first && !history_is_kept(p) ? weight_waiting(e.dir == 2 ? 2 * w : w) : std::nullopt;
            if (waiting) {
                p.history = *waiting;
            } else {
                if constexpr (!Alone) {  // made beforehand (needs_kept_history()), or m_history would move under other threads
                    if (!history_is_kept(p)) throw_error<std::logic_error>("relscore: internal error: a threaded batch found a history not kept");
                }
                history = &kept_history(idx);
                prefetch(history);
                // Its hot 128 bytes, which start anywhere in a line: three lines at most.
                prefetch(reinterpret_cast<const char*>(history) + 64);
                prefetch(reinterpret_cast<const char*>(history) + 127);
            }
        }
        if (first) p.anchor_us = t;  // (a merge or snapshot sets it otherwise)
        const bool late = !first && t < previous;
        if (!late && (first || m_rules.new_touch_period(previous, t))) ++p.touches;
        p.first_us = std::min(p.first_us, t);
        p.last_us = std::max(p.last_us, t);
        if (m_retain_events) m_events[idx].push_back({t, w, e.channel, e.dir});
        ++(mutual ? p.n_mutual : e.dir == 0 ? p.n_lo_hi : p.n_hi_lo);
        for_each_sum(e, [&](std::uint16_t component, std::uint8_t first_dir, std::uint8_t last_dir) {
            const double term = term_of(idx, component, w * m_kernels.component_weight[component], t);
            for (std::uint8_t dir = first_dir; dir <= last_dir; ++dir) state_for<Alone>(idx, component, dir) += term;
        });
        if (m_kernels.window_us[e.channel] > 0) add_to_window(idx, {t, w, e.channel, e.dir});
        if (history) m_rules.record(*history, e.dir, w, t, first, previous);  // nothing above moves m_history
    }

    // Whether a new pair's run of interactions (in time order) gets a kept history: from
    // a second interaction, or at once if a float cannot hold its one interaction's pace
    // (as change_pair() decides for a pair's first interaction).
    [[nodiscard]] static bool needs_kept_history(std::span<const grouped_event> run) noexcept {
        return run.size() > 1 || !weight_waiting(run.front().dir == 2 ? 2 * run.front().weight : run.front().weight);
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
        std::erase_if(m_windows[pair], [&](const retained_event& ev) { return last - ev.time_us >= m_kernels.window_us[ev.channel]; });
    }
    // Window kernels' volumes of a pair at t, by stored direction.
    void add_window_volumes(std::uint32_t pair, std::int64_t t, double (&v)[2]) const {
        if (!m_kernels.has_windows) return;
        for (const retained_event& ev : m_windows[pair]) {
            if (t - ev.time_us >= m_kernels.window_us[ev.channel] || ev.time_us > t) continue;
            if (ev.dir != 1) v[0] += ev.weight;
            if (ev.dir != 0) v[1] += ev.weight;
        }
    }
    // time_order()'s rank of who sent an interaction: the person whose name sorts first,
    // then the other one, then both (mutual).
    [[nodiscard]] int sender_rank(const grouped_event& e) const noexcept {
        if (e.dir == 2) return 2;
        const bool lo_first = m_names[static_cast<person_id>(e.pair_key >> 32)] < m_names[static_cast<person_id>(e.pair_key)];
        return lo_first ? e.dir : 1 - e.dir;
    }

    // ---- conversation histories ---------------------------------------------------------

    // The pair_record::history of a pair whose one interaction added `pace` (its weight,
    // twice that if mutual) to the pace sums, if a float holds it exactly; else nothing
    // (the history must be kept).
    [[nodiscard]] static std::optional<std::uint32_t> weight_waiting(double pace) noexcept {
        const auto f = static_cast<float>(pace);
        if (static_cast<double>(f) != pace || std::signbit(f)) return std::nullopt;
        return history_not_kept | std::bit_cast<std::uint32_t>(f);  // a positive float's top bit is 0
    }
    [[nodiscard]] static bool history_is_kept(const pair_record& p) noexcept { return (p.history & history_not_kept) == 0; }

    // The history of a pair whose history is not kept (none, or one interaction's) into h.
    void history_not_kept_into(const pair_record& p, pair_history& h) const;
    // Pair `idx`'s history: the kept one, or one made in `scratch`.
    [[nodiscard]] const pair_history& history_of(std::uint32_t idx, pair_history& scratch) const;
    // Room for n more kept histories (detail/pair_store_history.hpp, as the four above and below).
    void reserve_more_histories(std::size_t n);
    // Pair `idx`'s history, to be changed: kept from now on. Call it before the record
    // changes. A reference into m_history: the next call may move it.
    pair_history& kept_history(std::uint32_t idx);
    // An empty history kept for pair `idx`, whose history is not kept yet (a loader's).
    pair_history& new_kept_history(std::uint32_t idx);
    // Sets pair `idx`'s history to h (a loader's).
    void set_history(std::uint32_t idx, pair_history&& h);

    // ---- reading --------------------------------------------------------------------

    // The pair's volumes at t by stored direction (0: lo→hi).
    void volumes(std::uint32_t pair, std::int64_t t, double (&v)[2]) const {
        v[0] = v[1] = 0;
        const std::int64_t age = t - m_pairs[pair].anchor_us;
        m_states.each(m_pairs[pair].states, [&](std::uint32_t key, double sum) {
            const std::uint16_t component = state_blocks::component_of(key);
            v[state_blocks::dir_of(key)] += value_after(sum, age, m_kernels.half_life_us[component], m_kernels.per_half_life_us[component]);
        });
        add_window_volumes(pair, t, v);
    }
    // At least volumes() gives (at most four times that), with no exp2: each sum halved
    // by its whole half-lives only (half_lives_at_most()). top() ranks by it first.
    void volume_bounds(std::uint32_t pair, std::int64_t t, double (&v)[2]) const {
        v[0] = v[1] = 0;
        const std::int64_t age = t - m_pairs[pair].anchor_us;
        // A component's two directions are adjacent keys: its halvings are found once.
        std::uint32_t last_component = std::numeric_limits<std::uint32_t>::max();
        std::int64_t times = 0;
        m_states.each(m_pairs[pair].states, [&](std::uint32_t key, double sum) {
            if (age > 0) {
                const std::uint16_t component = state_blocks::component_of(key);
                if (component != last_component) {
                    times = half_lives_at_most(age, m_kernels.per_half_life_us[component]);
                    last_component = component;
                }
                sum = halved(sum, times);
            }
            v[state_blocks::dir_of(key)] += sum;
        });
        add_window_volumes(pair, t, v);
    }

    // ---- the state -------------------------------------------------------------------

    thread_use m_threads;         // what bulk ingest may use (scorer::set_threads())
    kernel_table m_kernels;       // the channels' kernels as exponential components
    conversation_rules m_rules;   // from insight_config
    bool m_conversations;         // insight_config::conversations: keep m_history
    bool m_retain_events;         // insight_config::retain_events: keep m_events

    std::vector<std::string> m_names;  // person id -> name
    boost::unordered_flat_map<std::string, person_id, string_hash, std::equal_to<>> m_ids;
    std::vector<std::vector<std::uint32_t>> m_ties;  // person -> their pairs

    pair_table<pair_record> m_pairs;                   // per pair, with the index pair_key -> row
    state_blocks m_states;                             // every pair's decayed sums
    std::vector<pair_history> m_history;               // kept histories, if m_conversations (see above)
    std::vector<std::vector<retained_event>> m_events;   // per pair, if m_retain_events
    std::vector<std::vector<retained_event>> m_windows;  // per pair, if a channel has a window kernel
    std::int64_t m_newest_us = min_time_us;
    std::int64_t m_oldest_us = max_time_us;
    // At least the most interactions any one pair holds: ingest adds its size, so that
    // the limit (max_pair_interactions) costs it one comparison (scorer.hpp).
    std::uint64_t m_most_interactions = 0;

    std::vector<std::uint32_t> m_block_keys;  // scratch of sums_created_by()
};

}  // namespace detail
RELSCORE_END_NAMESPACE

#include <relscore/detail/pair_store_bulk.hpp>     // apply_grouped(), which needs the class complete
#include <relscore/detail/pair_store_history.hpp>  // the histories kept from a pair's second interaction
#include <relscore/detail/pair_store_rows.hpp>     // people and pairs made, and unmade after a failure
