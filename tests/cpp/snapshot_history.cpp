// Format version 6's compact conversation history (docs/snapshot-format.md): the bytes
// of a known history as the table gives them, and the loader's refusal of any other
// form of the same values (one byte form per history: a re-save gives the same bytes).

#include "support/catch.hpp"
#include "support/random_log.hpp"
#include "support/reference.hpp"
#include "support/same_answers.hpp"

#include <relscore/relscore.hpp>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include <cmath>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

using namespace relscore;
using relscore::test::message_of;

namespace {

constexpr std::int64_t t0 = 1'767'225'600LL * 1'000'000;  // 2026-01-01
constexpr std::int64_t hour = 3'600'000'000LL;

template <typename T>
void put(std::string& out, T v) {
    char buf[sizeof v];
    std::memcpy(buf, &v, sizeof v);
    out.append(buf, sizeof v);
}
void put_varint(std::string& out, std::uint64_t v) {
    for (; v >= 0x80; v >>= 7) out.push_back(static_cast<char>(v | 0x80));
    out.push_back(static_cast<char>(v));
}
std::uint64_t zigzag(std::int64_t v) { return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63); }

// ana -> ben at t0 (weight 2.5), ben -> ana two hours later (weight 1.5): one conversation,
// ana's wait answered after 2 h (latency bin 7: [64, 128) minutes), ben's wait open.
scorer two_messages(bool conversations = true) {
    scorer_config config;
    config.insight.conversations = conversations;
    scorer s(config);
    interaction e{from_micros(t0), "ana", "ben", "email"};
    e.weight = 2.5;
    s.add(e);
    interaction f{from_micros(t0 + 2 * hour), "ben", "ana", "email"};
    f.weight = 1.5;
    s.add(f);
    return s;
}

struct split_snapshot {
    std::string before, history;  // the records up to the pair's history, and the history
};

// The one pair's history is the last record before the checksum; the same scorer without
// conversations has the same records up to it.
split_snapshot split(const std::string& bytes) {
    const std::string without = two_messages(false).to_bytes();
    const std::size_t at = without.size() - 8;
    return {bytes.substr(0, at), bytes.substr(at, bytes.size() - 8 - at)};
}

std::string with_checksum(std::string body) {
    put(body, XXH3_64bits(body.data(), body.size()));
    return body;
}

// The opening: lo -> hi first (0), its wait answered (1), after 2 h.
std::string opening_bytes() {
    std::string b;
    put_varint(b, 0 | (1u << 2) | (static_cast<std::uint64_t>(2 * hour) << 4));
    return b;
}

// The history of two_messages() written by hand from the table in docs/snapshot-format.md.
std::string expected_history() {
    const double h = 30.0 * 24 * hour;  // the default trend horizon (30 days, a half-life)
    const double recent = 2.5 * std::exp2(-2.0 * hour / h) + 1.5, long_run = 2.5 * std::exp2(-2.0 * hour / (4 * h)) + 1.5;
    std::string b;
    put_varint(b, 1);  // conversations
    put_varint(b, 0);  // mutual_initiated
    put_varint(b, 0);  // late
    put(b, recent);
    put(b, long_run);
    put_varint(b, 0);       // pace at the last interaction
    put<std::uint8_t>(b, 0b1110);  // waiting: hi->lo; answered_ever: both
    // lo -> hi (ana -> ben): one message, its wait answered; the wait began and ended at t0
    for (const std::uint64_t v : {1, 1, 1, 1, 0, 1}) put_varint(b, v);
    put_varint(b, zigzag(2 * hour));
    put_varint(b, 0);
    // hi -> lo (ben -> ana): one message, its wait open since the last interaction
    for (const std::uint64_t v : {1, 1, 0, 0, 1, 0}) put_varint(b, v);
    put_varint(b, 0);
    put_varint(b, 0);
    put<std::uint8_t>(b, 0b00010);  // only latency 0 has counts
    put<std::uint16_t>(b, 1u << 7);  // 120 minutes: bin 7
    put_varint(b, 1);
    return b + opening_bytes();
}

}  // namespace

TEST_CASE("a version-6 history is stored as the format documents it", "[snapshot][compact]") {
    const std::string bytes = two_messages().to_bytes();
    std::uint32_t version = 0;
    std::memcpy(&version, bytes.data() + 8, 4);
    CHECK(version == 6);
    const split_snapshot parts = split(bytes);
    CHECK(parts.history == expected_history());
    CHECK(parts.history.size() < 60);  // version 5 stored 456 bytes for any history
    CHECK(scorer::from_bytes(bytes).to_bytes() == bytes);
}

TEST_CASE("a version-6 history in any other form is refused, naming what is wrong", "[snapshot][compact][errors]") {
    const split_snapshot parts = split(two_messages().to_bytes());
    const std::string good = expected_history();
    REQUIRE(parts.history == good);
    const auto load = [&](const std::string& history) {
        return message_of<parse_error>([&] { (void)scorer::from_bytes(with_checksum(parts.before + history)); });
    };
    CHECK(load(good).empty());  // the hand-made bytes load: each edit below is what is refused
    const std::size_t flags_at = 3 + 8 + 8 + 1, present_at = good.size() - opening_bytes().size() - 1 - 2 - 1;
    REQUIRE(static_cast<std::uint8_t>(good[present_at]) == 0b00010);
    SECTION("a varint longer than its value needs (1 as 0x81 0x00)") {
        const std::string msg = load("\x81" + std::string(1, '\0') + good.substr(1));
        CHECK(msg.find("corrupted snapshot: a varint longer than its value needs") != std::string::npos);
    }
    SECTION("a varint past 64 bits") {
        const std::string msg = load(std::string(9, '\xff') + "\x02" + good.substr(1));
        CHECK(msg.find("corrupted snapshot: a varint out of range") != std::string::npos);
    }
    SECTION("a count past 32 bits") {
        std::string h;
        put_varint(h, std::uint64_t{1} << 32);
        const std::string msg = load(h + good.substr(1));
        CHECK(msg.find("corrupted snapshot: a conversation history's count is out of range") != std::string::npos);
    }
    SECTION("an unused flag bit") {
        std::string h = good;
        h[flags_at] = static_cast<char>(h[flags_at] | 0x10);
        CHECK(load(h).find("corrupted snapshot: an invalid flag") != std::string::npos);
    }
    SECTION("an unknown histogram") {
        std::string h = good;
        h[present_at] = static_cast<char>(h[present_at] | 0x20);
        CHECK(load(h).find("corrupted snapshot: a conversation history names an unknown histogram") != std::string::npos);
    }
    SECTION("a histogram marked present without a bin") {
        std::string h = good;
        h[present_at + 1] = h[present_at + 2] = 0;
        CHECK(load(h.erase(present_at + 3, 1)).find("histogram is marked present but empty") != std::string::npos);
    }
    SECTION("a bin marked but empty") {
        std::string h = good;
        h[present_at + 3] = 0;
        CHECK(load(h).find("histogram bin is marked but empty") != std::string::npos);
    }
    SECTION("a history cut short") {
        const std::string msg = load(good.substr(0, good.size() - 3));
        CHECK(msg.find("corrupted snapshot") != std::string::npos);
    }
}

TEST_CASE("compact histories round-trip through saves, loads and combines", "[snapshot][compact]") {
    // Long-lived pairs (counts past 4 bits widen the histograms) and one-off ones, stale
    // waits (time 0 in the wait fields), every history field used.
    scorer s;
    for (const auto& e : test::random_log(11, {.people = 9, .interactions = 4000})) s.add(e);
    for (const auto& e : test::random_log(12, {.people = 400, .interactions = 600})) s.add(e);
    const std::string bytes = s.to_bytes();
    const scorer loaded = scorer::from_bytes(bytes);
    CHECK(loaded.to_bytes() == bytes);
    test::check_same_answers(s, loaded);
    // Split by pair and combined in one pass (the Dask path): the same bytes as merge().
    scorer a(s.config()), b(s.config());
    for (const auto& e : test::random_log(11, {.people = 9, .interactions = 4000}))
        ((e.source < e.target ? e.source + e.target : e.target + e.source).size() % 2 ? a : b).add(e);
    scorer merged = a;
    merged.merge(b);
    const std::vector<std::string> parts{a.to_bytes(), b.to_bytes()};
    const std::vector<std::string_view> views{parts[0], parts[1]};
    CHECK(scorer::from_bytes_many(views).to_bytes() == merged.to_bytes());
}
