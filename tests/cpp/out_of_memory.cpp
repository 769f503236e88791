// Bulk ingest that runs out of memory half-way (std::bad_alloc from the N-th allocation,
// on whichever thread makes it) must leave a scorer that is whole: every pair it keeps has
// interacted, its snapshot loads, and ingest goes on. With one thread and with several
// (where new pairs are laid out before their runs are applied, detail/pair_store_bulk.hpp),
// for failures all through a batch. Its own executable: it replaces operator new.

#include "support/catch.hpp"
#include "support/random_log.hpp"

#include <relscore/relscore.hpp>

#include <array>
#include <atomic>
#include <climits>
#include <cstdlib>
#include <functional>
#include <new>
#include <span>
#include <utility>

namespace {
std::atomic<long> allocations_left{-1};  // -1: never fail; else the allocation after this many fails
}  // namespace

// GCC pairs the inlined malloc below with the free in operator delete and warns, though
// both are this file's replacements of the global operators.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

void* operator new(std::size_t n) {
    if (allocations_left.load(std::memory_order_relaxed) >= 0 && allocations_left.fetch_sub(1) == 0) throw std::bad_alloc();
    if (void* p = std::malloc(n != 0 ? n : 1)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

using namespace relscore;

TEST_CASE("bulk ingest out of memory half-way leaves a whole scorer, with one thread or several", "[bulk][memory]") {
    std::vector<scorer_config> configs(3);
    configs[1].insight.retain_events = true;
    configs[2].channels = test::with_every_kernel();
    for (const auto& config : configs) {
        const auto log = test::random_log(3, {.people = 50, .interactions = 4000}, config.channels);
        const auto first = std::span(log).first(log.size() / 2), second = std::span(log).subspan(log.size() / 2);
        for (const unsigned threads : {1u, 3u}) {
            const auto fresh_scorer = [&] {
                scorer s(config);
                s.set_threads(threads, 16);
                s.add_batch(first);
                return s;
            };
            // How many allocations the second batch makes when nothing fails.
            scorer counted = fresh_scorer();
            allocations_left = LONG_MAX;
            counted.add_batch(second);
            const long used = LONG_MAX - allocations_left.exchange(-1);
            REQUIRE(used > 10);
            int failed = 0;
            for (long k = 0; k <= 40; ++k) {
                CAPTURE(threads, k);
                scorer s = fresh_scorer();
                allocations_left = used * k / 41;
                try {
                    s.add_batch(second);
                } catch (const std::bad_alloc&) {
                    ++failed;
                }
                allocations_left = -1;
                // Whole: the snapshot loads (the loader refuses a pair without an
                // interaction), and ingest goes on.
                const std::string bytes = s.to_bytes();
                const scorer loaded = scorer::from_bytes(bytes);
                CHECK(loaded.relationships() == s.relationships());
                CHECK(loaded.to_bytes() == bytes);
                for (const auto& rel : s.top(log.front().source, 1000)) CHECK(rel.interactions > 0);
                s.add_batch(second);
                CHECK(scorer::from_bytes(s.to_bytes()).relationships() == s.relationships());
            }
            CHECK(failed > 30);  // most cuts fall inside the batch
        }
    }
}

// A dense id makes every id below it a person: one large id is many people. When they do
// not fit in memory none is kept, so the scorer is as it was, for one interaction and
// for a batch, whichever allocation of theirs fails; a failure after them (the pair's)
// leaves a whole scorer, as above.
TEST_CASE("dense ids out of memory while their people are made leave the scorer unchanged", "[dense][memory]") {
    scorer s;
    s.add(dense_interaction{from_micros(1'600'000'000'000'000), 0, 1});
    const std::string before = s.to_bytes();
    const dense_interaction far{from_micros(1'600'000'100'000'000), 1, 20'000};
    // A small batch (applied one by one): new pairs, a known one, the far id last.
    const std::array<dense_interaction, 4> batch{{{from_micros(1'600'000'050'000'000), 1, 7},
                                                  {from_micros(1'600'000'060'000'000), 0, 1},
                                                  {from_micros(1'600'000'070'000'000), 7, 3, 0, 2.5},
                                                  far}};
    scorer with_people = s;  // the same scorer, the people already made
    with_people.add(dense_interaction{from_micros(1'600'000'000'000'000), 20'000, 19'999});
    const auto allocations_of = [](scorer counted, auto&& add) {  // what the call makes when nothing fails
        allocations_left = LONG_MAX;
        add(counted);
        return LONG_MAX - allocations_left.exchange(-1);
    };
    const auto add_one = [&](scorer& x) { x.add(far); };
    const auto add_batch = [&](scorer& x) { x.add_batch(batch); };
    for (const auto& [name, add] : {std::pair<const char*, std::function<void(scorer&)>>{"add", add_one}, {"add_batch", add_batch}}) {
        const long used = allocations_of(s, add), for_people = used - allocations_of(with_people, add);
        CAPTURE(name, used, for_people);
        REQUIRE(for_people > 10);
        for (long k = 0; k < used; ++k) {
            CAPTURE(k);
            scorer x = s;
            allocations_left = k;
            CHECK_THROWS_AS(add(x), std::bad_alloc);
            allocations_left = -1;
            if (k < for_people) {
                CHECK(x.people() == 2);
                CHECK(x.to_bytes() == before);
            }
            CHECK(scorer::from_bytes(x.to_bytes()).relationships() == x.relationships());
            add(x);  // and ingest goes on
            CHECK(x.people() == 20'001);
        }
    }
}
