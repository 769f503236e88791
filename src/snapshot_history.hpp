#pragma once
// A pair's conversation history as format version 6 stores it (snapshot_format.hpp): the
// writer (snapshot_write.cpp) and the reader (snapshot_records.cpp) side by side, so the
// field order is written once here.
//
// Design notes
// - Versions 2 to 5 store every history field at its full width: 456 bytes a pair, most
//   of a snapshot, while most counts are zero or small and most histogram bins empty.
//   Version 6 stores counts as varints, times as their distance from the pair's last
//   interaction, the four flags in one byte, and only the non-empty bins of the non-empty
//   histograms: about 60 bytes for a pair of a few interactions.
// - One encoding per history: varints in their shortest form, a bin named by its
//   histogram's mask is non-zero, unused flag bits are zero; the reader refuses anything
//   else, so save -> load -> save is byte-identical for every file it accepts.
// - Times are distances computed modulo 2^64 and zigzag-coded, so every int64 round-trips
//   (a stale wait time of 0 costs 8 bytes, a recent one 3 to 6).
//
//     u32 varints  conversations, mutual_initiated, late
//     f64, f64     pace: recent, long run
//     varint       last - pace reference time (zigzag)
//     u8           flags: bit k waiting[k], bit 2 + k answered_ever[k] (k = 0 lo->hi, 1 hi->lo)
//     per direction k = 0, 1:
//       u32 varints  messages, waits, answered, initiated, streak, attempts_before_first_answer
//       varint       last - wait_last (zigzag), then wait_last - wait_first (zigzag)
//     u8           histograms present: bit h for gaps, latency 0, censored 0, latency 1,
//                  censored 1 (history_histograms::which), set when any bin is non-zero
//     per present histogram: u16 mask of its non-zero bins, then each such bin's count
//                  (u32 varint, >= 1), in bin order
//     varint       the opening's bits (history_opening)

#include "snapshot_format.hpp"

#include <relscore/detail/history.hpp>

#include <array>
#include <bit>
#include <cstdint>

RELSCORE_BEGIN_NAMESPACE
namespace detail {
namespace snapshot_format {

[[nodiscard]] inline std::uint64_t zigzag(std::int64_t v) noexcept {
    return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}
[[nodiscard]] inline std::int64_t unzigzag(std::uint64_t u) noexcept {
    return static_cast<std::int64_t>((u >> 1) ^ (std::uint64_t{0} - (u & 1)));
}
// How far `t` is before `later` (zigzag, modulo 2^64: any two int64 values), and back.
[[nodiscard]] inline std::uint64_t time_before(std::int64_t later, std::int64_t t) noexcept {
    return zigzag(static_cast<std::int64_t>(static_cast<std::uint64_t>(later) - static_cast<std::uint64_t>(t)));
}
[[nodiscard]] inline std::int64_t time_from(std::int64_t later, std::uint64_t code) noexcept {
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(later) - static_cast<std::uint64_t>(unzigzag(code)));
}

inline constexpr std::size_t history_directions = 2;
// What save() reserves for a history (snapshot_write.cpp): above most pairs' size.
inline constexpr std::size_t compact_history_estimate = 128;
inline constexpr std::size_t history_histogram_count = history_histograms::count;

// `w` has put<T>(T) and put_varint(std::uint64_t) (snapshot_write.cpp's writer).
template <class Writer>
void put_compact_history(Writer& w, const pair_history& h, std::int64_t last_us) {
    w.put_varint(h.conversations);
    w.put_varint(h.mutual_initiated);
    w.put_varint(h.late);
    w.put(h.pace.recent);
    w.put(h.pace.long_run);
    w.put_varint(time_before(last_us, h.pace.ref_us));
    std::uint8_t flags = 0;
    for (std::size_t k = 0; k < history_directions; ++k)
        flags |= static_cast<std::uint8_t>((h.waiting[k] ? 1u : 0u) << k | (h.answered_ever[k] ? 1u : 0u) << (2 + k));
    w.put(flags);
    for (const auto& d : h.dir) {
        w.put_varint(d.messages);
        w.put_varint(d.waits);
        w.put_varint(d.answered);
        w.put_varint(d.initiated);
        w.put_varint(d.streak);
        w.put_varint(d.attempts_before_first_answer);
        w.put_varint(time_before(last_us, d.wait_last_us));
        w.put_varint(time_before(d.wait_last_us, d.wait_first_us));
    }
    std::array<std::uint16_t, history_histogram_count> nonzero;
    std::uint8_t present = 0;
    for (std::size_t which = 0; which < history_histogram_count; ++which) {
        nonzero[which] = h.histograms.nonzero_bins(static_cast<history_histograms::which>(which));
        if (nonzero[which] != 0) present |= static_cast<std::uint8_t>(1u << which);
    }
    w.put(present);
    for (std::size_t which = 0; which < history_histogram_count; ++which) {
        if (nonzero[which] == 0) continue;
        w.put(nonzero[which]);
        for (unsigned bins = nonzero[which]; bins != 0; bins &= bins - 1)  // the non-zero bins, in order
            w.put_varint(h.histograms.get(static_cast<history_histograms::which>(which), static_cast<std::size_t>(std::countr_zero(bins))));
    }
    w.put_varint(h.opening.bits());
}

// Every field of `h` is set (the caller may reuse one history for several pairs), but
// the histograms absent from the record when `h` is `fresh` (all empty): most pairs have
// one or two histograms of five (clearing the others cost about 3 % of a combine).
inline void get_compact_history(reader& r, pair_history& h, std::int64_t last_us, bool fresh) {
    const auto count = [&] {
        const std::uint64_t v = r.get_varint();
        if (v > UINT32_MAX) corrupt("a conversation history's count is out of range");
        return static_cast<std::uint32_t>(v);
    };
    h.conversations = count();
    h.mutual_initiated = count();
    h.late = count();
    h.pace.recent = r.get<double>();
    h.pace.long_run = r.get<double>();
    h.pace.ref_us = time_from(last_us, r.get_varint());
    const auto flags = r.get<std::uint8_t>();
    if (flags >> (2 * history_directions)) corrupt("an invalid flag");
    for (std::size_t k = 0; k < history_directions; ++k) {
        h.waiting[k] = (flags >> k) & 1;
        h.answered_ever[k] = (flags >> (2 + k)) & 1;
        auto& d = h.dir[k];
        d.messages = count();
        d.waits = count();
        d.answered = count();
        d.initiated = count();
        d.streak = count();
        d.attempts_before_first_answer = count();
        d.wait_last_us = time_from(last_us, r.get_varint());
        d.wait_first_us = time_from(d.wait_last_us, r.get_varint());
    }
    const auto present = r.get<std::uint8_t>();
    if (present >> history_histogram_count) corrupt("a conversation history names an unknown histogram");
    for (std::size_t which = 0; which < history_histogram_count; ++which) {
        std::array<std::uint32_t, history_histograms::bins> counts{};
        if (!(present & (1u << which)) && fresh) continue;
        if (present & (1u << which)) {
            const auto mask = r.get<std::uint16_t>();
            if (mask == 0) corrupt("a conversation history's histogram is marked present but empty");
            for (std::size_t k = 0; k < history_histograms::bins; ++k)
                if (mask & (1u << k))
                    if ((counts[k] = count()) == 0) corrupt("a conversation history's histogram bin is marked but empty");
        }
        h.histograms.set_all(static_cast<history_histograms::which>(which), counts);
    }
    h.opening.set_bits(r.get_varint());
}

}  // namespace snapshot_format
}  // namespace detail
RELSCORE_END_NAMESPACE
