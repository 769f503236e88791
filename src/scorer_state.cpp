// relscore::scorer: The scorer's state as a whole: its memory by component, and releasing spare capacity.
// (Out of line: scorer.hpp keeps what every interaction or query inlines; see its header.)

#include <relscore/scorer.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

RELSCORE_BEGIN_NAMESPACE

scorer_memory scorer::memory_usage() const noexcept {
    const auto outer = [](const auto& v) { return v.capacity() * sizeof(v[0]); };
    const auto nested = [&](const auto& vv) {
        std::size_t n = outer(vv);
        for (const auto& v : vv) n += outer(v);
        return n;
    };
    // Boost's open-addressing maps: one slot per bucket plus about a byte of metadata.
    const auto map_bytes = [](const auto& m) {
        return m.bucket_count() * (sizeof(typename std::decay_t<decltype(m)>::value_type) + 1);
    };
    scorer_memory out;
    out.pairs = m_pairs.record_bytes();
    out.pair_index = m_pairs.index_bytes();
    out.ties = nested(m_ties);
    out.people = outer(m_names) + map_bytes(m_ids);
    for (const auto& name : m_names)
        if (name.capacity() > std::string().capacity()) out.people += 2 * (name.capacity() + 1);  // name and key
    out.decayed_sums = m_states.allocated_bytes();
    out.conversations = outer(m_history);  // kept ones only (detail/pair_store.hpp)
    for (const auto& h : m_history) out.conversations += h.heap_bytes();
    out.events = nested(m_events) + nested(m_windows);
    return out;
}

void scorer::shrink_to_fit() {
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
    m_ids.rehash(0);
}
RELSCORE_END_NAMESPACE
