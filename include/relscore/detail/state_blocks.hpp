#pragma once
/// \file detail/state_blocks.hpp
/// Design notes: where a pair's decayed sums live.
///
/// A pair has one decayed sum per (kernel component, direction) it has used: two for a
/// pair that talks on one channel, ten for one that uses five, a few hundred with
/// power-law kernels. A sum is one double, its value at the pair's landmark (forward
/// decay, detail/decay.hpp); the landmark is in the pair's record. Each pair owns one
/// contiguous block of a shared pool. A full block moves to a new one of twice the
/// capacity at the end of the pool; the old one becomes a hole. When holes exceed half of
/// the capacity in use, the pool is compacted in one pass (amortized O(1) per sum added).
///
/// How a sum is found in its block depends on how many keys (component, direction) the
/// channels allow:
/// - at most 32 (the default channels have 10): the pool is *indexed*. A block holds a
///   32-bit set of the keys it has, so key k's sum is at the popcount of the keys below k:
///   no key array, no scan, no branch to mispredict, and reading a sum touches its own
///   cache line only. 8 bytes per sum.
/// - more (power-law kernels): a key array beside the sums, scanned. 12 bytes per sum. A
///   pool widens once if channels registered later pass 32 keys.
/// The key set is 32 bits, not 64, so that a block is 12 bytes and the pair's record has
/// room for its history reference (detail/pair_store.hpp) within one cache line.
/// Either way a block keeps its sums in key order, whatever order they were made in, and
/// volumes add up in that order: results are bit-identical across row orders, save, load,
/// merge and widening.

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <stdexcept>
#include <vector>

#include <relscore/error.hpp>
#include <relscore/version.hpp>

RELSCORE_BEGIN_NAMESPACE
namespace detail {

class state_blocks {
public:
    /// A pair's block: sums [first, first + count) of the pool, room for `capacity`.
    struct block {
        std::uint32_t present = 0;  // an indexed pool's keys in this block: bit k for key k
        std::uint32_t first = 0;
        std::uint16_t count = 0;
        std::uint16_t capacity = 0;
    };
    /// Kernel components a scorer may have: two directions each must fit a block.
    static constexpr std::size_t max_components = std::numeric_limits<std::uint16_t>::max() / 2;
    /// Keys an indexed pool can hold (one bit each in block::present).
    static constexpr std::size_t max_indexed_keys = 32;

    /// A pool for keys 0 .. keys-1: indexed when they fit block::present.
    explicit state_blocks(std::size_t keys) : m_indexed(keys <= max_indexed_keys) {}

    [[nodiscard]] static std::uint32_t key(std::uint16_t component, std::uint8_t dir) noexcept {
        return (std::uint32_t{component} << 1) | dir;
    }
    [[nodiscard]] static std::uint16_t component_of(std::uint32_t key) noexcept { return static_cast<std::uint16_t>(key >> 1); }
    [[nodiscard]] static std::uint8_t dir_of(std::uint32_t key) noexcept { return static_cast<std::uint8_t>(key & 1); }

    [[nodiscard]] bool indexed() const noexcept { return m_indexed; }

    /// Calls f(key, sum) for each of b's sums (each a double at the pair's landmark), in key order (the order volumes add up in).
    template <class F>
    void each(const block& b, F&& f) const {
        each_in(*this, m_sums.data() + b.first, b, f);
    }
    /// The same, each sum writable (f(key, double&)).
    template <class F>
    void each(const block& b, F&& f) {
        each_in(*this, m_sums.data() + b.first, b, f);
    }
    [[nodiscard]] std::span<const double> sums(const block& b) const noexcept { return {m_sums.data() + b.first, b.count}; }

    [[nodiscard]] double* find(const block& b, std::uint32_t k) noexcept {
        if (m_indexed) {
            assert(k < max_indexed_keys);
            const std::uint32_t bit = std::uint32_t{1} << k;
            if ((b.present & bit) == 0) return nullptr;
            return &m_sums[b.first + static_cast<std::uint32_t>(std::popcount(b.present & (bit - 1)))];
        }
        const std::uint32_t* keys = m_keys.data() + b.first;
        for (std::uint32_t i = 0; i < b.count; ++i)
            if (keys[i] == k) return &m_sums[b.first + i];
        return nullptr;
    }

    /// Adds a sum for key `k` (not yet in `b`) with the given initial value, in key order.
    /// The caller checks wasteful() first when the block is full, and compacts if so.
    /// `Counted` false: into a block with room, without counting it (threads that fill
    /// disjoint blocks at once; the caller then calls counted()).
    template <bool Counted = true>
    double& add(block& b, std::uint32_t k, double initial) {
        if constexpr (!Counted) {
            // Threads fill blocks made ready for them: moving a full one here would move the
            // pool under the other threads (checked in every build: it costs one compare).
            if (b.count == b.capacity) throw_error<std::logic_error>("relscore: internal error: a threaded batch found a block without room");
        }
        if (b.count == b.capacity) move_to_larger(b);
        const std::uint32_t end = b.first + b.count;
        std::uint32_t at = end;  // after every key it has (as a snapshot's keys come), else in between
        if (m_indexed) {
            assert(k < max_indexed_keys);
            const std::uint32_t bit = std::uint32_t{1} << k;
            if ((b.present & ~(bit - 1)) != 0) at = b.first + static_cast<std::uint32_t>(std::popcount(b.present & (bit - 1)));
            b.present |= bit;
        } else {
            if (b.count > 0 && m_keys[end - 1] > k)
                at = static_cast<std::uint32_t>(std::lower_bound(m_keys.begin() + b.first, m_keys.begin() + end, k) - m_keys.begin());
            std::copy_backward(m_keys.begin() + at, m_keys.begin() + end, m_keys.begin() + end + 1);
            m_keys[at] = k;
        }
        if (at < end) std::copy_backward(m_sums.begin() + at, m_sums.begin() + end, m_sums.begin() + end + 1);
        ++b.count;
        m_sums[at] = initial;
        if constexpr (Counted) ++m_live;
        return m_sums[at];
    }
    /// No longer counts b's sums (its pair is dropped; a compaction reclaims the room).
    void forget(const block& b) noexcept { m_live -= b.count; }
    /// Counts n sums added with add<false>().
    void counted(std::size_t n) noexcept { m_live += n; }

    /// Makes room in `b` for `n` sums in all (a loader that knows the count: no slack).
    void make_room(block& b, std::size_t n) {
        if (n > b.capacity) move_to(b, std::min(n, 2 * max_components));
    }

    /// Room for `n` more sums without reallocating (bulk ingest knows how many it adds):
    /// exactly that much into an empty pool, else growing geometrically, so that many small
    /// batches stay amortized O(1).
    void reserve_more(std::size_t n) {
        const std::size_t want = m_sums.size() + n;
        if (want <= m_sums.capacity()) return;
        const std::size_t room = std::max(want, m_sums.capacity() + m_sums.capacity() / 2);
        if (!m_indexed) m_keys.reserve(room);
        m_sums.reserve(room);
    }

    /// Makes room for keys 0 .. keys-1: an indexed pool that cannot hold them gets its key
    /// array. `each_block(f)` as for compact(). Nothing
    /// changes if it throws.
    template <class EachBlock>
    void allow_keys(std::size_t keys, EachBlock&& each_block) {
        if (!m_indexed || keys <= max_indexed_keys) return;
        std::vector<std::uint32_t> key_array(m_sums.size());
        each_block([&](block& b) {
            std::uint32_t at = b.first;
            for (std::uint32_t bits = b.present; bits != 0; bits &= bits - 1)
                key_array[at++] = static_cast<std::uint32_t>(std::countr_zero(bits));
            b.present = 0;
        });
        m_keys = std::move(key_array);
        m_keys.reserve(m_sums.capacity());
        m_indexed = false;
    }

    /// True when holes exceed half of the capacity in use.
    [[nodiscard]] bool wasteful() const noexcept { return m_sums.size() - m_in_use > m_in_use / 2 + 1024; }

    /// Closes the holes; with `trim`, also each block's spare capacity. `each_block(f)` must
    /// call f(block&) once for every block. Without `trim` (ingest compacts when a block
    /// must grow) the pool keeps room for half as many sums again, so that the growth that
    /// follows does not copy it all at once more.
    template <class EachBlock>
    void compact(EachBlock&& each_block, bool trim = false) {
        std::vector<std::uint32_t> keys;
        std::vector<double> sums;
        const std::size_t room = trim ? m_live : m_in_use + m_in_use / 2;
        if (!m_indexed) keys.reserve(room);
        sums.reserve(room);
        each_block([&](block& b) {
            const auto first = static_cast<std::uint32_t>(sums.size());
            if (trim) b.capacity = b.count;
            if (!m_indexed) keys.insert(keys.end(), m_keys.begin() + b.first, m_keys.begin() + b.first + b.capacity);
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
        return m_keys.capacity() * sizeof(std::uint32_t) + m_sums.capacity() * sizeof(double);
    }

private:
    template <class Sum, class F>
    static void each_in(const state_blocks& pool, Sum* sums, const block& b, F& f) {
        if (pool.m_indexed) {
            std::uint32_t i = 0;
            for (std::uint32_t keys = b.present; keys != 0; keys &= keys - 1)
                f(static_cast<std::uint32_t>(std::countr_zero(keys)), sums[i++]);
        } else {
            const std::uint32_t* keys = pool.m_keys.data() + b.first;
            for (std::uint32_t i = 0; i < b.count; ++i) f(keys[i], sums[i]);
        }
    }

    void move_to_larger(block& b) {
        move_to(b, b.capacity == 0 ? 2 : std::min<std::size_t>(2 * std::size_t{b.capacity}, 2 * max_components));
    }
    void move_to(block& b, std::size_t capacity) {
        const std::size_t first = m_sums.size();
        if (first + capacity > std::numeric_limits<std::uint32_t>::max())
            throw_error<invalid_argument_error>("relscore::scorer: more than 4 billion decayed sums");
        if (!m_indexed) {
            m_keys.resize(first + capacity);
            std::copy_n(m_keys.begin() + b.first, b.count, m_keys.begin() + static_cast<std::ptrdiff_t>(first));
        }
        m_sums.resize(first + capacity);
        std::copy_n(m_sums.begin() + b.first, b.count, m_sums.begin() + static_cast<std::ptrdiff_t>(first));
        m_in_use += capacity - b.capacity;
        b.first = static_cast<std::uint32_t>(first);
        b.capacity = static_cast<std::uint16_t>(capacity);
    }

    bool m_indexed;
    std::vector<std::uint32_t> m_keys;  // beside m_sums, unless m_indexed
    std::vector<double> m_sums;
    std::size_t m_live = 0;    // sums held
    std::size_t m_in_use = 0;  // Σ capacity of the blocks
};

}  // namespace detail
RELSCORE_END_NAMESPACE
