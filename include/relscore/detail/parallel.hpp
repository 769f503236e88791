#pragma once
/// \file detail/parallel.hpp
/// Design notes: how bulk ingest uses more than one thread (scorer::set_threads()).
///
/// A batch is split into parts that touch disjoint memory (a range of input rows, a range
/// of partitions, a range of new pairs), one thread per part, the calling thread taking
/// part 0. Threads are started per call and joined before it returns: a scorer owns no
/// thread and nothing runs once a call is over, so the scorer's own rule (one writer at a
/// time, concurrent.hpp) is unchanged. Every part does exactly what one thread would do for
/// its share, and results are combined in part order, so the scorer's state is bit for bit
/// the same with any number of threads (tests/cpp/concurrency.cpp checks it).

#include <algorithm>
#include <cstddef>
#include <exception>
#include <thread>
#include <utility>
#include <vector>

#include <relscore/version.hpp>

RELSCORE_BEGIN_NAMESPACE
namespace detail {

/// How many threads a call may use, and the least work (rows, events) worth a thread of
/// its own: a thread costs tens of microseconds to start.
struct thread_use {
    unsigned threads = 1;
    std::size_t min_part = std::size_t{1} << 16;
};

/// How many parts to split `work` items into: one per thread, none smaller than min_part.
[[nodiscard]] inline unsigned parts_for(std::size_t work, const thread_use& use) noexcept {
    const std::size_t most = use.min_part == 0 ? work : work / use.min_part;
    return static_cast<unsigned>(std::clamp<std::size_t>(most, 1, std::max(use.threads, 1u)));
}

/// [begin, end) of part `part` of `parts` equal shares of n items.
[[nodiscard]] inline std::pair<std::size_t, std::size_t> share_of(std::size_t n, unsigned parts, unsigned part) noexcept {
    return {n * part / parts, n * (part + 1) / parts};
}

/// Calls f(part) for every part in [0, parts), each on its own thread (part 0 on the
/// calling one), and returns once all have finished; then rethrows the first part's
/// exception, if any threw. A thread that cannot be started runs its part on the calling
/// thread instead, so every part runs exactly once either way.
template <class F>
void run_parts(unsigned parts, F&& f) {
    if (parts == 0) return;
    if (parts == 1) {
        f(0u);
        return;
    }
    std::vector<std::exception_ptr> errors(parts);  // (if these throw, no part has run)
    std::vector<char> started(parts, 0);
    const auto run = [&](unsigned part) noexcept {
        try {
            f(part);
        } catch (...) {
            errors[part] = std::current_exception();
        }
    };
    {
        std::vector<std::jthread> threads;
        threads.reserve(parts - 1);
        for (unsigned part = 1; part < parts; ++part) {
            try {
                threads.emplace_back(run, part);
                started[part] = 1;
            } catch (...) {  // no thread could be started: this thread runs the part below
            }
        }
        run(0);
        for (unsigned part = 1; part < parts; ++part)
            if (!started[part]) run(part);
    }  // joins
    for (const std::exception_ptr& e : errors)
        if (e) std::rethrow_exception(e);
}

}  // namespace detail
RELSCORE_END_NAMESPACE
