#include "support/catch.hpp"
#include "support/reference.hpp"

#include <relscore/time.hpp>

using namespace relscore;
using relscore::test::message_of;

TEST_CASE("times parse in every documented form", "[time]") {
    const std::int64_t t = 1166434200LL * 1'000'000;  // 2006-12-18T09:30:00Z
    CHECK(to_micros(parse_time("2006-12-18T09:30:00Z")) == t);
    CHECK(to_micros(parse_time("2006-12-18 09:30:00")) == t);
    CHECK(to_micros(parse_time("2006-12-18T09:30")) == t);
    CHECK(to_micros(parse_time("2006-12-18T11:30:00+02:00")) == t);
    CHECK(to_micros(parse_time("2006-12-18T04:30:00-0500")) == t);
    CHECK(to_micros(parse_time("2006-12-18")) == t - (9 * 3600 + 1800) * 1'000'000LL);
    CHECK(to_micros(parse_time("1166434200")) == t);
    CHECK(to_micros(parse_time(" 1166434200 ")) == t);
    CHECK(to_micros(parse_time("1166434200.25")) == t + 250'000);
    CHECK(to_micros(parse_time("2006-12-18T09:30:00.000001Z")) == t + 1);
    CHECK(to_micros(parse_time("1969-12-31T23:59:59Z")) == -1'000'000);
    CHECK(to_micros(parse_time("2000-02-29")) == 951782400LL * 1'000'000);
}

TEST_CASE("bad times are refused with the text in the message", "[time][errors]") {
    for (const char* bad : {"", "yesterday", "2006-13-01", "2006-02-30", "2006-12-18T25:00:00", "2006-12-18T09:30:00Q",
                            "2006-12-18X09:30", "12e5", "1166434200.", "1399-12-31", "NaN", "2006-1-18"}) {
        CAPTURE(bad);
        const auto msg = message_of<parse_error>([&] { (void)parse_time(bad); });
        CHECK(msg.find(std::string("'") + bad + "'") != std::string::npos);
    }
}

TEST_CASE("durations parse with units and as HH:MM:SS", "[time]") {
    using namespace std::chrono;
    CHECK(parse_duration("90d") == days{90});
    CHECK(parse_duration("12h") == hours{12});
    CHECK(parse_duration("2w") == weeks{2});
    CHECK(parse_duration("30m") == minutes{30});
    CHECK(parse_duration("45s") == seconds{45});
    CHECK(parse_duration("1.5d") == hours{36});
    CHECK(parse_duration("250ms") == milliseconds{250});
    CHECK(parse_duration("01:30:00") == minutes{90});
    // Both forms round to the microsecond and refuse what rounds to 0 (review: the HH:MM:SS
    // form truncated and let a nonzero duration become 0).
    CHECK(parse_duration("00:00:00.9999999") == parse_duration("0.9999999s"));
    CHECK(parse_duration("00:00:00.9999999") == seconds{1});
    CHECK(parse_duration("00:00:01.0000004") == seconds{1});
    CHECK(parse_duration("00:00:00.0000006") == microseconds{1});
    CHECK(parse_duration("01:00:00.25") == hours{1} + milliseconds{250});
    CHECK(parse_duration("00:00:00") == seconds{0});
    CHECK(parse_duration("00:00:00.000") == seconds{0});
    for (const char* tiny : {"0.0000001s", "00:00:00.0000001"}) {
        CAPTURE(tiny);
        CHECK(message_of<parse_error>([&] { (void)parse_duration(tiny); }).find("shorter than 1us") != std::string::npos);
    }
    for (const char* bad : {"", "d", "-5d", "5 fortnights", "1:2:3", "abc"}) {
        CAPTURE(bad);
        CHECK_THROWS_AS(parse_duration(bad), parse_error);
    }
}

TEST_CASE("times and durations format back", "[time]") {
    CHECK(format_time(parse_time("2006-12-18T09:30:00Z")) == "2006-12-18T09:30:00Z");
    CHECK(format_time(parse_time("2006-12-18T09:30:00.5Z")) == "2006-12-18T09:30:00.500000Z");
    CHECK(format_time(parse_time("1901-01-01")) == "1901-01-01T00:00:00Z");
    CHECK(format_duration(std::chrono::days{90}) == "90d");
    CHECK(format_duration(std::chrono::hours{36}) == "36h");
    CHECK(format_duration(std::chrono::weeks{2}) == "2w");
}
