#pragma once
/// \file detail/pair_store_bulk.hpp
/// Design notes: how pair_store applies a batch (bulk ingest), kept apart from the class
/// (detail/pair_store.hpp, which includes this file at its end) so that each file reads
/// on its own: the grouping itself is detail/batch_grouping.hpp; here its groups meet the
/// pairs. Known pairs are applied while their partition is in cache; new pairs are made in
/// order of first appearance, with room reserved for all of them at once, so the rows,
/// the index and the tie lists come out as one-by-one ingest would make them.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include <boost/sort/spreadsort/integer_sort.hpp>

#include <relscore/detail/parallel.hpp>
#include <relscore/detail/pair_store.hpp>
#include <relscore/version.hpp>

RELSCORE_BEGIN_NAMESPACE
namespace detail {

template <class Make>
void pair_store::apply_grouped(std::size_t n, Make&& make) {
    constexpr std::size_t worth_grouping = 64;  // below this, grouping costs more than it saves
    if (n < worth_grouping) {
        std::array<grouped_event, worth_grouping> events;
        const std::size_t rows = m_pairs.size();
        const auto drop_new_rows_from = [&](std::size_t first) noexcept {  // made here and never applied
            while (m_pairs.size() > std::max(first, rows)) drop_new_pair(static_cast<std::uint32_t>(m_pairs.size() - 1));
        };
        try {
            for (std::size_t i = 0; i < n; ++i) {
                events[i] = make(i);
                events[i].index = find_or_add_pair(events[i].pair_key);  // rows by first appearance
            }
        } catch (...) {  // out of memory: no row made here has interacted yet
            drop_new_rows_from(rows);
            throw;
        }
        std::sort(events.begin(), events.begin() + static_cast<std::ptrdiff_t>(n), [&](const grouped_event& x, const grouped_event& y) {
            return x.index != y.index ? x.index < y.index : time_order(x, y);
        });
        for (std::size_t i = 0; i < n; ++i) {  // in row order: rows after the one applied are untouched
            try {
                apply_to_pair(events[i].index, events[i]);
            } catch (...) {  // out of memory half-way: every pair kept has interacted
                const std::uint32_t row = events[i].index;
                drop_new_rows_from(row + std::size_t{1});
                keep_whole_after_failed_apply(row, row >= rows && (i == 0 || events[i - 1].index != row));
                throw;
            }
        }
        return;
    }
    // A batch larger than one slice is cut into slices in time order, so that a pair's
    // interactions in a later slice are never older than those in an earlier one.
    const std::vector<std::size_t> order = n > batch_grouping::max_slice ? time_sorted(n, make) : std::vector<std::size_t>{};
    const auto at = [&](std::size_t i) RELSCORE_ALWAYS_INLINE { return order.empty() ? make(i) : make(order[i]); };
    batch_grouping grouping;
    struct fresh_pair {
        std::uint32_t first;  // index of its first interaction in the slice
        std::uint32_t group;
        std::uint32_t sums;   // decayed sums its run creates
    };
    std::vector<fresh_pair> fresh;
    std::vector<known_run> known;
    for (std::size_t base = 0; base < n;) {
        const std::size_t m = slice_length(base, n, at);
        grouping.group_by_pair(m, [&](std::size_t i) RELSCORE_ALWAYS_INLINE { return at(base + i); }, m_threads);
        grouping.order_each_group([&](const grouped_event& x, const grouped_event& y) { return time_order(x, y); }, m_threads);
        const auto events = grouping.events();
        const auto groups = grouping.groups();
        const auto run_of = [&](std::uint32_t g) { return events.subspan(groups[g].begin, groups[g].end - groups[g].begin); };
        const auto key_of = [&](const fresh_pair& f) { return events[groups[f.group].begin].pair_key; };
        fresh.clear();
        known.clear();
        // Known pairs are applied at once, while their partition is in cache (or, with
        // threads and a slice large enough for them, collected and applied in parts).
        const bool may_split = parts_for(m, m_threads) > 1;
        for (std::uint32_t g = 0; g < groups.size(); ++g) {
            const std::uint32_t row = m_pairs.find(events[groups[g].begin].pair_key);
            if (row == no_row) {
                fresh.push_back({groups[g].first, g, 0});
            } else if (may_split) {
                known.push_back({row, run_of(g)});
            } else {
                for (const grouped_event& e : run_of(g)) apply_to_pair(row, e);
            }
        }
        if (!known.empty()) apply_known_in_parts(known);
        std::size_t fresh_sums = 0, fresh_histories = 0, fresh_events = 0;
        for (fresh_pair& f : fresh) {
            f.sums = sums_created_by(run_of(f.group));
            fresh_sums += f.sums;
            fresh_histories += run_of(f.group).size() > 1;  // kept from a second interaction
            fresh_events += run_of(f.group).size();
        }
        // New pairs in order of first appearance, with room made once (rows and their
        // index, and sums in blocks of the exact size, so the pool has no holes and no
        // slack); their records are then written in order while each one's events are
        // read as one run.
        boost::sort::spreadsort::integer_sort(  // a radix sort on `first`: ~5x std::sort here
            fresh.begin(), fresh.end(), [](const fresh_pair& f, unsigned shift) { return f.first >> shift; },
            [](const fresh_pair& x, const fresh_pair& y) { return x.first < y.first; });
        grow_pairs(m_pairs.size() + fresh.size());
        m_states.reserve_more(fresh_sums);
        if (m_conversations) reserve_more_histories(fresh_histories);
        const auto first_fresh = static_cast<std::uint32_t>(m_pairs.size());
        // The new rows enter the index and their people's tie lists once they are all
        // made, even if making one runs out of memory: the index inserts in one tight
        // loop, where the processor overlaps their cache misses (room is reserved
        // above, so they cannot fail; linking the tie lists allocates, and may).
        const auto index_and_link = [&] {
            for (auto row = first_fresh; row < m_pairs.size(); ++row) m_pairs.index(row);
            link_ties(first_fresh);
        };
        // New pairs come in order of first appearance, their groups in partition order:
        // each one's group and events are two cache misses, fetched ahead.
        const auto fetch_ahead = [&](std::size_t i, std::size_t end) {
            constexpr std::size_t ahead = 8;
            if (i + ahead < end) prefetch(&groups[fresh[i + ahead].group]);
            if (i + ahead / 2 < end) prefetch(&events[groups[fresh[i + ahead / 2].group].begin]);
        };
        const auto make_pair_room = [&](const fresh_pair& f) {
            const std::uint64_t key = key_of(f);
            const auto pair = static_cast<std::uint32_t>(m_pairs.size());
            add_row(static_cast<person_id>(key >> 32), static_cast<person_id>(key));
            if (f.sums > 0) m_states.make_room(m_pairs[pair].states, f.sums);
            return pair;
        };
        const auto parts = static_cast<unsigned>(std::min<std::size_t>(parts_for(fresh_events, m_threads), fresh.size()));
        try {
            if (parts <= 1) {  // (0 when there is no new pair)
                for (std::size_t i = 0; i < fresh.size(); ++i) {
                    fetch_ahead(i, fresh.size());
                    const fresh_pair& f = fresh[i];
                    const std::uint32_t pair = make_pair_room(f);
                    // A run of two or more keeps its history from the first (nothing to rebuild at the second).
                    if (m_conversations && run_of(f.group).size() > 1) new_kept_history(pair);
                    for (const grouped_event& e : run_of(f.group)) apply_to_pair(pair, e);
                }
            } else {
                // With threads: first every new pair's row, block of sums and (where it
                // will need one) history, in the order the loop above makes them; then
                // the runs, in parts of about equal numbers of events, each thread
                // changing only its own pairs (change_pair<false>()).
                for (const fresh_pair& f : fresh) {
                    const std::uint32_t pair = make_pair_room(f);
                    if (m_conversations && needs_kept_history(run_of(f.group))) new_kept_history(pair);
                    reserve_events_for(pair, run_of(f.group));
                }
                const auto cut = cut_by_events(fresh.size(), parts, fresh_events, [&](std::size_t i) { return run_of(fresh[i].group).size(); });
                apply_in_parts(parts, cut, [&](std::size_t i) {
                    fetch_ahead(i, fresh.size());
                    return std::pair{first_fresh + static_cast<std::uint32_t>(i), run_of(fresh[i].group)};
                });
            }
        } catch (...) {
            // Stopped half-way (out of memory): rows whose runs never began are dropped,
            // so that every pair the scorer keeps has interacted.
            drop_rows_without_interactions(first_fresh);
            index_and_link();
            throw;
        }
        index_and_link();
        base += m;
    }
}

// Applies known pairs' runs, with threads if they are many (bulk ingest with threads):
// first, in order, whatever each run changes outside its own pair (room for the sums it
// adds, a history it starts keeping); then the runs in parts of about equal numbers of
// events, each thread changing only its own pairs. The model's state is what applying
// them one pair after the other gives; only the pool's capacity may differ (a block grows
// once per batch here, where one at a time may grow it twice).
inline void pair_store::apply_known_in_parts(std::span<const known_run> known) {
    std::size_t events = 0;
    for (const known_run& k : known) events += k.run.size();
    const auto parts = static_cast<unsigned>(std::min<std::size_t>(parts_for(events, m_threads), known.size()));
    if (parts <= 1) {
        for (const known_run& k : known)
            for (const grouped_event& e : k.run) apply_to_pair(k.row, e);
        return;
    }
    for (const known_run& k : known) make_room_for(k.row, k.run);
    const auto cut = cut_by_events(known.size(), parts, events, [&](std::size_t i) { return known[i].run.size(); });
    apply_in_parts(parts, cut, [&](std::size_t i) { return std::pair{known[i].row, known[i].run}; });
}

// Where to cut `count` runs (`events_of(i)` events each, `events` in all) into `parts` of
// about equal numbers of events: part p is [cut[p], cut[p + 1]).
template <class EventsOf>
std::vector<std::size_t> pair_store::cut_by_events(std::size_t count, unsigned parts, std::size_t events, EventsOf&& events_of) {
    std::vector<std::size_t> cut(parts + 1, count);
    cut[0] = 0;
    unsigned part = 1;
    for (std::size_t i = 0, seen = 0; i < count && part < parts; ++i) {
        seen += events_of(i);
        while (part < parts && seen >= share_of(events, parts, part).first) cut[part++] = i + 1;
    }
    return cut;
}

// Makes known pair `row` ready for change_pair<false>() with `run`: room in its block for
// every sum the run adds, and its history kept if applying the run would start keeping it.
inline void pair_store::make_room_for(std::uint32_t row, std::span<const grouped_event> run) {
    state_blocks::block& b = m_pairs[row].states;
    m_block_keys.clear();
    for (const grouped_event& e : run)
        for_each_sum(e, [&](std::uint16_t component, std::uint8_t first_dir, std::uint8_t last_dir) {
            for (std::uint8_t dir = first_dir; dir <= last_dir; ++dir) {
                const std::uint32_t key = state_blocks::key(component, dir);
                if (!m_states.find(b, key) && std::find(m_block_keys.begin(), m_block_keys.end(), key) == m_block_keys.end())
                    m_block_keys.push_back(key);
            }
        });
    const std::size_t need = b.count + m_block_keys.size();
    if (need > b.capacity) {
        if (m_states.wasteful())  // as state_for() does before a block grows
            m_states.compact([&](auto&& f) {
                for (pair_record& p : m_pairs) f(p.states);
            });
        m_states.make_room(b, std::max(need, std::min<std::size_t>(2 * std::size_t{b.capacity}, 2 * state_blocks::max_components)));
    }
    const pair_record& p = m_pairs[row];
    if (m_conversations && !history_is_kept(p)) {
        const bool first = p.first_us == max_time_us && p.last_us == min_time_us;
        if (!first || needs_kept_history(run)) kept_history(row);
    }
    reserve_events_for(row, run);
}

// Room in pair `row`'s retained and window-kernel events for what `run` adds, so that
// applying it allocates nothing there (geometrically, as push_back would grow them).
inline void pair_store::reserve_events_for(std::uint32_t row, std::span<const grouped_event> run) {
    const auto room_for = [](auto& events, std::size_t more) {
        if (events.size() + more > events.capacity()) events.reserve(std::max(events.size() + more, 2 * events.capacity()));
    };
    if (m_retain_events) room_for(m_events[row], run.size());
    if (m_kernels.has_windows) {
        std::size_t windowed = 0;
        for (const grouped_event& e : run) windowed += m_kernels.window_us[e.channel] > 0 ? 1 : 0;
        if (windowed > 0) room_for(m_windows[row], windowed);
    }
}

// Drops the rows from `first` on that never got an interaction (a batch stopped by an
// exception before their runs began); the others move down in order. Only for rows not
// yet indexed or in tie lists. A kept history of a dropped row stays in m_history, unused.
inline void pair_store::drop_rows_without_interactions(std::uint32_t first) noexcept {
    std::uint32_t kept = first;
    for (std::uint32_t row = first; row < m_pairs.size(); ++row) {
        if (m_pairs[row].first_us == max_time_us && m_pairs[row].last_us == min_time_us) continue;
        if (kept != row) {
            m_pairs[kept] = m_pairs[row];
            if (m_retain_events) m_events[kept] = std::move(m_events[row]);
            if (m_kernels.has_windows) m_windows[kept] = std::move(m_windows[row]);
        }
        ++kept;
    }
    m_pairs.drop_unindexed_from(kept);
    if (m_retain_events) m_events.erase(m_events.begin() + kept, m_events.end());
    if (m_kernels.has_windows) m_windows.erase(m_windows.begin() + kept, m_windows.end());
}

// Applies runs [cut[p], cut[p + 1]) on thread p, for each of `parts`, with
// change_pair<false>(): `run(i)` gives the i-th run's pair and its events, each pair made
// ready for it (room for its sums, its history kept where it will be). What the threads
// leave shared follows after: the sums they added are counted, the scorer's newest and
// oldest times updated (as far as they got, if one threw).
template <class Run>
void pair_store::apply_in_parts(unsigned parts, const std::vector<std::size_t>& cut, Run&& run) {
    const auto sums_held = [&] {
        std::size_t held = 0;
        for (std::size_t i = 0; i < cut.back(); ++i) held += m_pairs[run(i).first].states.count;
        return held;
    };
    const std::size_t sums_before = sums_held();
    std::vector<std::pair<std::int64_t, std::int64_t>> span(parts, {max_time_us, min_time_us});  // oldest, newest
    const auto fold = [&] {
        m_states.counted(sums_held() - sums_before);
        for (const auto& [oldest, newest] : span) {
            m_oldest_us = std::min(m_oldest_us, oldest);
            m_newest_us = std::max(m_newest_us, newest);
        }
    };
    try {
        run_parts(parts, [&](unsigned p) {
            for (std::size_t i = cut[p]; i < cut[p + 1]; ++i) {
                const auto [row, events] = run(i);
                for (const grouped_event& e : events) {
                    change_pair<false>(row, e);
                    span[p].first = std::min(span[p].first, e.time_us);
                    span[p].second = std::max(span[p].second, e.time_us);
                }
            }
        });
    } catch (...) {
        fold();
        throw;
    }
    fold();
}

// The positions of a batch of n interactions in time order (stable), or nothing if the
// batch already is in time order. 16 bytes per interaction while it runs.
template <class Make>
std::vector<std::size_t> pair_store::time_sorted(std::size_t n, Make& make) {
    std::vector<std::int64_t> time(n);
    bool sorted = true;
    for (std::size_t i = 0; i < n; ++i) {
        time[i] = make(i).time_us;
        sorted = sorted && (i == 0 || time[i - 1] <= time[i]);
    }
    if (sorted) return {};
    std::vector<std::size_t> order(n);
    for (std::size_t i = 0; i < n; ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return time[x] < time[y]; });
    return order;
}

// How many interactions from `base` go in the next slice: at most max_slice, and never
// a cut between two interactions of the same time (time_order() must see all of those).
template <class At>
std::size_t pair_store::slice_length(std::size_t base, std::size_t n, At& at) {
    std::size_t m = std::min(batch_grouping::max_slice, n - base);
    if (base + m == n) return m;
    const std::int64_t cut = at(base + m).time_us;
    std::size_t shorter = m;
    while (shorter > 0 && at(base + shorter - 1).time_us == cut) --shorter;
    return shorter > 0 ? shorter : m;  // a slice of one time only: no better cut exists
}

}  // namespace detail
RELSCORE_END_NAMESPACE
