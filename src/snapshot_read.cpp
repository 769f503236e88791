// Reading a snapshot: the checks before parsing, the configuration, and loading one or
// several snapshots (the format: snapshot_format.hpp; the people and pairs:
// snapshot_records.cpp).
//
// Design notes
// - Size, magic, version and checksum are checked before any record is parsed; a
//   checksum mismatch is then told apart as truncation or damage by parsing anyway.
// - Every error is a parse_error naming the entry point (from_bytes() or
//   from_bytes_many() with the snapshot's index), and a new scorer is built: nothing
//   is half-loaded.

#include "snapshot_format.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <string>

RELSCORE_BEGIN_NAMESPACE
namespace detail {

using namespace snapshot_format;

// The snapshot's records after the header (without the checksum), and its version:
// checks the size, magic, version and checksum first.
std::pair<std::string_view, std::uint32_t> snapshot_codec::checked_records(std::string_view bytes) {
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
            const scorer s(parse_config(r, version));  // its constructor checks the configuration
            pair_store state(s.config());  // as the scorer's own, which the codec cannot name
            parse_state(r, state, s.config(), version, false);
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

// The configuration at the start of the records.
scorer_config snapshot_codec::parse_config(reader& r, std::uint32_t version) {
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

scorer snapshot_codec::new_scorer(scorer_config config) {
    try {
        return scorer(std::move(config));
    } catch (const parse_error&) {
        throw;
    } catch (const error& e) {
        corrupt(e.what());
    }
}

}  // namespace detail

// The codec's one view of a scorer (snapshot_format.hpp): these members build the scorer
// from the snapshot's configuration and hand the codec its state layer (the private base,
// which only a member can name) and that configuration.
scorer scorer::from_bytes(std::string_view bytes) { return from_bytes_with_room(bytes, 1.0); }

scorer scorer::from_bytes_with_room(std::string_view bytes, double expected_pairs_per_pair) {
    using codec = detail::snapshot_codec;
    const auto [records, version] = codec::checked_records(bytes);
    detail::snapshot_format::reader r(records);
    scorer s = codec::new_scorer(codec::parse_config(r, version));
    codec::parse_state(r, s, s.m_config, version, false, expected_pairs_per_pair);
    if (!r.at_end()) detail::snapshot_format::corrupt("trailing bytes");
    return s;
}

// The first snapshot loaded as from_bytes() does, each further one appended straight into
// it (its people matched by name, its pairs added as merge() adds a pair it did not have).
// Refuses a pair found in two snapshots.
scorer scorer::from_bytes_many(std::span<const std::string_view> snapshots) {
    using codec = detail::snapshot_codec;
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
        return from_bytes_with_room(
            snapshots[0], static_cast<double>(total) / static_cast<double>(std::max<std::size_t>(snapshots[0].size(), 1)));
    });
    for (std::size_t k = 1; k < snapshots.size(); ++k)
        in_snapshot(k, [&] {
            const auto [records, version] = codec::checked_records(snapshots[k]);
            detail::snapshot_format::reader r(records);
            const scorer_config config = codec::parse_config(r, version);
            if (codec::new_scorer(config).m_config != s.m_config)
                detail::throw_error<config_mismatch_error>(fmt::format(
                    "{}: snapshot {} has a different configuration (channels or reciprocity) than snapshot 0", where, k));
            codec::parse_state(r, s, s.m_config, version, true, 1.0, k);
            if (!r.at_end()) detail::snapshot_format::corrupt("trailing bytes");
        });
    return s;
}

RELSCORE_END_NAMESPACE
