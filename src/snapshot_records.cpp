// Reading a snapshot's people and pairs, with the fields each version adds (the format:
// snapshot_format.hpp).
//
// Design notes
// - One parser for versions 1 to 6: a field a version lacks gets the value the scorer
//   would have given it then (version 1: first interaction = last, one touch, empty
//   history; version 2: the history's opening unknown).
// - Appending (from_bytes_many()) adds each pair as merge() adds one it did not have, and
//   refuses a pair already loaded: the records are checked as from_bytes() checks them.
// - Every value is validated before it is stored; the pair index is built after the
//   records, in one loop (its cache misses overlap).

#include "snapshot_format.hpp"
#include "snapshot_history.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string>
#include <type_traits>
#include <vector>

RELSCORE_BEGIN_NAMESPACE
namespace detail {

using namespace snapshot_format;

// What merge() relies on when it joins histories (it takes back the opening's counts).
bool snapshot_codec::consistent_opening(const detail::pair_history& h) {
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

// The newest time, people and pairs, into `s`, a state built from `config`: a new
// scorer's (`appending` false), or one that already holds other snapshots' people and
// pairs (`appending`: people are matched by name, pairs added as merge() adds a pair it
// does not have; a pair `s` already has is refused). `pairs_scale`: room for that many
// times this snapshot's pairs.
void snapshot_codec::parse_state(reader& r, pair_store& s, const scorer_config& config, std::uint32_t version,
                                 bool appending, double pairs_scale, std::size_t index) {
    const std::int64_t newest_us = r.get<std::int64_t>();
    // Times outside the accepted range would overflow the decay arithmetic of queries.
    const auto valid_time = [&](std::int64_t us) { return us >= pair_store::min_time_us && us <= newest_us; };
    if (newest_us < pair_store::min_time_us || newest_us > pair_store::max_time_us)
        corrupt("the newest interaction time is out of range");
    // As ingest checks a new person's name: add() skips the U+0000 check for known people.
    const auto check_name = [&](const std::string& name) {
        if (name.size() > detail::max_name_bytes || detail::invalid_utf8_at(name))
            corrupt("a person name is too long or not valid UTF-8");
        if (detail::nul_at(name)) corrupt("a person name contains a NUL character (U+0000)");
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
    // Histories: at most one per pair is kept; what is not used is given back after the loop.
    if (config.insight.conversations) s.reserve_more_histories(n_pairs);
    std::vector<std::pair<std::uint32_t, std::int64_t>> state_refs;  // (key, time) of a pair's states, up to version 5
    // A history as stored, when it is not read into its kept place.
    detail::pair_history read_history;
    for (std::uint32_t i = 0; i < n_pairs; ++i) {
        detail::pair_store::pair_record p{};
        p.lo = r.get<person_id>();
        p.hi = r.get<person_id>();
        p.last_us = r.get<std::int64_t>();
        if (version >= 2) {
            p.first_us = r.get<std::int64_t>();
            p.touches = r.get<std::uint32_t>();
            if (p.first_us > p.last_us || p.first_us < pair_store::min_time_us)
                corrupt("a pair's first interaction is after its last, or out of range");
        } else {
            p.first_us = p.last_us;
            p.touches = 1;
        }
        p.n_lo_hi = r.get<std::uint32_t>();
        p.n_hi_lo = r.get<std::uint32_t>();
        p.n_mutual = r.get<std::uint32_t>();
        if (p.lo >= p.hi || p.hi >= n_people) corrupt("a pair names unknown people");
        if (pair_store::interactions_of(p) > max_pair_interactions)
            corrupt("a relationship holds more than relscore::max_pair_interactions (4294967295) interactions");
        s.m_most_interactions = std::max(s.m_most_interactions, pair_store::interactions_of(p));
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
        const auto n_states = r.get_count(2 + 1 + 8 + (version >= anchored_sums_version ? 0 : 8));
        if (n_states > 2 * s.m_kernels.half_life_us.size()) corrupt("a relationship has more states than its kernels allow");
        detail::pair_store::pair_record& row = s.m_pairs[idx];
        s.m_states.make_room(row.states, n_states);
        if (version >= anchored_sums_version) {
            row.anchor_us = r.get<std::int64_t>();
            if (!valid_time(row.anchor_us) || row.anchor_us > p.last_us)
                corrupt(fmt::format("a relationship's anchor time {} us is out of range or after its last interaction", row.anchor_us));
        }
        state_refs.clear();  // up to version 5: each state's own time, by key
        std::uint32_t previous_key = 0;  // as written: from version 5, keys rise (one order per state: same bytes again)
        for (std::uint32_t k = 0; k < n_states; ++k) {
            const auto component = r.get<std::uint16_t>();
            const auto dir = r.get<std::uint8_t>();
            if (version >= 5 && dir <= 1) {
                const std::uint32_t written_key = detail::state_blocks::key(component, dir);
                if (k > 0 && written_key <= previous_key)
                    corrupt(fmt::format("a relationship's states out of key order (component {}, direction {} after {}, {})",
                                        component, dir, detail::state_blocks::component_of(previous_key),
                                        detail::state_blocks::dir_of(previous_key)));
                previous_key = written_key;
            }
            const auto value = r.get<double>();
            const std::int64_t ref_us = version >= anchored_sums_version ? row.anchor_us : r.get<std::int64_t>();
            // At most max_total (limits.hpp) at the pair's last interaction, or a query could
            // overflow to inf; stored at the anchor, at most max_stored_sum (detail/decay.hpp).
            const double h = component < s.m_kernels.half_life_us.size() ? s.m_kernels.half_life_us[component] : 1.0;
            const double at_last =  // ≤ value (the anchor is not after the last interaction): decayed only when it matters
                version >= anchored_sums_version && value > max_total ? detail::value_after(value, p.last_us - row.anchor_us, h) : value;
            if (component >= s.m_kernels.half_life_us.size() || dir > 1 || !(value >= 0) ||
                !(value <= (version >= anchored_sums_version ? detail::max_stored_sum : max_total)) || !(at_last <= max_total) || !valid_time(ref_us))
                corrupt(fmt::format("an invalid relationship state (component {}, direction {}, value {}, time {} us)",
                                    component, dir, value, ref_us));
            const std::uint32_t key =
                detail::state_blocks::key(component, flipped ? static_cast<std::uint8_t>(1 - dir) : dir);
            if (s.m_states.find(row.states, key)) corrupt("a relationship state appears twice");
            s.m_states.add(row.states, key, value);
            if (version < 6) state_refs.emplace_back(key, ref_us);
        }
        if (version < 6) {  // the pair's anchor is its latest state's time; each value decayed to it
            std::sort(state_refs.begin(), state_refs.end());
            row.anchor_us = p.first_us;
            for (const auto& [key, ref_us] : state_refs) row.anchor_us = std::max(row.anchor_us, ref_us);
            std::size_t k = 0;  // each() goes in key order, as state_refs now does
            s.m_states.each(row.states, [&](std::uint32_t key, double& value) {
                const double h = s.m_kernels.half_life_us[detail::state_blocks::component_of(key)];
                value = detail::value_after(value, row.anchor_us - state_refs[k++].second, h);
            });
        }
        if (version < 2 && config.insight.conversations) s.set_history(idx, {});  // none was written
        if (version >= 2 && config.insight.conversations) {
            // A pair of two interactions or more keeps its history: read into its place,
            // unless it must be flipped first. Another one's is kept only if it is not what
            // its record stands for (set_history()).
            const bool kept = std::uint64_t{p.n_lo_hi} + p.n_hi_lo + p.n_mutual >= 2;
            if (!kept || flipped) {  // as fresh as a new kept one
                if (version >= compact_history_version)
                    read_history.histograms.clear();  // every other field is read (get_compact_history())
                else
                    read_history = {};  // (a version 2 opening stays unknown)
            }
            detail::pair_history& h = kept && !flipped ? s.new_kept_history(idx) : read_history;
            if (version >= compact_history_version) get_compact_history(r, h, p.last_us, /*fresh=*/true);
            else history_fields(h, version, [&](auto& field) {
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
            if (flipped) {  // merge()'s own flip, into the new pair's empty history
                detail::pair_history unflipped;
                detail::pair_history& mine = kept ? s.new_kept_history(idx) : unflipped;
                s.m_rules.merge(mine, {pair_store::max_time_us, pair_store::min_time_us}, h, {p.first_us, p.last_us}, true);
                if (!kept) s.set_history(idx, std::move(unflipped));
            } else if (!kept) {
                s.set_history(idx, std::move(h));  // h is read_history: the next pair clears it first
            }
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
    if (s.m_history.size() < s.m_history.capacity() / 2) s.m_history.shrink_to_fit();  // one copy, of less than half
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

}  // namespace detail

RELSCORE_END_NAMESPACE
