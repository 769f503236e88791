// Ingest and query benchmarks. Every benchmark checks its answer against an independent
// computation (bench/synthetic.hpp), so a fast but wrong change fails instead of looking
// good.
//
//   make bench         1 M and 10 M interactions over 10 k and 1 M pairs, and the real logs
//   make bench-large   adds 100 M interactions (10 k and 10 M pairs) and reports peak RSS
//
// Arguments of the ingest benchmarks: /interactions/pairs in the pool/conversations (1: the
// per-pair conversation history is kept, the default; 0: volumes only).
//
// Memory is measured warm: freed memory stays in the process (see main()), so repeated
// runs do not pay the virtual machine's first touch of fresh pages (about 12 µs per 4 KiB
// here). Each ingest benchmark runs once untimed first.

#include "floors.hpp"
#include "synthetic.hpp"

#include <relscore/relscore.hpp>

#include <benchmark/benchmark.h>
#include <boost/unordered/unordered_flat_map.hpp>

#include <malloc.h>
#include <sys/resource.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

namespace {

using namespace relscore;
using bench::synthetic_log;

const synthetic_log& cached_log(std::size_t n, std::size_t pairs) {
    static std::map<std::pair<std::size_t, std::size_t>, std::unique_ptr<synthetic_log>> logs;
    auto& slot = logs[{n, pairs}];
    if (!slot) slot = std::make_unique<synthetic_log>(bench::make_log(n, pairs));
    return *slot;
}

void fail(const std::string& what) { throw std::runtime_error("benchmark check failed: " + what); }

// The scorer must hold every interaction, every pair, and the reference's total volume.
void check_scorer(const scorer& s, const synthetic_log& log) {
    const auto t = s.table(from_micros(log.newest_us));
    if (static_cast<std::size_t>(t.interactions.sum()) != log.size()) fail("interaction counts do not add up");
    if (s.relationships() != log.distinct_pairs) fail("wrong number of relationships");
    const long double total = t.volume_ab.sum() + t.volume_ba.sum();
    if (std::abs(total - log.total_volume) > 1e-9L * log.total_volume) fail("total volume differs from the reference");
}

scorer_config config_for(bool conversations) {
    scorer_config c;
    c.insight.conversations = conversations;
    return c;
}

// Bytes the allocator holds for live objects (malloc arena and mmapped blocks).
std::size_t heap_in_use() {
    const auto m = mallinfo2();
    return m.uordblks + m.hblkhd;
}

// Memory of a scorer after ingest (B/pair, B/state) and after shrink_to_fit() (B/state fit).
struct footprint {
    std::size_t bytes = 0, fitted = 0, states = 0;
};

// Measured against the heap in use before the scorer was built; shrinks `s`.
footprint measure(scorer& s, std::size_t before) {
    footprint f;
    f.bytes = heap_in_use() - before;
    f.states = s.stats().decayed_sums;
    s.shrink_to_fit();
    f.fitted = heap_in_use() - before;
    return f;
}

void report(benchmark::State& state, const synthetic_log& log, const footprint& f) {
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * log.size()));
    state.counters["pairs"] = static_cast<double>(log.distinct_pairs);
    if (f.bytes > 0) {
        state.counters["B/pair"] = static_cast<double>(f.bytes) / static_cast<double>(log.distinct_pairs);
        state.counters["B/state"] = static_cast<double>(f.bytes) / static_cast<double>(f.states);
        state.counters["B/state fit"] = static_cast<double>(f.fitted) / static_cast<double>(f.states);
    }
}

// ---- the floor: a plain hash map += loop, no decay ----------------------------------

void BM_reference_flat_map_sum(benchmark::State& state) {
    const auto& log = cached_log(static_cast<std::size_t>(state.range(0)), static_cast<std::size_t>(state.range(1)));
    for (auto _ : state) {
        boost::unordered_flat_map<std::uint64_t, double> sums;
        for (std::size_t i = 0; i < log.size(); ++i)
            sums[(static_cast<std::uint64_t>(log.source[i]) << 32) | static_cast<std::uint64_t>(log.target[i])] += 1.0;
        state.PauseTiming();
        double total = 0;
        for (const auto& [k, v] : sums) total += v;
        if (total != static_cast<double>(log.size())) fail("reference sum");
        state.ResumeTiming();
    }
    report(state, log, {});
}

// ---- floors: the model's volumes and nothing more (bench/floors.hpp) ------------------

// `Floor` holds the log's volumes exactly, as a scorer's volumes must be held; it is
// checked as the scorer's volumes are (every pair, and the total volume), so it cannot
// skip the work of a term without the total changing.
template <class Floor>
void floor_benchmark(benchmark::State& state) {
    const auto& log = cached_log(static_cast<std::size_t>(state.range(0)), static_cast<std::size_t>(state.range(1)));
    const bench::floors::channel_table channels(channel_registry::defaults());
    for (auto _ : state) {
        Floor floor;
        floor.ingest(log, channels);
        state.PauseTiming();
        if (floor.pairs() != log.distinct_pairs) fail("floor: wrong number of pairs");
        const long double total = floor.total_at(log.newest_us, channels);
        if (std::abs(total - log.total_volume) > 1e-9L * log.total_volume) fail("floor: total volume differs from the reference");
        state.ResumeTiming();
    }
    report(state, log, {});
}
void BM_floor_stream(benchmark::State& state) { floor_benchmark<bench::floors::stream>(state); }
void BM_floor_bulk(benchmark::State& state) { floor_benchmark<bench::floors::bulk>(state); }

// ---- ingest ---------------------------------------------------------------------------

// An ingest benchmark: `ingest(s, log)` is timed; the scorer is checked and measured.
template <class Ingest>
void ingest_benchmark(benchmark::State& state, Ingest ingest) {
    const auto& log = cached_log(static_cast<std::size_t>(state.range(0)), static_cast<std::size_t>(state.range(1)));
    footprint memory;
    for (auto _ : state) {
        const std::size_t before = heap_in_use();
        scorer s(config_for(state.range(2) != 0));
        ingest(s, log);
        state.PauseTiming();
        check_scorer(s, log);
        memory = measure(s, before);
        check_scorer(s, log);
        state.ResumeTiming();
    }
    report(state, log, memory);
}

void BM_stream_dense(benchmark::State& state) {
    ingest_benchmark(state, [](scorer& s, const synthetic_log& log) {
        for (std::size_t i = 0; i < log.size(); ++i) s.add(log.dense(i));
    });
}

void BM_stream_names(benchmark::State& state) {
    const auto& log = cached_log(static_cast<std::size_t>(state.range(0)), static_cast<std::size_t>(state.range(1)));
    std::vector<std::string> names(log.people);
    for (person_id i = 0; i < log.people; ++i) names[i] = "person-" + std::to_string(i);
    for (auto _ : state) {
        scorer s(config_for(state.range(2) != 0));
        interaction e;
        for (std::size_t i = 0; i < log.size(); ++i) {
            e.time = from_micros(log.time_us[i]);
            e.source = names[static_cast<std::size_t>(log.source[i])];
            e.target = names[static_cast<std::size_t>(log.target[i])];
            e.channel = log.channel_names[static_cast<std::size_t>(log.channel[i])];
            e.mutual = log.mutual[i] != 0;
            s.add(e);
        }
        state.PauseTiming();
        check_scorer(s, log);
        state.ResumeTiming();
    }
    report(state, log, {});
}

void BM_bulk_columns(benchmark::State& state) {
    ingest_benchmark(state, [](scorer& s, const synthetic_log& log) { s.add_columns(log.columns()); });
}

// The same with scorer::set_threads(threads); timed by the wall clock (its CPU time is the
// whole process's, all threads).
void BM_bulk_columns_threads(benchmark::State& state) {
    const auto threads = static_cast<unsigned>(state.range(3));
    ingest_benchmark(state, [threads](scorer& s, const synthetic_log& log) {
        s.set_threads(threads);
        s.add_columns(log.columns());
    });
}

// Where a relationship's bytes go, by component (scorer::memory_usage()), after bulk ingest;
// "B/pair" is the heap's own count, as in the ingest benchmarks, for comparison.
void BM_memory_by_component(benchmark::State& state) {
    const auto& log = cached_log(static_cast<std::size_t>(state.range(0)), static_cast<std::size_t>(state.range(1)));
    scorer_memory parts;
    std::size_t heap = 0;
    for (auto _ : state) {
        const std::size_t before = heap_in_use();
        scorer s(config_for(state.range(2) != 0));
        s.add_columns(log.columns());
        state.PauseTiming();
        heap = heap_in_use() - before;
        check_scorer(s, log);
        parts = s.memory_usage();
        state.ResumeTiming();
    }
    const auto per_pair = [&](std::size_t bytes) { return static_cast<double>(bytes) / static_cast<double>(log.distinct_pairs); };
    state.counters["B/pair"] = per_pair(heap);
    state.counters["record"] = per_pair(parts.pairs);
    state.counters["index"] = per_pair(parts.pair_index);
    state.counters["ties"] = per_pair(parts.ties);
    state.counters["people"] = per_pair(parts.people);
    state.counters["sums"] = per_pair(parts.decayed_sums);
    state.counters["history"] = per_pair(parts.conversations);
    state.counters["events"] = per_pair(parts.events);
    state.counters["counted"] = per_pair(parts.total());
}

void ingest_args(benchmark::internal::Benchmark* b) {
    for (const auto& [n, pairs] : {std::pair{1'000'000, 10'000}, {1'000'000, 1'000'000}, {10'000'000, 10'000},
                                   {10'000'000, 1'000'000}})
        for (const int conversations : {1, 0}) b->Args({n, pairs, conversations});
    b->ArgNames({"n", "pairs", "conv"})->Unit(benchmark::kMillisecond)->MinWarmUpTime(0.1);
}
void large_args(benchmark::internal::Benchmark* b) {
    for (const auto& [n, pairs] : {std::pair{100'000'000, 10'000}, {100'000'000, 10'000'000}})
        for (const int conversations : {1, 0}) b->Args({n, pairs, conversations});
    b->ArgNames({"n", "pairs", "conv"})->Unit(benchmark::kMillisecond)->Iterations(1);
}
void reference_args(benchmark::internal::Benchmark* b, bool large) {
    if (large)
        for (const auto& [n, pairs] : {std::pair{100'000'000, 10'000}, {100'000'000, 10'000'000}}) b->Args({n, pairs});
    else
        for (const auto& [n, pairs] : {std::pair{1'000'000, 10'000}, {1'000'000, 1'000'000}, {10'000'000, 10'000},
                                       {10'000'000, 1'000'000}})
            b->Args({n, pairs});
    b->ArgNames({"n", "pairs"})->Unit(benchmark::kMillisecond)->MinWarmUpTime(large ? 0 : 0.1);
}

// ---- queries, on 1 M interactions over 1 M pairs in the pool --------------------------

const scorer& cached_scorer() {
    static const scorer s = [] {
        scorer out;
        out.add_columns(cached_log(1'000'000, 1'000'000).columns());
        return out;
    }();
    return s;
}

void BM_query_between(benchmark::State& state) {
    const scorer& s = cached_scorer();
    const auto& log = cached_log(1'000'000, 1'000'000);
    std::size_t i = 0;
    for (auto _ : state) {
        const auto r = s.between(static_cast<person_id>(log.source[i]), static_cast<person_id>(log.target[i]));
        if (r.interactions == 0) fail("a pair from the log has no interactions");
        benchmark::DoNotOptimize(r);
        i = (i + 7919) % log.size();  // hop around the log: mostly cache misses, as in a server
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

// The person whose number of ties is closest to `degree`.
person_id person_with_degree(const scorer& s, std::size_t degree) {
    std::vector<std::size_t> ties(s.people(), 0);
    const auto t = s.table();
    for (std::size_t i = 0; i < t.size(); ++i) {
        ++ties[t.a[static_cast<Eigen::Index>(i)]];
        ++ties[t.b[static_cast<Eigen::Index>(i)]];
    }
    person_id best = 0;
    for (person_id p = 0; p < ties.size(); ++p)
        if (std::llabs(static_cast<long long>(ties[p]) - static_cast<long long>(degree)) <
            std::llabs(static_cast<long long>(ties[best]) - static_cast<long long>(degree)))
            best = p;
    return best;
}

void BM_query_top10(benchmark::State& state) {
    const scorer& s = cached_scorer();
    const person_id p = person_with_degree(s, static_cast<std::size_t>(state.range(0)));
    const auto all = s.top(p, s.relationships());
    // The reference: the ten largest strengths among all ties, from between().
    std::vector<double> strengths;
    for (const auto& r : all) strengths.push_back(s.between(p, r.b).strength);
    std::sort(strengths.rbegin(), strengths.rend());
    for (auto _ : state) {
        const auto top = s.top(p, 10);
        state.PauseTiming();
        for (std::size_t k = 0; k < top.size(); ++k)
            if (top[k].strength != strengths[k]) fail("top-10 differs from the sorted strengths");
        state.ResumeTiming();
    }
    state.counters["ties"] = static_cast<double>(all.size());
}

void BM_table(benchmark::State& state) {
    const scorer& s = cached_scorer();
    const auto& log = cached_log(1'000'000, 1'000'000);
    for (auto _ : state) {
        const auto t = s.table(from_micros(log.newest_us));
        state.PauseTiming();
        const long double total = t.volume_ab.sum() + t.volume_ba.sum();
        if (std::abs(total - log.total_volume) > 1e-9L * log.total_volume) fail("table total volume");
        state.ResumeTiming();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * s.relationships()));
}

void BM_merge(benchmark::State& state) {
    const auto& log = cached_log(1'000'000, 1'000'000);
    scorer left, right;
    for (std::size_t i = 0; i < log.size(); ++i) (i % 2 ? left : right).add(log.dense(i));
    for (auto _ : state) {
        scorer merged = left;
        merged.merge(right);
        state.PauseTiming();
        check_scorer(merged, log);
        state.ResumeTiming();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * right.relationships()));
}

void BM_save(benchmark::State& state) {
    const scorer& s = cached_scorer();
    std::size_t bytes = 0;
    for (auto _ : state) {
        const std::string b = s.to_bytes();
        bytes = b.size();
        benchmark::DoNotOptimize(b.data());
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * s.relationships()));
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
}

void BM_load(benchmark::State& state) {
    const scorer& s = cached_scorer();
    const std::string bytes = s.to_bytes();
    for (auto _ : state) {
        const scorer loaded = scorer::from_bytes(bytes);
        state.PauseTiming();
        if (loaded.to_bytes() != bytes) fail("load then save changed the snapshot");
        state.ResumeTiming();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * s.relationships()));
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
}

// ---- the real logs in ../shared/data (skipped when absent) ----------------------------

// A SNAP temporal edge list (gzip; "source target seconds" per line; self-loops dropped).
std::optional<synthetic_log> read_snap(const std::filesystem::path& file) {
    if (!std::filesystem::exists(file)) return std::nullopt;
    const std::string command = "gzip -dc '" + file.string() + "'";
    FILE* in = popen(command.c_str(), "r");
    if (!in) return std::nullopt;
    synthetic_log log;
    log.channel_names = {"contact"};
    long long a = 0, b = 0, t = 0;
    char line[256];
    while (std::fgets(line, sizeof line, in)) {
        if (std::sscanf(line, "%lld %lld %lld", &a, &b, &t) != 3 || a == b) continue;
        log.time_us.push_back(t * 1'000'000);
        log.source.push_back(a);
        log.target.push_back(b);
        log.channel.push_back(0);
        log.mutual.push_back(0);
        log.people = std::max<person_id>(log.people, static_cast<person_id>(std::max(a, b) + 1));
        log.newest_us = std::max<std::int64_t>(log.newest_us, t * 1'000'000);
    }
    pclose(in);
    boost::unordered_flat_set<std::uint64_t> seen;
    for (std::size_t i = 0; i < log.size(); ++i) seen.insert(bench::undirected_key(log.source[i], log.target[i]));
    log.distinct_pairs = seen.size();
    channel_registry contact;
    contact.define({"contact", 1.0, std::chrono::days{60}});
    log.total_volume = bench::reference_total_volume(log, contact);
    return log;
}

scorer_config contact_config() {
    scorer_config c;
    c.channels = channel_registry();
    c.channels.define({"contact", 1.0, std::chrono::days{60}});
    return c;
}

void register_real_log(const std::string& name, const std::filesystem::path& file) {
    static std::vector<std::unique_ptr<synthetic_log>> kept;
    auto log = read_snap(file);
    if (!log) {
        std::fprintf(stderr, "note: %s not found; its benchmarks are skipped\n", file.c_str());
        return;
    }
    kept.push_back(std::make_unique<synthetic_log>(std::move(*log)));
    const synthetic_log* l = kept.back().get();
    benchmark::RegisterBenchmark(("BM_real_stream/" + name).c_str(), [l](benchmark::State& state) {
        for (auto _ : state) {
            scorer s(contact_config());
            for (std::size_t i = 0; i < l->size(); ++i) s.add(l->dense(i));
            state.PauseTiming();
            check_scorer(s, *l);
            state.ResumeTiming();
        }
        report(state, *l, {});
    })->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("BM_real_bulk/" + name).c_str(), [l](benchmark::State& state) {
        footprint memory;  // real logs: many pairs with one interaction, unlike the synthetic ones
        for (auto _ : state) {
            const std::size_t before = heap_in_use();
            scorer s(contact_config());
            s.add_columns(l->columns());
            state.PauseTiming();
            check_scorer(s, *l);
            memory = measure(s, before);
            check_scorer(s, *l);
            state.ResumeTiming();
        }
        report(state, *l, memory);
    })->Unit(benchmark::kMillisecond);
}

}  // namespace

int main(int argc, char** argv) {
    // Warm memory: keep freed memory in the process instead of returning it to the system,
    // so each run reuses pages already touched.
    mallopt(M_MMAP_MAX, 0);
    mallopt(M_TRIM_THRESHOLD, -1);

    const bool large = std::getenv("RELSCORE_BENCH_LARGE") != nullptr;
    if (large) {
        benchmark::RegisterBenchmark("BM_reference_flat_map_sum", BM_reference_flat_map_sum)->Apply([](auto* b) { reference_args(b, true); });
        benchmark::RegisterBenchmark("BM_stream_dense", BM_stream_dense)->Apply(large_args);
        benchmark::RegisterBenchmark("BM_bulk_columns", BM_bulk_columns)->Apply(large_args);
    } else {
        benchmark::RegisterBenchmark("BM_reference_flat_map_sum", BM_reference_flat_map_sum)->Apply([](auto* b) { reference_args(b, false); });
        benchmark::RegisterBenchmark("BM_stream_dense", BM_stream_dense)->Apply(ingest_args);
        benchmark::RegisterBenchmark("BM_floor_stream", BM_floor_stream)->Apply([](auto* b) { reference_args(b, false); });
        benchmark::RegisterBenchmark("BM_floor_bulk", BM_floor_bulk)->Apply([](auto* b) { reference_args(b, false); });
        benchmark::RegisterBenchmark("BM_stream_names", BM_stream_names)
            ->Args({1'000'000, 10'000, 1})->Args({1'000'000, 1'000'000, 1})
            ->ArgNames({"n", "pairs", "conv"})->Unit(benchmark::kMillisecond)->MinWarmUpTime(0.1);
        benchmark::RegisterBenchmark("BM_bulk_columns", BM_bulk_columns)->Apply(ingest_args);
        benchmark::RegisterBenchmark("BM_bulk_columns_threads", BM_bulk_columns_threads)
            ->Args({1'000'000, 10'000, 1, 2})->Args({10'000'000, 1'000'000, 1, 2})->Args({10'000'000, 1'000'000, 0, 2})
            ->ArgNames({"n", "pairs", "conv", "threads"})->Unit(benchmark::kMillisecond)->MinWarmUpTime(0.1)
            ->UseRealTime()->MeasureProcessCPUTime();
        benchmark::RegisterBenchmark("BM_memory_by_component", BM_memory_by_component)
            ->Args({10'000'000, 1'000'000, 1})->Args({10'000'000, 1'000'000, 0})
            ->ArgNames({"n", "pairs", "conv"})->Unit(benchmark::kMillisecond)->Iterations(1);
        benchmark::RegisterBenchmark("BM_query_between", BM_query_between);
        benchmark::RegisterBenchmark("BM_query_top10", BM_query_top10)->Arg(1000)->ArgName("ties")->Unit(benchmark::kMicrosecond);
        benchmark::RegisterBenchmark("BM_table", BM_table)->Unit(benchmark::kMillisecond);
        benchmark::RegisterBenchmark("BM_merge", BM_merge)->Unit(benchmark::kMillisecond);
        benchmark::RegisterBenchmark("BM_save", BM_save)->Unit(benchmark::kMillisecond);
        benchmark::RegisterBenchmark("BM_load", BM_load)->Unit(benchmark::kMillisecond);
        const char* env = std::getenv("RELSCORE_DATA");
        const std::filesystem::path data = env ? env : RELSCORE_DEFAULT_DATA;
        register_real_log("CollegeMsg", data / "snap-collegemsg/CollegeMsg.txt.gz");
        register_real_log("email-Eu-core", data / "snap-email-eu-core-temporal/email-Eu-core-temporal.txt.gz");
    }
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();

    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    std::printf("peak RSS: %.0f MiB\n", static_cast<double>(usage.ru_maxrss) / 1024.0);
    return 0;
}
