// relscore_soak: streams a long synthetic log through the library (or writes it for the
// CLI) and checks a sample of relationships against a brute-force sum. Run by `make soak`.
//
//   relscore_soak generate N SEED          write the log as CSV to stdout
//   relscore_soak library N SEED           ingest it in-process, then check the sample
//   relscore_soak check N SEED OUTPUT.csv  check `relscore score --format csv` output
//
// The log: N interactions over a fixed pool of `pair_slots` pairs of 200 000 people,
// chosen with a heavy tail (a few pairs get a large share), times rising over ten years
// with up to an hour of disorder, all seven default channels, 30 % explicit weights, 15 %
// mutual. The pool is fixed, so the number of relationships, and with it the scorer's
// memory, stops growing while N grows: peak RSS must not grow with N.
//
// The brute-force reference for a sampled pair sums w·2^(−(T − t_i)/h) over its
// interactions directly in long double, one independent term each, at the fixed query
// time T (the end of the ten years): no decayed state, nothing stored.

#include <relscore/io/ingest.hpp>
#include <relscore/relscore.hpp>

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <sys/resource.h>
#include <vector>

using namespace relscore;

namespace {

constexpr std::uint64_t people = 200'000;
constexpr std::uint64_t pair_slots = 1'000'000;
constexpr std::int64_t start_us = 1'500'000'000LL * 1'000'000;
constexpr std::int64_t span_us = 10LL * 365 * 86'400 * 1'000'000;
constexpr std::int64_t disorder_us = 3'600LL * 1'000'000;
constexpr std::int64_t query_us = start_us + span_us + disorder_us;

std::uint64_t splitmix(std::uint64_t& state) {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}
double unit(std::uint64_t& state) { return static_cast<double>(splitmix(state) >> 11) * 0x1.0p-53; }

struct event {
    std::uint64_t slot;
    std::uint64_t source, target;
    std::int64_t time_us;
    channel_id channel;
    std::optional<double> weight;
    bool mutual;
};

// The two people of a pair slot (fixed by the slot number, never equal).
std::pair<std::uint64_t, std::uint64_t> people_of(std::uint64_t slot) {
    std::uint64_t s = slot * 2654435761ULL + 17;
    const std::uint64_t a = splitmix(s) % people;
    std::uint64_t b = splitmix(s) % (people - 1);
    if (b >= a) ++b;
    return {a, b};
}

// Calls f(event) for each of the n interactions of the log `seed`.
template <typename F>
void generate(std::uint64_t n, std::uint64_t seed, F&& f) {
    std::uint64_t rng = seed;
    const auto channels = channel_registry::defaults();
    for (std::uint64_t i = 0; i < n; ++i) {
        event e;
        const double u = unit(rng);
        e.slot = static_cast<std::uint64_t>(static_cast<double>(pair_slots) * u * u * u);  // heavy tail toward 0
        auto [a, b] = people_of(e.slot);
        if (splitmix(rng) & 1) std::swap(a, b);
        e.source = a;
        e.target = b;
        e.time_us = start_us + static_cast<std::int64_t>(static_cast<double>(span_us) * (static_cast<double>(i) / static_cast<double>(n))) +
                    static_cast<std::int64_t>(splitmix(rng) % static_cast<std::uint64_t>(disorder_us));
        e.channel = static_cast<channel_id>(splitmix(rng) % channels.size());
        if (unit(rng) < 0.3) e.weight = static_cast<double>(splitmix(rng) % 400) / 100.0;
        e.mutual = unit(rng) < 0.15;
        f(e);
    }
}

std::string person(std::uint64_t id) { return fmt::format("u{}", id); }

// Sampled pairs: the three hottest slots and every 49 999th (cold ones).
bool sampled(std::uint64_t slot) { return slot < 3 || slot % 49'999 == 7; }

struct reference {
    long double ab = 0, ba = 0;  // a = the lower person id of the slot
    std::uint64_t interactions = 0;
};

std::map<std::uint64_t, reference> brute_force(std::uint64_t n, std::uint64_t seed) {
    const auto channels = channel_registry::defaults();
    std::map<std::uint64_t, reference> refs;
    generate(n, seed, [&](const event& e) {
        if (!sampled(e.slot)) return;
        const channel& c = channels[e.channel];
        const long double w = e.weight ? *e.weight : c.weight;
        const long double term =
            w * std::exp2l(-static_cast<long double>(query_us - e.time_us) / static_cast<long double>(c.half_life.count()));
        reference& r = refs[e.slot];
        const bool forward = e.source < e.target;
        if (e.mutual || forward) r.ab += term;
        if (e.mutual || !forward) r.ba += term;
        ++r.interactions;
    });
    return refs;
}

long peak_rss_mib() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss / 1024;
}

// Compares got(a, b) for every sampled pair; prints the worst relative error; false if
// any pair is off by more than `tolerance` or missing.
template <typename Lookup>
bool check(const std::map<std::uint64_t, reference>& refs, Lookup&& got, double tolerance) {
    double worst = 0;
    bool ok = true;
    for (const auto& [slot, ref] : refs) {
        auto [a, b] = people_of(slot);
        if (a > b) std::swap(a, b);
        const auto r = got(person(a), person(b));
        if (!r) {
            fmt::print(stderr, "soak: pair {}-{} missing\n", a, b);
            ok = false;
            continue;
        }
        const auto [v_ab, v_ba, count] = *r;
        for (const auto& [x, y] : {std::pair{v_ab, ref.ab}, std::pair{v_ba, ref.ba}}) {
            const long double err = std::fabs(static_cast<long double>(x) - y) / std::max(std::fabs(y), 1e-300L);
            worst = std::max(worst, static_cast<double>(err));
            if (err > tolerance) {
                fmt::print(stderr, "soak: pair {}-{}: {} vs brute force {} (relative error {:.3g})\n", a, b, x,
                           static_cast<double>(y), static_cast<double>(err));
                ok = false;
            }
        }
        if (count != 0 && count != ref.interactions) {
            fmt::print(stderr, "soak: pair {}-{}: {} interactions, brute force {}\n", a, b, count, ref.interactions);
            ok = false;
        }
    }
    fmt::print("soak: {} sampled pairs ({} interactions) agree with brute force: worst relative error {:.3g} (limit {:.0e})\n",
               refs.size(), [&] {
                   std::uint64_t total = 0;
                   for (const auto& [slot, ref] : refs) total += ref.interactions;
                   return total;
               }(),
               worst, tolerance);
    return ok;
}

using result = std::optional<std::tuple<double, double, std::uint64_t>>;
constexpr double tolerance = 1e-9;

}  // namespace

int main(int argc, char** argv) {
    if (argc < 4) {
        std::fputs("usage: relscore_soak generate|library|check N SEED [OUTPUT.csv]\n", stderr);
        return 2;
    }
    const std::string mode = argv[1];
    const auto n = std::strtoull(argv[2], nullptr, 10);
    const auto seed = std::strtoull(argv[3], nullptr, 10);

    if (mode == "generate") {
        std::vector<char> buffer(1 << 20);
        std::setvbuf(stdout, buffer.data(), _IOFBF, buffer.size());
        const auto channels = channel_registry::defaults();
        std::fputs("time,source,target,channel,weight,mutual\n", stdout);
        generate(n, seed, [&](const event& e) {
            // UNIX seconds with microseconds: exact, and what a log export often has.
            fmt::print(stdout, "{}.{:06},u{},u{},{},{},{}\n", e.time_us / 1'000'000, e.time_us % 1'000'000, e.source,
                       e.target, channels[e.channel].name, e.weight ? fmt::format("{}", *e.weight) : "",
                       e.mutual ? 1 : 0);
        });
        std::fflush(stdout);  // before `buffer` goes away
        return 0;
    }
    if (mode == "library") {
        const auto t0 = std::chrono::steady_clock::now();
        scorer s;
        std::vector<std::string> names(people);
        for (std::uint64_t i = 0; i < people; ++i) names[i] = person(i);
        const auto channels = channel_registry::defaults();
        generate(n, seed, [&](const event& e) {
            s.add(interaction{from_micros(e.time_us), names[e.source], names[e.target], channels[e.channel].name,
                              e.weight, e.mutual});
        });
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const auto stats = s.stats();
        fmt::print("soak library: {} interactions in {:.1f}s ({:.2f} M/s, generation included); {} people, {} "
                   "relationships, {} decayed sums; peak RSS {} MiB\n",
                   n, seconds, static_cast<double>(n) / seconds / 1e6, stats.people, stats.relationships,
                   stats.decayed_sums, peak_rss_mib());
        const auto refs = brute_force(n, seed);
        const bool ok = check(refs, [&](const std::string& a, const std::string& b) -> result {
            if (!s.find_person(a) || !s.find_person(b)) return std::nullopt;
            const auto r = s.between(a, b, from_micros(query_us));
            return std::tuple{r.volume_ab, r.volume_ba, r.interactions};
        }, tolerance);
        return ok ? 0 : 1;
    }
    if (mode == "check" && argc >= 5) {
        // The CLI's CSV: a,b,strength,volume_ab,volume_ba,reciprocity,last_interaction,interactions
        std::map<std::pair<std::string, std::string>, std::tuple<double, double, std::uint64_t>> rows;
        const auto refs = brute_force(n, seed);
        std::map<std::string, bool> wanted;
        for (const auto& [slot, ref] : refs) {
            const auto [a, b] = people_of(slot);
            wanted[person(a)] = wanted[person(b)] = true;
        }
        std::ifstream in(argv[4]);
        std::string line;
        std::getline(in, line);  // header
        std::size_t total = 0;
        while (std::getline(in, line)) {
            ++total;
            std::stringstream fields(line);
            std::string a, b, strength, ab, ba;
            std::getline(fields, a, ',');
            std::getline(fields, b, ',');
            if (!wanted.count(a) || !wanted.count(b)) continue;
            std::getline(fields, strength, ',');
            std::getline(fields, ab, ',');
            std::getline(fields, ba, ',');
            std::string reciprocity, last, count;
            std::getline(fields, reciprocity, ',');
            std::getline(fields, last, ',');
            std::getline(fields, count, ',');
            rows[{a, b}] = {std::stod(ab), std::stod(ba), std::stoull(count)};
        }
        fmt::print("soak cli: {} relationships in the output\n", total);
        const bool ok = check(refs, [&](const std::string& a, const std::string& b) -> result {
            if (auto it = rows.find({a, b}); it != rows.end()) return it->second;
            if (auto it = rows.find({b, a}); it != rows.end())
                return std::tuple{std::get<1>(it->second), std::get<0>(it->second), std::get<2>(it->second)};
            return std::nullopt;
        }, tolerance);
        return ok ? 0 : 1;
    }
    std::fputs("usage: relscore_soak generate|library|check N SEED [OUTPUT.csv]\n", stderr);
    return 2;
}
