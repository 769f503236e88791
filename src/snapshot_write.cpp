// Writing a snapshot (the format: snapshot_format.hpp).
//
// Design notes
// - Always the newest version: older versions are only read.
// - save() sizes the buffer once from expected_size() and writes each field with one
//   bounds check and memcpy (writer below); a wrong estimate costs a second pass, not a
//   wrong file.

#include "snapshot_format.hpp"
#include "snapshot_history.hpp"

#include <cstddef>
#include <string>

RELSCORE_BEGIN_NAMESPACE
namespace detail {

using namespace snapshot_format;

namespace {

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
    // Unsigned LEB128 (snapshot_history.hpp), shortest form.
    void put_varint(std::uint64_t v) {
        char buf[10];
        std::size_t n = 0;
        for (; v >= 0x80; v >>= 7) buf[n++] = static_cast<char>(v | 0x80);
        buf[n++] = static_cast<char>(v);
        if (char* at = room(n)) [[likely]]
            std::memcpy(at, buf, n);
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

}  // namespace

// The bytes save() writes (an estimate would do: it only sizes the buffer once; Python's
// to_bytes() gives back what it did not use without touching it).
std::size_t snapshot_codec::expected_size(const pair_store& s, const scorer_config& config) {
    std::size_t n = 1024 + config.channels.size() * 64;  // header, channels, insight, checksum
    for (const auto& name : s.m_names) n += 4 + name.size();
    constexpr std::size_t pair_bytes = 4 + 4 + 8 + 8 + 4 + 3 * 4 + 4 + 8, state_bytes = 2 + 1 + 8, event_bytes = 8 + 8 + 2 + 1;
    // A compact history's size depends on its values (snapshot_history.hpp): this covers
    // a pair of a few dozen interactions; a larger one costs the second pass of save().
    const std::size_t history_bytes = config.insight.conversations ? compact_history_estimate : 0;
    n += s.m_pairs.size() * (pair_bytes + history_bytes) + s.m_states.size() * state_bytes;
    const auto events = [&](const auto& lists) {
        for (const auto& list : lists) n += 4 + list.size() * event_bytes;
    };
    events(s.m_events);
    events(s.m_windows);
    return n;
}

std::string snapshot_codec::save(const pair_store& s, const scorer_config& config) {
    std::string out(expected_size(s, config), '\0');
    std::size_t size = save_into(s, config, out);
    if (size > out.size()) {  // a wrong estimate costs time only
        out.resize(size);
        size = save_into(s, config, out);
    }
    out.resize(size);
    return out;
}

std::size_t snapshot_codec::save_into(const pair_store& s, const scorer_config& config, std::span<char> out) {
    writer w(out);
    w.put_bytes(magic);
    w.put(format_version);
    w.put(config.reciprocity);
    w.put(static_cast<std::uint32_t>(config.channels.size()));
    for (const auto& c : config.channels) {
        w.put_string(c.name);
        w.put(c.weight);
        w.put(static_cast<std::int64_t>(c.half_life.count()));
        w.put(static_cast<std::uint8_t>(c.kernel.kind));
        w.put(static_cast<std::int64_t>(c.kernel.scale.count()));
        w.put(c.kernel.exponent);
        w.put(static_cast<std::int64_t>(c.kernel.range.count()));
    }
    const insight_config& ic = config.insight;
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
    detail::pair_history scratch_history;  // for a pair whose history is not kept (detail/pair_store.hpp)
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
        w.put(p.anchor_us);
        // In key order (up to version 4: newest-created first); a loader keeps them in
        // key order whatever the order in the file (detail/state_blocks.hpp).
        s.m_states.each(p.states, [&](std::uint32_t key, double sum) {
            w.put(detail::state_blocks::component_of(key));
            w.put(detail::state_blocks::dir_of(key));
            w.put(sum);
        });
        if (ic.conversations) put_compact_history(w, s.history_of(static_cast<std::uint32_t>(idx), scratch_history), p.last_us);
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

}  // namespace detail

// The codec's one view of a scorer (snapshot_format.hpp): its state layer, the private
// base only its own members can name, and its configuration.
std::string scorer::to_bytes() const { return detail::snapshot_codec::save(*this, m_config); }

std::size_t scorer::to_bytes(std::span<char> out) const { return detail::snapshot_codec::save_into(*this, m_config, out); }

std::size_t scorer::to_bytes_size_hint() const { return detail::snapshot_codec::expected_size(*this, m_config); }

RELSCORE_END_NAMESPACE
