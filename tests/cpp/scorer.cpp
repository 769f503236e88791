#include "support/catch.hpp"
#include "support/random_log.hpp"
#include "support/reference.hpp"

#include <relscore/relscore.hpp>

#include <random>
#include <set>

using namespace relscore;
using relscore::test::agrees;
using relscore::test::message_of;

namespace {

constexpr std::int64_t minute_us = 60'000'000LL;

// Channels with very different half-lives, from an hour to decades.
channel_registry mixed_channels() {
    channel_registry r;
    r.define({"chat", 0.5, std::chrono::hours{1}});
    r.define({"email", 1.0, std::chrono::days{30}});
    r.define({"meeting", 3.0, std::chrono::days{365}});
    r.define({"favour", 5.0, std::chrono::days{365 * 30}});
    return r;
}

void check_against_reference(const scorer& s, const std::vector<interaction>& log, timestamp at) {
    const auto& ch = s.channels();
    const auto table = s.table(at);
    for (std::size_t i = 0; i < table.size(); ++i) {
        const auto row = static_cast<Eigen::Index>(i);
        const auto ref = test::reference_between(log, ch, s.name(table.a[row]), s.name(table.b[row]), at);
        INFO(s.name(table.a[row]) << " - " << s.name(table.b[row]));
        CHECK(agrees(table.volume_ab[row], ref.ab));
        CHECK(agrees(table.volume_ba[row], ref.ba));
        CHECK(agrees(table.strength[row], test::reference_strength(ref.ab, ref.ba, s.config().reciprocity)));
        CHECK(table.interactions[row] == static_cast<std::int64_t>(ref.interactions));
        CHECK(table.last_interaction_us[row] == ref.last_us);
        const relationship r = s.between(table.a[row], table.b[row], at);
        CHECK(agrees(r.volume_ab, ref.ab));
        CHECK(agrees(r.volume_ba, ref.ba));
        const long double total = ref.ab + ref.ba;
        CHECK(agrees(r.reciprocity, total > 0 ? 2 * std::min(ref.ab, ref.ba) / total : 0.0L, 1e-12, 1e-300));
    }
    // Every pair in the log is in the table, and nothing else.
    std::set<std::pair<std::string, std::string>> pairs;
    for (const auto& e : log) pairs.insert(std::minmax(e.source, e.target));
    CHECK(pairs.size() == table.size());
}

}  // namespace

TEST_CASE("scorer agrees with the brute-force reference on random logs", "[scorer][reference]") {
    const std::int64_t spans[] = {10 * minute_us, 24 * 60 * minute_us, 365LL * 24 * 60 * minute_us,
                                  100LL * 365 * 24 * 60 * minute_us};
    for (const double rho : {0.0, 0.5, 1.0}) {
        for (const std::int64_t span : spans) {
            for (std::uint64_t seed = 1; seed <= 3; ++seed) {
                CAPTURE(rho, span, seed);
                scorer s({mixed_channels(), rho});
                const auto log = test::random_log(seed, {.people = 7, .interactions = 400, .span_us = span},
                                                  s.channels());
                for (const auto& e : log) s.add(e);
                const timestamp newest = *s.newest();
                check_against_reference(s, log, newest);
                check_against_reference(s, log, newest + std::chrono::hours{5});
            }
        }
    }
}

TEST_CASE("strength is symmetric and equals V_ab + V_ba for a balanced tie", "[scorer]") {
    scorer s;
    const auto t0 = parse_time("2026-01-01T00:00:00Z");
    s.add({t0, "ana", "ben", "email"});
    s.add({t0, "ben", "ana", "email"});
    const auto ab = s.between("ana", "ben"), ba = s.between("ben", "ana");
    CHECK(ab.strength == ba.strength);
    CHECK(ab.volume_ab == ba.volume_ba);
    CHECK(ab.reciprocity == 1.0);
    CHECK(ab.strength == ab.volume_ab + ab.volume_ba);
    CHECK(ab.interactions == 2);
}

TEST_CASE("strength is monotone in each direction", "[scorer]") {
    const auto t0 = parse_time("2026-01-01");
    for (const double rho : {0.0, 0.3, 0.5, 1.0}) {
        scorer s({channel_registry::defaults(), rho});
        s.add({t0, "ana", "ben", "call"});
        double last = s.between("ana", "ben").strength;
        for (int i = 0; i < 20; ++i) {
            s.add({t0, i % 3 ? "ana" : "ben", i % 3 ? "ben" : "ana", "email"});
            const double now = s.between("ana", "ben").strength;
            CHECK(now >= last);
            last = now;
        }
    }
}

TEST_CASE("one-sided outreach counts for less than a two-way tie", "[scorer]") {
    scorer s;
    const auto t0 = parse_time("2026-01-01");
    for (int i = 0; i < 4; ++i) s.add({t0 + std::chrono::days{i}, "me", "recruiter", "email"});
    for (int i = 0; i < 4; ++i) s.add({t0 + std::chrono::days{i}, i % 2 ? "me" : "mentor", i % 2 ? "mentor" : "me", "email"});
    const auto one_sided = s.between("me", "recruiter"), two_way = s.between("me", "mentor");
    CHECK(one_sided.reciprocity == 0.0);
    CHECK(two_way.strength > one_sided.strength);
}

TEST_CASE("mutual interactions count in both directions, once in the count", "[scorer]") {
    scorer s;
    s.add({parse_time("2026-01-01"), "ana", "ben", "meeting", std::nullopt, true});
    const auto r = s.between("ana", "ben");
    CHECK(r.volume_ab == 3.0);
    CHECK(r.volume_ba == 3.0);
    CHECK(r.interactions == 1);
}

TEST_CASE("bad interactions are rejected and leave the scorer unchanged", "[scorer][errors]") {
    scorer s;
    const auto t0 = parse_time("2026-01-01");
    s.add({t0, "ana", "ben", "email"});
    const auto before = s.between("ana", "ben");

    CHECK(message_of<invalid_argument_error>([&] { s.add({t0, "ana", "ana", "email"}); }).find("self-interaction") !=
          std::string::npos);
    CHECK(message_of<invalid_argument_error>([&] { s.add({t0, "ana", "", "email"}); }).find("empty person id") !=
          std::string::npos);
    CHECK(message_of<invalid_argument_error>([&] { s.add({t0, "ana", "cy", "telepathy"}); })
              .find("unknown channel 'telepathy'") != std::string::npos);
    CHECK(message_of<invalid_argument_error>([&] { s.add({t0, "ana", "cy", "email", std::nan("")}); })
              .find("weight must be finite") != std::string::npos);
    CHECK(message_of<invalid_argument_error>([&] { s.add({t0, "ana", "cy", "email", -1.0}); })
              .find("weight must be finite, >= 0") != std::string::npos);

    SECTION("a batch with one bad interaction applies none of it") {
        std::vector<interaction> batch = {{t0, "ana", "ben", "email"}, {t0, "cy", "dee", "call"},
                                          {t0, "ana", "ben", "email", -2.0}};
        const auto msg = message_of<invalid_argument_error>([&] { s.add_batch(batch); });
        CHECK(msg.find("interaction #2") != std::string::npos);
    }
    CHECK(s.people() == 2);
    CHECK(s.relationships() == 1);
    const auto after = s.between("ana", "ben");
    CHECK(after.strength == before.strength);
    CHECK(after.interactions == before.interactions);
}

TEST_CASE("queries before the newest interaction are refused", "[scorer][errors]") {
    scorer s;
    s.add({parse_time("2026-03-01"), "ana", "ben", "email"});
    const auto msg = message_of<time_order_error>([&] { (void)s.between("ana", "ben", parse_time("2026-02-01")); });
    CHECK(msg.find("earlier than the newest interaction 2026-03-01T00:00:00Z") != std::string::npos);
    CHECK_THROWS_AS(s.table(parse_time("2026-02-01")), time_order_error);
    CHECK_THROWS_AS(s.top("ana", 3, parse_time("2026-02-01")), time_order_error);
    CHECK_THROWS_AS(s.between("ana", "nobody"), unknown_person_error);
    CHECK_NOTHROW(s.between("ana", "ben", parse_time("2026-03-01")));
}

TEST_CASE("top-k agrees with sorting the whole table", "[scorer][top]") {
    scorer s({mixed_channels(), 0.5});
    const auto log = test::random_log(11, {.people = 30, .interactions = 3000}, s.channels());
    for (const auto& e : log) s.add(e);
    const timestamp at = *s.newest() + std::chrono::hours{1};
    const auto table = s.table(at);
    for (const char* who : {"p0", "p7", "p29"}) {
        const person_id p = s.person(who);
        std::vector<double> expected;
        for (std::size_t i = 0; i < table.size(); ++i) {
            const auto row = static_cast<Eigen::Index>(i);
            if (table.a[row] == p || table.b[row] == p) expected.push_back(table.strength[row]);
        }
        std::sort(expected.rbegin(), expected.rend());
        const auto top = s.top(p, 5, at);
        REQUIRE(top.size() == std::min<std::size_t>(5, expected.size()));
        for (std::size_t i = 0; i < top.size(); ++i) {
            CHECK(top[i].a == p);
            CHECK(agrees(top[i].strength, expected[i]));
        }
    }
}

TEST_CASE("dense ids are the fast path and name people by their number", "[scorer][dense]") {
    scorer s;
    const auto t0 = parse_time("2026-01-01");
    s.add(dense_interaction{t0, 0, 3, s.channels().id("email")});
    CHECK(s.people() == 4);
    CHECK(s.name(3) == "3");
    CHECK(s.between("0", "3").volume_ab == 1.0);
    s.add({t0, "0", "3", "email"});  // the same people by name
    CHECK(s.between(0, 3).volume_ab == 2.0);
    CHECK_THROWS_AS(s.add(dense_interaction{t0, 1, 1, 0}), invalid_argument_error);
    CHECK_THROWS_AS(s.add(dense_interaction{t0, 1, 2, 999}), invalid_argument_error);
}

TEST_CASE("a hub's top-k is the head of its full ranking, bit for bit, equal strengths included", "[scorer][top]") {
    // top() skips ties whose bound (volume_bounds()) is below the k-th strength; the answer must be
    // exactly the full ranking's, with equal strengths ordered by name.
    scorer s({mixed_channels(), 0.3});
    const auto channels = s.channels();
    std::mt19937_64 rng(7);
    const timestamp t0 = parse_time("2026-01-01");
    for (int i = 0; i < 300; ++i) {
        const std::string other = "q" + std::to_string(i);
        const int n = 1 + static_cast<int>(rng() % 6);
        for (int j = 0; j < n; ++j) {
            const auto when = t0 + std::chrono::hours{static_cast<long>(rng() % (24 * 400))};
            const auto& ch = channels[static_cast<channel_id>(rng() % channels.size())].name;
            if (rng() % 2) s.add({when, "hub", other, ch});
            else s.add({when, other, "hub", ch});
        }
    }
    for (int i = 0; i < 25; ++i)  // equal strengths, the strongest: the same interactions with 25 people
        for (int j = 0; j < 8; ++j) s.add({t0 + std::chrono::days{401}, "hub", "same" + std::to_string(i), "favour"});
    const std::size_t all = s.top("hub", 1000).size();
    REQUIRE(all == 325);
    for (const timestamp at : {*s.newest(), *s.newest() + std::chrono::days{30}}) {
        const auto full = s.top("hub", all, at);
        REQUIRE(full[2].strength == full[3].strength);  // k = 3 cuts through the equal ones
        for (const std::size_t k : {std::size_t{1}, std::size_t{3}, std::size_t{10}, std::size_t{40}, std::size_t{81}}) {
            const auto head = s.top("hub", k, at);
            REQUIRE(head.size() == k);
            for (std::size_t i = 0; i < k; ++i) {
                CHECK(head[i].b == full[i].b);
                CHECK(head[i].strength == full[i].strength);
            }
        }
    }
}

TEST_CASE("top-k is the head of the full ranking for every person and k, on random logs", "[scorer][top]") {
    // top(k) ranks by a bound first (whole half-lives only) when k is below the degree;
    // top(degree) ranks every tie exactly: the two must agree bit for bit.
    for (std::uint64_t seed = 1; seed <= 12; ++seed) {
        scorer s({mixed_channels(), 0.25 * static_cast<double>(seed % 5)});
        const auto log = test::random_log(seed, {.people = 10, .interactions = 400, .span_us = static_cast<std::int64_t>(seed % 3 + 1) * 40 * 24 * 60 * minute_us},
                                          s.channels());
        for (const auto& e : log) s.add(e);
        for (const timestamp at : {*s.newest(), *s.newest() + std::chrono::days{60}, *s.newest() + std::chrono::days{900}}) {
            for (person_id p = 0; p < s.people(); ++p) {
                const auto full = s.top(p, s.relationships(), at);
                for (std::size_t k = 1; k < full.size(); ++k) {
                    const auto head = s.top(p, k, at);
                    REQUIRE(head.size() == k);
                    for (std::size_t i = 0; i < k; ++i) {
                        CHECK(head[i].b == full[i].b);
                        CHECK(head[i].strength == full[i].strength);
                    }
                }
            }
        }
    }
}

// A pair's sums are kept at a landmark that moves forward once a term would grow past
// 2^32 (detail/decay.hpp): a chat channel with a 1-hour half-life over a century moves it
// thousands of times, beside a 30-year channel that barely decays. In order, shuffled,
// split and merged (anchors differ), and through a snapshot, every volume agrees with the
// long double sum of the definition.
TEST_CASE("a pair's sums stay exact across landmark moves: a 1-hour half-life over 100 years", "[scorer][reference]") {
    constexpr std::int64_t hour_us = 60 * minute_us, year_us = 365 * 24 * hour_us;
    std::mt19937_64 rng(11);
    std::uniform_int_distribution<std::int64_t> gap(0, 12 * hour_us);
    std::vector<interaction> log;
    const char* channels[] = {"chat", "favour"};
    for (std::int64_t t = 0; t < 100 * year_us; t += gap(rng)) {
        const bool ab = rng() % 3 != 0;
        log.push_back({from_micros(t), ab ? "ana" : "ben", ab ? "ben" : "ana", channels[rng() % 8 == 0 ? 1 : 0],
                       std::nullopt, rng() % 10 == 0});
    }
    REQUIRE(log.size() > 100'000);
    const scorer_config config{mixed_channels(), 0.5};
    const auto check = [&](const scorer& s) {
        for (const auto at : {*s.newest(), *s.newest() + std::chrono::minutes{90}, *s.newest() + std::chrono::days{400}}) {
            const auto ref = test::reference_between(log, s.channels(), "ana", "ben", at);
            const relationship r = s.between("ana", "ben", at);
            CHECK(agrees(r.volume_ab, ref.ab));
            CHECK(agrees(r.volume_ba, ref.ba));
            const auto table = s.table(at);  // its own direction: a is the lower id
            CHECK(agrees(s.name(table.a[0]) == "ana" ? table.volume_ab[0] : table.volume_ba[0], ref.ab));
        }
    };
    scorer in_order(config);
    for (const auto& e : log) in_order.add(e);
    check(in_order);
    auto shuffled = log;
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    scorer out_of_order(config), bulk(config);
    for (const auto& e : shuffled) out_of_order.add(e);
    check(out_of_order);
    bulk.add_batch(shuffled);
    check(bulk);
    scorer early(config), late(config), interleaved(config);
    for (std::size_t i = 0; i < log.size(); ++i) {
        (i < log.size() / 2 ? early : late).add(log[i]);
        if (i % 3 == 0) interleaved.add(log[i]);
    }
    late.merge(early);  // the later anchor takes the earlier part
    check(late);
    scorer rest(config);
    for (std::size_t i = 0; i < log.size(); ++i)
        if (i % 3 != 0) rest.add(log[i]);
    interleaved.merge(rest);
    check(interleaved);
    check(scorer::from_bytes(interleaved.to_bytes()));
}

TEST_CASE("table() gives identical pairs identical strengths, equal to between(), whatever their rows",
          "[scorer][table]") {
    // Identical relationships in every row position: a vectorised exp over the states once
    // gave the pairs of a batch and the leftover one different last bits.
    for (int n = 1; n <= 9; ++n) {
        CAPTURE(n);
        scorer s({mixed_channels(), 0.5});
        for (int i = 0; i < n; ++i) {
            const std::string a = "a" + std::to_string(i), b = "b" + std::to_string(i);
            s.add({from_micros(0), a, b, "email"});
            if (i % 2 == 0) s.add({from_micros(0), b, a, "chat"});  // some pairs hold two states
        }
        for (std::int64_t k = 1; k <= 400; ++k) {
            const timestamp at = from_micros(k * 7919 * 1'000'003);
            const relationship_table table = s.table(at);
            for (Eigen::Index row = 0; row < static_cast<Eigen::Index>(table.size()); ++row) {
                const relationship r = s.between(table.a[row], table.b[row], at);
                CAPTURE(k, row);
                REQUIRE(table.strength[row] == r.strength);
                REQUIRE(table.volume_ab[row] == r.volume_ab);
                REQUIRE(table.volume_ba[row] == r.volume_ba);
                REQUIRE(table.reciprocity[row] == r.reciprocity);
                REQUIRE(table.strength[row] == table.strength[row % 2]);  // the same relationship
            }
        }
    }
}
