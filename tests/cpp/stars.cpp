// Stars: the default mapping's promises, monotonicity, and the calibration's optimality.

#include "support/catch.hpp"
#include "support/reference.hpp"

#include <relscore/io/config_file.hpp>
#include <relscore/relscore.hpp>

#include <array>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

using namespace relscore;
using relscore::test::message_of;

namespace {

constexpr std::int64_t day_us = 86'400'000'000LL;

relationship random_relationship(std::mt19937_64& rng) {
    std::uniform_real_distribution<double> unit(0, 1);
    relationship r;
    r.strength = std::exp(unit(rng) * 5) - 1;  // 0 .. 147
    r.reciprocity = unit(rng);
    const std::int64_t t0 = 1'700'000'000LL * 1'000'000;
    r.first_interaction = from_micros(t0);
    r.last_interaction = from_micros(t0 + static_cast<std::int64_t>(unit(rng) * 300) * day_us);
    r.touches = static_cast<std::uint64_t>(unit(rng) * 12);
    return r;
}

}  // namespace

TEST_CASE("default stars: one exchange is one star, five need sustained two-way contact", "[stars]") {
    scorer s;
    const std::int64_t t0 = to_micros(parse_time("2026-01-05T09:00:00Z"));
    s.add({from_micros(t0), "sam", "kim", "email"});
    s.add({from_micros(t0 + 3'600'000'000LL), "kim", "sam", "email"});
    CHECK(stars(s.between("sam", "kim")) == 1);

    // A weekly two-way call for eight months.
    for (int week = 0; week < 35; ++week) {
        s.add({from_micros(t0 + week * 7 * day_us), "sam", "mentor", "call"});
        s.add({from_micros(t0 + week * 7 * day_us + day_us / 2), "mentor", "sam", "call"});
    }
    CHECK(stars(s.between("sam", "mentor")) == 5);
    // The same volume in a single week is not five stars: it has not lasted.
    for (int k = 0; k < 35; ++k) {
        s.add({from_micros(t0 + 34 * 7 * day_us - k * 3'600'000'000LL), "sam", "burst", "call"});
        s.add({from_micros(t0 + 34 * 7 * day_us - k * 3'600'000'000LL), "burst", "sam", "call"});
    }
    CHECK(s.between("sam", "burst").strength > s.between("sam", "mentor").strength * 0.9);
    CHECK(stars(s.between("sam", "burst")) <= 2);
    // One-sided outreach stays below three stars however much of it there is.
    for (int week = 0; week < 35; ++week) s.add({from_micros(t0 + week * 7 * day_us), "sam", "ceo", "meeting"});
    CHECK(stars(s.between("sam", "ceo")) == 2);
    // Neglect: five years later the mentor has faded to nothing.
    CHECK(stars(s.between("sam", "mentor", from_micros(t0 + 5 * 365 * day_us))) == 0);
}

TEST_CASE("stars never decrease as strength grows, all else equal", "[stars]") {
    std::mt19937_64 rng(3);
    for (int i = 0; i < 2000; ++i) {
        relationship r = random_relationship(rng);
        int previous = 0;
        for (double s : {0.0, 0.1, 0.3, 1.0, 2.9, 3.0, 5.0, 6.0, 11.0, 12.0, 19.0, 20.0, 100.0}) {
            r.strength = s;
            const int now = stars(r);
            CHECK(now >= previous);
            CHECK(now <= 5);
            previous = now;
        }
    }
}

TEST_CASE("calibration recovers the thresholds a user rates by", "[stars]") {
    std::mt19937_64 rng(11);
    for (int trial = 0; trial < 20; ++trial) {
        stars_config user;  // the user's own strength thresholds, same other gates
        double th = 0.1;
        std::uniform_real_distribution<double> step(0.5, 15);
        for (auto& l : user.levels) l.min_strength = th += step(rng);
        std::vector<relationship> rs;
        std::vector<int> given;
        for (int i = 0; i < 300; ++i) {
            rs.push_back(random_relationship(rng));
            given.push_back(stars(rs.back(), user));
        }
        const star_calibration fit = calibrate_stars(rs, given);
        CHECK(fit.after.exact == 1.0);
        CHECK(fit.after.exact >= fit.before.exact);
        CHECK(fit.after.within_one == 1.0);
        CHECK(fit.after.rated == 300);
    }
}

TEST_CASE("calibration is optimal: no choice of thresholds matches more ratings", "[stars]") {
    std::mt19937_64 rng(5);
    for (int trial = 0; trial < 200; ++trial) {
        const int n = 1 + static_cast<int>(rng() % 6);
        std::vector<relationship> rs;
        std::vector<int> given;
        for (int i = 0; i < n; ++i) {
            rs.push_back(random_relationship(rng));
            if (rng() % 4 == 0 && i > 0) rs.back().strength = rs[static_cast<std::size_t>(i) - 1].strength;  // ties
            given.push_back(static_cast<int>(rng() % 6));
        }
        const star_calibration fit = calibrate_stars(rs, given);
        // Brute force: thresholds from the candidate cut points (each strength, and never).
        std::vector<double> cuts;
        for (const auto& r : rs) cuts.push_back(r.strength);
        cuts.push_back(std::numeric_limits<double>::infinity());
        std::size_t best = 0;
        stars_config c;
        std::function<void(std::size_t, std::size_t)> choose = [&](std::size_t level, std::size_t from) {
            if (level == 5) {
                std::size_t hits = 0;
                for (int i = 0; i < n; ++i) hits += stars(rs[static_cast<std::size_t>(i)], c) == given[static_cast<std::size_t>(i)];
                best = std::max(best, hits);
                return;
            }
            for (std::size_t k = 0; k < cuts.size(); ++k) {
                if (level > 0 && cuts[k] < c.levels[level - 1].min_strength) continue;
                c.levels[level].min_strength = cuts[k];
                choose(level + 1, from);
            }
        };
        choose(0, 0);
        CHECK(static_cast<std::size_t>(std::llround(fit.after.exact * n)) == best);
    }
}

TEST_CASE("calibration refuses mismatched or out-of-range ratings", "[stars]") {
    std::vector<relationship> rs(2);
    std::vector<int> one{3};
    std::vector<int> bad{3, 6};
    CHECK(message_of([&] { (void)calibrate_stars(rs, one); }).find("2 relationships but 1 ratings") != std::string::npos);
    CHECK(message_of([&] { (void)calibrate_stars(rs, bad); }).find("rating #1 is 6") != std::string::npos);
}

TEST_CASE("daily two-way contact builds stars, in a short log too", "[stars]") {
    // 28 days of calls back and forth at varying hours, as in a month of a phone log: a
    // touch is a day with contact (not contact after a day of silence, which daily calls
    // rarely leave), and the "known for" gates fit the month.
    scorer s;
    const std::int64_t t0 = to_micros(parse_time("2026-03-02T00:00:00Z"));
    for (std::int64_t d = 0; d < 28; ++d) {
        const std::int64_t t = t0 + d * day_us + (d % 5) * 3 * 3'600'000'000LL + 8 * 3'600'000'000LL;
        s.add({from_micros(t), "ana", "ben", "call"});
        s.add({from_micros(t + 20 * 60'000'000LL), "ben", "ana", "call"});
    }
    s.add({from_micros(t0 + 27 * day_us), "cy", "dee", "call"});  // one exchange at the end
    const relationship r = s.between("ana", "ben");
    CHECK(r.touches == 28);
    CHECK(s.log_span() < std::chrono::days{28});
    // 5 stars need half the log's span (not 120 days) and the rate of 8 days in 120.
    CHECK(stars(s, r) == 5);
    CHECK(stars(r) == 3);  // the thresholds as given: 60 days of acquaintance for 4
    const auto fitted = stars_config{}.for_log(s.log_span());
    CHECK(fitted.levels[4].min_span == s.log_span() / 2);
    CHECK(fitted.levels[4].min_touches == 2);
    CHECK(stars(s, s.between("cy", "dee")) == 1);
    // A year-long log keeps the table as documented.
    CHECK(stars_config{}.for_log(std::chrono::days{365}) == stars_config{});
}

TEST_CASE("star thresholds are checked: not five, NaN, negative or decreasing is refused naming the position", "[stars]") {
    const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
    SECTION("with_thresholds takes valid ones, equal ones and +inf (no strength earns that star)") {
        CHECK(stars_config::with_thresholds(std::array{0.25, 3.0, 6.0, 12.0, 20.0}) == stars_config{});
        const std::array valid{0.0, 1.0, 1.0, inf, inf};  // as calibrate_stars() gives them
        CHECK(stars_config::with_thresholds(valid).thresholds() == valid);
    }
    SECTION("each bad list is refused with what and where") {
        const auto message = [](std::vector<double> t) {
            return message_of<invalid_argument_error>([&] { (void)stars_config::with_thresholds(t, "thresholds"); });
        };
        CHECK(message({1, 2, 3, 4}) == "thresholds must be 5 strengths (for 1..5 stars), got 4");
        CHECK(message({1, 2, 3, 4, 5, 6}) == "thresholds must be 5 strengths (for 1..5 stars), got 6");
        CHECK(message({1, 2, nan, 4, 5}) == "thresholds[2] (the strength for 3 stars) is nan: not a number");
        CHECK(message({-1, 2, 3, 4, 5}).starts_with("thresholds[0] (the strength for 1 star) is -1: a threshold must be >= 0"));
        CHECK(message({-inf, 2, 3, 4, 5}).starts_with("thresholds[0] (the strength for 1 star) is -inf"));
        CHECK(message({1, 2, 6, 4, 5}) ==
              "thresholds[3] (the strength for 4 stars) is 4: below the one for 3 stars (6); thresholds must not decrease");
        CHECK(message({1, 2, inf, 4, 5}).starts_with("thresholds[3] (the strength for 4 stars) is 4: below"));
    }
    SECTION("a config built by hand is checked where it is used") {
        stars_config c;
        c.levels[1].min_strength = nan;
        CHECK(message_of<invalid_argument_error>([&] { (void)c.for_log(std::chrono::days{400}); })
                  .find("relscore::stars_config::for_log(): levels[].min_strength[1] (the strength for 2 stars) is nan") !=
              std::string::npos);
        scorer s;
        s.add({parse_time("2026-01-01"), "a", "b", "email"});
        CHECK_THROWS_AS((void)stars(s, s.between("a", "b"), c), invalid_argument_error);
        std::vector<relationship> rs{s.between("a", "b")};
        std::vector<int> given{1};
        CHECK(message_of<invalid_argument_error>([&] { (void)calibrate_stars(rs, given, c); })
                  .starts_with("relscore::calibrate_stars(): start.levels[].min_strength[1]"));
    }
}

TEST_CASE("a configuration file's star thresholds are checked by the same rule, naming the file and field", "[stars][config]") {
    const auto path = std::filesystem::temp_directory_path() / "relscore_stars_config_test.json";
    const auto read_with = [&](const std::string& thresholds) {
        std::ofstream(path) << R"({"format": "relscore-config", "version": 1, "reciprocity": 0.5,
            "channels": [{"name": "email", "weight": 1.0, "half_life_us": 5184000000000}],
            "star_thresholds": )" << thresholds << "}";
        return message_of<invalid_argument_error>([&] { (void)io::read_config_file(path.string()); });
    };
    CHECK(read_with("[0.25, 3, 6, 12, 20]").empty());
    CHECK(read_with("[1, 2, 3, 4]") == path.string() + ": star_thresholds must be 5 strengths (for 1..5 stars), got 4");
    CHECK(read_with("[1, 2, 6, 4, 5]") == path.string() + ": star_thresholds[3] (the strength for 4 stars) is 4: below "
                                                          "the one for 3 stars (6); thresholds must not decrease");
    CHECK(read_with("[1, -2, 6, 7, 8]").starts_with(path.string() + ": star_thresholds[1] (the strength for 2 stars) is -2"));
    CHECK(read_with("[1, 2, \"x\", 4, 5]") == path.string() + ": star_thresholds[2] must be a number, got \"x\"");
    std::filesystem::remove(path);
}

TEST_CASE("a configuration file with Infinity, as Python's json module wrote it, is refused saying to write null", "[stars][config]") {
    const auto path = std::filesystem::temp_directory_path() / "relscore_infinity_config_test.json";
    const auto read_with = [&](const std::string& thresholds) {
        std::ofstream(path) << "{\n  \"format\": \"relscore-config\",\n  \"version\": 1,\n  \"reciprocity\": 0.5,\n"
                               "  \"channels\": [{\"name\": \"email\", \"weight\": 1.0, \"half_life_us\": 5184000000000}],\n"
                               "  \"star_thresholds\": " << thresholds << "\n}\n";
        return message_of<invalid_argument_error>([&] { (void)io::read_config_file(path.string()); });
    };
    CHECK(read_with("[0.25, 3, 6, 12, Infinity]") ==
          path.string() + ": Infinity at line 6, column 39 is not JSON (Python's json module writes it): rewrite the file "
                          "with null in its place (for a star threshold, null is the infinity: no strength earns that star)");
    CHECK(read_with("[0.25, 3, 6, 12, null]").empty());  // the file so rewritten
    CHECK(read_with("[0.25, 3, 6, -Infinity, 20]") ==
          path.string() + ": -Infinity at line 6, column 35 is not JSON (Python's json module writes it): rewrite the file "
                          "with a number in its place");
    CHECK(read_with("[NaN, 3, 6, 12, 20]").starts_with(path.string() + ": NaN at line 6, column 23 is not JSON"));
    CHECK(read_with("[0.25, 3, 6, 12, Inf]").starts_with(path.string() + ": not JSON ("));  // other mistakes as before
    std::filesystem::remove(path);
}
