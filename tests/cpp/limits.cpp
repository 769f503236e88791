// The finite-totals guarantee (limits.hpp, issue 19): weights above max_weight are refused
// by every entry point with the strong guarantee, and merge() refuses before any sum
// could pass max_total, so no stored sum or query result is inf or NaN.

#include "support/catch.hpp"

#include <relscore/io/event_log.hpp>
#include <relscore/limits.hpp>
#include <relscore/network.hpp>
#include <relscore/relscore.hpp>

#define XXH_INLINE_ALL
#include <xxhash.h>
#include <fmt/format.h>

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

using namespace relscore;

namespace {

const timestamp t0 = parse_time("2025-01-01T00:00:00Z");
const double above_max = std::nextafter(max_weight, 2 * max_weight);

bool contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }
bool starts_with(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }

// The message of what `f` throws ("(no exception)" if nothing).
template <typename F>
std::string error_of(F&& f) {
    try {
        f();
    } catch (const std::exception& e) {
        return e.what();
    }
    return "(no exception)";
}

bool all_finite(const scorer& s) {
    const auto t = s.table();
    for (std::size_t i = 0; i < t.size(); ++i) {
        const auto r = static_cast<Eigen::Index>(i);
        if (!std::isfinite(t.strength[r]) || !std::isfinite(t.volume_ab[r]) || !std::isfinite(t.volume_ba[r]) ||
            !std::isfinite(t.reciprocity[r]))
            return false;
    }
    return true;
}

scorer with_one_pair() {
    scorer s;
    s.add({t0, "a", "b", "email", 1.0, true});
    return s;
}

}  // namespace

TEST_CASE("weights above relscore::max_weight are refused by every add path, changing nothing", "[limits]") {
    for (const double bad : {1e308, above_max, std::numeric_limits<double>::infinity(), -1.0,
                             std::numeric_limits<double>::quiet_NaN()}) {
        CAPTURE(bad);
        scorer s = with_one_pair();
        const std::string before = s.to_bytes();
        SECTION("add(interaction)") {
            CHECK(contains(error_of([&] { (void)s.add(interaction{t0, "a", "c", "email", bad, true}); }), "relscore::scorer::add(): weight must be finite, >= 0 and <= 1e+15"));
        }
        SECTION("add(dense_interaction)") {
            CHECK_THROWS_AS(s.add(dense_interaction{t0, 0, 1, 0, bad, false}), invalid_argument_error);
        }
        SECTION("add_batch, the bad one last") {
            const std::vector<interaction> batch{{t0, "a", "c", "email", 1.0, false}, {t0, "c", "d", "email", bad, true}};
            CHECK(contains(error_of([&] { (void)s.add_batch(batch); }), "interaction #1: weight"));
        }
        SECTION("add_columns names the row") {
            const std::vector<std::int64_t> time{to_micros(t0), to_micros(t0)}, src{0, 1}, dst{1, 2};
            const std::vector<double> weight{2.0, bad};
            const std::vector<std::string> people{"a", "b", "c"};
            interaction_columns c;
            c.time_us = time;
            c.source = src;
            c.target = dst;
            c.people = people;
            c.weight = weight;
            CHECK(contains(error_of([&] { (void)s.add_columns(c); }), "row 1: weight"));
        }
        CHECK(s.to_bytes() == before);
    }
}

TEST_CASE("messages print a huge weight in a few characters", "[limits]") {
    scorer s;
    try {
        s.add(interaction{t0, "a", "b", "email", 1e308, false});
        FAIL("accepted 1e308");
    } catch (const invalid_argument_error& e) {
        CHECK(std::string(e.what()).size() < 150);
        CHECK(std::string(e.what()).find("got 1e+308") != std::string::npos);
    }
}

TEST_CASE("channels with a weight above the maximum are refused", "[limits]") {
    channel_registry r;
    CHECK(contains(error_of([&] { (void)r.define({"big", 1e308, std::chrono::days{30}}); }), "channel 'big': weight must be"));
    CHECK_NOTHROW(r.define({"max", max_weight, std::chrono::days{30}}));
}

TEST_CASE("the maximum weight is accepted and every result stays finite", "[limits]") {
    scorer s;
    for (int i = 0; i < 1000; ++i) s.add({t0 + std::chrono::seconds(i), "a", "b", "email", max_weight, i % 2 == 0});
    s.add({t0, "b", "c", "email", max_weight, false});
    REQUIRE(all_finite(s));
    const auto r = s.between("a", "b");
    CHECK(r.volume_ab > 999 * max_weight * 0.99);
    CHECK(std::isfinite(r.reciprocity));
    CHECK(std::isfinite(s.trend_of("a", "b").change_over_horizon));
    CHECK(std::isfinite(s.explain("a", "b", 3).strength));
    const auto g = strength_matrix(s);
    CHECK(std::isfinite(g.coeff(0, 1)));
    for (const auto& m : suggest_meetings(s)) CHECK(std::isfinite(m.score));
}

// A scorer of one relationship, a–b, with one interaction whose decayed sum is `value`
// (written into its snapshot, as a writer of other software could: counts cannot grow a
// sum this far before they reach max_pair_interactions).
scorer with_sum(double value) {
    scorer s;
    s.add({t0, "a", "b", "email", 1234.5, false});
    std::string bytes = s.to_bytes();
    const double old_value = 1234.5;  // the pair's one decayed sum (then its pace sums)
    const auto at = bytes.find(std::string(reinterpret_cast<const char*>(&old_value), sizeof old_value));
    REQUIRE(at != std::string::npos);
    bytes.replace(at, sizeof value, reinterpret_cast<const char*>(&value), sizeof value);
    const std::uint64_t sum = XXH3_64bits(bytes.data(), bytes.size() - 8);  // the checksum
    bytes.replace(bytes.size() - 8, 8, reinterpret_cast<const char*>(&sum), 8);
    return scorer::from_bytes(bytes);
}

TEST_CASE("merge refuses, changing nothing, once a sum could pass max_total", "[limits][merge]") {
    scorer s = with_sum(0.3e100);
    s.add({t0, "b", "c", "call", max_weight, false});
    CHECK_NOTHROW(s.merge(s));  // 0.6e100
    const std::string before = s.to_bytes();
    CHECK(contains(error_of([&] { s.merge(s); }), "the relationship of 'a' and 'b' would exceed relscore::max_total (1e+100)"));
    CHECK(s.to_bytes() == before);
    REQUIRE(all_finite(s));
    CHECK(s.between("a", "b").volume_ab <= max_total);
    SECTION("a merge of two scorers checks the pair they share") {
        CHECK_THROWS_AS(s.merge(with_sum(0.5e100)), invalid_argument_error);
        CHECK(s.to_bytes() == before);
        scorer fresh;
        fresh.add({t0, "x", "y", "email", max_weight, false});
        CHECK_NOTHROW(s.merge(fresh));  // other pairs are far from the limit
    }
}

// A scorer whose relationship a–b holds `n` interactions, n < 2^32, one a day's worth at
// t0 (built by merges: each power of two is a self-merge of the one below).
scorer with_interactions(std::uint64_t n, const scorer_config& config = {}) {
    scorer power(config), out(config);
    power.add({t0, "a", "b", "email", 1.0, false});
    for (std::uint64_t bit = 1; bit <= n; bit <<= 1) {
        if (n & bit) out.merge(power);
        if (bit <= n / 2) power.merge(power);
    }
    return out;
}

TEST_CASE("a relationship just under max_pair_interactions takes what fits and refuses the rest", "[limits]") {
    scorer s = with_interactions(max_pair_interactions - 2);
    s.add({t0, "c", "d", "call", 1.0, false});  // another pair, before and after
    const std::vector<interaction> two{{t0, "a", "b", "email", 1.0, false}, {t0, "b", "a", "email", 1.0, false}};
    const std::vector<interaction> three{two[0], two[1], {t0, "c", "d", "call", 1.0, false}, two[0]};
    const std::string before = s.to_bytes();
    CHECK(contains(error_of([&] { s.add_batch(three); }), "'a' and 'b' would hold more than"));
    CHECK(s.to_bytes() == before);
    s.add_batch(two);  // exactly to the limit
    CHECK(s.between("a", "b").interactions == max_pair_interactions);
    s.add_batch(std::vector<interaction>{{t0, "d", "c", "call", 1.0, false}});
    CHECK(contains(error_of([&] { s.add({t0, "a", "b", "email", 1.0, false}); }), "'a' and 'b' would hold more than"));
    CHECK(s.between("a", "b").interactions == max_pair_interactions);
    CHECK(s.between("c", "d").interactions == 2);
}

TEST_CASE("a snapshot of a relationship with more than max_pair_interactions is corrupt", "[limits][snapshot]") {
    std::string bytes = with_interactions(max_pair_interactions).to_bytes();
    // The pair's counts as written: lo→hi 2^32 − 1, hi→lo 0, mutual 0; one mutual more.
    const unsigned char counts[12] = {0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0};
    const auto at = bytes.find(std::string(reinterpret_cast<const char*>(counts), sizeof counts));
    REQUIRE(at != std::string::npos);
    bytes[at + 8] = 1;
    const std::uint64_t sum = XXH3_64bits(bytes.data(), bytes.size() - 8);
    bytes.replace(bytes.size() - 8, 8, reinterpret_cast<const char*>(&sum), 8);
    CHECK(contains(error_of([&] { (void)scorer::from_bytes(bytes); }), "holds more than relscore::max_pair_interactions"));
    scorer other;
    other.add({t0, "x", "y", "email", 1.0, false});
    const std::string first = other.to_bytes();
    const std::string_view both[2] = {first, bytes};
    CHECK(contains(error_of([&] { (void)scorer::from_bytes_many(both); }), "holds more than relscore::max_pair_interactions"));
}

TEST_CASE("self-merges stop at max_pair_interactions instead of wrapping the counts", "[limits][merge]") {
    scorer s;
    s.add({t0, "a", "b", "email", max_weight, true});
    s.add({t0 + std::chrono::hours(30), "b", "a", "call", 1.0, false});
    int merges = 0;
    for (;; ++merges) {
        REQUIRE(merges < 64);
        const std::string before = s.to_bytes();
        try {
            s.merge(s);
        } catch (const invalid_argument_error& e) {
            CHECK(contains(e.what(), "the relationship of 'a' and 'b' would hold more than relscore::max_pair_interactions (4294967295) interactions after the merge; nothing was merged"));
            CHECK(s.to_bytes() == before);
            break;
        }
    }
    CHECK(merges == 30);  // 2 · 2^30 interactions; 2^32 would not fit
    const relationship r = s.between("a", "b");
    CHECK(r.interactions == std::uint64_t{1} << 31);
    CHECK(r.touches <= r.interactions);
    REQUIRE(all_finite(s));
    CHECK(scorer::from_bytes(s.to_bytes()).to_bytes() == s.to_bytes());
}

TEST_CASE("ingest refuses, changing nothing, an interaction past max_pair_interactions", "[limits]") {
    scorer s = with_interactions(max_pair_interactions);
    REQUIRE(s.between("a", "b").interactions == max_pair_interactions);
    const std::string before = s.to_bytes();
    const std::string refused = "the relationship of 'a' and 'b' would hold more than relscore::max_pair_interactions (4294967295) interactions; nothing was added";
    CHECK(contains(error_of([&] { s.add({t0, "b", "a", "call", 1.0, false}); }), "relscore::scorer::add(): " + refused));
    CHECK(contains(error_of([&] { s.add(dense_interaction{t0, 1, 0, 0, std::nullopt, false}); }), refused));
    const std::vector<interaction> batch{{t0, "c", "d", "email", 1.0, false}, {t0, "a", "b", "email", 1.0, false}};
    CHECK(contains(error_of([&] { s.add_batch(batch); }), "relscore::scorer::add_batch(): " + refused));
    const std::vector<dense_interaction> dense{{t0, 0, 2, 0, std::nullopt, false}, {t0, 0, 1, 0, std::nullopt, false}};
    CHECK(contains(error_of([&] { s.add_batch(dense); }), refused));
    const std::vector<std::int64_t> time{to_micros(t0), to_micros(t0)}, source{0, 2}, target{1, 1};
    const std::vector<std::string> people{"b", "a", "new"};
    CHECK(contains(error_of([&] { s.add_columns({.time_us = time, .source = source, .target = target, .people = people}); }), refused));
    CHECK(s.to_bytes() == before);  // no person, channel or pair made
    // Other relationships, new or not, still take interactions, singly and in batches.
    s.add({t0, "a", "c", "email", 1.0, false});
    s.add_batch(std::vector<interaction>{{t0, "c", "a", "email", 1.0, false}, {t0, "b", "c", "call", 1.0, false}});
    CHECK(s.between("a", "c").interactions == 2);
    CHECK(s.between("a", "b").interactions == max_pair_interactions);
    // After those, a–b is still refused, singly and in a batch, and still not wrapped.
    const std::string after = s.to_bytes();
    CHECK(contains(error_of([&] { s.add({t0, "a", "b", "email", 1.0, false}); }), refused));
    CHECK(contains(error_of([&] { s.add(dense_interaction{t0, 0, 1, 0, std::nullopt, false}); }), refused));
    CHECK(contains(error_of([&] { s.add_batch(batch); }), refused));
    CHECK(s.to_bytes() == after);
    // And a merge that would pass it is refused.
    scorer one;
    one.add({t0, "a", "b", "email", 1.0, false});
    CHECK(contains(error_of([&] { s.merge(one); }), "max_pair_interactions"));
    CHECK(scorer::from_bytes(s.to_bytes()).to_bytes() == s.to_bytes());
}

TEST_CASE("add() refuses a pair at max_pair_interactions before it registers the interaction's new channel", "[limits]") {
    scorer_config config;
    config.register_unknown_channels = channel{};
    scorer s = with_interactions(max_pair_interactions, config);
    const std::string before = s.to_bytes();
    CHECK(contains(error_of([&] { s.add({t0, "a", "b", "sms", 1.0, false}); }),
                   "relscore::scorer::add(): the relationship of 'a' and 'b' would hold more than"));
    CHECK(!s.channels().find("sms"));
    CHECK(s.to_bytes() == before);
    s.add({t0, "a", "c", "sms", 1.0, false});  // another pair takes it
    CHECK(s.channels().find("sms"));
    CHECK(contains(error_of([&] { s.add({t0, "b", "a", "fax", 1.0, false}); }), "'a' and 'b' would hold more than"));
    CHECK(!s.channels().find("fax"));
}

TEST_CASE("the CSV reader refuses a weight above the maximum with file:line:column", "[limits][csv]") {
    std::istringstream in("time,source,target,weight\n2025-01-01,a,b,1e308\n");
    try {
        (void)io::read_interactions(in, "log.csv", channel_registry::defaults(), {}, [](interaction&&) {});
        FAIL("accepted 1e308");
    } catch (const parse_error& e) {
        CHECK(starts_with(e.what(), "log.csv:2:4: column 'weight': weight must be finite"));
    }
}

TEST_CASE("the CSV reader refuses one column named for two roles and names missing optional columns", "[csv]") {
    const auto read = [](const std::string& text, io::read_options o) {
        std::istringstream in(text);
        return io::read_interactions(in, "log.csv", channel_registry::defaults(), o, [](interaction&&) {});
    };
    io::read_options same;
    same.columns.source = "target";
    CHECK(contains(error_of([&] { (void)read("time,source,target\n2025-01-01,a,b\n", same); }), "column 'target' is named as both the source and the target column"));
    io::read_options required;
    required.columns.channel = "how";
    required.required_columns = {"how"};
    CHECK(contains(error_of([&] { (void)read("time,source,target\n2025-01-01,a,b\n", required); }), "missing required column 'how'"));
}

TEST_CASE("open_for_reading names a directory and a missing file", "[csv]") {
    CHECK(contains(error_of([&] { (void)io::open_for_reading("/"); }), "/: is a directory"));
    CHECK(contains(error_of([&] { (void)io::open_for_reading("/nonexistent/x.csv"); }), "cannot open file"));
}

TEST_CASE("durations: exponents are numbers, and too short or too long says so", "[time]") {
    CHECK(parse_duration("1e2d") == std::chrono::days{100});
    CHECK(contains(error_of([&] { (void)parse_duration("1e400d"); }), "too long"));
    CHECK(contains(error_of([&] { (void)parse_duration("0.0000001s"); }), "shorter than 1us"));
    CHECK(contains(error_of([&] { (void)parse_duration("1e-400s"); }), "shorter than 1us"));
    CHECK(parse_duration("0s").count() == 0);
}

TEST_CASE("suggest_meetings reports progress up to every person", "[network]") {
    scorer s;
    for (int i = 0; i < 3000; ++i) s.add({t0, "hub", fmt::format("p{}", i), "email", 1.0, false});
    std::size_t calls = 0, last_done = 0, total = 0;
    suggest_options o;
    o.top = 1;
    o.max_intermediary_degree = 10;
    o.on_progress = [&](std::size_t done, std::size_t all) {
        CHECK(done >= last_done);
        last_done = done;
        total = all;
        ++calls;
    };
    (void)suggest_meetings(s, o);
    CHECK(calls >= 3);
    CHECK(last_done == s.people());
    CHECK(total == s.people());
}

TEST_CASE("a snapshot holding a sum above max_total is refused as corrupted", "[limits][snapshot]") {
    scorer s;
    s.add({t0, "a", "b", "email", 1234.5, false});
    std::string bytes = s.to_bytes();
    // The pair's one decayed sum is 1234.5 (an exponential kernel, weight 1), stored at its
    // anchor, the pair's one interaction; write over it and fix the checksum, as a buggy
    // or hostile writer could: 1e308 is above any stored sum (2^1000), 1e200 is not, but
    // it is the sum's value at the pair's last interaction, above max_total.
    const double huge = GENERATE(1e308, 1e200);
    const double old_value = 1234.5;
    const std::string needle(reinterpret_cast<const char*>(&old_value), sizeof old_value);
    const auto at = bytes.find(needle);
    REQUIRE(at != std::string::npos);
    REQUIRE(bytes.find(needle, at + 1) != std::string::npos);  // the pace sums hold it too
    bytes.replace(at, sizeof huge, reinterpret_cast<const char*>(&huge), sizeof huge);
    const std::uint64_t sum = XXH3_64bits(bytes.data(), bytes.size() - 8);  // format 4's checksum
    bytes.replace(bytes.size() - 8, 8, reinterpret_cast<const char*>(&sum), 8);
    CHECK(contains(error_of([&] { (void)scorer::from_bytes(bytes); }), "corrupted snapshot: an invalid relationship state"));
}

TEST_CASE("a query time outside years 1400..9999 is refused, not overflowed", "[limits][time]") {
    scorer s;
    s.add({parse_time("1494-06-01T00:00:00Z"), "a", "b", "email", 1.0, false});
    const auto at = [](std::int64_t us) { return std::optional<timestamp>(from_micros(us)); };
    // Past year 9999 the pair's age in microseconds would overflow: refused, naming the time.
    const std::string late = error_of([&] { (void)s.between("a", "b", at(std::numeric_limits<std::int64_t>::max())); });
    CHECK(contains(late, "query time 9223372036854775807us is outside years 1400..9999"));
    CHECK_THROWS_AS(s.top("a", 3, at(std::numeric_limits<std::int64_t>::max())), invalid_argument_error);
    // Before the newest interaction it is too early, whatever the year (no format_time() error).
    CHECK_THROWS_AS(s.between("a", "b", at(-30'000'000'000'000'000)), time_order_error);
    CHECK(contains(error_of([&] { (void)s.between("a", "b", at(-30'000'000'000'000'000)); }), "is earlier than the newest interaction 1494-06-01"));
    CHECK(s.between("a", "b", parse_time("9999-12-31T00:00:00Z")).strength >= 0);
}
