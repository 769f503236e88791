// Bulk ingest that runs out of memory half-way (std::bad_alloc from the N-th allocation,
// on whichever thread makes it) must leave a scorer that is whole: every pair it keeps has
// interacted, its snapshot loads, and ingest goes on. With one thread and with several
// (where new pairs are laid out before their runs are applied, detail/pair_store_bulk.hpp),
// for failures all through a batch. Its own executable: it replaces operator new.

#include "support/catch.hpp"
#include "support/random_log.hpp"

#include <relscore/relscore.hpp>

#include <atomic>
#include <climits>
#include <cstdlib>
#include <new>

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
