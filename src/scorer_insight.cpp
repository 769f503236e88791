// relscore::scorer: a pair's insight queries (conversation, trend, rhythm) and a person's
// touches due, on the conversation histories (detail/history.hpp, detail/conversation.hpp).
// Out of line: they run once a query, never once an interaction (scorer.hpp keeps what
// ingest inlines).

#include <relscore/scorer.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

RELSCORE_BEGIN_NAMESPACE

conversation_stats scorer::conversation(person_id a, person_id b, std::optional<timestamp> at) const {
    const auto [pair, flipped, t] = insight_pair(a, b, at, "relscore::scorer::conversation()");
    conversation_stats c;
    c.a = a;
    c.b = b;
    if (pair == no_pair) return c;
    const pair_record& p = m_pairs[pair];
    detail::pair_history scratch;
    const detail::pair_history& h = history_of(pair, scratch);
    c.conversations = h.conversations;
    c.touches = p.touches;
    c.late = h.late;
    c.first_interaction = from_micros(p.first_us);
    c.last_interaction = from_micros(p.last_us);
    c.a_to_b = m_rules.replies(h, flipped ? 1 : 0, t, p.last_us - p.first_us);
    c.b_to_a = m_rules.replies(h, flipped ? 0 : 1, t, p.last_us - p.first_us);
    return c;
}

relscore::trend scorer::trend_of(person_id a, person_id b, std::optional<timestamp> at) const {
    const auto [pair, flipped, t] = insight_pair(a, b, at, "relscore::scorer::trend_of()");
    (void)flipped;
    return pair == no_pair ? relscore::trend{} : trend_at(pair, t);
}

relscore::rhythm scorer::rhythm_of(person_id a, person_id b, std::optional<timestamp> at) const {
    const auto [pair, flipped, t] = insight_pair(a, b, at, "relscore::scorer::rhythm_of()");
    (void)flipped;
    if (pair == no_pair)
        detail::throw_error<invalid_argument_error>("relscore::scorer::rhythm_of(): '" + m_names[a] + "' and '" + m_names[b] +
                                                    "' never interacted");
    return rhythm_at(pair, t);
}

std::vector<due_item> scorer::due(person_id p, std::size_t k, std::optional<timestamp> at) const {
    check_person(p);
    require_conversations("relscore::scorer::due()");
    const std::int64_t t = query_time(at, "relscore::scorer::due()");
    std::vector<due_item> out;
    for (const std::uint32_t pair : m_ties[p]) add_if_due(out, pair, m_pairs[pair].hi == p, t);
    return rank_due(std::move(out), k);
}

void scorer::require_conversations(const char* where) const {
    if (!m_config.insight.conversations)
        detail::throw_error<invalid_argument_error>(std::string(where) + ": conversation tracking is off (insight_config::conversations)");
}

scorer::pair_lookup scorer::insight_pair(person_id a, person_id b, std::optional<timestamp> at, const char* where) const {
    check_person(a);
    check_person(b);
    require_conversations(where);
    if (a == b) detail::throw_error<invalid_argument_error>(std::string(where) + ": a person has no relationship with themself");
    const std::int64_t t = query_time(at, where);
    const std::uint32_t row = m_pairs.find(pair_key(std::min(a, b), std::max(a, b)));
    return {row == no_row ? no_pair : row, a > b, t};
}

relscore::trend scorer::trend_at(std::uint32_t pair, std::int64_t t) const {
    detail::pair_history scratch;
    return m_rules.trend_at(history_of(pair, scratch), m_pairs[pair].first_us, t);
}

relscore::rhythm scorer::rhythm_at(std::uint32_t pair, std::int64_t t) const {
    detail::pair_history scratch;
    return m_rules.rhythm_at(history_of(pair, scratch), m_pairs[pair].first_us, m_pairs[pair].last_us, t, max_time_us);
}

void scorer::add_if_due(std::vector<due_item>& out, std::uint32_t pair, bool flipped, std::int64_t t) const {
    const relscore::rhythm when = rhythm_at(pair, t);
    if (when.overdue < 1) return;
    const pair_record& p = m_pairs[pair];
    relationship r;
    fill(r, pair, flipped, t);
    if (r.strength <= 0) return;
    out.push_back({flipped ? p.hi : p.lo, flipped ? p.lo : p.hi, r.strength, when, r.strength * when.overdue});
}

RELSCORE_END_NAMESPACE
