#include "support/catch.hpp"
#include "support/random_log.hpp"
#include "support/reference.hpp"

#include <relscore/relscore.hpp>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <string_view>

using namespace relscore;
using relscore::test::message_of;

namespace {
scorer random_scorer(std::uint64_t seed) {
    scorer s({channel_registry::defaults(), 0.3});
    for (const auto& e : test::random_log(seed, {.people = 15, .interactions = 1500})) s.add(e);
    return s;
}
}  // namespace

TEST_CASE("a snapshot round-trips to bit-identical results and identical bytes", "[snapshot]") {
    const scorer s = random_scorer(3);
    const std::string bytes = s.to_bytes();
    const scorer loaded = scorer::from_bytes(bytes);
    CHECK(loaded.to_bytes() == bytes);
    CHECK(loaded.config() == s.config());
    const auto at = *s.newest() + std::chrono::days{3};
    const auto x = s.table(at), y = loaded.table(at);
    REQUIRE(x.size() == y.size());
    CHECK((x.strength == y.strength).all());
    CHECK((x.volume_ab == y.volume_ab).all());
    CHECK((x.a == y.a).all());
    CHECK((x.interactions == y.interactions).all());
    const auto r1 = s.between("p1", "p2", at), r2 = loaded.between("p1", "p2", at);
    CHECK(r1.strength == r2.strength);
    // The loaded scorer keeps working: ingest more into both, same answers.
    scorer a = s, b = loaded;
    for (const auto& e : test::random_log(4, {.people = 20, .interactions = 100})) {
        a.add(e);
        b.add(e);
    }
    CHECK(a.to_bytes() == b.to_bytes());
}

TEST_CASE("bad snapshots are refused with a reason", "[snapshot][errors]") {
    const std::string bytes = random_scorer(5).to_bytes();
    CHECK(message_of<parse_error>([&] { (void)scorer::from_bytes("hello world, not a snapshot"); })
              .find("not a relscore snapshot") != std::string::npos);
    CHECK(message_of<parse_error>([&] { (void)scorer::from_bytes(bytes.substr(0, bytes.size() / 2)); })
              .find("truncated snapshot") != std::string::npos);
    CHECK(message_of<parse_error>([&] { (void)scorer::from_bytes(bytes.substr(0, 10)); }).find("truncated") !=
          std::string::npos);
    std::string flipped = bytes;
    flipped[flipped.size() / 2] ^= 0x10;
    CHECK(message_of<parse_error>([&] { (void)scorer::from_bytes(flipped); }).find("checksum mismatch") !=
          std::string::npos);
    std::string future = bytes;
    future[8] = 9;
    CHECK(message_of<parse_error>([&] { (void)scorer::from_bytes(future); }).find("unsupported snapshot version 9") !=
          std::string::npos);
    CHECK(scorer::from_bytes(scorer().to_bytes()).relationships() == 0);
}

// ---- values behind a valid checksum ------------------------------------------------------
//
// docs/guarantees.md: "loading checks every value, not only the checksum". Each snapshot
// below is written by hand from docs/snapshot-format.md, with its checksum recomputed here
// (CRC-32 up to version 3, XXH3-64 from version 4), so only the value checks can refuse it.

namespace {

// CRC-32 (zlib/PNG: reflected polynomial 0xEDB88320), bit by bit.
std::uint32_t crc32(std::string_view bytes) {
    std::uint32_t crc = 0xFFFFFFFFu;
    for (unsigned char byte : bytes) {
        crc ^= byte;
        for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

template <typename T>
void put(std::string& out, T v) {
    char buf[sizeof v];
    std::memcpy(buf, &v, sizeof v);  // little-endian hosts only, as the format (it refuses to build elsewhere)
    out.append(buf, sizeof v);
}
void put_string(std::string& out, std::string_view s) {
    put(out, static_cast<std::uint32_t>(s.size()));
    out.append(s);
}
std::string with_checksum(std::string body) {
    std::uint32_t version = 0;
    std::memcpy(&version, body.data() + 8, 4);
    if (version >= 4)
        put(body, XXH3_64bits(body.data(), body.size()));
    else
        put(body, crc32(body));
    return body;
}

constexpr std::int64_t t_newest = 1'767'225'600LL * 1'000'000;  // 2026-01-01
constexpr std::int64_t sixty_days = 60LL * 86400 * 1'000'000;

// A format-version-1 snapshot: channel "email" (weight w, half-life 60 d), people ana and
// ben, and `pairs` copies of the pair ana–ben (one is well formed), each with one lo→hi
// state of `value` as of t_newest.
std::string v1_snapshot(double value, double w = 1.0, std::uint32_t pairs = 1) {
    std::string b = "RELSCORE";
    put<std::uint32_t>(b, 1);
    put<double>(b, 0.5);
    put<std::uint32_t>(b, 1);
    put_string(b, "email");
    put<double>(b, w);
    put<std::int64_t>(b, sixty_days);
    put<std::int64_t>(b, t_newest);
    put<std::uint32_t>(b, 2);
    put_string(b, "ana");
    put_string(b, "ben");
    put<std::uint32_t>(b, pairs);
    for (std::uint32_t i = 0; i < pairs; ++i) {
        put<std::uint32_t>(b, 0);        // lo
        put<std::uint32_t>(b, 1);        // hi
        put<std::int64_t>(b, t_newest);  // last
        put<std::uint32_t>(b, 1);        // n_lo_hi
        put<std::uint32_t>(b, 0);        // n_hi_lo
        put<std::uint32_t>(b, 0);        // n_mutual
        put<std::uint32_t>(b, 1);        // states
        put<std::uint16_t>(b, 0);        // channel
        put<std::uint8_t>(b, 0);         // dir
        put<double>(b, value);
        put<std::int64_t>(b, t_newest);
    }
    return with_checksum(std::move(b));
}

}  // namespace

TEST_CASE("loading refuses a pair that appears twice", "[snapshot][errors]") {
    CHECK(scorer::from_bytes(v1_snapshot(0.5, 1.0, 1)).relationships() == 1);
    const std::string msg = message_of<parse_error>([] { (void)scorer::from_bytes(v1_snapshot(0.5, 1.0, 2)); });
    CHECK(msg.find("corrupted snapshot: a pair appears twice") != std::string::npos);
}

// From format 5 a pair's states are in key order (one byte form per state): the same
// states swapped are refused. (Version 4 files, in any order, load: the v4 fixture.)
TEST_CASE("loading refuses a version-5 pair whose states are out of key order", "[snapshot][errors]") {
    scorer_config config;
    config.insight.conversations = false;
    scorer s(config);
    s.add({from_micros(t_newest), "ana", "ben", "email", 2.71875});  // ana < ben: direction 0
    s.add({from_micros(t_newest), "ben", "ana", "email", 6.140625});  // direction 1
    const std::string bytes = s.to_bytes();
    // Each state is u16 component, u8 direction, f64 value (at the pair's anchor, here the
    // time of both): find them by value.
    const auto state_at = [&](double value) {
        char pattern[8];
        std::memcpy(pattern, &value, 8);
        const std::size_t at = bytes.find(std::string_view(pattern, 8));
        REQUIRE(at != std::string::npos);
        REQUIRE(bytes.find(std::string_view(pattern, 8), at + 1) == std::string::npos);
        return at - 3;
    };
    const std::size_t first = state_at(2.71875), second = state_at(6.140625), state = 2 + 1 + 8;
    REQUIRE(second == first + state);
    std::string swapped = bytes.substr(0, bytes.size() - 8);
    swapped.replace(first, 2 * state, bytes.substr(second, state) + bytes.substr(first, state));
    CHECK(scorer::from_bytes(bytes).between("ana", "ben").volume_ab == 2.71875);
    const std::string msg = message_of<parse_error>([&] { (void)scorer::from_bytes(with_checksum(std::move(swapped))); });
    CHECK(msg.find("corrupted snapshot: a relationship's states out of key order") != std::string::npos);
}

// From format 6 a pair's sums are stored at its anchor, which is never after its last
// interaction (queries, at or after it, decay from there).
TEST_CASE("loading refuses a pair whose anchor is after its last interaction", "[snapshot][errors]") {
    scorer_config config;
    config.insight.conversations = false;
    scorer s(config);
    constexpr std::int64_t hour = 3'600'000'000LL, first = t_newest - hour;
    s.add({from_micros(first), "ana", "ben", "email", 1.0});
    s.add({from_micros(t_newest), "ana", "ben", "email", 1.0});
    std::string bytes = s.to_bytes();
    // The pair's first time is written twice: as `first`, then as the anchor.
    const std::string needle(reinterpret_cast<const char*>(&first), 8);
    const std::size_t at_first = bytes.find(needle), at_anchor = bytes.find(needle, at_first + 1);
    REQUIRE(at_anchor != std::string::npos);
    const std::int64_t later = t_newest + hour;
    bytes.replace(at_anchor, 8, reinterpret_cast<const char*>(&later), 8);
    const std::string msg = message_of<parse_error>([&] { (void)scorer::from_bytes(with_checksum(bytes.substr(0, bytes.size() - 8))); });
    CHECK(msg.find("corrupted snapshot: a relationship's anchor time") != std::string::npos);
}

// add() checks U+0000 only in the names of new people, so no person may come in holding it.
TEST_CASE("loading refuses a person name holding U+0000", "[snapshot][errors]") {
    scorer s;
    s.add({from_micros(t_newest), "ann#smith", "ben", "email"});
    std::string bytes = s.to_bytes();
    bytes.resize(bytes.size() - 8);
    const std::size_t at = bytes.find("ann#smith");
    REQUIRE(at != std::string::npos);
    bytes[at + 3] = '\0';
    const std::string msg = message_of<parse_error>([&] { (void)scorer::from_bytes(with_checksum(bytes)); });
    CHECK(msg.find("corrupted snapshot: a person name contains a NUL character") != std::string::npos);
}

TEST_CASE("loading checks every value, not only the checksum", "[snapshot][errors]") {
    SECTION("the hand-written snapshot is well formed: a valid value loads and answers") {
        const scorer s = scorer::from_bytes(v1_snapshot(0.75));
        const relationship r = s.between("ana", "ben");
        CHECK(r.volume_ab == 0.75);
        CHECK(r.volume_ba == 0);
        CHECK(r.interactions == 1);
        // Sixty days later the volume has halved.
        CHECK(s.between("ana", "ben", from_micros(t_newest + sixty_days)).volume_ab == 0.375);
    }
    SECTION("a negative decayed volume is refused, naming the value") {
        const std::string msg = message_of<parse_error>([] { (void)scorer::from_bytes(v1_snapshot(-2.5)); });
        CHECK(msg.find("corrupted snapshot") != std::string::npos);
        CHECK(msg.find("-2.5") != std::string::npos);
        CHECK(msg.find("checksum") == std::string::npos);
    }
    SECTION("a volume that is not a number is refused, naming it") {
        const std::string msg = message_of<parse_error>(
            [] { (void)scorer::from_bytes(v1_snapshot(std::numeric_limits<double>::quiet_NaN())); });
        CHECK(msg.find("corrupted snapshot") != std::string::npos);
        CHECK(msg.find("nan") != std::string::npos);
    }
    SECTION("a negative channel weight is refused, naming the channel and the weight") {
        const std::string msg = message_of<parse_error>([] { (void)scorer::from_bytes(v1_snapshot(1.0, -3.25)); });
        CHECK(msg.find("corrupted snapshot") != std::string::npos);
        CHECK(msg.find("'email'") != std::string::npos);
        CHECK(msg.find("-3.25") != std::string::npos);
    }
    SECTION("a reciprocity weight above 1 in a snapshot of the current format") {
        // The header (magic, version, reciprocity) is the same in every version.
        std::string bytes = random_scorer(8).to_bytes();
        REQUIRE(scorer::from_bytes(bytes).config().reciprocity == 0.3);
        bytes.resize(bytes.size() - 8);  // format 4's checksum
        const double bad = 1.75;
        std::memcpy(bytes.data() + 12, &bad, sizeof bad);
        const std::string msg = message_of<parse_error>([&] { (void)scorer::from_bytes(with_checksum(bytes)); });
        CHECK(msg.find("corrupted snapshot") != std::string::npos);
        CHECK(msg.find("reciprocity") != std::string::npos);
        CHECK(msg.find("1.75") != std::string::npos);
    }
}

TEST_CASE("loading refuses a version-5 history whose two pace sums have different times", "[snapshot][errors]") {
    // Versions 2 to 5 keep a reference time for each pace sum; they are always equal (one is
    // kept in memory), so a snapshot where they differ is corrupt, not merely unusual.
    // (Version 6 stores the time once.) The committed v5 fixture, walked to its first
    // pair's paces by the table in docs/snapshot-format.md.
    std::ifstream in(std::filesystem::path(RELSCORE_SOURCE_DIR) / "tests/data/snapshots/v5.relscore", std::ios::binary);
    std::string bytes(std::istreambuf_iterator<char>(in), {});
    REQUIRE(bytes.size() > 1000);
    const auto u32 = [&](std::size_t at) {
        std::uint32_t v = 0;
        std::memcpy(&v, bytes.data() + at, 4);
        return v;
    };
    std::size_t at = 8 + 4 + 8;  // magic, version, reciprocity
    const std::uint32_t channels = u32(at);
    at += 4;
    for (std::uint32_t c = 0; c < channels; ++c) at += 4 + u32(at) + 8 + 8 + 1 + 8 + 8 + 8;
    at += 6 * 8 + 2 + 8;  // the insight settings, newest
    const std::uint32_t people = u32(at);
    at += 4;
    for (std::uint32_t p = 0; p < people; ++p) at += 4 + u32(at);
    at += 4 + 4 + 4 + 8 + 8 + 4 + 3 * 4;  // the pair count; lo, hi, last, first, touches, counts
    at += 4 + u32(at) * (2 + 1 + 8 + 8);  // the states
    at += 3 * 4 + 16 * 4;                 // conversations, mutual_initiated, late, gap histogram
    std::int64_t ref = 0, again = 0;      // recent, its time, long run, its time again
    std::memcpy(&ref, bytes.data() + at + 8, 8);
    std::memcpy(&again, bytes.data() + at + 24, 8);
    REQUIRE(ref == again);
    REQUIRE(ref > t_newest - 20 * 365 * 86'400'000'000LL);  // a time: the walk found the paces
    bytes.resize(bytes.size() - 8);  // the checksum
    CHECK_NOTHROW(scorer::from_bytes(with_checksum(bytes)));
    const std::int64_t other = ref - 1;
    std::memcpy(bytes.data() + at + 24, &other, sizeof other);
    const std::string msg = message_of<parse_error>([&] { (void)scorer::from_bytes(with_checksum(bytes)); });
    CHECK(msg.find("corrupted snapshot") != std::string::npos);
    CHECK(msg.find("pace") != std::string::npos);
}

namespace {
// Every pair of the table is found by its people, with the table's strength.
void check_finds_every_pair(const scorer& s) {
    const auto t = s.table();
    REQUIRE(t.size() == s.relationships());
    for (std::size_t i = 0; i < t.size(); ++i) {
        const relationship r = t.row(i), found = s.between(r.a, r.b, t.at);
        CHECK(found.interactions == r.interactions);
        CHECK(found.first_interaction == r.first_interaction);
        CHECK(found.last_interaction == r.last_interaction);
    }
}
}  // namespace

TEST_CASE("a copied, moved or assigned scorer finds its own pairs", "[snapshot][index]") {
    // The pair index reads each row's key from the scorer's own records
    // (detail/pair_table.hpp): a copy must index its records, not the original's.
    scorer original = random_scorer(11);
    const std::string bytes = original.to_bytes();
    scorer copy = original;
    original.add({from_micros(t_newest), "zoe", "yan", "email"});  // changes the original only
    CHECK(copy.to_bytes() == bytes);
    CHECK(copy.relationships() + 1 == original.relationships());
    check_finds_every_pair(copy);
    CHECK_THROWS_AS(copy.between("zoe", "yan"), unknown_person_error);

    scorer moved = std::move(copy);
    CHECK(moved.to_bytes() == bytes);
    moved.add({from_micros(t_newest), "ana", "zoe", "email"});  // a new pair, indexed in the moved records
    CHECK(moved.between("ana", "zoe").interactions == 1);
    copy = original;  // assignment indexes its own records too
    original.add({from_micros(t_newest), "ana", "yan", "email"});
    CHECK(copy.between("zoe", "yan").interactions == 1);
    CHECK(copy.relationships() + 1 == original.relationships());
    check_finds_every_pair(copy);
    moved = copy;
    CHECK(moved.between("zoe", "yan").interactions == 1);
    CHECK_THROWS_AS(moved.between("ana", "zoe"), unknown_person_error);
}
