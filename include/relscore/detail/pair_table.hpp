#pragma once
/// \file detail/pair_table.hpp
/// Design notes: the per-pair records and the index that finds them, kept together.
///
/// The index maps a pair key (lo << 32 | hi) to the pair's row, but stores only the row:
/// 4 bytes a slot where a key -> row map needs 16, so a million pairs' index takes about
/// 10 MB instead of 33 and more of it stays in cache. A row's key is read from its
/// record (`lo`, `hi`), which a lookup reads next anyway. So the index's hash and
/// equality functions see the records: they hold the address of the table that owns
/// them. Each table's functions keep pointing at that table: a copy indexes its own
/// records again, and a move or swap exchanges the records and the index contents but
/// not the functions (their swap() does nothing), so each index still reads the records
/// its rows number.
///
/// A row enters the index once its record exists (add(), then index()); a batch that
/// makes many rows reserves room first, so indexing them cannot fail half-way.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include <boost/container_hash/hash.hpp>
#include <boost/unordered/unordered_flat_set.hpp>

#include <relscore/version.hpp>

RELSCORE_BEGIN_NAMESPACE
namespace detail {

/// `Record`: has `lo` and `hi` (person ids, lo < hi).
template <class Record>
class pair_table {
public:
    static constexpr std::uint32_t no_row = std::numeric_limits<std::uint32_t>::max();

    [[nodiscard]] static std::uint64_t key_of(const Record& r) noexcept { return (std::uint64_t{r.lo} << 32) | r.hi; }

    pair_table() : m_index(0, hasher{this}, equal{this}) {}
    pair_table(const pair_table& o)
        : m_rows(o.m_rows), m_index(o.m_index.begin(), o.m_index.end(), o.m_index.size(), hasher{this}, equal{this}) {}
    // The moved-from table is left empty and usable.
    pair_table(pair_table&& o) noexcept : pair_table() { swap(o); }
    pair_table& operator=(pair_table o) noexcept {
        swap(o);
        return *this;
    }
    ~pair_table() = default;
    void swap(pair_table& o) noexcept {
        m_rows.swap(o.m_rows);
        m_index.swap(o.m_index);  // the contents only: each index keeps its own table's functions
    }

    // ---- the records, as a vector ----------------------------------------------------
    [[nodiscard]] Record& operator[](std::size_t row) noexcept { return m_rows[row]; }
    [[nodiscard]] const Record& operator[](std::size_t row) const noexcept { return m_rows[row]; }
    [[nodiscard]] std::size_t size() const noexcept { return m_rows.size(); }
    [[nodiscard]] bool empty() const noexcept { return m_rows.empty(); }
    [[nodiscard]] std::size_t capacity() const noexcept { return m_rows.capacity(); }
    [[nodiscard]] auto begin() noexcept { return m_rows.begin(); }
    [[nodiscard]] auto end() noexcept { return m_rows.end(); }
    [[nodiscard]] auto begin() const noexcept { return m_rows.cbegin(); }
    [[nodiscard]] auto end() const noexcept { return m_rows.cend(); }
    [[nodiscard]] const Record* data() const noexcept { return m_rows.data(); }

    /// Appends a record, not yet indexed (index() does that).
    void add(const Record& r) { m_rows.push_back(r); }
    /// Drops the records from `rows` on, none of which may be indexed yet.
    void drop_unindexed_from(std::size_t rows) noexcept {
        m_rows.erase(m_rows.begin() + static_cast<std::ptrdiff_t>(rows), m_rows.end());
    }
    /// Drops the last record, which is indexed (a pair made and abandoned).
    void drop_last() noexcept {
        m_index.erase(static_cast<std::uint32_t>(m_rows.size() - 1));
        m_rows.pop_back();
    }
    /// Room for `rows` records in all, and for indexing them, without reallocating (never
    /// less room than there is; the index first, so that has_room() is true only once both
    /// have it).
    void reserve(std::size_t rows) {
        if (rows > m_index.max_load()) m_index.reserve(rows);
        if (rows > m_rows.capacity()) m_rows.reserve(rows);
    }
    /// Whether `rows` records can be made and indexed without reallocating.
    [[nodiscard]] bool has_room(std::size_t rows) const noexcept { return rows <= m_rows.capacity() && rows <= m_index.max_load(); }

    // ---- the index -------------------------------------------------------------------
    /// The row of pair `key`, or no_row.
    [[nodiscard]] std::uint32_t find(std::uint64_t key) const noexcept {
        const auto it = m_index.find(key);
        return it == m_index.end() ? no_row : *it;
    }
    /// Indexes row `row` (its record exists): {row, true}, or {the row that already has its
    /// key, false} (the index is unchanged then).
    std::pair<std::uint32_t, bool> index(std::uint32_t row) {
        const auto [it, inserted] = m_index.insert(row);
        return {*it, inserted};
    }
    /// Bytes the records and the index have allocated (Boost's open addressing: one slot
    /// per bucket plus about a byte of metadata).
    [[nodiscard]] std::size_t record_bytes() const noexcept { return m_rows.capacity() * sizeof(Record); }
    [[nodiscard]] std::size_t index_bytes() const noexcept { return m_index.bucket_count() * (sizeof(std::uint32_t) + 1); }

    /// Releases spare capacity: the records' and the index's (the fewest buckets that keep
    /// the maximum load factor).
    void shrink_to_fit() {
        m_rows.shrink_to_fit();
        m_index.rehash(0);
    }

private:
    using rows_type = std::vector<Record>;
    // A row is hashed and compared by its record's key; a key looks rows up directly
    // (transparent lookup), hashed as the key -> row map hashed it. Swapping two of them
    // does nothing: see the top of the file.
    struct hasher {
        using is_transparent = void;
        const pair_table* table;
        [[nodiscard]] std::size_t operator()(std::uint64_t key) const noexcept { return boost::hash<std::uint64_t>{}(key); }
        [[nodiscard]] std::size_t operator()(std::uint32_t row) const noexcept { return (*this)(key_of(table->m_rows[row])); }
        friend void swap(hasher&, hasher&) noexcept {}
    };
    struct equal {
        using is_transparent = void;
        const pair_table* table;
        friend void swap(equal&, equal&) noexcept {}
        // Two rows are equal when their pairs are (indexing a row whose key is already in).
        [[nodiscard]] bool operator()(std::uint32_t x, std::uint32_t y) const noexcept {
            return x == y || key_of(table->m_rows[x]) == key_of(table->m_rows[y]);
        }
        [[nodiscard]] bool operator()(std::uint64_t key, std::uint32_t row) const noexcept { return key == key_of(table->m_rows[row]); }
        [[nodiscard]] bool operator()(std::uint32_t row, std::uint64_t key) const noexcept { return key == key_of(table->m_rows[row]); }
    };

    rows_type m_rows;  // before m_index: a copy indexes its own, already copied, records
    boost::unordered_flat_set<std::uint32_t, hasher, equal> m_index;
};

}  // namespace detail
RELSCORE_END_NAMESPACE
