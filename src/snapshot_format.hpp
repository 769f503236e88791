#pragma once
// The scorer snapshot format, and what its writer (snapshot_write.cpp) and its reader
// (snapshot_read.cpp: size, magic, version, checksum and configuration;
// snapshot_records.cpp: people and pairs, with every version's fields) share.
//
// Design notes
// - Layout (all integers and doubles little-endian, as written by the host; a big-endian
//   host refuses to write or read rather than produce a file nobody else can load):
//
//     magic        8 bytes  "RELSCORE"
//     version      u32      6 (1 to 5 are still read)
//     reciprocity  f64
//     channels     u32 count, then per channel: string name, f64 weight, i64 half-life (us),
//                  [v2: u8 kernel (0 exponential, 1 power law, 2 window), i64 scale (us),
//                   f64 exponent, i64 range (us)]
//     insight      (v2) i64 reply window, i64 touch gap, i64 trend horizon, f64 trend
//                  threshold, i64 new-tie rhythm, i64 min rhythm (all us), u8 conversations,
//                  u8 retain events
//     newest       i64      newest interaction time (us)
//     people       u32 count, then per person: string name       (ids are positions)
//     pairs        u32 count, then per pair:
//                    u32 lo, u32 hi, i64 last (us), [v2: i64 first (us), u32 touches,]
//                    u32 n_lo_hi, u32 n_hi_lo, u32 n_mutual,
//                    u32 states, [v6: i64 anchor (us), the landmark of its sums,]
//                    then per state: u16 component (v1: channel), u8 dir, f64 value
//                    [v6: at the anchor, as kept (detail/decay.hpp); before: at the
//                    state's own time, then i64 ref (us), that time; read into the value
//                    at the latest of them] [from v5: in key order (component, then
//                    direction); before: newest-created first]
//                    [v2, if conversations: the pair's history, field by field in the order
//                     of history_fields() below; v3 adds the opening (u64) at its end;
//                     v6: compact, varints and non-empty bins only (snapshot_history.hpp)]
//                    [v2, if retain events: u32 count, then per event: i64 time, f64 weight,
//                     u16 channel, u8 dir (0, 1, 2 = mutual)]
//                    [v2, if a channel has a window kernel: its interactions still in the
//                     window, in the same form]
//     checksum     u64      XXH3-64 (seed 0) of every byte before it [v1-v3: u32 CRC-32 as
//                           zlib and PNG compute it]
//
//   where `string` is a u32 byte length and the bytes.
// - Version 1 snapshots load with the default insight settings; their pairs start with an
//   empty history (first interaction = last, one touch). Version 2 histories load without
//   their opening (unknown), so a later merge adds them as interleaved (insight.hpp).
// - Pairs and each pair's states are written in the scorer's own order and read back into
//   the same order, so a loaded scorer computes bit-identical results, and
//   save -> load -> save gives identical bytes.
// - Loading checks the size, magic, version and checksum before parsing, bounds-checks
//   every read, validates every value, and builds a new scorer: nothing is half-loaded.
// - Private to src/: this header holds the pieces both directions must agree on (the
//   history field list, the checksums), so a format change is made here once.
//
// How the codec sees the scorer
// - Through one path: the state layer (detail::pair_store, scorer's private base) and the
//   configuration, which scorer's own snapshot members (to_bytes(), from_bytes(),
//   from_bytes_many(), defined in snapshot_write.cpp and snapshot_read.cpp) hand to the
//   functions of snapshot_codec below. A member may name its class's private base, so
//   scorer needs neither a friend nor a public accessor, and the codec sees nothing of
//   the scorer but what a snapshot holds.
// - Loading builds the scorer first, from the snapshot's configuration (its constructor
//   checks that), then parses the records into that scorer's state layer.

#include <relscore/scorer.hpp>

#include <zlib.h>
// xxHash, header-only: nothing to link, nothing added to the library's dependencies.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <array>
#include <bit>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

RELSCORE_BEGIN_NAMESPACE
namespace detail {
namespace snapshot_format {

inline constexpr std::string_view magic = "RELSCORE";
inline constexpr std::uint32_t format_version = 6;
// From this version a pair's history is compact (snapshot_history.hpp).
inline constexpr std::uint32_t compact_history_version = 6;
// From this version a pair's decayed sums are written at its anchor (detail/decay.hpp).
inline constexpr std::uint32_t anchored_sums_version = 6;
inline constexpr std::uint32_t oldest_readable_version = 1;

// Every field of a pair's history, in snapshot order; `f` is called with each (a
// reference, const or not, so one list serves both writing and reading). A histogram is
// one field: 16 u32 counts (is_histogram below).
template <typename T>
inline constexpr bool is_histogram = false;
template <bool Mutable>
inline constexpr bool is_histogram<detail::histogram_ref<Mutable>> = true;

// A field the format stores twice: the two paces were two decayed sums, each with its
// reference time, and those times are always equal. Written again; read back, it must
// equal the first.
struct repeated_time {
    const std::int64_t& first;
};

template <typename History, typename F>
void history_fields(History& h, std::uint32_t version, F&& f) {
    f(h.conversations);
    f(h.mutual_initiated);
    f(h.late);
    auto gaps = h.gaps();
    f(gaps);
    f(h.pace.recent);
    f(h.pace.ref_us);
    f(h.pace.long_run);
    repeated_time long_run_ref{h.pace.ref_us};
    f(long_run_ref);
    for (std::size_t k = 0; k < h.dir.size(); ++k) {
        auto& d = h.dir[k];
        f(d.messages);
        f(d.waits);
        f(d.answered);
        f(d.initiated);
        f(d.streak);
        f(d.attempts_before_first_answer);
        f(d.wait_first_us);
        f(d.wait_last_us);
        f(h.waiting[k]);
        f(h.answered_ever[k]);
        auto latency = h.latency(static_cast<int>(k));
        auto censored = h.censored(static_cast<int>(k));
        f(latency);
        f(censored);
    }
    if (version >= 3) f(h.opening);
}

static_assert(std::endian::native == std::endian::little,
              "the snapshot format is little-endian; add byte swapping before porting to a big-endian host");

// The checksum after the records. Version 4 uses XXH3-64: about 3x faster than zlib's
// CRC-32, which had become a third of a save's time and a quarter of a load's. Versions
// 1 to 3 end with zlib's CRC-32.
[[nodiscard]] inline std::size_t checksum_bytes(std::uint32_t version) noexcept { return version >= 4 ? 8 : 4; }

[[nodiscard]] inline std::uint64_t checksum_of(std::string_view bytes, std::uint32_t version) {
    if (version >= 4) return XXH3_64bits(bytes.data(), bytes.size());
    return ::crc32_z(::crc32_z(0, nullptr, 0), reinterpret_cast<const Bytef*>(bytes.data()), bytes.size());
}

[[nodiscard]] inline std::uint64_t stored_checksum(std::string_view bytes, std::uint32_t version) {
    std::uint64_t stored = 0;  // little-endian: the low bytes hold a 4-byte checksum
    std::memcpy(&stored, bytes.data() + bytes.size() - checksum_bytes(version), checksum_bytes(version));
    return stored;
}

[[noreturn]] inline void corrupt(const std::string& why) {
    throw parse_error("relscore::scorer::from_bytes(): corrupted snapshot: " + why);
}

// A read past the end of the data: the mark of a truncated snapshot.
struct record_past_end : parse_error {
    explicit record_past_end(const std::string& what)
        : parse_error("relscore::scorer::from_bytes(): corrupted snapshot: " + what) {}
};

class reader {
public:
    explicit reader(std::string_view bytes) : m_bytes(bytes) {}
    template <typename T>
    T get() {
        T v;
        if (m_bytes.size() - m_pos < sizeof v) [[unlikely]]
            past_end();
        std::memcpy(&v, m_bytes.data() + m_pos, sizeof v);
        m_pos += sizeof v;
        return v;
    }
    std::string get_string() {
        const auto n = get<std::uint32_t>();
        if (m_bytes.size() - m_pos < n) throw record_past_end("a string runs past the end");
        std::string s(m_bytes.substr(m_pos, n));
        m_pos += n;
        return s;
    }
    // A string whose u32 length was read already (and fits the data).
    std::string get_string_of(std::uint32_t n) {
        std::string s(m_bytes.substr(m_pos, n));
        m_pos += n;
        return s;
    }
    // A count of records each at least `min_bytes` long: refuse counts the data cannot hold
    // before reserving memory for them.
    std::uint32_t get_count(std::size_t min_bytes) {
        const auto n = get<std::uint32_t>();
        if (static_cast<std::uint64_t>(n) * min_bytes > m_bytes.size() - m_pos)
            throw record_past_end("a count exceeds the data");
        return n;
    }
    // An unsigned LEB128 varint (version 6), refused unless in its shortest form: a value
    // has one encoding, so a re-save gives the same bytes.
    std::uint64_t get_varint() {
        // Most varints of a history are one byte (counts below 128): those first.
        if (m_pos < m_bytes.size()) [[likely]] {
            const auto b = static_cast<std::uint8_t>(m_bytes[m_pos]);
            if (b < 0x80) {
                ++m_pos;
                return b;
            }
        }
        std::uint64_t v = 0;
        for (unsigned shift = 0;; shift += 7) {
            if (m_pos == m_bytes.size()) [[unlikely]]
                past_end();
            const auto b = static_cast<std::uint8_t>(m_bytes[m_pos++]);
            if (shift == 63 && b > 1) [[unlikely]]
                corrupt("a varint out of range");
            v |= std::uint64_t{b & 0x7fu} << shift;
            if (b < 0x80) {
                if (b == 0 && shift > 0) [[unlikely]]
                    corrupt("a varint longer than its value needs");
                return v;
            }
        }
    }
    [[nodiscard]] bool at_end() const { return m_pos == m_bytes.size(); }
    [[nodiscard]] std::size_t remaining() const { return m_bytes.size() - m_pos; }

private:
    // Out of line, so that get() stays small enough to inline into every field's read.
    [[noreturn, gnu::cold, gnu::noinline]] static void past_end() { throw record_past_end("a record runs past the end"); }

    std::string_view m_bytes;
    std::size_t m_pos = 0;
};

}  // namespace snapshot_format

// Writes and reads snapshots of a scorer's state layer and configuration (see "How the
// codec sees the scorer" above). Each function is defined in the file named above its
// declaration.
struct snapshot_codec {
    // snapshot_write.cpp
    static std::size_t expected_size(const pair_store& state, const scorer_config& config);
    static std::string save(const pair_store& state, const scorer_config& config);
    static std::size_t save_into(const pair_store& state, const scorer_config& config, std::span<char> out);
    // snapshot_read.cpp
    static std::pair<std::string_view, std::uint32_t> checked_records(std::string_view bytes);
    static scorer_config parse_config(snapshot_format::reader& r, std::uint32_t version);
    // A scorer of `config` (a snapshot's): one the constructor refuses is a corrupted snapshot.
    static scorer new_scorer(scorer_config config);
    // snapshot_records.cpp
    static bool consistent_opening(const detail::pair_history& h);
    // The newest time, people and pairs into `state`, built from `config`.
    static void parse_state(snapshot_format::reader& r, pair_store& state, const scorer_config& config,
                            std::uint32_t version, bool appending, double pairs_scale = 1.0, std::size_t index = 0);
};

}  // namespace detail
RELSCORE_END_NAMESPACE
