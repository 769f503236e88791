#pragma once
/// \file detail/conversation.hpp
/// Design notes: the rules that turn a pair's interactions into conversation history
/// (detail/history.hpp) and the history into answers (insight.hpp defines them).
///
/// Every rule here sees one pair's interactions in arrival order, one at a time, with the
/// pair's previous newest time; an interaction older than that is "late" and counts for
/// volumes only (the scorer counts it in `late`). Waits: a run of one side's messages is
/// one wait for an answer; the other side getting in touch within the reply window
/// answers it (its latency is recorded), and a wait that leaves the window unanswered is
/// censored at how long it was watched. Conversations are runs of interactions with gaps
/// within the reply window; gaps longer than the touch gap make the pair's rhythm.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>

#include <relscore/detail/history.hpp>
#include <relscore/insight.hpp>
#include <relscore/time.hpp>
#include <relscore/version.hpp>

RELSCORE_BEGIN_NAMESPACE
namespace detail {

class conversation_rules {
public:
    explicit conversation_rules(const insight_config& config)
        : m_config(config),
          m_reply_window_us(config.reply_window.count()),
          m_touch_gap_us(config.touch_gap.count()),
          m_trend_horizon_us(static_cast<double>(config.trend_horizon.count())) {}

    [[nodiscard]] std::int64_t touch_gap_us() const noexcept { return m_touch_gap_us; }

    /// One interaction of weight w at t: dir 0 lo→hi, 1 hi→lo, 2 mutual. `first`: the
    /// pair's first; `previous`: the pair's newest time before it.
    void record(pair_history& h, std::uint8_t dir, double w, std::int64_t t, bool first, std::int64_t previous) const {
        h.pace_recent.add(dir == 2 ? 2 * w : w, t, m_trend_horizon_us);
        h.pace_long.add(dir == 2 ? 2 * w : w, t, 4 * m_trend_horizon_us);
        if (!first && t < previous) {
            ++h.late;
            return;
        }
        if (first || t - previous > m_reply_window_us) {
            ++h.conversations;
            ++(dir == 2 ? h.mutual_initiated : h.dir[dir].initiated);
        }
        if (!first && t - previous > m_touch_gap_us) h.gaps.add(t - previous, m_touch_gap_us);
        if (dir == 2) {
            got_in_touch(h, 0, t);
            got_in_touch(h, 1, t);
            return;
        }
        direction_history& mine = h.dir[dir];
        got_in_touch(h, 1 - dir, t);
        ++mine.messages;
        ++mine.streak;
        if (!h.answered_ever[dir]) ++mine.attempts_before_first_answer;
        if (h.waiting[dir] && t - mine.wait_last_us <= m_reply_window_us) {
            mine.wait_last_us = t;  // a follow-up extends the wait
        } else {
            if (h.waiting[dir]) expire_wait(h, dir);
            h.waiting[dir] = true;
            ++mine.waits;
            mine.wait_first_us = mine.wait_last_us = t;
        }
    }

    /// Folds `theirs` into `mine`: counts and histograms add; the open waits and streaks
    /// come from the newer side. `flipped`: their lo is our hi.
    void merge(pair_history& mine, const pair_history& theirs, bool flipped, bool theirs_newer) const {
        mine.conversations += theirs.conversations;
        mine.mutual_initiated += theirs.mutual_initiated;
        mine.late += theirs.late;
        mine.gaps.merge(theirs.gaps);
        mine.pace_recent.merge(theirs.pace_recent, m_trend_horizon_us);
        mine.pace_long.merge(theirs.pace_long, 4 * m_trend_horizon_us);
        for (int d = 0; d < 2; ++d) {
            const int e = flipped ? 1 - d : d;  // their side of our direction d
            direction_history& x = mine.dir[d];
            const direction_history& y = theirs.dir[e];
            x.messages += y.messages;
            x.waits += y.waits;
            x.answered += y.answered;
            x.initiated += y.initiated;
            x.attempts_before_first_answer += mine.answered_ever[d] ? 0 : y.attempts_before_first_answer;
            mine.answered_ever[d] = mine.answered_ever[d] || theirs.answered_ever[e];
            mine.latencies[d].latency.merge(theirs.latencies[e].latency);
            mine.latencies[d].censored.merge(theirs.latencies[e].censored);
            if (theirs_newer) {
                if (mine.waiting[d]) expire_wait(mine, d);
                x.streak = y.streak;
                mine.waiting[d] = theirs.waiting[e];
                x.wait_first_us = y.wait_first_us;
                x.wait_last_us = y.wait_last_us;
            } else if (theirs.waiting[e]) {  // the older side's open wait: unanswered as far as we know
                mine.latencies[d].censored.add(y.wait_last_us + m_reply_window_us - y.wait_first_us,
                                               direction_history::latency_base_us);
            }
        }
    }

    /// Replies and initiation of stored direction k (0: lo→hi) at t.
    [[nodiscard]] reply_stats replies(const pair_history& h, int k, std::int64_t t) const {
        const direction_history& d = h.dir[k];
        reply_stats r;
        r.messages = d.messages;
        r.waits = d.waits;
        r.answered = d.answered;
        direction_history::latency_histogram censored = h.latencies[k].censored;
        r.resolved = d.answered + censored.total();
        if (h.waiting[k]) {  // the open wait: censored at how long it has been watched so far
            const std::int64_t watched = std::min(t - d.wait_first_us, d.wait_last_us + m_reply_window_us - d.wait_first_us);
            censored.add(watched, direction_history::latency_base_us);
            if (t - d.wait_last_us > m_reply_window_us) ++r.resolved;
            r.waiting_since = from_micros(d.wait_first_us);
        }
        r.reply_rate = r.resolved ? static_cast<double>(r.answered) / static_cast<double>(r.resolved) : 0.0;
        const auto quantile = [&](double q) -> std::optional<duration> {
            if (auto v = km_quantile(h.latencies[k].latency, censored, direction_history::latency_base_us, q))
                return duration{static_cast<duration::rep>(std::llround(*v))};
            return std::nullopt;
        };
        r.latency_p25 = quantile(0.25);
        r.latency_median = quantile(0.5);
        r.latency_p75 = quantile(0.75);
        r.initiated = d.initiated;
        const double total = h.conversations;
        r.initiated_share = total > 0 ? (d.initiated + 0.5 * h.mutual_initiated) / total : 0.0;
        r.unanswered_streak = d.streak;
        r.attempts_before_first_answer = d.attempts_before_first_answer;
        r.ever_answered = h.answered_ever[k];
        return r;
    }

    /// Where the pair is heading at t (see relscore::trend).
    [[nodiscard]] trend trend_at(const pair_history& h, std::int64_t t) const {
        trend out;
        // Paces (weight per unit of time): 4·recent/long is the ratio of the two averages.
        const double recent = h.pace_recent.at(t, m_trend_horizon_us), long_run = h.pace_long.at(t, 4 * m_trend_horizon_us);
        if (long_run <= 0) return out;
        out.change_over_horizon = 4 * recent / long_run - 1;
        out.rate_per_day = out.change_over_horizon / (m_trend_horizon_us / 86400e6);
        const double threshold = m_config.trend_threshold;
        out.direction = out.change_over_horizon > threshold    ? trend_direction::rising
                        : out.change_over_horizon < -threshold ? trend_direction::cooling
                                                               : trend_direction::steady;
        return out;
    }

    /// The pair's rhythm and how overdue it is at t; `last_us`: its newest interaction.
    [[nodiscard]] rhythm rhythm_at(const pair_history& h, std::int64_t last_us, std::int64_t t,
                                   std::int64_t max_time_us) const {
        rhythm out;
        out.gaps = h.gaps.total();
        out.learned = out.gaps > 0;
        const double typical = out.learned ? *binned_quantile(h.gaps, m_touch_gap_us, 0.5)
                                           : static_cast<double>(m_config.new_tie_rhythm.count());
        const auto gap_us = std::max(static_cast<std::int64_t>(std::llround(typical)), m_config.min_rhythm.count());
        out.typical_gap = duration{gap_us};
        out.last_contact = from_micros(last_us);
        out.due = from_micros(std::min(last_us + gap_us, max_time_us));
        out.overdue = static_cast<double>(t - last_us) / static_cast<double>(gap_us);
        return out;
    }

private:
    // An unanswered wait leaves the window: censored at how long it was watched.
    void expire_wait(pair_history& h, int k) const {
        direction_history& d = h.dir[k];
        h.latencies[k].censored.add(d.wait_last_us + m_reply_window_us - d.wait_first_us, direction_history::latency_base_us);
        h.waiting[k] = false;
    }

    // The other side got in touch with the one whose outreach `k` records, at t.
    void got_in_touch(pair_history& h, int k, std::int64_t t) const {
        direction_history& d = h.dir[k];
        if (h.waiting[k]) {
            if (t - d.wait_last_us <= m_reply_window_us) {
                ++d.answered;
                h.latencies[k].latency.add(t - d.wait_first_us, direction_history::latency_base_us);
                h.waiting[k] = false;
            } else {
                expire_wait(h, k);
            }
        }
        d.streak = 0;
        h.answered_ever[k] = true;
    }

    insight_config m_config;
    std::int64_t m_reply_window_us, m_touch_gap_us;
    double m_trend_horizon_us;
};

}  // namespace detail
RELSCORE_END_NAMESPACE
