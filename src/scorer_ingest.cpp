// relscore::scorer: Bulk ingest by columns and merge: the scorer's entry points too large to inline.
// (Out of line: scorer.hpp keeps what every interaction or query inlines; see its header.)

#include <relscore/scorer.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>


RELSCORE_BEGIN_NAMESPACE

void scorer::add_columns(const interaction_columns& c) {
    constexpr const char* where = "relscore::scorer::add_columns()";
    const std::size_t n = c.time_us.size();
    const auto check_length = [&](std::size_t size, const char* column, bool optional) {
        if (size != n && !(optional && size == 0))
            detail::throw_error<invalid_argument_error>(std::string(where) + ": length mismatch: time has " +
                                                        std::to_string(n) + " rows, " + column + " has " +
                                                        std::to_string(size));
    };
    check_length(c.source.size(), "source", false);
    check_length(c.target.size(), "target", false);
    check_length(c.channel.size(), "channel", true);
    check_length(c.weight.size(), "weight", true);
    check_length(c.mutual.size(), "mutual", true);

    std::vector<channel_id> channel_of;  // code -> channel id
    std::vector<std::string> new_channels;
    for (const auto& name : c.channel_names) channel_of.push_back(detail::channel_or_register(m_config, name, where, new_channels));
    const channel_id fallback = c.channel.empty() ? detail::channel_or_register(m_config, c.default_channel, where, new_channels) : 0;
    {
        boost::unordered_flat_map<std::string_view, std::size_t> seen;
        for (std::size_t i = 0; i < c.people.size(); ++i) {
            detail::check_name(c.people[i], where);
            if (!seen.emplace(c.people[i], i).second)
                detail::throw_error<invalid_argument_error>(std::string(where) + ": person name '" + c.people[i] +
                                                            "' appears twice in the names");
        }
    }
    const std::int64_t id_limit = c.people.empty() ? std::int64_t{max_person_id} + 1
                                                   : static_cast<std::int64_t>(c.people.size());
    const auto row_error = [&](std::size_t row, const std::string& what) {
        detail::throw_error<invalid_argument_error>(std::string(where) + ": row " + std::to_string(row) + ": " + what);
    };
    std::int64_t top = -1;
    for (std::size_t i = 0; i < n; ++i) {
        const std::int64_t a = c.source[i], b = c.target[i];
        if (a < 0 || a >= id_limit) row_error(i, "source id " + std::to_string(a) + " out of range");
        if (b < 0 || b >= id_limit) row_error(i, "target id " + std::to_string(b) + " out of range");
        if (a == b)
            row_error(i, "self-interaction (source and target are both " +
                             (c.people.empty() ? std::to_string(a) : "'" + c.people[static_cast<std::size_t>(a)] + "'") + ")");
        top = std::max({top, a, b});
        if (c.time_us[i] < min_time_us || c.time_us[i] > max_time_us)
            row_error(i, "time " + std::to_string(c.time_us[i]) + "us is outside years 1400..9999");
        if (!c.channel.empty() && (c.channel[i] < 0 || c.channel[i] >= static_cast<std::int64_t>(channel_of.size())))
            row_error(i, "channel code " + std::to_string(c.channel[i]) + " out of range");
        if (!c.weight.empty() && !detail::weight_in_range(c.weight[i])) row_error(i, detail::weight_range_message(c.weight[i]));
    }
    check_interaction_limit(n, [&](std::size_t i) -> std::optional<std::uint64_t> {
        if (c.people.empty()) return known_pair(static_cast<person_id>(c.source[i]), static_cast<person_id>(c.target[i]));
        return known_pair(c.people[static_cast<std::size_t>(c.source[i])], c.people[static_cast<std::size_t>(c.target[i])]);
    }, where);
    // Valid: apply.
    register_channels(new_channels);
    std::vector<person_id> id_of;
    if (c.people.empty()) {
        if (top >= 0) ensure_dense_people(static_cast<person_id>(top));
    } else {
        id_of.reserve(c.people.size());
        for (const auto& name : c.people) id_of.push_back(intern(name));
    }
    const auto person_of = [&](std::int64_t code) {
        return id_of.empty() ? static_cast<person_id>(code) : id_of[static_cast<std::size_t>(code)];
    };
    // Inlined into each grouping pass, so the counting pass, which reads only the pair,
    // drops the rest.
    apply_grouped(n, [&](std::size_t i) RELSCORE_ALWAYS_INLINE {
        const person_id source = person_of(c.source[i]), target = person_of(c.target[i]);
        const channel_id ch = c.channel.empty() ? fallback : channel_of[static_cast<std::size_t>(c.channel[i])];
        detail::grouped_event e;
        e.pair_key = pair_key(std::min(source, target), std::max(source, target));
        e.time_us = c.time_us[i];
        e.weight = c.weight.empty() ? m_config.channels[ch].weight : c.weight[i];
        e.channel = ch;
        e.dir = !c.mutual.empty() && c.mutual[i] != 0 ? 2 : static_cast<std::uint8_t>(source > target);
        return e;
    });
}

void scorer::merge(const scorer& other) {
    if (&other == this) {
        const scorer copy = other;
        merge(copy);
        return;
    }
    if (!(m_config == other.m_config))
        detail::throw_error<config_mismatch_error>(
            "relscore::scorer::merge(): the scorers have different configurations (channels or reciprocity)");
    check_merge_totals(other);
    std::vector<person_id> map(other.m_names.size());
    for (std::size_t i = 0; i < map.size(); ++i) map[i] = intern(other.m_names[i]);
    for (const auto& p : other.m_pairs) {
        const person_id x = map[p.lo], y = map[p.hi];
        const bool flipped = x > y;
        const std::uint32_t idx = find_or_add_pair(std::min(x, y), std::max(x, y));
        pair_record& mine = m_pairs[idx];
        const std::size_t theirs = static_cast<std::size_t>(&p - other.m_pairs.data());
        const detail::conversation_rules::span mine_span{mine.first_us, mine.last_us}, theirs_span{p.first_us, p.last_us};
        if (m_config.insight.conversations) {
            if (mine_span.empty() && !history_is_kept(mine) && !history_is_kept(p)) {
                mine.history = p.history;  // one interaction (its direction flips with the counts) or none
            } else {
                detail::pair_history scratch;
                m_rules.merge(kept_history(idx), mine_span, other.history_of(static_cast<std::uint32_t>(theirs), scratch), theirs_span, flipped);
            }
        }
        mine.touches = merged_touches(mine.touches, mine_span, p.touches, theirs_span);
        if (m_config.insight.retain_events)
            for (retained_event ev : other.m_events[theirs]) {
                if (flipped && ev.dir < 2) ev.dir = static_cast<std::uint8_t>(1 - ev.dir);
                m_events[idx].push_back(ev);
            }
        mine.last_us = std::max(mine.last_us, p.last_us);
        mine.first_us = std::min(mine.first_us, p.first_us);
        mine.n_lo_hi += flipped ? p.n_hi_lo : p.n_lo_hi;
        mine.n_hi_lo += flipped ? p.n_lo_hi : p.n_hi_lo;
        mine.n_mutual += p.n_mutual;
        m_most_interactions = std::max(m_most_interactions, interactions_of(mine));
        // Both sides' sums at the later of the two anchors (each factor ≤ 1), then added.
        const std::int64_t anchor = std::max(mine.anchor_us, p.anchor_us);
        move_anchor(idx, anchor);
        other.m_states.each(p.states, [&](std::uint32_t key, double sum) {
            const std::uint16_t component = detail::state_blocks::component_of(key);
            const std::uint8_t dir = detail::state_blocks::dir_of(key);
            const double h = m_kernels.half_life_us[component];
            state_for(idx, component, flipped ? static_cast<std::uint8_t>(1 - dir) : dir) +=
                detail::value_after(sum, anchor - p.anchor_us, h);
        });
        if (m_kernels.has_windows) {
            for (retained_event ev : other.m_windows[theirs]) {
                if (flipped && ev.dir < 2) ev.dir = static_cast<std::uint8_t>(1 - ev.dir);
                m_windows[idx].push_back(ev);
            }
            prune_window(idx);
        }
    }
    m_newest_us = std::max(m_newest_us, other.m_newest_us);
    m_oldest_us = std::min(m_oldest_us, other.m_oldest_us);
}

void scorer::check_merge_totals(const scorer& other) const {
    std::vector<std::optional<person_id>> map(other.m_names.size());
    for (std::size_t i = 0; i < map.size(); ++i) map[i] = find_person(other.m_names[i]);
    for (std::uint32_t theirs = 0; theirs < other.m_pairs.size(); ++theirs) {
        const pair_record& p = other.m_pairs[theirs];
        largest_sums mine;
        std::uint64_t mine_interactions = 0;
        if (map[p.lo] && map[p.hi]) {
            const person_id x = *map[p.lo], y = *map[p.hi];
            if (const std::uint32_t row = m_pairs.find(pair_key(std::min(x, y), std::max(x, y))); row != no_row) {
                mine = largest_sum(row);
                mine_interactions = interactions_of(m_pairs[row]);
            }
        }
        // Each count of the merged pair is at most its interactions (limits.hpp).
        if (mine_interactions + interactions_of(p) > max_pair_interactions)
            detail::throw_error<invalid_argument_error>(
                "relscore::scorer::merge(): the relationship of '" + other.m_names[p.lo] + "' and '" +
                other.m_names[p.hi] + "' would hold more than relscore::max_pair_interactions (4294967295) "
                "interactions after the merge; nothing was merged");
        // Values as of each side's last interaction bound every later query; stored sums
        // (each grown by up to 2^880 at its anchor, detail/decay.hpp) must stay finite too.
        const largest_sums theirs_sums = other.largest_sum(theirs);
        if (!detail::total_in_range(mine.value, theirs_sums.value) ||
            !(mine.stored + theirs_sums.stored <= detail::max_stored_sum))
            detail::throw_error<invalid_argument_error>(
                "relscore::scorer::merge(): the relationship of '" + other.m_names[p.lo] + "' and '" +
                other.m_names[p.hi] + "' would exceed relscore::max_total (" + detail::short_number(max_total) +
                ") after the merge; nothing was merged");
    }
}

void scorer::register_channels(const std::vector<std::string>& new_channels) {
    if (new_channels.empty()) return;
    channel_registry channels = m_config.channels;  // all or nothing: the scorer changes only once nothing can throw
    for (const auto& name : new_channels) {
        channel c = *m_config.register_unknown_channels;
        c.name = name;
        channels.define(std::move(c));
    }
    detail::kernel_table kernels(channels);
    m_states.allow_keys(2 * kernels.half_life_us.size(), [&](auto&& f) {
        for (pair_record& p : m_pairs) f(p.states);
    });
    m_config.channels = std::move(channels);
    m_kernels = std::move(kernels);
}

// The largest decayed sum pair `idx` stores (its kernel states and pace sums).
scorer::largest_sums scorer::largest_sum(std::uint32_t idx) const noexcept {
    largest_sums top;
    const pair_record& p = m_pairs[idx];
    m_states.each(p.states, [&](std::uint32_t key, double sum) {
        top.stored = std::max(top.stored, sum);
        const double h = m_kernels.half_life_us[detail::state_blocks::component_of(key)];
        top.value = std::max(top.value, detail::value_after(sum, p.last_us - p.anchor_us, h));
    });
    if (m_config.insight.conversations) {
        detail::pair_history scratch;
        const detail::pair_history& h = history_of(idx, scratch);
        top.value = std::max({top.value, h.pace.recent, h.pace.long_run});
    }
    return top;
}

// A pair's touches after a merge: see scorer.hpp.
std::uint32_t scorer::merged_touches(std::uint32_t mine, detail::conversation_rules::span mine_span,
                                      std::uint32_t theirs, detail::conversation_rules::span theirs_span) const {
    if (mine_span.empty()) return theirs;
    const auto joined = [&](detail::conversation_rules::span older, detail::conversation_rules::span newer) {
        return older.last_us <= newer.first_us && !m_rules.new_touch_period(older.last_us, newer.first_us);
    };
    return mine + theirs - (joined(mine_span, theirs_span) || joined(theirs_span, mine_span) ? 1 : 0);
}

RELSCORE_END_NAMESPACE
