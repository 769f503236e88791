// Ingest and query benchmarks. Every benchmark checks its answer against an independent
// computation, so a fast but wrong change fails instead of looking good.
//
//   make bench          (or: build/bench/relscore_bench)

#include <relscore/relscore.hpp>

#include <benchmark/benchmark.h>
#include <boost/unordered/unordered_flat_map.hpp>

#include <cmath>
#include <cstdint>
#include <map>
#include <random>
#include <stdexcept>
#include <vector>

namespace {

using namespace relscore;

// A seeded log with heavy-tailed degrees (Zipf-like person popularity) and bursty gaps.
struct synthetic_log {
    std::vector<dense_interaction> events;
    person_id people = 0;
};

synthetic_log make_log(std::size_t n, person_id people, std::uint64_t seed = 42) {
    std::mt19937_64 rng(seed);
    std::vector<double> popularity(people);
    for (person_id i = 0; i < people; ++i) popularity[i] = 1.0 / std::pow(i + 1.0, 0.8);
    std::discrete_distribution<person_id> who(popularity.begin(), popularity.end());
    std::exponential_distribution<double> gap(1.0 / 600.0);  // seconds; bursty mixture below
    std::uniform_real_distribution<double> unit(0, 1);
    synthetic_log log;
    log.people = people;
    log.events.reserve(n);
    double t = 1.6e9;
    while (log.events.size() < n) {
        t += unit(rng) < 0.9 ? gap(rng) * 0.05 : gap(rng) * 20;
        const person_id a = who(rng);
        person_id b = who(rng);
        if (a == b) continue;
        log.events.push_back({from_micros(static_cast<std::int64_t>(t * 1e6)), a, b,
                              static_cast<channel_id>(rng() % 5), std::nullopt, unit(rng) < 0.1});
    }
    return log;
}

const synthetic_log& cached_log(std::size_t n) {
    static std::map<std::size_t, synthetic_log> logs;
    auto it = logs.find(n);
    if (it == logs.end()) it = logs.emplace(n, make_log(n, 20'000)).first;
    return it->second;
}

// The total interaction count over all pairs must equal the log length.
void check_counts(const scorer& s, std::size_t expected) {
    const auto t = s.table();
    if (static_cast<std::size_t>(t.interactions.sum()) != expected)
        throw std::runtime_error("benchmark checksum failed: interaction counts do not add up");
}

void BM_ingest_dense(benchmark::State& state) {
    const auto& log = cached_log(static_cast<std::size_t>(state.range(0)));
    for (auto _ : state) {
        scorer s;
        for (const auto& e : log.events) s.add(e);
        benchmark::DoNotOptimize(s.relationships());
        state.PauseTiming();
        check_counts(s, log.events.size());
        state.ResumeTiming();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * log.events.size()));
}
BENCHMARK(BM_ingest_dense)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

// The hash-probe-bound floor: a plain flat map += loop with no decay.
void BM_reference_flat_map_sum(benchmark::State& state) {
    const auto& log = cached_log(static_cast<std::size_t>(state.range(0)));
    for (auto _ : state) {
        boost::unordered_flat_map<std::uint64_t, double> sums;
        for (const auto& e : log.events) sums[(std::uint64_t{e.source} << 32) | e.target] += 1.0;
        double total = 0;
        for (const auto& [k, v] : sums) total += v;
        if (total != static_cast<double>(log.events.size())) throw std::runtime_error("reference checksum failed");
        benchmark::DoNotOptimize(total);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * log.events.size()));
}
BENCHMARK(BM_reference_flat_map_sum)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

scorer& cached_scorer() {
    static scorer s = [] {
        scorer out;
        for (const auto& e : cached_log(1'000'000).events) out.add(e);
        return out;
    }();
    return s;
}

void BM_query_between(benchmark::State& state) {
    const scorer& s = cached_scorer();
    const auto& log = cached_log(1'000'000);
    std::size_t i = 0;
    for (auto _ : state) {
        const auto& e = log.events[i++ % log.events.size()];
        const auto r = s.between(e.source, e.target);
        if (!(r.strength > 0) && r.interactions == 0) throw std::runtime_error("a pair from the log has no interactions");
        benchmark::DoNotOptimize(r);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_query_between);

void BM_query_top10(benchmark::State& state) {
    const scorer& s = cached_scorer();
    const auto reference = s.top(0, 10);  // person 0 is the most connected
    for (auto _ : state) {
        const auto top = s.top(0, 10);
        if (top.size() != reference.size() || top.front().strength != reference.front().strength)
            throw std::runtime_error("top-k changed between runs");
        benchmark::DoNotOptimize(top);
    }
    state.counters["degree"] = static_cast<double>(s.top(0, s.relationships()).size());
}
BENCHMARK(BM_query_top10)->Unit(benchmark::kMicrosecond);

void BM_table(benchmark::State& state) {
    const scorer& s = cached_scorer();
    for (auto _ : state) {
        const auto t = s.table();
        benchmark::DoNotOptimize(t.strength.data());
        state.PauseTiming();
        if (static_cast<std::size_t>(t.interactions.sum()) != 1'000'000) throw std::runtime_error("table checksum failed");
        state.ResumeTiming();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * s.relationships()));
}
BENCHMARK(BM_table)->Unit(benchmark::kMillisecond);

void BM_merge(benchmark::State& state) {
    const auto& log = cached_log(1'000'000);
    scorer left, right;
    for (std::size_t i = 0; i < log.events.size(); ++i) (i % 2 ? left : right).add(log.events[i]);
    for (auto _ : state) {
        scorer merged = left;
        merged.merge(right);
        state.PauseTiming();
        check_counts(merged, log.events.size());
        state.ResumeTiming();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * right.relationships()));
}
BENCHMARK(BM_merge)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
