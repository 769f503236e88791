#pragma once
// The Python Scorer: a relscore::scorer with a per-scorer reader/writer lock (issue 19).
//
// Design notes
// - Some bindings release the GIL for the C++ work, so two Python threads can be inside one
//   scorer at once. The C++ contract (scorer.hpp) allows concurrent const calls and needs
//   exclusive access for the others, so every binding takes the lock that matches: shared
//   for queries (they run in parallel), exclusive for add/merge/shrink_to_fit.
// - A thread never waits for the scorer while holding the GIL: a lock that is free is taken
//   at once (try_lock, which never waits); otherwise the GIL is released while waiting and
//   taken back after. So a writer that released the GIL for its work can always get it
//   back (no lock-order inversion between the GIL and the scorer lock), and an
//   uncontended call (a Python loop of add()) does not pay for releasing the GIL.
// - Two scorers (merge) are locked in address order, so two merges naming them in opposite
//   orders cannot deadlock; a scorer merged into itself is locked once.

#include <relscore/scorer.hpp>

#include <pybind11/pybind11.h>

#include <functional>
#include <mutex>
#include <shared_mutex>
#include <utility>

namespace relscore::bindings {

/// A lock held on a scorer, with access to it (const for a shared lock).
template <typename Lock, typename Scorer>
class scorer_guard {
public:
    scorer_guard(Lock lock, Scorer& s) : m_lock(std::move(lock)), m_scorer(&s) {}
    [[nodiscard]] Scorer& operator*() const noexcept { return *m_scorer; }
    [[nodiscard]] Scorer* operator->() const noexcept { return m_scorer; }

private:
    Lock m_lock;
    Scorer* m_scorer;
};

class locked_scorer {
public:
    explicit locked_scorer(scorer s) : m_scorer(std::move(s)) {}
    locked_scorer(const locked_scorer&) = delete;
    locked_scorer& operator=(const locked_scorer&) = delete;

    /// Shared access, for const calls. Call with the GIL held.
    [[nodiscard]] auto read() const {
        // Uncontended (no writer inside or waiting), take it at once: releasing and taking
        // back the GIL costs more than a small query.
        std::shared_lock<std::shared_mutex> lock = try_lock_shared();
        if (!lock.owns_lock()) {
            pybind11::gil_scoped_release nogil;
            lock = lock_shared();
        }
        return scorer_guard<std::shared_lock<std::shared_mutex>, const scorer>(std::move(lock), m_scorer);
    }

    /// Exclusive access, for mutating calls. Call with the GIL held.
    [[nodiscard]] auto write() {
        std::unique_lock<std::shared_mutex> lock(m_mutex, std::try_to_lock);  // uncontended: as read()
        if (!lock.owns_lock()) {
            pybind11::gil_scoped_release nogil;
            lock = lock_exclusive();
        }
        return scorer_guard<std::unique_lock<std::shared_mutex>, scorer>(std::move(lock), m_scorer);
    }

    /// Runs `f(mine, theirs)` with this scorer locked exclusively and `other` shared
    /// (once, exclusively, if they are the same object). Call with the GIL held.
    template <typename F>
    decltype(auto) with_other(const locked_scorer& other, F&& f) {
        if (&other == this) {
            auto mine = write();
            return f(*mine, static_cast<const scorer&>(*mine));
        }
        std::unique_lock<std::shared_mutex> mine;
        std::shared_lock<std::shared_mutex> theirs;
        {
            pybind11::gil_scoped_release nogil;
            // One global order (by address), so two merges naming the same scorers in
            // opposite orders cannot wait for each other.
            if (std::less<>{}(static_cast<const void*>(this), static_cast<const void*>(&other))) {
                mine = lock_exclusive();
                theirs = other.lock_shared();
            } else {
                theirs = other.lock_shared();
                mine = lock_exclusive();
            }
        }
        return f(m_scorer, static_cast<const scorer&>(other.m_scorer));
    }

private:
    // As relscore::concurrent_scorer: glibc's shared_mutex prefers readers, so a steady
    // stream of queries could hold off a writer forever; a waiting writer holds the
    // turnstile, which new readers pass through before taking their shared lock.
    [[nodiscard]] std::shared_lock<std::shared_mutex> lock_shared() const {
        { std::lock_guard wait_for_writers(m_turnstile); }
        return std::shared_lock(m_mutex);
    }
    // Shared access if it is free now and no writer waits (the turnstile is free too);
    // else an empty lock. Never waits, so it may be called with the GIL held.
    [[nodiscard]] std::shared_lock<std::shared_mutex> try_lock_shared() const {
        {
            std::unique_lock no_writer_waits(m_turnstile, std::try_to_lock);
            if (!no_writer_waits.owns_lock()) return {};
        }
        return std::shared_lock(m_mutex, std::try_to_lock);
    }
    [[nodiscard]] std::unique_lock<std::shared_mutex> lock_exclusive() {
        std::unique_lock turn(m_turnstile);  // no new readers from here on
        return std::unique_lock(m_mutex);    // wait for the readers inside to leave
    }

    scorer m_scorer;
    mutable std::mutex m_turnstile;
    mutable std::shared_mutex m_mutex;
};

}  // namespace relscore::bindings
