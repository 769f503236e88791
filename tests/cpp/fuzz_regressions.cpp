// Bugs found by the fuzzers (fuzz/) and while building the soak test, kept as ordinary
// tests. Each was a crash or a broken property (parse -> format -> parse must give the same
// value) before its fix; fuzzer inputs are also in the seed corpora.

#include "support/catch.hpp"
#include "support/reference.hpp"

#include <relscore/io/event_log.hpp>
#include <relscore/relscore.hpp>

#include <istream>
#include <streambuf>

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
    CHECK(message_of<parse_error>([] { (void)parse_duration("106752000d"); }).find("too long") != std::string::npos);
}

namespace {
// A stream that cannot seek, like a pipe.
struct pipe_buffer : std::streambuf {
    std::string data;
    explicit pipe_buffer(std::string d) : data(std::move(d)) { setg(data.data(), data.data(), data.data() + data.size()); }
};
}  // namespace

TEST_CASE("a log read from a pipe keeps its header row", "[csv][log]") {
    // Guessing the delimiter used to read the header line to peek at it, and lost it when
    // the stream could not seek back (relscore score /dev/stdin).
    pipe_buffer buffer("time,source,target\n2026-01-01,a,b\n2026-01-02,b,a\n");
    std::istream in(&buffer);
    REQUIRE(in.tellg() == std::streampos(-1));
    std::size_t rows = 0;
    io::read_interactions(in, "<stdin>", channel_registry::defaults(), {}, [&](interaction&&) { ++rows; });
    CHECK(rows == 2);
}

TEST_CASE("fuzz: the table of a scorer without relationships is empty, without undefined behaviour", "[fuzz][table]") {
    // table() offset a null pointer when there were no pairs (UBSan, snapshot_loader fuzzer:
    // a snapshot with people but no pairs). Under `make test-asan` this fails loudly.
    scorer s;
    CHECK(s.table().size() == 0);
    (void)s.intern("ana");
    const scorer loaded = scorer::from_bytes(s.to_bytes());
    const auto t = loaded.table(parse_time("2026-01-01"));
    CHECK(t.size() == 0);
    CHECK(t.volume_ba.size() == 0);
}
