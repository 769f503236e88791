// Bulk ingest applies a batch grouped by pair (detail/batch_grouping.hpp), each pair's
// interactions in time order. It must give the same answers, bit for bit, as adding the
// batch's interactions one by one in that order, whatever the batch's row order; and the
// very same scorer, byte for byte, when the batch already is in that order.

#include "support/catch.hpp"
#include "support/random_log.hpp"
#include "support/same_answers.hpp"

#include <relscore/relscore.hpp>

#include <algorithm>
#include <map>
#include <random>

using namespace relscore;

namespace {

// Groups n events over few pairs whose ids spread up to max_id, and checks the grouping
// against its definition: every event once, each pair in one group, its events in batch
// order (so a group starts at the pair's first appearance).
void check_grouping(std::uint64_t seed, person_id max_id, std::size_t n) {
    std::mt19937_64 rng(seed);
    std::vector<person_id> ids(64);
    for (auto& id : ids) id = std::uniform_int_distribution<person_id>(0, max_id)(rng);
    ids[0] = max_id;
    std::vector<std::uint64_t> keys;
    while (keys.size() < n) {
        const person_id a = ids[rng() % ids.size()], b = ids[rng() % ids.size()];
        if (a != b) keys.push_back((std::uint64_t{std::min(a, b)} << 32) | std::max(a, b));
    }
    detail::batch_grouping grouping;
    grouping.group_by_pair(n, [&](std::size_t i) {
        detail::grouped_event e;
        e.pair_key = keys[i];
        e.time_us = static_cast<std::int64_t>(i) * 7;  // a payload that must travel with the key
        return e;
    });
    const auto events = grouping.events();
    REQUIRE(events.size() == n);
    std::vector<int> seen(n, 0);
    std::map<std::uint64_t, int> groups_of_key;
    std::uint32_t expected_begin = 0;
    for (const auto& g : grouping.groups()) {
        REQUIRE(g.begin == expected_begin);  // the groups tile the events
        REQUIRE(g.end > g.begin);
        expected_begin = g.end;
        ++groups_of_key[events[g.begin].pair_key];
        for (std::uint32_t k = g.begin; k < g.end; ++k) {
            const auto& e = events[k];
            REQUIRE(e.pair_key == events[g.begin].pair_key);
            REQUIRE(e.pair_key == keys[e.index]);
            REQUIRE(e.time_us == static_cast<std::int64_t>(e.index) * 7);
            if (k > g.begin) REQUIRE(e.index > events[k - 1].index);
            ++seen[e.index];
        }
        // The group's head is the key's first appearance in the batch.
        const auto first = static_cast<std::size_t>(std::find(keys.begin(), keys.end(), events[g.begin].pair_key) - keys.begin());
        REQUIRE(events[g.begin].index == first);
    }
    REQUIRE(expected_begin == n);
    for (const int s : seen) REQUIRE(s == 1);
    for (const auto& [key, count] : groups_of_key) REQUIRE(count == 1);
}

}  // namespace

TEST_CASE("batch grouping is a stable grouping by pair, with one or many partitions", "[bulk]") {
    // 100 events: one partition; 50,000: 32 partitions of ~1,500.
    for (const person_id max_id : {person_id{40}, person_id{1} << 28, scorer::max_person_id})
        for (const std::size_t n : {std::size_t{100}, std::size_t{50'000}})
            for (std::uint64_t seed = 1; seed <= 3; ++seed) check_grouping(seed, max_id, n);
}

namespace {

std::vector<scorer_config> configs() {
    std::vector<scorer_config> out(4);
    out[1].channels = test::with_every_kernel();
    out[2].insight.retain_events = true;
    out[3].insight.conversations = false;
    out[3].reciprocity = 1;
    return out;
}

// Cuts [0, n) into batches of random sizes: some below the grouping threshold, some above.
std::vector<std::size_t> random_cuts(std::mt19937_64& rng, std::size_t n) {
    std::vector<std::size_t> cuts = {0};
    while (cuts.back() < n) {
        const std::size_t size = rng() % 3 == 0 ? rng() % 64 : rng() % 3000;
        cuts.push_back(std::min(n, cuts.back() + size));
    }
    return cuts;
}

}  // namespace

TEST_CASE("batches of every kind equal one-by-one ingest in time order", "[bulk]") {
    for (const auto& config : configs()) {
        for (std::uint64_t seed = 1; seed <= 4; ++seed) {
            const auto log = test::random_log(seed, {.people = 40, .interactions = 6000,
                                                     .span_us = seed == 4 ? std::int64_t{86400} * 1'000'000 * 36500
                                                                          : std::int64_t{86400} * 1'000'000 * 365},
                                              config.channels);
            std::mt19937_64 rng(seed);
            const auto cuts = random_cuts(rng, log.size());
            // The reference: each batch's interactions one by one, in time order.
            scorer one_by_one(config);
            for (std::size_t c = 1; c < cuts.size(); ++c) {
                const std::vector<interaction> batch(log.begin() + static_cast<std::ptrdiff_t>(cuts[c - 1]),
                                                     log.begin() + static_cast<std::ptrdiff_t>(cuts[c]));
                for (const auto& e : test::in_time_order(batch, config.channels)) one_by_one.add(e);
            }
            scorer named(config);
            for (std::size_t c = 1; c < cuts.size(); ++c)
                named.add_batch(std::span(log).subspan(cuts[c - 1], cuts[c] - cuts[c - 1]));
            test::check_same_answers(one_by_one, named);

            // A batch already in time order: the very same bytes as one by one.
            const auto sorted = test::in_time_order(log, config.channels);
            scorer sorted_one_by_one(config), sorted_batch(config);
            for (const auto& e : sorted) sorted_one_by_one.add(e);
            sorted_batch.add_batch(sorted);
            CHECK(sorted_batch.to_bytes() == sorted_one_by_one.to_bytes());

            // Columns with codes in order of first appearance, as one batch: the whole log
            // in time order.
            std::vector<std::string> people;
            std::vector<std::int64_t> t, src, dst, ch;
            std::vector<double> w;
            std::vector<std::uint8_t> mutual;
            std::vector<std::string> channel_names;
            for (channel_id i = 0; i < config.channels.size(); ++i) channel_names.push_back(config.channels[i].name);
            const auto code = [&](const std::string& name) {
                auto it = std::find(people.begin(), people.end(), name);
                if (it == people.end()) it = people.insert(people.end(), name);
                return static_cast<std::int64_t>(it - people.begin());
            };
            for (const auto& e : log) {
                t.push_back(to_micros(e.time));
                src.push_back(code(e.source));
                dst.push_back(code(e.target));
                ch.push_back(*config.channels.find(e.channel));
                w.push_back(e.weight ? *e.weight : config.channels[*config.channels.find(e.channel)].weight);
                mutual.push_back(e.mutual);
            }
            scorer columns(config);
            columns.add_columns({t, src, dst, people, ch, channel_names, "contact", w, mutual});
            test::check_same_answers(sorted_one_by_one, columns);

            // Dense ids: the same log with people as their codes (named by their decimal value).
            std::vector<dense_interaction> dense;
            for (std::size_t i = 0; i < log.size(); ++i)
                dense.push_back({log[i].time, static_cast<person_id>(src[i]), static_cast<person_id>(dst[i]),
                                 static_cast<channel_id>(ch[i]), log[i].weight, log[i].mutual});
            scorer dense_batched(config), dense_named(config);
            for (std::size_t c = 1; c < cuts.size(); ++c)
                dense_batched.add_batch(std::span<const dense_interaction>(dense).subspan(cuts[c - 1], cuts[c] - cuts[c - 1]));
            for (std::size_t c = 1; c < cuts.size(); ++c) {
                std::vector<interaction> batch;
                for (std::size_t i = cuts[c - 1]; i < cuts[c]; ++i) {
                    interaction e = log[i];
                    e.source = std::to_string(src[i]);
                    e.target = std::to_string(dst[i]);
                    batch.push_back(e);
                }
                for (const auto& e : test::in_time_order(batch, config.channels)) dense_named.add(e);
            }
            test::check_same_answers(dense_named, dense_batched);
        }
    }
}

TEST_CASE("a shuffled batch gives the sorted batch's answers, bit for bit", "[bulk][order]") {
    for (const auto& config : configs()) {
        for (std::uint64_t seed = 1; seed <= 3; ++seed) {
            // Few people and a short span: many equal timestamps, duplicates and bursts.
            const auto log = test::random_log(seed, {.people = 6, .interactions = seed == 1 ? std::size_t{40} : std::size_t{3000},
                                                     .span_us = std::int64_t{86400} * 1'000'000 * 60},
                                              config.channels);
            const auto sorted = test::in_time_order(log, config.channels);
            scorer from_sorted(config);
            from_sorted.add_batch(sorted);
            std::mt19937_64 rng(seed);
            for (int round = 0; round < 3; ++round) {
                auto shuffled = log;
                std::shuffle(shuffled.begin(), shuffled.end(), rng);
                scorer from_shuffled(config);
                from_shuffled.add_batch(shuffled);
                test::check_same_answers(from_sorted, from_shuffled);
            }
        }
    }
}

TEST_CASE("a batch of many partitions equals one-by-one ingest in time order", "[bulk]") {
    // About 100 partitions, with pairs spread over all of them.
    const std::size_t n = 3 * 65536 + 5000;
    std::mt19937_64 rng(7);
    std::vector<interaction> batch;
    batch.reserve(n);
    std::int64_t t = 1'600'000'000LL * 1'000'000;
    const auto& channels = channel_registry::defaults();
    while (batch.size() < n) {
        const auto a = rng() % 100, b = rng() % 100;
        if (a == b) continue;
        t += static_cast<std::int64_t>(rng() % 4'000'000'000) - 1'000'000'000;  // mostly forward, some back
        batch.push_back({from_micros(t), std::to_string(a), std::to_string(b), channels[static_cast<channel_id>(rng() % 5)].name,
                         std::nullopt, rng() % 10 == 0});
    }
    scorer one_by_one, batched;
    for (const auto& e : test::in_time_order(batch, channels)) one_by_one.add(e);
    batched.add_batch(batch);
    test::check_same_answers(one_by_one, batched);
}

TEST_CASE("shrink_to_fit changes no result, and ingest continues after it", "[bulk]") {
    for (const auto& config : configs()) {
        const auto log = test::random_log(11, {.people = 30, .interactions = 4000}, config.channels);
        const std::size_t half = log.size() / 2;
        scorer plain(config), shrunk(config);
        plain.add_batch(std::span(log).first(half));
        shrunk.add_batch(std::span(log).first(half));
        shrunk.shrink_to_fit();
        CHECK(shrunk.to_bytes() == plain.to_bytes());
        CHECK(shrunk.stats().decayed_sums == plain.stats().decayed_sums);
        // Every block is now full: the next sum a pair gains moves its block.
        plain.add_batch(std::span(log).subspan(half));
        const std::vector<interaction> rest(log.begin() + static_cast<std::ptrdiff_t>(half), log.end());
        for (const auto& e : test::in_time_order(rest, config.channels)) shrunk.add(e);
        test::check_same_answers(plain, shrunk);
    }
}
