// scorer::from_bytes_many(): disjoint partial scorers combined in one decoding pass must
// equal the scorer fed the whole log, and from_bytes() + merge() of the same snapshots
// byte for byte.
#include "support/catch.hpp"
#include "support/random_log.hpp"
#include "support/reference.hpp"

#include <relscore/relscore.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <string_view>
#include <vector>

using namespace relscore;
using relscore::test::agrees;
namespace fs = std::filesystem;

namespace {

// Default, power-law and window kernels, retained events, no conversation history.
std::vector<scorer_config> configs() {
    std::vector<scorer_config> out(4);
    out[1].channels = test::with_every_kernel();
    out[2].insight.retain_events = true;
    out[2].channels = test::with_every_kernel();
    out[3].insight.conversations = false;
    out[3].reciprocity = 1;
    return out;
}

// The combine relscore.dask did before from_bytes_many(): load the first, merge the rest.
scorer load_and_merge(const std::vector<std::string>& snapshots) {
    scorer out = scorer::from_bytes(snapshots.at(0));
    for (std::size_t k = 1; k < snapshots.size(); ++k) out.merge(scorer::from_bytes(snapshots[k]));
    return out;
}

scorer many(const std::vector<std::string>& snapshots) {
    const std::vector<std::string_view> views(snapshots.begin(), snapshots.end());
    return scorer::from_bytes_many(views);
}

// Every relationship of `whole` is in `combined` with the same volumes (to 1e-12), counts,
// times, touches and (with conversations) the same conversation statistics.
void check_same(const scorer& whole, const scorer& combined) {
    REQUIRE(combined.relationships() == whole.relationships());
    if (whole.relationships() == 0) return;
    const auto at = *whole.newest();
    REQUIRE(combined.newest() == whole.newest());
    const auto t = whole.table(at);
    for (Eigen::Index row = 0; row < static_cast<Eigen::Index>(t.size()); ++row) {
        const std::string& a = whole.name(t.a[row]);
        const std::string& b = whole.name(t.b[row]);
        const auto r = combined.between(a, b, at);
        CHECK(agrees(r.volume_ab, t.volume_ab[row]));
        CHECK(agrees(r.volume_ba, t.volume_ba[row]));
        CHECK(agrees(r.strength, t.strength[row]));
        CHECK(static_cast<std::int64_t>(r.interactions) == t.interactions[row]);
        CHECK(to_micros(*r.last_interaction) == t.last_interaction_us[row]);
        if (whole.config().insight.conversations) {
            auto x = whole.conversation(a, b, at), y = combined.conversation(a, b, at);
            x.a = y.a = x.b = y.b = 0;
            CHECK(x == y);
            CHECK(whole.trend_of(a, b, at).change_over_horizon == combined.trend_of(a, b, at).change_over_horizon);
        }
    }
}

std::uint64_t pair_hash(const std::string& a, const std::string& b) {
    const auto h = [](const std::string& s) { return std::hash<std::string>{}(s); };
    return std::min(h(a), h(b)) * 0x9E3779B97F4A7C15ULL ^ std::max(h(a), h(b));
}

}  // namespace

TEST_CASE("from_bytes_many of disjoint partials equals the whole log and load + merge", "[combine]") {
    int case_number = 0;
    for (const scorer_config& config : configs()) {
        for (std::uint64_t seed = 1; seed <= 6; ++seed, ++case_number) {
            CAPTURE(case_number, seed);
            const auto log = test::random_log(seed * 31 + static_cast<std::uint64_t>(case_number),
                                              {.people = 5 + seed * 7, .interactions = 300 + seed * 400}, config.channels);
            std::mt19937_64 rng(seed);
            const std::size_t parts = 1 + rng() % 7;  // 1 to 7, often more than pairs in a small log: some empty
            scorer whole(config);
            std::vector<scorer> partial(parts, scorer(config));
            const std::uint64_t salt = rng();
            for (const auto& e : log) {
                whole.add(e);
                partial[(pair_hash(e.source, e.target) ^ salt) % parts].add(e);
            }
            std::vector<std::string> snapshots;
            for (const auto& p : partial) snapshots.push_back(p.to_bytes());
            if (seed % 2 == 0) snapshots.push_back(scorer(config).to_bytes());                   // an empty partial
            if (seed % 3 == 0) snapshots.insert(snapshots.begin(), scorer(config).to_bytes());  // first, even
            const scorer combined = many(snapshots);
            CHECK(combined.to_bytes() == load_and_merge(snapshots).to_bytes());
            CHECK(combined.people() == whole.people());
            check_same(whole, combined);
        }
    }
}

TEST_CASE("from_bytes_many: integer-named people (dense ids) in every order", "[combine]") {
    for (std::uint64_t seed = 1; seed <= 5; ++seed) {
        std::mt19937_64 rng(seed);
        const std::size_t people = 20 + 10 * seed, parts = 2 + seed % 4;
        scorer whole;
        std::vector<scorer> partial(parts);
        for (int i = 0; i < 3000; ++i) {
            dense_interaction e;
            e.source = static_cast<person_id>(rng() % people);
            do e.target = static_cast<person_id>(rng() % people); while (e.target == e.source);
            e.time = from_micros(1'600'000'000'000'000LL + static_cast<std::int64_t>(rng() % 100'000'000'000ULL));
            e.mutual = rng() % 7 == 0;
            if (rng() % 3 == 0) e.weight = static_cast<double>(rng() % 100) / 10;
            const std::vector<dense_interaction> one{e};
            whole.add_batch(one);
            const auto lo = std::min(e.source, e.target), hi = std::max(e.source, e.target);
            partial[(lo * 7919u + hi * 104729u + seed) % parts].add_batch(one);
        }
        std::vector<std::string> snapshots;
        for (const auto& p : partial) snapshots.push_back(p.to_bytes());
        // Largest first, as relscore.dask combines them; and the reverse.
        for (int reversed = 0; reversed < 2; ++reversed) {
            const scorer combined = many(snapshots);
            CHECK(combined.to_bytes() == load_and_merge(snapshots).to_bytes());
            check_same(whole, combined);
            std::reverse(snapshots.begin(), snapshots.end());
        }
    }
}

TEST_CASE("from_bytes_many: no snapshots, one snapshot, only empty ones", "[combine]") {
    CHECK(scorer::from_bytes_many({}).relationships() == 0);
    scorer one;
    one.add({from_micros(1'700'000'000'000'000LL), "ana", "bo"});
    const std::string bytes = one.to_bytes();
    CHECK(many({bytes}).to_bytes() == bytes);
    const std::string empty = scorer().to_bytes();
    CHECK(many({empty, empty, empty}).to_bytes() == empty);
    CHECK(many({empty, bytes, empty}).to_bytes() == bytes);
}

TEST_CASE("from_bytes_many refuses overlapping partials, other configurations and bad snapshots", "[combine][errors]") {
    const auto t = [](std::int64_t s) { return from_micros(1'700'000'000'000'000LL + s * 1'000'000); };
    scorer x, y, z;
    x.add({t(0), "ana", "bo"});
    x.add({t(1), "cy", "dee"});
    y.add({t(2), "eve", "fay"});
    z.add({t(3), "bo", "ana"});  // ana and bo again, seen the other way round
    const std::vector<std::string> overlapping{x.to_bytes(), y.to_bytes(), z.to_bytes()};
    try {
        (void)many(overlapping);
        FAIL("overlapping partials were accepted");
    } catch (const invalid_argument_error& e) {
        const std::string what = e.what();
        CHECK(what.find("'ana' and 'bo'") != std::string::npos);
        CHECK(what.find("snapshot 2") != std::string::npos);
        CHECK(what.find("merge()") != std::string::npos);
    }
    // merge() combines the same snapshots.
    CHECK(load_and_merge(overlapping).between("ana", "bo").interactions == 2);

    scorer_config other;
    other.reciprocity = 0.9;
    scorer w(other);
    w.add({t(4), "gus", "hal"});
    CHECK_THROWS_AS(many({x.to_bytes(), w.to_bytes()}), config_mismatch_error);

    std::string damaged = y.to_bytes();
    damaged[damaged.size() / 2] ^= 0x5a;
    try {
        (void)many({x.to_bytes(), y.to_bytes(), damaged});
        FAIL("a damaged snapshot was accepted");
    } catch (const parse_error& e) {
        // One prefix, naming the snapshot, then what from_bytes() would say without its own.
        const std::string what = e.what();
        CHECK(what.starts_with("relscore::scorer::from_bytes_many(): snapshot 2: "));
        CHECK(what.find("from_bytes()") == std::string::npos);
    }
    try {
        (void)many({x.to_bytes(), std::string("RELSCORE")});
        FAIL("a truncated snapshot was accepted");
    } catch (const parse_error& e) {
        CHECK(std::string(e.what()) == "relscore::scorer::from_bytes_many(): snapshot 1: truncated snapshot (8 bytes)");
    }
    try {  // a failure in the first snapshot, which is loaded as from_bytes() loads it
        (void)many({std::string("RELSCORX"), x.to_bytes()});
        FAIL("a snapshot with bad magic bytes was accepted");
    } catch (const parse_error& e) {
        CHECK(std::string(e.what()) ==
              "relscore::scorer::from_bytes_many(): snapshot 0: not a relscore snapshot (bad magic bytes)");
    }
}

TEST_CASE("from_bytes_many reads older format versions as from_bytes + merge does", "[combine][snapshot]") {
    // The committed fixtures of formats 1 to 6 (tests/data/snapshots, written with
    // fixture_config_v2 of tests/cpp/snapshot_file.cpp from 2 on), appended after a
    // scorer that names their people in the reverse order: every pair of theirs flips.
    const fs::path fixtures = fs::path(RELSCORE_SOURCE_DIR) / "tests" / "data" / "snapshots";
    const auto read = [](const fs::path& file) {
        std::ifstream in(file, std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), {});
    };
    for (const std::string version : {"v1", "v2", "v3", "v4", "v5", "v6"}) {
        CAPTURE(version);
        const std::string old = read(fixtures / (version + ".relscore"));
        const scorer loaded = scorer::from_bytes(old);
        scorer first(loaded.config());
        for (std::size_t i = loaded.people(); i-- > 0;)  // each person with an outsider: no pair in common
            first.add({from_micros(1'500'000'000'000'000LL + static_cast<std::int64_t>(i)), loaded.name(static_cast<person_id>(i)),
                       "outsider" + std::to_string(i)});
        const std::vector<std::string> snapshots{first.to_bytes(), old};
        const scorer combined = many(snapshots);
        CHECK(combined.to_bytes() == load_and_merge(snapshots).to_bytes());
        CHECK(combined.relationships() == first.relationships() + loaded.relationships());
    }
}
