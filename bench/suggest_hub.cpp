// suggest_meetings on a star (issue 19): one hub tied to N people, the case whose work is
// Σ_z deg(z)² = N². Measured without a cap (0) and with the CLI's default cap (1000), which
// skips the hub and keeps the work linear. A ring of ordinary ties (each person tied to the
// next) gives the answer that must survive the cap.
//
//   build/bench/relscore_bench_suggest --benchmark_counters_tabular=true

#include <relscore/network.hpp>
#include <relscore/relscore.hpp>

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdlib>
#include <string>

using namespace relscore;

namespace {

// N leaves on the hub, and a ring of 1000 people with ties i - i+1.
Eigen::SparseMatrix<double> star_with_ring(std::size_t leaves, double& leaf_strength) {
    scorer s;
    const timestamp t0 = parse_time("2025-01-01T00:00:00Z");
    for (std::size_t i = 0; i < leaves; ++i) s.add({t0, "hub", "leaf" + std::to_string(i), "email"});
    constexpr int ring = 1000;
    for (int i = 0; i < ring; ++i) s.add({t0, "r" + std::to_string(i), "r" + std::to_string((i + 1) % ring), "email"});
    leaf_strength = s.between("hub", "leaf0").strength;
    return strength_matrix(s);
}

void BM_suggest_hub(benchmark::State& state) {
    const auto leaves = static_cast<std::size_t>(state.range(0));
    const auto cap = static_cast<std::size_t>(state.range(1));
    double leaf_strength = 0;
    const auto g = star_with_ring(leaves, leaf_strength);
    suggest_options o;
    o.top = 10;
    o.max_intermediary_degree = cap;
    for (auto _ : state) {
        auto found = suggest_meetings(g, o);
        benchmark::DoNotOptimize(found.data());
        // Checksum: uncapped, the best pairs are two leaves through the hub (their weaker
        // tie is a leaf's); capped, the hub is skipped and the best are ring neighbours'
        // neighbours, through one common contact of the same strength.
        if (found.size() != o.top || std::abs(found[0].score - leaf_strength) > 1e-12 * leaf_strength ||
            found[0].common != 1) {
            state.SkipWithError("wrong suggestions");
            break;
        }
    }
    state.counters["people"] = static_cast<double>(g.rows());
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(leaves));
}

}  // namespace

BENCHMARK(BM_suggest_hub)
    ->ArgNames({"leaves", "cap"})
    ->Args({2'000, 0})
    ->Args({2'000, 1'000})
    ->Args({20'000, 0})
    ->Args({20'000, 1'000})
    ->Args({200'000, 1'000})
    ->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
