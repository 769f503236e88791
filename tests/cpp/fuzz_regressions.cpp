// Inputs the fuzzers (fuzz/) found, kept as ordinary tests. Each was a crash or a broken
// property (parse -> format -> parse must give the same value) before its fix; the input
// is also in the fuzzer's seed corpus.

#include "support/catch.hpp"
#include "support/reference.hpp"

#include <relscore/relscore.hpp>

using namespace relscore;
using relscore::test::message_of;

TEST_CASE("fuzz: durations in HH:MM:SS form are strict", "[fuzz][time]") {
    // Boost's parser accepted trailing junk: "20010201:30:00::30230:000:00" was 20010201.5 hours.
    for (const char* bad : {"20010201:30:00::30230:000:00", "01:30:00junk", "01:30:00.", "01:30:00.5x", "01:75:00",
                            "01:30:60"}) {
        CAPTURE(bad);
        CHECK(message_of<parse_error>([&] { (void)parse_duration(bad); }).find("invalid duration") != std::string::npos);
    }
    CHECK(parse_duration("01:30:00") == std::chrono::minutes(90));
    CHECK(parse_duration("100:00:00.25") == std::chrono::hours(100) + std::chrono::milliseconds(250));
}

TEST_CASE("fuzz: whole-number durations are exact beyond 2^53 microseconds", "[fuzz][time]") {
    // "72036725400302300us" came back as ...304 through a double.
    CHECK(parse_duration("72036725400302300us").count() == 72036725400302300);
    CHECK(parse_duration(format_duration(duration{72036725400302300})).count() == 72036725400302300);
    CHECK(parse_duration("104166d").count() == 104166LL * 86'400'000'000);
    CHECK(message_of<parse_error>([] { (void)parse_duration("99999999999999999999us"); }).find("too long") !=
          std::string::npos);
    CHECK(message_of<parse_error>([] { (void)parse_duration("106752d"); }).find("too long") != std::string::npos);
}
