// The scorer snapshot format.
//
// Design notes
// - Layout (all integers and doubles little-endian, as written by the host; a big-endian
//   host refuses to write or read rather than produce a file nobody else can load):
//
//     magic        8 bytes  "RELSCORE"
//     version      u32      5 (1 to 4 are still read)
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
//                    u32 states, then per state: u16 component (v1: channel), u8 dir,
//                    f64 value, i64 ref (us) [v5: in key order (component, then
//                    direction); before: newest-created first]
//                    [v2, if conversations: the pair's history, field by field in the order
//                     of history_fields() below; v3 adds the opening (u64) at its end]
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

#include <relscore/scorer.hpp>

#include <zlib.h>
#include <fmt/format.h>
// xxHash, header-only: nothing to link, nothing added to the library's dependencies.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <array>
#include <algorithm>
#include <bit>
#include <span>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

RELSCORE_BEGIN_NAMESPACE
namespace detail {

namespace {

constexpr std::string_view magic = "RELSCORE";
constexpr std::uint32_t format_version = 5;
constexpr std::uint32_t oldest_readable_version = 1;

// Every field of a pair's history, in snapshot order; `f` is called with each (a
// reference, const or not, so one list serves both writing and reading). A histogram is
// one field: 16 u32 counts (is_histogram below).
template <typename T>
constexpr bool is_histogram = false;
template <bool Mutable>
constexpr bool is_histogram<detail::histogram_ref<Mutable>> = true;

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
[[nodiscard]] std::size_t checksum_bytes(std::uint32_t version) noexcept { return version >= 4 ? 8 : 4; }

[[nodiscard]] std::uint64_t checksum_of(std::string_view bytes, std::uint32_t version) {
    if (version >= 4) return XXH3_64bits(bytes.data(), bytes.size());
    return ::crc32_z(::crc32_z(0, nullptr, 0), reinterpret_cast<const Bytef*>(bytes.data()), bytes.size());
}

[[nodiscard]] std::uint64_t stored_checksum(std::string_view bytes, std::uint32_t version) {
    std::uint64_t stored = 0;  // little-endian: the low bytes hold a 4-byte checksum
    std::memcpy(&stored, bytes.data() + bytes.size() - checksum_bytes(version), checksum_bytes(version));
    return stored;
}

// Appends fixed-size values into a buffer sized once (save() knows the snapshot's size up
// front): a bounds check and a memcpy per field, instead of std::string::append's call.
// The buffer is the caller's (a std::string, or a Python bytes object: no copy after); if
// it is too small, the writer only counts, and finish() returns the size needed.
class writer {
public:
    explicit writer(std::span<char> out) : m_out(out) {}
    template <typename T>
    void put(T v) {
        static_assert(std::is_trivially_copyable_v<T>);
        if (char* at = room(sizeof v)) [[likely]]
            std::memcpy(at, &v, sizeof v);
    }
    void put_bytes(std::string_view s) {
        if (char* at = room(s.size())) [[likely]]
            std::memcpy(at, s.data(), s.size());
    }
    void put_string(std::string_view s) {
        put(static_cast<std::uint32_t>(s.size()));
        put_bytes(s);
    }
    // The snapshot's size; it is complete (checksum included) if that is at most the buffer's.
    std::size_t finish() {
        const std::size_t body = m_used;
        const auto sum = body <= m_out.size() ? checksum_of({m_out.data(), body}, format_version) : 0;
        put(sum);
        return m_used;
    }

private:
    char* room(std::size_t n) {
        char* at = m_used <= m_out.size() && m_out.size() - m_used >= n ? m_out.data() + m_used : nullptr;
        m_used += n;
        return at;
    }
    std::span<char> m_out;
    std::size_t m_used = 0;
};

[[noreturn]] void corrupt(const std::string& why) {
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
    [[nodiscard]] bool at_end() const { return m_pos == m_bytes.size(); }
    [[nodiscard]] std::size_t remaining() const { return m_bytes.size() - m_pos; }

private:
    // Out of line, so that get() stays small enough to inline into every field's read.
    [[noreturn, gnu::cold, gnu::noinline]] static void past_end() { throw record_past_end("a record runs past the end"); }

    std::string_view m_bytes;
    std::size_t m_pos = 0;
};

}  // namespace

struct snapshot_codec {
    // The bytes save() writes (an estimate would do: it only sizes the buffer once).
    static std::size_t expected_size(const scorer& s) {
        std::size_t n = 1024 + s.m_config.channels.size() * 64;  // header, channels, insight, checksum
        for (const auto& name : s.m_names) n += 4 + name.size();
        constexpr std::size_t pair_bytes = 4 + 4 + 8 + 8 + 4 + 3 * 4 + 4, state_bytes = 2 + 1 + 8 + 8, event_bytes = 8 + 8 + 2 + 1;
        std::size_t history_bytes = 0;
        if (s.m_config.insight.conversations && !s.m_history.empty())
            history_fields(s.m_history.front(), format_version, [&](const auto& field) {
                using field_type = std::remove_cvref_t<decltype(field)>;
                if constexpr (is_histogram<field_type>)
                    history_bytes += field.bins * sizeof(std::uint32_t);
                else if constexpr (std::is_same_v<field_type, detail::history_opening> || std::is_same_v<field_type, repeated_time>)
                    history_bytes += sizeof(std::uint64_t);
                else
                    history_bytes += sizeof field;
            });
        n += s.m_pairs.size() * (pair_bytes + history_bytes) + s.m_states.size() * state_bytes;
        const auto events = [&](const auto& lists) {
            for (const auto& list : lists) n += 4 + list.size() * event_bytes;
        };
        events(s.m_events);
        events(s.m_windows);
        return n;
    }

    static std::string save(const scorer& s) {
        std::string out(expected_size(s), '\0');
        std::size_t size = save_into(s, out);
        if (size > out.size()) {  // a wrong estimate costs time only
            out.resize(size);
            size = save_into(s, out);
        }
        out.resize(size);
        return out;
    }

    static std::size_t save_into(const scorer& s, std::span<char> out) {
        writer w(out);
        w.put_bytes(magic);
        w.put(format_version);
        w.put(s.m_config.reciprocity);
        w.put(static_cast<std::uint32_t>(s.m_config.channels.size()));
        for (const auto& c : s.m_config.channels) {
            w.put_string(c.name);
            w.put(c.weight);
            w.put(static_cast<std::int64_t>(c.half_life.count()));
            w.put(static_cast<std::uint8_t>(c.kernel.kind));
            w.put(static_cast<std::int64_t>(c.kernel.scale.count()));
            w.put(c.kernel.exponent);
            w.put(static_cast<std::int64_t>(c.kernel.range.count()));
        }
        const insight_config& ic = s.m_config.insight;
        w.put(static_cast<std::int64_t>(ic.reply_window.count()));
        w.put(static_cast<std::int64_t>(ic.touch_gap.count()));
        w.put(static_cast<std::int64_t>(ic.trend_horizon.count()));
        w.put(ic.trend_threshold);
        w.put(static_cast<std::int64_t>(ic.new_tie_rhythm.count()));
        w.put(static_cast<std::int64_t>(ic.min_rhythm.count()));
        w.put(static_cast<std::uint8_t>(ic.conversations));
        w.put(static_cast<std::uint8_t>(ic.retain_events));
        w.put(s.m_newest_us);
        w.put(static_cast<std::uint32_t>(s.m_names.size()));
        for (const auto& name : s.m_names) w.put_string(name);
        w.put(static_cast<std::uint32_t>(s.m_pairs.size()));
        for (std::size_t idx = 0; idx < s.m_pairs.size(); ++idx) {
            const auto& p = s.m_pairs[idx];
            w.put(p.lo);
            w.put(p.hi);
            w.put(p.last_us);
            w.put(p.first_us);
            w.put(p.touches);
            w.put(p.n_lo_hi);
            w.put(p.n_hi_lo);
            w.put(p.n_mutual);
            w.put(static_cast<std::uint32_t>(s.m_states.sums(p.states).size()));
            // In key order (up to version 4: newest-created first); a loader keeps them in
            // key order whatever the order in the file (detail/state_blocks.hpp).
            s.m_states.each(p.states, [&](std::uint32_t key, const detail::decayed_sum& sum) {
                w.put(detail::state_blocks::component_of(key));
                w.put(detail::state_blocks::dir_of(key));
                w.put(sum.value);
                w.put(sum.ref_us);
            });
            if (ic.conversations)
                history_fields(s.m_history[idx], format_version, [&](const auto& field) {
                    using field_type = std::remove_cvref_t<decltype(field)>;
                    if constexpr (is_histogram<field_type>) {
                        w.put(field.counts());  // 16 u32, little-endian, in one copy
                    } else if constexpr (std::is_same_v<field_type, detail::history_opening>) {
                        w.put(field.bits());
                    } else if constexpr (std::is_same_v<field_type, repeated_time>) {
                        w.put(field.first);
                    } else {
                        w.put(field);
                    }
                });
            const auto put_events = [&](const std::vector<detail::pair_store::retained_event>& events) {
                w.put(static_cast<std::uint32_t>(events.size()));
                for (const auto& ev : events) {
                    w.put(ev.time_us);
                    w.put(ev.weight);
                    w.put(ev.channel);
                    w.put(ev.dir);
                }
            };
            if (ic.retain_events) put_events(s.m_events[idx]);
            if (s.m_kernels.has_windows) put_events(s.m_windows[idx]);
        }
        return w.finish();
    }

    // The snapshot's records after the header (without the checksum), and its version:
    // checks the size, magic, version and checksum first.
    static std::pair<std::string_view, std::uint32_t> checked_records(std::string_view bytes) {
        constexpr const char* where = "relscore::scorer::from_bytes()";
        if (bytes.size() < magic.size() && magic.starts_with(bytes))
            throw parse_error(fmt::format("{}: truncated snapshot ({} bytes)", where, bytes.size()));
        if (bytes.size() < magic.size() || bytes.substr(0, magic.size()) != magic)
            throw parse_error(fmt::format("{}: not a relscore snapshot (bad magic bytes)", where));
        if (bytes.size() < magic.size() + 4)
            throw parse_error(fmt::format("{}: truncated snapshot ({} bytes)", where, bytes.size()));
        std::uint32_t version = 0;
        std::memcpy(&version, bytes.data() + magic.size(), 4);
        if (version < oldest_readable_version || version > format_version)
            throw parse_error(fmt::format("{}: unsupported snapshot version {} (this build reads versions {} to {})",
                                          where, version, oldest_readable_version, format_version));
        if (bytes.size() < magic.size() + 4 + checksum_bytes(version))
            throw parse_error(fmt::format("{}: truncated snapshot ({} bytes)", where, bytes.size()));
        const std::string_view body = bytes.substr(0, bytes.size() - checksum_bytes(version));
        if (checksum_of(body, version) != stored_checksum(bytes, version)) {
            // Tell a cut-off file from a damaged one: in a truncated file the records run
            // past the end (or leave no room for the checksum).
            bool runs_past_end = false;
            try {
                reader r(bytes.substr(magic.size() + 4));
                scorer s(parse_config(r, version));
                parse_state(r, s, version, false);
                if (r.remaining() < checksum_bytes(version)) throw record_past_end("no room for the checksum");
            } catch (const record_past_end&) {
                runs_past_end = true;
            } catch (const error&) {
            }
            if (runs_past_end)
                throw parse_error(fmt::format("{}: truncated snapshot ({} bytes): its records run past the end", where,
                                              bytes.size()));
            throw parse_error(fmt::format("{}: corrupted snapshot: checksum mismatch", where));
        }
        return {body.substr(magic.size() + 4), version};
    }

    static scorer load(std::string_view bytes, double expected_pairs_per_pair = 1.0) {
        const auto checked = checked_records(bytes);
        const std::uint32_t version = checked.second;  // not a structured binding: clang 14 cannot capture one
        reader r(checked.first);
        scorer s = [&] {
            try {
                return scorer(parse_config(r, version));
            } catch (const parse_error&) {
                throw;
            } catch (const error& e) {
                corrupt(e.what());
            }
        }();
        parse_state(r, s, version, false, expected_pairs_per_pair);
        if (!r.at_end()) corrupt("trailing bytes");
        return s;
    }

    // scorer::from_bytes_many(): the first snapshot loaded as from_bytes() does, each
    // further one appended straight into it (its people matched by name, its pairs added
    // as merge() adds a pair it did not have). Refuses a pair found in two snapshots.
    static scorer load_many(std::span<const std::string_view> snapshots) {
        constexpr const char* where = "relscore::scorer::from_bytes_many()";
        if (snapshots.empty()) return scorer();
        std::size_t total = 0;
        for (const auto& b : snapshots) total += b.size();
        const auto in_snapshot = [&](std::size_t k, auto&& f) -> decltype(f()) {
            try {
                return f();
            } catch (const parse_error& e) {
                // One prefix, naming the snapshot: from_bytes()'s own prefix is dropped.
                constexpr std::string_view inner = "relscore::scorer::from_bytes(): ";
                std::string_view why = e.what();
                if (why.starts_with(inner)) why.remove_prefix(inner.size());
                throw parse_error(fmt::format("{}: snapshot {}: {}", where, k, why));
            }
        };
        // Room for every snapshot's pairs at once (estimated from the sizes in bytes), so
        // the combined arrays grow once.
        scorer s = in_snapshot(0, [&] {
            return load(snapshots[0], static_cast<double>(total) / static_cast<double>(std::max<std::size_t>(snapshots[0].size(), 1)));
        });
        for (std::size_t k = 1; k < snapshots.size(); ++k)
            in_snapshot(k, [&] {
                const auto [records, version] = checked_records(snapshots[k]);
                reader r(records);
                const scorer_config config = parse_config(r, version);
                const bool same = [&] {
                    try {
                        return scorer(config).m_config == s.m_config;
                    } catch (const error& e) {
                        corrupt(e.what());
                    }
                }();
                if (!same)
                    detail::throw_error<config_mismatch_error>(fmt::format(
                        "{}: snapshot {} has a different configuration (channels or reciprocity) than snapshot 0", where, k));
                parse_state(r, s, version, true, 1.0, k);
                if (!r.at_end()) corrupt("trailing bytes");
            });
        return s;
    }

    // What merge() relies on when it joins histories (it takes back the opening's counts).
    static bool consistent_opening(const detail::pair_history& h) {
        using fate = detail::history_opening::fate;
        const auto& o = h.opening;
        if (!o.known()) return true;
        const auto base = detail::direction_history::latency_base_us;
        using edges = detail::direction_history::latency_histogram;
        const int k = o.dir() == 2 ? 0 : o.dir();
        if (h.conversations == 0 || (o.dir() == 2 ? h.mutual_initiated : h.dir[static_cast<std::size_t>(k)].initiated) == 0) return false;
        if (o.dir() == 2) return o.first_wait() == fate::none;
        switch (o.first_wait()) {
            case fate::open: return h.waiting[static_cast<std::size_t>(k)];
            case fate::answered: return h.latency(k)[edges::bin_of(o.value_us(), base)] > 0;
            case fate::censored: return h.censored(k)[edges::bin_of(o.value_us(), base)] > 0;
            case fate::none: return false;
        }
        return false;
    }

    // The configuration at the start of the records.
    static scorer_config parse_config(reader& r, std::uint32_t version) {
        scorer_config config;
        config.reciprocity = r.get<double>();
        config.channels = channel_registry();
        const auto n_channels = r.get_count(4 + 8 + 8);
        for (std::uint32_t i = 0; i < n_channels; ++i) {
            channel c;
            c.name = r.get_string();
            c.weight = r.get<double>();
            c.half_life = duration{r.get<std::int64_t>()};
            if (version >= 2) {
                const auto kind = r.get<std::uint8_t>();
                if (kind > 2) corrupt("an unknown decay kernel");
                c.kernel.kind = static_cast<decay_kernel::shape>(kind);
                c.kernel.scale = duration{r.get<std::int64_t>()};
                c.kernel.exponent = r.get<double>();
                c.kernel.range = duration{r.get<std::int64_t>()};
            }
            try {
                config.channels.define(c);
            } catch (const error& e) {
                corrupt(e.what());
            }
        }
        if (config.channels.size() != n_channels) corrupt("duplicate channel names");
        if (version >= 2) {
            insight_config& ic = config.insight;
            ic.reply_window = duration{r.get<std::int64_t>()};
            ic.touch_gap = duration{r.get<std::int64_t>()};
            ic.trend_horizon = duration{r.get<std::int64_t>()};
            ic.trend_threshold = r.get<double>();
            ic.new_tie_rhythm = duration{r.get<std::int64_t>()};
            ic.min_rhythm = duration{r.get<std::int64_t>()};
            const auto flag = [&] {
                const auto v = r.get<std::uint8_t>();
                if (v > 1) corrupt("an invalid flag");
                return v == 1;
            };
            ic.conversations = flag();
            ic.retain_events = flag();
        }
        return config;
    }

    // The newest time, people and pairs, into `s`: a new scorer (`appending` false), or
    // one that already holds other snapshots' people and pairs (`appending`: people are
    // matched by name, pairs added as merge() adds a pair it does not have; a pair `s`
    // already has is refused). `pairs_scale`: room for that many times this snapshot's pairs.
    static void parse_state(reader& r, scorer& s, std::uint32_t version, bool appending, double pairs_scale = 1.0,
                            std::size_t index = 0) {
        const scorer_config& config = s.m_config;
        const std::int64_t newest_us = r.get<std::int64_t>();
        // Times outside the accepted range would overflow the decay arithmetic of queries.
        const auto valid_time = [&](std::int64_t us) { return us >= scorer::min_time_us && us <= newest_us; };
        if (newest_us < scorer::min_time_us || newest_us > scorer::max_time_us)
            corrupt("the newest interaction time is out of range");
        const auto check_name = [&](const std::string& name) {
            if (name.size() > scorer::max_name_bytes || detail::invalid_utf8_at(name))
                corrupt("a person name is too long or not valid UTF-8");
        };
        const auto n_people = r.get_count(4);
        // This snapshot's person ids in `s` (appending: matched by name; else the positions).
        std::vector<person_id> id_of;
        if (!appending) {
            for (std::uint32_t i = 0; i < n_people; ++i) {
                std::string name = r.get_string();
                if (name.empty() || s.m_ids.contains(name)) corrupt("empty or duplicate person name");
                check_name(name);
                s.new_person(std::move(name));
            }
        } else {
            id_of.reserve(n_people);
            const std::size_t before = s.m_names.size();
            std::vector<bool> named(before);  // people `s` had, named again by this snapshot
            for (std::uint32_t i = 0; i < n_people; ++i) {
                const auto n = r.get<std::uint32_t>();
                if (r.remaining() < n) throw record_past_end("a string runs past the end");
                std::string name = r.get_string_of(n);
                if (const auto it = s.m_ids.find(name); it != s.m_ids.end()) {
                    if (it->second >= before || named[it->second]) corrupt("empty or duplicate person name");
                    named[it->second] = true;
                    id_of.push_back(it->second);
                } else {
                    if (name.empty()) corrupt("empty or duplicate person name");
                    check_name(name);
                    id_of.push_back(s.new_person(std::move(name)));
                }
            }
        }
        const auto first_row = static_cast<std::uint32_t>(s.m_pairs.size());
        const auto n_pairs = r.get_count(4 * 7 + 8);
        // Index, rows and histories sized once (the count fits the data).
        s.grow_pairs(first_row + std::max<std::size_t>(n_pairs, static_cast<std::size_t>(n_pairs * pairs_scale * 1.02)));
        // A flipped pair's history as stored, before merge()'s flip. One per snapshot: every
        // field is read for each pair but a version 2 opening, which stays unknown here.
        detail::pair_history flipped_history;
        for (std::uint32_t i = 0; i < n_pairs; ++i) {
            detail::pair_store::pair_record p{};
            p.lo = r.get<person_id>();
            p.hi = r.get<person_id>();
            p.last_us = r.get<std::int64_t>();
            if (version >= 2) {
                p.first_us = r.get<std::int64_t>();
                p.touches = r.get<std::uint32_t>();
                if (p.first_us > p.last_us || p.first_us < scorer::min_time_us)
                    corrupt("a pair's first interaction is after its last, or out of range");
            } else {
                p.first_us = p.last_us;
                p.touches = 1;
            }
            p.n_lo_hi = r.get<std::uint32_t>();
            p.n_hi_lo = r.get<std::uint32_t>();
            p.n_mutual = r.get<std::uint32_t>();
            if (p.lo >= p.hi || p.hi >= n_people) corrupt("a pair names unknown people");
            if (!valid_time(p.last_us)) corrupt("a relationship's last interaction time is out of range");
            // Appending, the pair's people may be in the other order in `s`: then its
            // directions swap (as merge() flips a pair).
            bool flipped = false;
            if (appending) {
                const person_id x = id_of[p.lo], y = id_of[p.hi];
                flipped = x > y;
                p.lo = std::min(x, y);
                p.hi = std::max(x, y);
                if (flipped) std::swap(p.n_lo_hi, p.n_hi_lo);
            }
            const std::uint32_t idx = first_row + i;  // the index and the tie lists after the loop
            s.add_row(p.lo, p.hi);
            p.states = {};
            s.m_pairs[idx] = p;
            const auto n_states = r.get_count(2 + 1 + 8 + 8);
            if (n_states > 2 * s.m_kernels.half_life_us.size()) corrupt("a relationship has more states than its kernels allow");
            s.m_states.make_room(s.m_pairs[idx].states, n_states);
            for (std::uint32_t k = 0; k < n_states; ++k) {
                const auto component = r.get<std::uint16_t>();
                const auto dir = r.get<std::uint8_t>();
                detail::decayed_sum sum;
                sum.value = r.get<double>();
                sum.ref_us = r.get<std::int64_t>();
                // At most max_total (limits.hpp): a larger sum could overflow queries to inf.
                if (component >= s.m_kernels.half_life_us.size() || dir > 1 || !(sum.value >= 0) || !(sum.value <= max_total) ||
                    !valid_time(sum.ref_us))
                    corrupt(fmt::format("an invalid relationship state (component {}, direction {}, value {}, time {} us)",
                                        component, dir, sum.value, sum.ref_us));
                const std::uint32_t key =
                    detail::state_blocks::key(component, flipped ? static_cast<std::uint8_t>(1 - dir) : dir);
                if (s.m_states.find(s.m_pairs[idx].states, key)) corrupt("a relationship state appears twice");
                if (appending) {  // what merge() stores for a pair it did not have: the sum added to an empty one
                    detail::decayed_sum merged{0.0, scorer::min_time_us};
                    merged.merge(sum, s.m_kernels.half_life_us[component]);
                    sum = merged;
                }
                s.m_states.add(s.m_pairs[idx].states, key, sum);
            }
            if (version >= 2 && config.insight.conversations) {
                detail::pair_history& h = flipped ? flipped_history : s.m_history[idx];
                history_fields(h, version, [&](auto& field) {
                    using field_type = std::remove_reference_t<decltype(field)>;
                    if constexpr (is_histogram<field_type>) {
                        field.set_all(r.get<std::array<std::uint32_t, field_type::bins>>());
                    } else if constexpr (std::is_same_v<field_type, detail::history_opening>) {
                        field.set_bits(r.get<std::uint64_t>());
                    } else if constexpr (std::is_same_v<field_type, repeated_time>) {
                        if (r.get<std::int64_t>() != field.first) corrupt("a history's two pace sums at different times");
                    } else if constexpr (std::is_same_v<field_type, bool>) {
                        const auto v = r.get<std::uint8_t>();
                        if (v > 1) corrupt("an invalid flag");
                        field = v == 1;
                    } else {
                        field = r.get<field_type>();
                    }
                });
                if (version >= 3 && !consistent_opening(h))
                    corrupt("a conversation history's opening does not match its counts");
                if (flipped)  // merge()'s own flip, into the new pair's empty history
                    s.m_rules.merge(s.m_history[idx], {scorer::max_time_us, scorer::min_time_us}, flipped_history,
                                    {p.first_us, p.last_us}, true);
            }
            s.m_oldest_us = std::min(s.m_oldest_us, p.first_us);
            const auto get_events = [&](std::vector<detail::pair_store::retained_event>& events) {
                const auto n_events = r.get_count(8 + 8 + 2 + 1);
                events.reserve(n_events);
                for (std::uint32_t k = 0; k < n_events; ++k) {
                    detail::pair_store::retained_event ev{};
                    ev.time_us = r.get<std::int64_t>();
                    ev.weight = r.get<double>();
                    ev.channel = r.get<channel_id>();
                    ev.dir = r.get<std::uint8_t>();
                    if (ev.channel >= config.channels.size() || ev.dir > 2 || !detail::weight_in_range(ev.weight))
                        corrupt("an invalid retained interaction");
                    if (flipped && ev.dir < 2) ev.dir = static_cast<std::uint8_t>(1 - ev.dir);
                    events.push_back(ev);
                }
            };
            if (version >= 2 && config.insight.retain_events) get_events(s.m_events[idx]);
            if (version >= 2 && s.m_kernels.has_windows) {
                get_events(s.m_windows[idx]);
                if (appending) s.prune_window(idx);  // as merge() does
            }
        }
        // The index in one tight loop: its inserts miss the cache, and with nothing else
        // between them the processor overlaps those misses (a third of a load's time
        // while each insert sat between two pairs' parsing).
        for (std::uint32_t idx = first_row; idx < s.m_pairs.size(); ++idx) {
            const auto& p = s.m_pairs[idx];
            const auto [row, inserted] = s.m_pairs.index(idx);
            if (inserted) continue;
            if (row >= first_row) corrupt("a pair appears twice");
            detail::throw_error<invalid_argument_error>(fmt::format(
                "relscore::scorer::from_bytes_many(): the relationship of '{}' and '{}' is in snapshot {} and in "
                "an earlier one: from_bytes_many() combines scorers of disjoint relationships only (merge() "
                "combines any)",
                s.m_names[p.lo], s.m_names[p.hi], index));
        }
        s.link_ties(first_row);
        s.m_newest_us = std::max(s.m_newest_us, newest_us);
    }
};

}  // namespace detail

std::string scorer::to_bytes() const { return detail::snapshot_codec::save(*this); }

std::size_t scorer::to_bytes(std::span<char> out) const { return detail::snapshot_codec::save_into(*this, out); }

std::size_t scorer::to_bytes_size_hint() const { return detail::snapshot_codec::expected_size(*this); }

scorer scorer::from_bytes(std::string_view bytes) { return detail::snapshot_codec::load(bytes); }

scorer scorer::from_bytes_many(std::span<const std::string_view> snapshots) {
    return detail::snapshot_codec::load_many(snapshots);
}

RELSCORE_END_NAMESPACE
