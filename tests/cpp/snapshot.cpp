#include "support/catch.hpp"
#include "support/random_log.hpp"
#include "support/reference.hpp"

#include <relscore/relscore.hpp>

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
