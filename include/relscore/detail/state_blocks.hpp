#pragma once
/// \file detail/state_blocks.hpp
/// Design notes: where a pair's decayed sums live.
///
/// A pair has one decayed sum per (kernel component, direction) it has used: two for a
/// pair that talks on one channel, ten for one that uses five, a few hundred with
/// power-law kernels. Each pair owns one contiguous block of a shared pool, stored as two
/// parallel arrays (keys, sums), so finding a sum is a scan of a few adjacent 4-byte keys
/// rather than a walk of scattered records. A full block moves to a new one of twice the
/// capacity at the end of the pool; the old one becomes a hole. When holes exceed half of
/// the capacity in use, the pool is compacted in one pass (amortized O(1) per sum added).
/// 20 bytes per sum, plus the slack of the blocks' capacities.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include <relscore/detail/decay.hpp>
#include <relscore/error.hpp>
#include <relscore/version.hpp>

RELSCORE_BEGIN_NAMESPACE
namespace detail {

class state_blocks {
public:
    /// A pair's block: sums [first, first + count) of the pool, room for `capacity`.
    struct block {
        std::uint32_t first = 0;
        std::uint16_t count = 0;
        std::uint16_t capacity = 0;
    };
    /// Kernel components a scorer may have: two directions each must fit a block.
    static constexpr std::size_t max_components = std::numeric_limits<std::uint16_t>::max() / 2;

    [[nodiscard]] static std::uint32_t key(std::uint16_t component, std::uint8_t dir) noexcept {
        return (std::uint32_t{component} << 1) | dir;
    }
    [[nodiscard]] static std::uint16_t component_of(std::uint32_t key) noexcept { return static_cast<std::uint16_t>(key >> 1); }
    [[nodiscard]] static std::uint8_t dir_of(std::uint32_t key) noexcept { return static_cast<std::uint8_t>(key & 1); }

    [[nodiscard]] std::span<const std::uint32_t> keys(const block& b) const noexcept {
        return {m_keys.data() + b.first, b.count};
    }
    [[nodiscard]] std::span<const decayed_sum> sums(const block& b) const noexcept { return {m_sums.data() + b.first, b.count}; }

    [[nodiscard]] decayed_sum* find(const block& b, std::uint32_t k) noexcept {
        const std::uint32_t* keys = m_keys.data() + b.first;
        for (std::uint32_t i = 0; i < b.count; ++i)
            if (keys[i] == k) return &m_sums[b.first + i];
        return nullptr;
    }

    /// Appends a sum for key `k` (not yet in `b`) with the given initial value. The caller
    /// checks wasteful() first when the block is full, and compacts if so.
    decayed_sum& add(block& b, std::uint32_t k, decayed_sum initial) {
        if (b.count == b.capacity) move_to_larger(b);
        const std::uint32_t at = b.first + b.count++;
        m_keys[at] = k;
        m_sums[at] = initial;
        ++m_live;
        return m_sums[at];
    }

    /// Makes room in `b` for `n` sums in all (a loader that knows the count: no slack).
    void make_room(block& b, std::size_t n) {
        if (n > b.capacity) move_to(b, std::min(n, 2 * max_components));
    }

    /// Room for `n` more sums without reallocating (bulk ingest knows how many it adds):
    /// exactly that much into an empty pool, else growing geometrically, so that many small
    /// batches stay amortized O(1).
    void reserve_more(std::size_t n) {
        const std::size_t want = m_keys.size() + n;
        if (want <= m_keys.capacity()) return;
        const std::size_t room = std::max(want, m_keys.capacity() + m_keys.capacity() / 2);
        m_keys.reserve(room);
        m_sums.reserve(room);
    }

    /// Reverses the order of b's sums (snapshots store them newest-created first).
    void reverse(const block& b) noexcept {
        std::reverse(m_keys.begin() + b.first, m_keys.begin() + b.first + b.count);
        std::reverse(m_sums.begin() + b.first, m_sums.begin() + b.first + b.count);
    }

    /// True when holes exceed half of the capacity in use.
    [[nodiscard]] bool wasteful() const noexcept { return m_keys.size() - m_in_use > m_in_use / 2 + 1024; }

    /// Closes the holes; with `trim`, also each block's spare capacity. `each_block(f)` must
    /// call f(block&) once for every block.
    template <class EachBlock>
    void compact(EachBlock&& each_block, bool trim = false) {
        std::vector<std::uint32_t> keys;
        std::vector<decayed_sum> sums;
        keys.reserve(trim ? m_live : m_in_use);
        sums.reserve(trim ? m_live : m_in_use);
        each_block([&](block& b) {
            const auto first = static_cast<std::uint32_t>(keys.size());
            if (trim) b.capacity = b.count;
            keys.insert(keys.end(), m_keys.begin() + b.first, m_keys.begin() + b.first + b.capacity);
            sums.insert(sums.end(), m_sums.begin() + b.first, m_sums.begin() + b.first + b.capacity);
            b.first = first;
        });
        if (trim) m_in_use = m_live;
        m_keys = std::move(keys);
        m_sums = std::move(sums);
    }

    /// Sums held (not capacity).
    [[nodiscard]] std::size_t size() const noexcept { return m_live; }
    /// Bytes the pool has allocated (its holes and blocks' slack included).
    [[nodiscard]] std::size_t allocated_bytes() const noexcept {
        return m_keys.capacity() * sizeof(std::uint32_t) + m_sums.capacity() * sizeof(decayed_sum);
    }

private:
    void move_to_larger(block& b) {
        move_to(b, b.capacity == 0 ? 2 : std::min<std::size_t>(2 * std::size_t{b.capacity}, 2 * max_components));
    }
    void move_to(block& b, std::size_t capacity) {
        const std::size_t first = m_keys.size();
        if (first + capacity > std::numeric_limits<std::uint32_t>::max())
            throw_error<invalid_argument_error>("relscore::scorer: more than 4 billion decayed sums");
        m_keys.resize(first + capacity);
        m_sums.resize(first + capacity);
        std::copy_n(m_keys.begin() + b.first, b.count, m_keys.begin() + static_cast<std::ptrdiff_t>(first));
        std::copy_n(m_sums.begin() + b.first, b.count, m_sums.begin() + static_cast<std::ptrdiff_t>(first));
        m_in_use += capacity - b.capacity;
        b.first = static_cast<std::uint32_t>(first);
        b.capacity = static_cast<std::uint16_t>(capacity);
    }

    std::vector<std::uint32_t> m_keys;
    std::vector<decayed_sum> m_sums;
    std::size_t m_live = 0;    // sums held
    std::size_t m_in_use = 0;  // Σ capacity of the blocks
};

}  // namespace detail
RELSCORE_END_NAMESPACE
