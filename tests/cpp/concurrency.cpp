// The thread-safety contract, exercised: concurrent const queries on a plain scorer, and
// concurrent_scorer with writers and readers at once. Built on its own (relscore_concurrency_tests)
// so that `make test-tsan` runs it under ThreadSanitizer; it also runs in the normal suite.

#include "support/catch.hpp"
#include "support/random_log.hpp"
#include "support/reference.hpp"

#include <relscore/concurrent.hpp>
#include <relscore/relscore.hpp>

#include <atomic>
#include <thread>
#include <vector>

using namespace relscore;

namespace {
constexpr int readers = 4;
}

TEST_CASE("many threads may query one const scorer at once", "[concurrency]") {
    scorer s;
    for (const auto& e : test::random_log(1, {.people = 30, .interactions = 3000})) s.add(e);
    const scorer& shared = s;
    const auto expected_table = shared.table();
    const auto expected_top = shared.top("p3", 5);
    std::atomic<int> mismatches{0};
    std::vector<std::thread> threads;
    for (int r = 0; r < readers; ++r)
        threads.emplace_back([&] {
            for (int i = 0; i < 50; ++i) {
                if (!(shared.table().strength == expected_table.strength).all()) ++mismatches;
                if (shared.top("p3", 5)[0].strength != expected_top[0].strength) ++mismatches;
                (void)shared.between("p1", "p2");
                (void)shared.to_bytes();
            }
        });
    for (auto& t : threads) t.join();
    CHECK(mismatches == 0);
}

TEST_CASE("concurrent_scorer: writers and readers at once, batches seen whole", "[concurrency]") {
    // Two writers each add batches of two interactions between their own pair of people, a
    // directed one each way at one time. A reader that ever sees an odd count for a pair
    // saw half a batch.
    constexpr int batches = 400;
    concurrent_scorer shared;
    shared.add({parse_time("2020-01-01"), "w0-a", "w0-b", "email"});  // both pairs exist from the start
    shared.add({parse_time("2020-01-01"), "w0-b", "w0-a", "email"});
    shared.add({parse_time("2020-01-01"), "w1-a", "w1-b", "email"});
    shared.add({parse_time("2020-01-01"), "w1-b", "w1-a", "email"});
    std::atomic<bool> done{false};
    // Catch2's assertions are not thread-safe: threads count failures, the test thread checks.
    std::atomic<int> torn{0}, backwards{0}, bad_batches_accepted{0};

    const auto writer = [&](int w) {
        const std::string a = w == 0 ? "w0-a" : "w1-a", b = w == 0 ? "w0-b" : "w1-b";
        for (int i = 0; i < batches; ++i) {
            const timestamp t = parse_time("2020-01-02") + std::chrono::minutes(i * 2 + w);
            const std::vector<interaction> batch{{t, a, b, "email"}, {t, b, a, "call"}};
            shared.add_batch(batch);
            // A bad batch in between changes nothing, under the lock as well.
            const std::vector<interaction> bad{{t, a, b, "email"}, {t, a, a, "email"}};
            try {
                shared.add_batch(bad);
                ++bad_batches_accepted;
            } catch (const invalid_argument_error&) {
            }
        }
    };
    const auto reader = [&] {
        std::int64_t last_newest = 0;
        while (!done) {
            const auto [n0, n1, newest] = shared.read([](const scorer& s) {
                return std::tuple{s.between("w0-a", "w0-b").interactions, s.between("w1-a", "w1-b").interactions,
                                  to_micros(*s.newest())};
            });
            if (n0 % 2 != 0 || n1 % 2 != 0) ++torn;
            if (newest < last_newest) ++backwards;
            last_newest = newest;
            const auto table = shared.table();
            if (!(table.strength >= 0).all()) ++torn;
            (void)shared.top("w0-a", 3);
        }
    };
    std::vector<std::thread> threads;
    for (int r = 0; r < readers; ++r) threads.emplace_back(reader);
    std::thread w0(writer, 0), w1(writer, 1);
    w0.join();
    w1.join();
    done = true;
    for (auto& t : threads) t.join();
    CHECK(torn == 0);
    CHECK(backwards == 0);
    CHECK(bad_batches_accepted == 0);

    // The end state equals single-threaded ingest of the same batches (pairs are disjoint,
    // so each pair's sums saw its interactions in the same order).
    scorer expected;
    for (int w = 0; w < 2; ++w) {
        const std::string a = w == 0 ? "w0-a" : "w1-a", b = w == 0 ? "w0-b" : "w1-b";
        expected.add({parse_time("2020-01-01"), a, b, "email"});
        expected.add({parse_time("2020-01-01"), b, a, "email"});
        for (int i = 0; i < batches; ++i) {
            const timestamp t = parse_time("2020-01-02") + std::chrono::minutes(i * 2 + w);
            expected.add({t, a, b, "email"});
            expected.add({t, b, a, "call"});
        }
    }
    const scorer final_state = shared.copy();
    for (const char* pair : {"w0", "w1"}) {
        const std::string a = std::string(pair) + "-a", b = std::string(pair) + "-b";
        const auto x = final_state.between(a, b), y = expected.between(a, b, final_state.newest());
        CHECK(x.interactions == 2 * batches + 2);
        CHECK(x.volume_ab == y.volume_ab);
        CHECK(x.volume_ba == y.volume_ba);
    }
}

// Bulk ingest with threads (scorer::set_threads(), detail/parallel.hpp): every part does
// what one thread would, so the scorer must be the same, byte for byte, with any number
// of threads; with a tiny minimum share, batches of a few thousand rows use them all.
// Known pairs (the later batches) and new ones take different threaded paths.
TEST_CASE("bulk ingest with threads: the same scorer, byte for byte, as with one", "[concurrency][bulk]") {
    std::vector<scorer_config> configs(4);
    configs[1].channels = test::with_every_kernel();
    configs[2].insight.retain_events = true;
    configs[3].insight.conversations = false;
    for (const auto& config : configs) {
        for (std::uint64_t seed = 1; seed <= 3; ++seed) {
            // Out of order, duplicates, equal times, mutual ones, weights a float cannot
            // hold (their single interactions keep a history at once); a century on seed 3.
            const auto log = test::random_log(seed, {.people = 60, .interactions = 5000,
                                                     .span_us = std::int64_t{86400} * 1'000'000 * (seed == 3 ? 36500 : 365)},
                                              config.channels);
            // Three batches: the first makes every pair new, the later ones mix known
            // pairs with new ones (a known pair's sums and history may grow).
            const std::size_t cut1 = log.size() / 2, cut2 = log.size() * 3 / 4;
            std::vector<scorer> scorers;
            for (const auto& [threads, min_rows] : {std::pair{1u, std::size_t{1} << 16}, std::pair{2u, std::size_t{16}},
                                                    std::pair{3u, std::size_t{100}}, std::pair{8u, std::size_t{1}}}) {
                scorer s(config);
                s.set_threads(threads, min_rows);
                CHECK(s.threads() == threads);
                s.add_batch(std::span(log).first(cut1));
                s.add_batch(std::span(log).subspan(cut1, cut2 - cut1));
                s.add_batch(std::span(log).subspan(cut2));
                scorers.push_back(std::move(s));
            }
            for (std::size_t k = 1; k < scorers.size(); ++k) {
                CHECK(scorers[k].to_bytes() == scorers[0].to_bytes());
                CHECK(scorers[k].stats().decayed_sums == scorers[0].stats().decayed_sums);
                // The same capacity everywhere but in the pool of sums and the event lists,
                // which threads make room in once per batch (one thread: step by step).
                const scorer_memory mine = scorers[k].memory_usage(), one = scorers[0].memory_usage();
                CHECK(mine.total() - mine.decayed_sums - mine.events == one.total() - one.decayed_sums - one.events);
                CHECK(scorers[k].newest() == scorers[0].newest());
                CHECK(scorers[k].log_span() == scorers[0].log_span());
            }
        }
    }
}

TEST_CASE("set_threads(0) uses the hardware's threads, and copies keep the setting", "[concurrency]") {
    scorer s;
    s.set_threads(0);
    CHECK(s.threads() >= 1);
    s.set_threads(3);
    const scorer copy = s;
    CHECK(copy.threads() == 3);
}
