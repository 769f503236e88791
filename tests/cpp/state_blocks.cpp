// The pool of decayed sums (detail/state_blocks.hpp) against a brute-force model: a map
// per pair from key to sum. Indexed pools (a 64-bit key set per block) and pools with a
// key array must hold the same sums in the same (key) order whatever order they were
// added in, through block moves, compaction and widening.

#include "support/catch.hpp"

#include <relscore/relscore.hpp>

#include <cstdint>
#include <map>
#include <random>
#include <vector>

using namespace relscore;
using detail::state_blocks;

namespace {

using model = std::vector<std::map<std::uint32_t, double>>;

void check_same(const state_blocks& pool, const std::vector<state_blocks::block>& blocks, const model& expected) {
    std::size_t held = 0;
    for (std::size_t p = 0; p < blocks.size(); ++p) {
        std::vector<std::pair<std::uint32_t, double>> got;
        pool.each(blocks[p], [&](std::uint32_t key, double sum) { got.emplace_back(key, sum); });
        const std::vector<std::pair<std::uint32_t, double>> want(expected[p].begin(), expected[p].end());  // key order
        REQUIRE(got == want);
        held += got.size();
    }
    CHECK(pool.size() == held);
}

// Adds random keys (below `keys`) to `pairs` blocks in random order, checking after each
// step; compacts now and then, as the scorer does.
void exercise(std::size_t keys, unsigned seed, std::size_t widen_to = 0) {
    std::mt19937_64 rng(seed);
    state_blocks pool(keys);
    CHECK(pool.indexed() == (keys <= state_blocks::max_indexed_keys));
    std::vector<state_blocks::block> blocks(20);
    model expected(blocks.size());
    const auto each_block = [&](auto&& f) {
        for (auto& b : blocks) f(b);
    };
    for (int step = 0; step < 600; ++step) {
        if (widen_to > 0 && step == 300) {
            pool.allow_keys(widen_to, each_block);
            CHECK_FALSE(pool.indexed());
            keys = widen_to;
        }
        const std::size_t p = rng() % blocks.size();
        const auto key = static_cast<std::uint32_t>(rng() % keys);
        const double sum = static_cast<double>(step) + 0.5;
        if (double* found = pool.find(blocks[p], key)) {
            REQUIRE(expected[p].count(key) == 1);
            CHECK(*found == expected[p][key]);
            *found += 1;  // a found sum is the stored one
            expected[p][key] += 1;
        } else {
            REQUIRE(expected[p].count(key) == 0);
            if (blocks[p].count == blocks[p].capacity && pool.wasteful()) pool.compact(each_block);
            CHECK(pool.add(blocks[p], key, sum) == sum);
            expected[p][key] = sum;
        }
        if (step % 97 == 0) pool.compact(each_block, /*trim=*/step % 2 == 0);
        check_same(pool, blocks, expected);
    }
}

}  // namespace

TEST_CASE("an indexed pool of sums matches a map per pair, in key order", "[state_blocks]") {
    for (unsigned seed = 1; seed <= 5; ++seed) exercise(10, seed);
    exercise(32, 6);  // every bit of the key set
}

TEST_CASE("a pool with a key array matches a map per pair, in key order", "[state_blocks]") {
    for (unsigned seed = 1; seed <= 5; ++seed) exercise(200, seed);
}

TEST_CASE("an indexed pool widened to a key array keeps every sum and its order", "[state_blocks]") {
    for (unsigned seed = 1; seed <= 5; ++seed) exercise(20, seed, 130);
}
