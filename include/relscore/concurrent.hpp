#pragma once
/// \file concurrent.hpp
/// relscore::concurrent_scorer: a scorer shared between threads, for the common service
/// pattern of one (or a few) ingesting threads and many querying threads.
///
/// The contract of relscore::scorer itself (docs/guarantees.md): any number of threads may
/// call its const members at once; a non-const member (add, add_batch, add_columns, merge,
/// assignment) needs exclusive access. concurrent_scorer enforces exactly that with a
/// std::shared_mutex: writers take it exclusively, readers share it. Each call is atomic:
/// a reader sees a batch entirely or not at all.
///
/// Writers do not starve: glibc's shared mutex prefers readers, so a steady stream of
/// queries could hold off ingest forever. A writer therefore first takes a turnstile mutex
/// that every reader passes through before taking its shared lock; while a writer waits,
/// new readers queue behind it and the readers already inside drain out.
///
/// Readers that pass an explicit query time can get time_order_error when a writer has
/// meanwhile ingested a newer interaction; readers that want "now" should omit the time
/// (the newest interaction) or pass a time they know is ahead of the data.
///
/// **Example**:
///
///     relscore::concurrent_scorer shared;
///     std::jthread ingest([&] { for (auto& batch : batches) shared.add_batch(batch); });
///     auto top = shared.read([](const relscore::scorer& s) { return s.top("ana", 5); });

#include <mutex>
#include <shared_mutex>
#include <span>
#include <string>
#include <type_traits>
#include <utility>

#include <relscore/scorer.hpp>

RELSCORE_BEGIN_NAMESPACE

class concurrent_scorer {
public:
    explicit concurrent_scorer(scorer_config config = {}) : m_scorer(std::move(config)) {}
    explicit concurrent_scorer(scorer initial) : m_scorer(std::move(initial)) {}

    // ---- writers: exclusive access; the strong exception guarantee of scorer holds ----

    void add(const interaction& e) { write([&](scorer& s) { s.add(e); }); }
    void add_batch(std::span<const interaction> batch) { write([&](scorer& s) { s.add_batch(batch); }); }
    void add_columns(const interaction_columns& columns) { write([&](scorer& s) { s.add_columns(columns); }); }
    void merge(const scorer& other) { write([&](scorer& s) { s.merge(other); }); }

    // ---- readers: shared access ----

    [[nodiscard]] relationship between(std::string_view a, std::string_view b,
                                       std::optional<timestamp> at = {}) const {
        return read([&](const scorer& s) { return s.between(a, b, at); });
    }
    [[nodiscard]] std::vector<relationship> top(std::string_view p, std::size_t k,
                                                std::optional<timestamp> at = {}) const {
        return read([&](const scorer& s) { return s.top(p, k, at); });
    }
    [[nodiscard]] relationship_table table(std::optional<timestamp> at = {}) const {
        return read([&](const scorer& s) { return s.table(at); });
    }
    [[nodiscard]] scorer_stats stats() const {
        return read([](const scorer& s) { return s.stats(); });
    }
    [[nodiscard]] std::string to_bytes() const {
        return read([](const scorer& s) { return s.to_bytes(); });
    }
    /// A copy of the current state (to save, or to query at leisure without the lock).
    [[nodiscard]] scorer copy() const {
        return read([](const scorer& s) { return s; });
    }

    /// Runs `f(const scorer&)` under the shared lock and returns a copy of its result
    /// (never a reference into the scorer, which a writer may change once the lock is
    /// released); several queries in one call see the same state. `f` must not call this
    /// concurrent_scorer again (that could deadlock behind a waiting writer).
    template <typename F>
    auto read(F&& f) const -> std::decay_t<std::invoke_result_t<F, const scorer&>> {
        { std::lock_guard wait_for_writers(m_turnstile); }
        std::shared_lock lock(m_mutex);
        return std::forward<F>(f)(std::as_const(m_scorer));
    }
    /// Runs `f(scorer&)` under the exclusive lock and returns a copy of its result.
    template <typename F>
    auto write(F&& f) -> std::decay_t<std::invoke_result_t<F, scorer&>> {
        std::unique_lock turn(m_turnstile);  // no new readers from here on
        std::unique_lock lock(m_mutex);      // wait for the readers inside to leave
        turn.unlock();
        return std::forward<F>(f)(m_scorer);
    }

private:
    mutable std::mutex m_turnstile;
    mutable std::shared_mutex m_mutex;
    scorer m_scorer;
};

RELSCORE_END_NAMESPACE
