#pragma once
/// \file detail/pair_store_rows.hpp
/// Design notes: how people and pairs are made, and unmade when making one fails; kept
/// apart from the class (detail/pair_store.hpp, which includes this file at its end).
///
/// A dense id makes every id below it a person, so one large id can be many people:
/// ensure_dense_people() keeps none of them if they do not fit in memory. A pair is
/// indexed only once nothing can fail before its first interaction is applied (room in
/// its people's tie lists first); if applying that interaction runs out of memory
/// half-way, the pair goes again (drop_new_pair()), so every pair a scorer keeps has
/// interacted and its snapshot loads (tests/cpp/out_of_memory.cpp).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <relscore/detail/pair_store.hpp>
#include <relscore/error.hpp>
#include <relscore/version.hpp>

RELSCORE_BEGIN_NAMESPACE
namespace detail {

inline void pair_store::make_dense_people(person_id top) {
    // Validate first: a decimal name already used by another person is a conflict.
    for (auto id = static_cast<person_id>(m_names.size()); id <= top; ++id) {
        if (auto it = m_ids.find(std::to_string(id)); it != m_ids.end())
            throw_error<invalid_argument_error>("relscore::scorer::add(): dense id " + std::to_string(id) +
                                                " would be named '" + std::to_string(id) +
                                                "', which already names person " + std::to_string(it->second));
    }
    // Every id below top becomes a person, so a large id is many people: if they do
    // not fit in memory, none is kept (the strong guarantee of the callers).
    const std::size_t before = m_names.size();
    try {
        while (m_names.size() <= top) new_person(std::to_string(m_names.size()));
    } catch (...) {
        forget_people_from(before);
        throw;
    }
}

// Drops people [count, people) again: ones just made, in no pair yet.
inline void pair_store::forget_people_from(std::size_t count) noexcept {
    for (std::size_t id = count; id < m_names.size(); ++id) m_ids.erase(m_names[id]);
    m_names.resize(count);
    m_ties.resize(std::min(count, m_ties.size()));
}

inline void pair_store::room_for_one_more_tie(person_id p) {
    std::vector<std::uint32_t>& ties = m_ties[p];
    if (ties.size() == ties.capacity()) ties.reserve(ties.size() + std::max<std::size_t>(ties.size(), 1));
}
// After apply_to_pair() ran out of memory half-way: a pair just made (`fresh`) goes
// again, so every pair kept has interacted; a known one keeps what it got, and the
// scorer's times cover its times. Out of line: ingest's hot path only calls it.
inline void pair_store::keep_whole_after_failed_apply(std::uint32_t idx, bool fresh) noexcept {
    const pair_record& p = m_pairs[idx];
    if (fresh) {
        drop_new_pair(idx);
    } else if (p.first_us <= p.last_us) {
        m_newest_us = std::max(m_newest_us, p.last_us);
        m_oldest_us = std::min(m_oldest_us, p.first_us);
    }
}
// Undoes find_or_add_pair() of the newest pair: its row, index entry, tie list
// entries, sums and history go.
inline void pair_store::drop_new_pair(std::uint32_t idx) noexcept {
    const pair_record& p = m_pairs[idx];
    m_ties[p.lo].pop_back();
    m_ties[p.hi].pop_back();
    m_states.forget(p.states);
    if (history_is_kept(p) && p.history + std::size_t{1} == m_history.size()) m_history.pop_back();
    if (m_retain_events) m_events.pop_back();
    if (m_kernels.has_windows) m_windows.pop_back();
    m_pairs.drop_last();
}

// Adds rows [first, end) to their people's tie lists in row order. When the new rows
// are many for the people there are (a loader, a large batch), each list grows once in
// a counting pass, which costs O(people); else one row at a time.
inline void pair_store::link_ties(std::uint32_t first) {
    const std::size_t rows = m_pairs.size() - first;
    if (rows >= m_ties.size() / 4) {
        std::vector<std::uint32_t> more(m_ties.size());
        for (std::size_t idx = first; idx < m_pairs.size(); ++idx) {
            ++more[m_pairs[idx].lo];
            ++more[m_pairs[idx].hi];
        }
        for (std::size_t p = 0; p < m_ties.size(); ++p) {
            auto& ties = m_ties[p];
            if (ties.size() + more[p] > ties.capacity())  // exact into an empty list, else geometric
                ties.reserve(std::max(ties.size() + more[p], ties.capacity() + ties.capacity() / 2));
        }
    }
    for (std::size_t idx = first; idx < m_pairs.size(); ++idx) {
        m_ties[m_pairs[idx].lo].push_back(static_cast<std::uint32_t>(idx));
        m_ties[m_pairs[idx].hi].push_back(static_cast<std::uint32_t>(idx));
    }
}

}  // namespace detail
RELSCORE_END_NAMESPACE
