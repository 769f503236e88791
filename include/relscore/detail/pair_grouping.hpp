#pragma once
/// \file detail/pair_grouping.hpp
/// Design notes: the order in which bulk ingest applies a batch.
///
/// Applying interactions one by one costs a hash probe and a handful of cache misses each
/// (the pair's record, its conversation history, its decayed sums), all at random places
/// in memory. Bulk ingest instead sorts the batch by pair, keeping each pair's
/// interactions in batch order: then each pair is looked up once, and its records are
/// touched while they are hot. Since a pair's state depends only on the sequence of its own
/// interactions, the result is bit-identical to applying the batch one by one.
///
/// The sort key packs (lo, hi, index in the chunk) into one 64-bit integer, using only as
/// many bits as the largest person id needs, so Boost's radix-based integer_sort applies
/// and ties cannot occur. Id spaces too large to pack fall back to a comparison sort on
/// (pair key, index).

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include <boost/sort/pdqsort/pdqsort.hpp>
#include <boost/sort/spreadsort/integer_sort.hpp>

#include <relscore/interaction.hpp>
#include <relscore/version.hpp>

RELSCORE_BEGIN_NAMESPACE
namespace detail {

class pair_grouping {
public:
    /// Chunks are at most 2^16 interactions: the chunk's input columns stay in cache while
    /// they are read in pair order (larger chunks measured slower), and the sort's memory
    /// stays small whatever the batch size.
    static constexpr unsigned max_index_bits = 16;

    /// How many interactions of a batch whose largest person id is `max_id` one chunk may
    /// hold.
    [[nodiscard]] static std::size_t chunk_size(person_id max_id) noexcept {
        return std::size_t{1} << index_bits_for(max_id);
    }

    /// Sorts interactions [0, n) by (pair, index); `endpoints(i)` gives interaction i's
    /// (lo, hi), lo < hi ≤ max_id. n must not exceed chunk_size(max_id).
    template <class Endpoints>
    void sort(std::size_t n, person_id max_id, Endpoints&& endpoints) {
        m_id_bits = static_cast<unsigned>(std::bit_width(max_id));
        m_index_bits = index_bits_for(max_id);
        m_packed.clear();
        m_wide.clear();
        if (2 * m_id_bits + m_index_bits <= 64) {
            m_packed.resize(n);
            for (std::size_t i = 0; i < n; ++i) {
                const auto [lo, hi] = endpoints(i);
                m_packed[i] = (((std::uint64_t{lo} << m_id_bits) | hi) << m_index_bits) | i;
            }
            boost::sort::spreadsort::integer_sort(m_packed.begin(), m_packed.end());
        } else {
            m_wide.resize(n);
            for (std::size_t i = 0; i < n; ++i) {
                const auto [lo, hi] = endpoints(i);
                m_wide[i] = {(std::uint64_t{lo} << 32) | hi, static_cast<std::uint32_t>(i)};
            }
            boost::sort::pdqsort(m_wide.begin(), m_wide.end());
        }
    }

    [[nodiscard]] std::size_t size() const noexcept { return m_packed.empty() ? m_wide.size() : m_packed.size(); }
    /// The k-th interaction in sorted order: its index in the chunk.
    [[nodiscard]] std::uint32_t index(std::size_t k) const noexcept {
        return m_packed.empty() ? m_wide[k].second
                                : static_cast<std::uint32_t>(m_packed[k] & ((std::uint64_t{1} << m_index_bits) - 1));
    }
    /// The k-th interaction in sorted order: its pair as (lo << 32 | hi).
    [[nodiscard]] std::uint64_t pair_key(std::size_t k) const noexcept {
        if (m_packed.empty()) return m_wide[k].first;
        const std::uint64_t pair = m_packed[k] >> m_index_bits;
        const std::uint64_t hi = pair & ((std::uint64_t{1} << m_id_bits) - 1);
        return ((pair >> m_id_bits) << 32) | hi;
    }

private:
    // Index bits left once two ids are packed; below 2^12 interactions a chunk is not worth
    // it, and the comparison sort takes over with full-size chunks.
    [[nodiscard]] static unsigned index_bits_for(person_id max_id) noexcept {
        const auto id_bits = static_cast<unsigned>(std::bit_width(max_id));
        const unsigned left = 64 - std::min(64u, 2 * id_bits);
        return left >= 12 ? std::min(left, max_index_bits) : max_index_bits;
    }

    unsigned m_id_bits = 0, m_index_bits = 0;
    std::vector<std::uint64_t> m_packed;
    std::vector<std::pair<std::uint64_t, std::uint32_t>> m_wide;
};

}  // namespace detail
RELSCORE_END_NAMESPACE
