#pragma once
/// \file detail/pair_store_history.hpp
/// Design notes: where a pair's conversation history is, kept apart from the class
/// (detail/pair_store.hpp, which includes this file at its end).
///
/// A history (detail/history.hpp, 176 bytes) is kept in `m_history` only from a pair's
/// second interaction: most pairs of real logs never have one. Until then the record's
/// `history` holds, with its top bit set, the one interaction's pace weight as a float
/// (weight_waiting()), and the history it stands for is made on demand
/// (history_not_kept_into()); its direction follows from the record's counts and its time
/// is the record's `last_us`. history_of() reads either kind; kept_history() is the one
/// that changes, and keeps it from then on.

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>

#include <relscore/detail/history.hpp>
#include <relscore/detail/pair_store.hpp>
#include <relscore/error.hpp>
#include <relscore/version.hpp>

RELSCORE_BEGIN_NAMESPACE
namespace detail {

// The history of a pair whose history is not kept (none, or one interaction's) into h.
inline void pair_store::history_not_kept_into(const pair_record& p, pair_history& h) const {
    h = pair_history{};
    const std::uint64_t interactions = std::uint64_t{p.n_lo_hi} + p.n_hi_lo + p.n_mutual;
    if (interactions == 0) return;
    const auto dir = static_cast<std::uint8_t>(p.n_mutual == 1 ? 2 : p.n_hi_lo == 1 ? 1 : 0);
    const double pace = std::bit_cast<float>(p.history & ~history_not_kept);
    m_rules.record(h, dir, dir == 2 ? pace / 2 : pace, p.last_us, true, min_time_us);
}

// Pair `idx`'s history: the kept one, or one made in `scratch`.
inline const pair_history& pair_store::history_of(std::uint32_t idx, pair_history& scratch) const {
    const pair_record& p = m_pairs[idx];
    if (history_is_kept(p)) return m_history[p.history];
    history_not_kept_into(p, scratch);
    return scratch;
}

// Room for n more kept histories: exactly that into none, else growing by half (as
// the other per-pair arrays), but never past the pairs' room (at most one per pair).
inline void pair_store::reserve_more_histories(std::size_t n) {
    const std::size_t want = m_history.size() + n;
    if (want > m_history.capacity())
        m_history.reserve(std::max(want, std::min(m_pairs.capacity(), m_history.capacity() + std::max<std::size_t>(16, m_history.capacity() / 2))));
}

// Pair `idx`'s history, to be changed: kept from now on. Call it before the record
// changes (it reads the history a record without a kept one stands for). A reference
// into m_history: the next call may move it.
inline pair_history& pair_store::kept_history(std::uint32_t idx) {
    const pair_record& p = m_pairs[idx];
    if (history_is_kept(p)) return m_history[p.history];
    pair_history h;
    history_not_kept_into(p, h);
    return new_kept_history(idx) = std::move(h);
}

// An empty history kept for pair `idx`, whose history is not kept yet (a loader reads
// into it).
inline pair_history& pair_store::new_kept_history(std::uint32_t idx) {
    if (m_history.size() >= history_not_kept)
        throw_error<invalid_argument_error>("relscore::scorer: more than 2 billion conversation histories");
    reserve_more_histories(1);
    m_history.emplace_back();
    m_pairs[idx].history = static_cast<std::uint32_t>(m_history.size() - 1);
    return m_history.back();
}

// Sets pair `idx`'s history to h (a loader's): not kept if it is the one its record
// stands for with its one interaction's weight (its pace sum).
inline void pair_store::set_history(std::uint32_t idx, pair_history&& h) {
    pair_record& p = m_pairs[idx];
    if (!history_is_kept(p)) {
        if (const std::optional<std::uint32_t> waiting = weight_waiting(h.pace.recent)) {
            p.history = *waiting;
            pair_history stands_for;
            history_not_kept_into(p, stands_for);
            if (stands_for == h) return;
        }
    }
    kept_history(idx) = std::move(h);
}

}  // namespace detail
RELSCORE_END_NAMESPACE
