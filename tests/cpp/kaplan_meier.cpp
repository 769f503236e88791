// The reply-time quartiles of conversation() against a textbook product-limit
// (Kaplan–Meier) estimator (support/kaplan_meier.hpp) over the latencies and censoring
// times the test itself put in the log.

#include "support/catch.hpp"
#include "support/kaplan_meier.hpp"

#include <relscore/relscore.hpp>

#include <algorithm>
#include <cmath>
#include <optional>
#include <random>
#include <vector>

using namespace relscore;

namespace {

constexpr std::int64_t minute_us = test::km_minute_us;
constexpr std::int64_t hour_us = 60 * minute_us;
constexpr std::int64_t day_us = 24 * hour_us;

// One episode of a's outreach to b: a's first message, follow-ups, and b's answer if any.
struct episode {
    std::vector<std::int64_t> offsets;   // a's messages, from the first (0)
    std::optional<std::int64_t> answer;  // b's answer, from a's first message
};

struct outreach {
    scorer s;
    std::vector<std::int64_t> latencies, censored;
    std::int64_t query_us = 0;
};

// Feeds the episodes far apart (so each is one wait) and returns the raw survival data the
// definitions in insight.hpp give: a latency per answer, a censoring time per unanswered
// wait (last message + window − first, or the query time − first for the open one).
outreach feed(const std::vector<episode>& episodes, duration window, std::int64_t query_after_last_us) {
    scorer_config config;
    config.insight.reply_window = window;
    outreach o{scorer(config), {}, {}, 0};
    const std::int64_t W = window.count();
    std::int64_t t = 1'750'000'000LL * 1'000'000;
    for (std::size_t i = 0; i < episodes.size(); ++i) {
        const episode& e = episodes[i];
        for (auto off : e.offsets) o.s.add({from_micros(t + off), "ana", "ben", "email"});
        const std::int64_t last = e.offsets.back();
        std::int64_t end = last;
        if (e.answer) {
            o.s.add({from_micros(t + *e.answer), "ben", "ana", "email"});
            o.latencies.push_back(*e.answer);
            end = *e.answer;
        } else if (i + 1 < episodes.size()) {
            o.censored.push_back(last + W);
        } else {
            o.censored.push_back(std::min(last + query_after_last_us, last + W));
        }
        o.query_us = t + end + query_after_last_us;
        t += end + 3 * W;  // the next episode starts well after this one is over
    }
    return o;
}

void check_quartiles(const outreach& o) {
    const conversation_stats c = o.s.conversation("ana", "ben", from_micros(o.query_us));
    REQUIRE(c.a_to_b.answered == o.latencies.size());
    REQUIRE(c.a_to_b.waits == o.latencies.size() + o.censored.size());
    const std::pair<double, std::optional<duration>> got[] = {
        {0.25, c.a_to_b.latency_p25}, {0.5, c.a_to_b.latency_median}, {0.75, c.a_to_b.latency_p75}};
    for (const auto& [q, binned] : got) {
        const auto exact = test::product_limit_quantile(o.latencies, o.censored, q);
        CAPTURE(q, o.latencies, o.censored, exact.value_or(-1), binned ? binned->count() : -1);
        CHECK(test::within_documented_bounds(binned, o.latencies, o.censored, q));
        // With no censoring inside an answer's bin the bounds meet: the exact quantile's bin.
        bool shared_bin = false;
        for (auto answered : o.latencies)
            for (auto unanswered : o.censored)
                shared_bin = shared_bin || test::km_bin_of(answered) == test::km_bin_of(unanswered);
        if (!shared_bin && exact) {
            REQUIRE(binned);
            CHECK(binned->count() >= test::km_bin_lower(test::km_bin_of(*exact)));
            CHECK(binned->count() <= test::km_bin_upper(test::km_bin_of(*exact)));
        }
        if (!shared_bin && !exact) CHECK_FALSE(binned);
    }
}

}  // namespace

TEST_CASE("Kaplan-Meier reply quartiles lie in the bin of the textbook product-limit estimate", "[insight][km]") {
    const duration window = std::chrono::days{3};
    const std::int64_t W = window.count();

    SECTION("no censoring: the empirical quartiles") {
        std::vector<episode> eps;
        for (std::int64_t m : {5, 7, 40, 90, 200, 201, 600, 1500, 3000}) eps.push_back({{0}, m * minute_us});
        check_quartiles(feed(eps, window, hour_us));
    }

    SECTION("hand-computed: unanswered waits move the median later") {
        // Answers at 10, 30, 50 min, censored at the window (3 d) twice: S(10)=4/5, S(30)=3/5,
        // S(50)=2/5 -> the median is 50 min, not the 30 min of the answered alone.
        const std::vector<episode> eps = {{{0}, 10 * minute_us}, {{0}, std::nullopt}, {{0}, 30 * minute_us},
                                          {{0}, std::nullopt},   {{0}, 50 * minute_us}};
        const auto o = feed(eps, window, hour_us);
        REQUIRE(test::product_limit_quantile(o.latencies, o.censored, 0.5) == 50 * minute_us);
        check_quartiles(o);
        // p75 is never reached (S stays at 2/5 after the last answer).
        CHECK_FALSE(o.s.conversation("ana", "ben", from_micros(o.query_us)).a_to_b.latency_p75);
    }

    SECTION("all censored: no quartile") {
        const std::vector<episode> eps = {{{0}, std::nullopt}, {{0, hour_us}, std::nullopt}, {{0}, std::nullopt}};
        const auto o = feed(eps, window, 4 * day_us);
        check_quartiles(o);
        const auto c = o.s.conversation("ana", "ben", from_micros(o.query_us));
        CHECK_FALSE(c.a_to_b.latency_p25);
        CHECK_FALSE(c.a_to_b.latency_median);
        CHECK_FALSE(c.a_to_b.latency_p75);
    }

    SECTION("random logs with heavy censoring, follow-ups and ties") {
        std::mt19937_64 rng(20);
        std::uniform_real_distribution<double> unit(0, 1);
        std::lognormal_distribution<double> latency(std::log(3.0 * hour_us), 1.6);
        // A handful of fixed values makes ties among answers, and an answer exactly at the
        // window's edge ties with the censoring of an unanswered single message.
        const std::int64_t tied[] = {30 * minute_us, 2 * hour_us, 5 * hour_us, W};
        for (int round = 0; round < 300; ++round) {
            const double answer_share = round % 3 == 0 ? 0.15 : round % 3 == 1 ? 0.5 : 0.9;
            const int n = std::uniform_int_distribution<int>(1, 40)(rng);
            std::vector<episode> eps;
            for (int i = 0; i < n; ++i) {
                episode e{{0}, std::nullopt};
                while (unit(rng) < 0.3 && e.offsets.size() < 3)  // follow-ups within the window
                    e.offsets.push_back(e.offsets.back() + static_cast<std::int64_t>(unit(rng) * static_cast<double>(W)));
                if (unit(rng) < answer_share) {
                    std::int64_t r = unit(rng) < 0.3 ? tied[std::uniform_int_distribution<int>(0, 3)(rng)]
                                                     : std::min<std::int64_t>(static_cast<std::int64_t>(latency(rng)), W);
                    r = std::max<std::int64_t>(r, 1'000'000);
                    e.answer = e.offsets.back() + r;
                }
                eps.push_back(e);
            }
            const std::int64_t query_after = static_cast<std::int64_t>(unit(rng) * 2 * static_cast<double>(W));
            CAPTURE(round);
            check_quartiles(feed(eps, window, query_after));
        }
    }
}
