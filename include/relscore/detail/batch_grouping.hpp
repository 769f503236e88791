#pragma once
/// \file detail/batch_grouping.hpp
/// Design notes: how bulk ingest orders a batch — partition, then group in cache.
///
/// Applying interactions one by one costs a hash probe and a handful of cache misses each
/// (the pair's record, its conversation history, its decayed sums), all at random places.
/// Bulk ingest instead groups the whole batch by pair, so each pair is looked up once and
/// its records are touched while hot, however many of its interactions the batch holds.
///
/// Grouping works as columnar engines aggregate (a radix partition, then a hash table
/// small enough to stay in cache):
///  1. a counting pass finds how many interactions fall in each of 2^k partitions, by a
///     hash of the pair key (about 2,000 each, up to 1,024 partitions: then larger ones,
///     some 10,000 interactions of 32 bytes at 10 million, which still fit in L2);
///  2. a stable scatter pass resolves every interaction into a 32-byte `grouped_event`
///     that carries its pair key, time, weight, channel and direction, so later passes
///     never go back to the input columns at random;
///  3. inside each partition, a small hash table numbers the pairs by first appearance and
///     a counting sort lays each pair's events out contiguously, in batch order;
///  4. the scorer then puts each pair's events in time order (order_each_group(); a pair's
///     run is short and usually already ordered), so a batch gives the same result
///     whatever its row order.
/// Both passes are stable, so each group knows the pair's first appearance in the batch:
/// the scorer creates new pairs in that order.
/// Pass 1 only counts, and pass 2 resolves each interaction again rather than keeping a
/// second copy: a slice of at most `max_slice` interactions is grouped at a time, in 32
/// bytes of scratch memory per interaction.

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>

#include <relscore/channel.hpp>
#include <relscore/detail/parallel.hpp>
#include <relscore/version.hpp>

RELSCORE_BEGIN_NAMESPACE
namespace detail {

/// One validated interaction, resolved for applying: everything a pass needs, in one place.
struct grouped_event {
    std::uint64_t pair_key = 0;  ///< lo << 32 | hi
    std::int64_t time_us = 0;
    double weight = 0;           ///< resolved: the interaction's or its channel's
    std::uint32_t index = 0;     ///< position in the slice (set by batch_grouping)
    channel_id channel = 0;
    std::uint8_t dir = 0;        ///< 0: lo→hi, 1: hi→lo, 2: mutual
};
static_assert(sizeof(grouped_event) == 32);

class batch_grouping {
public:
    /// The most interactions grouped at once (scratch: 32 bytes each, 512 MiB at most).
    static constexpr std::size_t max_slice = std::size_t{1} << 24;
    /// Events per partition aimed at: a partition's events and its hash table fit in L2.
    static constexpr std::size_t partition_events = 2048;
    /// Partition fan-out cap: the scatter writes to one cache line per partition at once,
    /// and fewer write heads cost less than larger partitions do (10 M interactions over
    /// 1 M pairs: 1,024 partitions 1.11x faster than 4,096, 512 and 256 no faster).
    static constexpr unsigned max_partition_bits = 10;

    /// A pair's events: [begin, end) of events(); `first`: the index of its first event in
    /// the slice (its first appearance, whatever order the group is later put in).
    struct group {
        std::uint32_t begin, end, first;
    };

    /// Groups events [0, n) (n ≤ max_slice); `make(i)` resolves interaction i (its `index`
    /// is set here). With more than one thread each pass is split among them
    /// (detail/parallel.hpp), and `make` is then called from all of them at once; the
    /// result is the same.
    template <class Make>
    void group_by_pair(std::size_t n, Make&& make, const thread_use& threads = {}) {
        const unsigned bits = partition_bits(n);
        const std::size_t partitions = std::size_t{1} << bits;
        const unsigned parts = parts_for(n, threads);
        // Pass 1: each part counts its share of the rows by partition.
        m_cursor.assign(parts * partitions, 0);
        run_parts(parts, [&](unsigned part) {
            const auto [begin, end] = share_of(n, parts, part);
            std::size_t* count = m_cursor.data() + part * partitions;
            for (std::size_t i = begin; i < end; ++i) ++count[partition_of(make(i).pair_key, bits)];
        });
        // Partition p's events start at m_offset[p]; within it, part 0's rows come first,
        // then part 1's..., so the scatter is stable. Counts become each part's cursors.
        m_offset.assign(partitions + 1, 0);
        std::size_t at = 0;
        for (std::size_t p = 0; p < partitions; ++p) {
            m_offset[p] = at;
            for (unsigned part = 0; part < parts; ++part) {
                const std::size_t count = std::exchange(m_cursor[part * partitions + p], at);
                at += count;
            }
        }
        m_offset[partitions] = at;
        m_events.resize(n);
        run_parts(parts, [&](unsigned part) {  // pass 2: resolve again, stable scatter
            const auto [begin, end] = share_of(n, parts, part);
            std::size_t* cursor = m_cursor.data() + part * partitions;
            for (std::size_t i = begin; i < end; ++i) {
                grouped_event e = make(i);
                e.index = static_cast<std::uint32_t>(i);
                m_events[cursor[partition_of(e.pair_key, bits)]++] = e;
            }
        });
        // Pass 3, by ranges of partitions of about equal size, each part with its own
        // scratch; the groups come out in partition order.
        m_scratch.resize(std::max<std::size_t>(m_scratch.size(), parts));
        run_parts(parts, [&](unsigned part) {
            partition_scratch& scratch = m_scratch[part];
            scratch.groups.clear();
            for (std::size_t p = first_partition(n, parts, part), last = first_partition(n, parts, part + 1); p < last; ++p)
                group_partition(scratch, m_offset[p], m_offset[p + 1]);
        });
        m_groups.clear();
        for (unsigned part = 0; part < parts; ++part) m_groups.insert(m_groups.end(), m_scratch[part].groups.begin(), m_scratch[part].groups.end());
    }

    /// The grouped events: each group's events contiguous, in batch order (until
    /// order_each_group()).
    [[nodiscard]] std::span<const grouped_event> events() const noexcept { return m_events; }

    /// Puts each group's events in the order `less` gives (a check first: most groups of a
    /// batch already are, and then cost one sequential read).
    template <class Less>
    void order_each_group(Less&& less, const thread_use& threads = {}) {
        const unsigned parts = parts_for(m_events.size(), threads);
        run_parts(parts, [&](unsigned part) {
            const auto [begin, end] = share_of(m_groups.size(), parts, part);
            for (std::size_t g = begin; g < end; ++g) {
                const auto first = m_events.begin() + m_groups[g].begin, last = m_events.begin() + m_groups[g].end;
                if (!std::is_sorted(first, last, less)) std::sort(first, last, less);
            }
        });
    }
    /// The groups, one per pair, by partition and then by first appearance.
    [[nodiscard]] std::span<const group> groups() const noexcept { return m_groups; }

    /// Frees the scratch memory (it is otherwise kept for the next slice).
    void release() noexcept {
        m_events = {};
        m_scratch = {};
        m_groups = {};
    }

private:
    [[nodiscard]] static unsigned partition_bits(std::size_t n) noexcept {
        unsigned bits = 0;
        while (bits < max_partition_bits && (n >> bits) > partition_events) ++bits;
        return bits;
    }
    [[nodiscard]] static std::size_t partition_of(std::uint64_t key, unsigned bits) noexcept {
        // Fibonacci hashing: the top bits of key·2^64/φ mix both ids.
        return bits == 0 ? 0 : static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ULL) >> (64 - bits));
    }

    // What grouping one partition needs, one per thread.
    struct partition_scratch {
        std::vector<grouped_event> events;  // the partition's events while they are grouped
        boost::unordered_flat_map<std::uint64_t, std::uint32_t> number;  // pair key -> group
        std::vector<std::uint32_t> count, group_of;
        std::vector<group> groups;  // this thread's groups, in partition order
    };

    // The first partition of part `part` of `parts` (parts' ends: first_partition(part + 1)):
    // partitions in order, cut where the events before reach the part's share of n.
    [[nodiscard]] std::size_t first_partition(std::size_t n, unsigned parts, unsigned part) const noexcept {
        const std::size_t partitions = m_offset.size() - 1;
        if (part >= parts) return partitions;
        const std::size_t target = share_of(n, parts, part).first;
        return static_cast<std::size_t>(std::lower_bound(m_offset.begin(), m_offset.end() - 1, target) - m_offset.begin());
    }

    // Pass 3: events [begin, end), grouped by pair in place (a counting sort on the pair's
    // first-appearance number, through a partition-sized buffer).
    void group_partition(partition_scratch& s, std::size_t begin, std::size_t end) {
        s.number.clear();
        s.count.clear();
        s.group_of.resize(end - begin);
        s.events.assign(m_events.begin() + static_cast<std::ptrdiff_t>(begin), m_events.begin() + static_cast<std::ptrdiff_t>(end));
        for (std::size_t k = 0; k < s.events.size(); ++k) {
            const auto [it, fresh] = s.number.try_emplace(s.events[k].pair_key, static_cast<std::uint32_t>(s.count.size()));
            if (fresh) s.count.push_back(0);
            s.group_of[k] = it->second;
            ++s.count[it->second];
        }
        auto at = static_cast<std::uint32_t>(begin);
        for (std::uint32_t& c : s.count) {  // counts -> each group's next slot
            const std::uint32_t size = c;
            s.groups.push_back({at, at + size, 0});
            c = at;
            at += size;
        }
        for (std::size_t k = 0; k < s.events.size(); ++k) m_events[s.count[s.group_of[k]]++] = s.events[k];
        for (std::size_t g = s.groups.size() - s.count.size(); g < s.groups.size(); ++g)
            s.groups[g].first = m_events[s.groups[g].begin].index;
    }

    std::vector<grouped_event> m_events;  // the slice, by partition, then by pair
    std::vector<std::size_t> m_offset;    // partition p's events: [m_offset[p], m_offset[p + 1])
    std::vector<std::size_t> m_cursor;    // by part and partition: counts, then scatter cursors
    std::vector<group> m_groups;
    std::vector<partition_scratch> m_scratch;  // one per part
};

}  // namespace detail
RELSCORE_END_NAMESPACE
