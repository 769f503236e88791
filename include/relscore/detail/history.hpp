#pragma once
/// \file detail/history.hpp
/// Design notes: the per-pair conversation history behind replies, persistence,
/// initiation, rhythm and trend — O(1) memory per pair and O(1) work per interaction.
///
/// Latencies and gaps are kept as counts in logarithmic bins (factor 2 per bin), so a
/// history never grows with the number of interactions and two histories add exactly.
/// Quantiles come from the binned distribution, interpolated geometrically inside a bin.
/// Every bin but the last spans a factor of 2, so a quantile there is within a factor of
/// 2 of the exact one, usually far closer. The last bin (from 2^14 bases: 11.4 days of
/// latency, 2^14 touch gaps) is open: it is interpolated up to a bound no value passes
/// (the pair's span, last − first interaction; for latencies also the reply window times
/// the most messages a wait can hold), so a quantile there lies between 2^14 bases and
/// that bound and is only within a factor of bound / 2^14 bases.
/// Reply latencies are survival data: an attempt that has not been answered (yet, or
/// within the reply window) is *censored*, not dropped, and the quantiles come from the
/// actuarial (life-table) Kaplan–Meier estimator over the bins.

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <type_traits>

#include <relscore/detail/decay.hpp>
#include <relscore/detail/validation.hpp>
#include <relscore/version.hpp>

RELSCORE_BEGIN_NAMESPACE
namespace detail {

/// Counts in bins [0, base), [base, 2·base), [2·base, 4·base), ... (the last bin is open),
/// 32 bits each: a standalone histogram (a query's working copy). A pair's own histograms
/// are packed tighter, in history_histograms below; both answer through the same calls.
template <std::size_t Bins>
class log2_bins {
public:
    static constexpr std::size_t bins = Bins;

    /// 0 below base, else 1 + floor(log2(value / base)), at most Bins − 1: in integers
    /// (floor(log2(x)) depends only on floor(x) for x ≥ 1), so exact at every bin edge.
    [[nodiscard]] static std::size_t bin_of(std::int64_t value, std::int64_t base) noexcept {
        if (value < base) return 0;
        const auto k = static_cast<std::size_t>(std::bit_width(static_cast<std::uint64_t>(value / base)));
        return std::min(k, Bins - 1);
    }
    /// Lower and upper edge of bin k (the first bin starts at base/2 for interpolation:
    /// nothing meaningful happens in the first fraction of the base unit).
    [[nodiscard]] static double lower(std::size_t k, std::int64_t base) noexcept {
        return k == 0 ? static_cast<double>(base) / 2 : static_cast<double>(base) * std::exp2(static_cast<double>(k) - 1);
    }
    [[nodiscard]] static double upper(std::size_t k, std::int64_t base) noexcept {
        return static_cast<double>(base) * std::exp2(static_cast<double>(k));
    }

    log2_bins() = default;
    /// A copy of any histogram with the same bins (a pair's packed one, say).
    template <class Histogram>
    explicit log2_bins(const Histogram& h) noexcept {
        for (std::size_t k = 0; k < Bins; ++k) m_counts[k] = h[k];
    }

    [[nodiscard]] std::uint32_t operator[](std::size_t k) const noexcept { return m_counts[k]; }
    void add(std::int64_t value, std::int64_t base) noexcept { ++m_counts[bin_of(value, base)]; }
    [[nodiscard]] std::uint64_t total() const noexcept {
        std::uint64_t n = 0;
        for (const std::uint32_t c : m_counts) n += c;
        return n;
    }

private:
    std::array<std::uint32_t, Bins> m_counts{};
};

/// The five histograms of a pair's history (touch gaps; by direction, answered latencies
/// and censored waits), 16 bins each. Counts are kept in 4 bits, a histogram in one
/// 64-bit word, until any count of the five would pass 15; then all five move to 32-bit
/// counts in one block on the heap. A pair with a handful of interactions never gets
/// there: 48 bytes for the five instead of 120 (a byte per count and a pointer each).
class history_histograms {
public:
    static constexpr std::size_t bins = 16;
    static constexpr std::size_t count = 5;
    enum which : std::uint8_t { gaps = 0, latency0 = 1, censored0 = 2, latency1 = 3, censored1 = 4 };
    using edges = log2_bins<bins>;

    history_histograms() = default;
    history_histograms(const history_histograms& o)
        : m_narrow(o.m_narrow), m_wide(o.m_wide ? std::make_unique<wide_counts>(*o.m_wide) : nullptr) {}
    history_histograms& operator=(const history_histograms& o) {
        if (this != &o) *this = history_histograms(o);
        return *this;
    }
    history_histograms(history_histograms&&) noexcept = default;
    history_histograms& operator=(history_histograms&&) noexcept = default;
    ~history_histograms() = default;

    /// The count of bin k of histogram h.
    [[nodiscard]] std::uint32_t get(which h, std::size_t k) const noexcept {
        return m_wide ? (*m_wide)[h * bins + k] : static_cast<std::uint32_t>((m_narrow[h] >> (4 * k)) & narrow_max);
    }
    /// Adds n to bin k of histogram h.
    void increase(which h, std::size_t k, std::uint32_t n) {
        if (!m_wide && get(h, k) + std::uint64_t{n} > narrow_max) widen();
        if (m_wide)
            (*m_wide)[h * bins + k] += n;
        else
            m_narrow[h] += std::uint64_t{n} << (4 * k);
    }
    /// Takes one count from bin k of histogram h (it must hold one).
    void decrease(which h, std::size_t k) noexcept {
        if (m_wide)
            --(*m_wide)[h * bins + k];
        else
            m_narrow[h] -= std::uint64_t{1} << (4 * k);
    }
    /// Sets every bin of histogram h (a snapshot loader).
    void set_all(which h, const std::array<std::uint32_t, bins>& counts) {
        std::uint32_t any = 0;  // the counts' bits together: above 15 exactly when a count is
        for (const std::uint32_t c : counts) any |= c;
        if (!m_wide && any > narrow_max) widen();
        if (m_wide) {
            std::copy(counts.begin(), counts.end(), m_wide->begin() + h * bins);
            return;
        }
        std::uint64_t word = 0;
        for (std::size_t k = 0; k < bins; ++k) word |= std::uint64_t{counts[k]} << (4 * k);
        m_narrow[h] = word;
    }
    /// Every bin of histogram h.
    [[nodiscard]] std::array<std::uint32_t, bins> get_all(which h) const noexcept {
        std::array<std::uint32_t, bins> out;
        if (m_wide) {
            std::copy_n(m_wide->begin() + h * bins, bins, out.begin());
        } else {
            for (std::size_t k = 0; k < bins; ++k) out[k] = static_cast<std::uint32_t>((m_narrow[h] >> (4 * k)) & narrow_max);
        }
        return out;
    }
    /// Every count back to zero (the 4-bit form again).
    void clear() noexcept {
        m_narrow = {};
        m_wide.reset();
    }
    /// Which bins of histogram h hold a count: bit k for bin k (a snapshot writes only
    /// those). From the packed word without unpacking it: a 4-bit count's bits folded
    /// into its lowest bit, then every fourth bit gathered into 16.
    [[nodiscard]] std::uint16_t nonzero_bins(which h) const noexcept {
        if (m_wide) {
            std::uint16_t mask = 0;
            for (std::size_t k = 0; k < bins; ++k)
                if ((*m_wide)[h * bins + k] != 0) mask |= static_cast<std::uint16_t>(1u << k);
            return mask;
        }
        const std::uint64_t w = m_narrow[h];
        std::uint64_t t = (w | w >> 1 | w >> 2 | w >> 3) & 0x1111111111111111ULL;  // bit 4k: bin k
        t = (t | t >> 3) & 0x0303030303030303ULL;   // byte j, bits 0-1: bins 2j, 2j + 1
        t = (t | t >> 6) & 0x000F000F000F000FULL;   // 16-bit lane i, bits 0-3: bins 4i .. 4i + 3
        t = (t | t >> 12) & 0x000000FF000000FFULL;  // 32-bit lane m, bits 0-7: bins 8m .. 8m + 7
        return static_cast<std::uint16_t>(t | t >> 24);
    }
    /// Exchanges histograms x and y (a history seen from the other side swaps directions).
    void swap(which x, which y) noexcept {
        std::swap(m_narrow[x], m_narrow[y]);
        if (m_wide) std::swap_ranges(m_wide->begin() + x * bins, m_wide->begin() + (x + 1) * bins, m_wide->begin() + y * bins);
    }
    /// Heap bytes held (the 32-bit counts, once a count passed 15).
    [[nodiscard]] std::size_t heap_bytes() const noexcept { return m_wide ? sizeof(wide_counts) : 0; }

    friend bool operator==(const history_histograms& x, const history_histograms& y) noexcept {
        if (!x.m_wide && !y.m_wide) return x.m_narrow == y.m_narrow;  // a loader compares many
        for (std::size_t h = 0; h < count; ++h)
            for (std::size_t k = 0; k < bins; ++k)
                if (x.get(which(h), k) != y.get(which(h), k)) return false;
        return true;
    }

private:
    using wide_counts = std::array<std::uint32_t, count * bins>;
    static constexpr std::uint32_t narrow_max = 15;

    void widen() {
        auto wide = std::make_unique<wide_counts>();
        for (std::size_t h = 0; h < count; ++h)
            for (std::size_t k = 0; k < bins; ++k) (*wide)[h * bins + k] = get(which(h), k);
        m_wide = std::move(wide);
    }

    std::array<std::uint64_t, count> m_narrow{};  // histogram h, bin k: bits [4k, 4k + 4) of word h
    std::unique_ptr<wide_counts> m_wide;          // null until a count passes 15
};

/// One of a pair's histograms, by reference: what log2_bins offers, on the packed counts.
template <bool Mutable>
class histogram_ref {
    using owner_type = std::conditional_t<Mutable, history_histograms, const history_histograms>;

public:
    static constexpr std::size_t bins = history_histograms::bins;
    using edges = history_histograms::edges;

    histogram_ref(owner_type& owner, history_histograms::which h) noexcept : m_owner(&owner), m_which(h) {}

    [[nodiscard]] std::uint32_t operator[](std::size_t k) const noexcept { return m_owner->get(m_which, k); }
    [[nodiscard]] std::array<std::uint32_t, bins> counts() const noexcept { return m_owner->get_all(m_which); }
    [[nodiscard]] std::uint64_t total() const noexcept {
        std::uint64_t n = 0;
        for (std::size_t k = 0; k < bins; ++k) n += (*this)[k];
        return n;
    }
    void add(std::int64_t value, std::int64_t base) const
        requires Mutable
    {
        m_owner->increase(m_which, edges::bin_of(value, base), 1);
    }
    /// Takes back one add(value) (its bin must hold a count).
    void remove(std::int64_t value, std::int64_t base) const noexcept
        requires Mutable
    {
        m_owner->decrease(m_which, edges::bin_of(value, base));
    }
    template <bool M>
    void merge(const histogram_ref<M>& o) const
        requires Mutable
    {
        for (std::size_t k = 0; k < bins; ++k)
            if (const std::uint32_t n = o[k]) m_owner->increase(m_which, k, n);
    }
    void set_all(const std::array<std::uint32_t, bins>& counts) const
        requires Mutable
    {
        m_owner->set_all(m_which, counts);
    }

private:
    owner_type* m_owner;
    history_histograms::which m_which;
};

/// Geometric interpolation inside [lo, hi] at fraction f.
[[nodiscard]] inline double geometric_between(double lo, double hi, double f) noexcept {
    return lo * std::pow(hi / lo, std::clamp(f, 0.0, 1.0));
}

/// The upper edge used for bin k of Bins when interpolating: the last bin is open, so a
/// known bound on every value (`open_upper` > 0: a pair's span) closes it; without one it
/// is taken as one factor of 2 wide, as every other bin.
template <std::size_t Bins>
[[nodiscard]] double interpolation_upper(std::size_t k, std::int64_t base, double open_upper) noexcept {
    using edges = log2_bins<Bins>;
    if (k + 1 < Bins || open_upper <= 0) return edges::upper(k, base);
    return std::max(open_upper, edges::lower(k, base));
}

/// The value below which a fraction q of the binned sample lies (nullopt if empty);
/// `open_upper` as in interpolation_upper().
template <class Histogram>
[[nodiscard]] std::optional<double> binned_quantile(const Histogram& h, std::int64_t base, double q, double open_upper = 0) {
    using edges = log2_bins<Histogram::bins>;
    const auto n = static_cast<double>(h.total());
    if (n == 0) return std::nullopt;
    const double target = q * n;
    double below = 0;
    for (std::size_t k = 0; k < Histogram::bins; ++k) {
        const double c = h[k];
        if (c > 0 && below + c >= target)
            return geometric_between(edges::lower(k, base), interpolation_upper<Histogram::bins>(k, base, open_upper),
                                     (target - below) / c);
        below += c;
    }
    return interpolation_upper<Histogram::bins>(Histogram::bins - 1, base, open_upper);
}

/// Actuarial Kaplan–Meier: the time by which a fraction p of attempts is answered, from
/// binned event times and binned censoring times; nullopt if fewer than p are ever
/// answered by the estimate (e.g. most attempts are never answered). `open_upper` as in
/// interpolation_upper().
template <class Events, class Censored>
[[nodiscard]] std::optional<double> km_quantile(const Events& events, const Censored& censored, std::int64_t base, double p,
                                                double open_upper = 0) {
    static_assert(Events::bins == Censored::bins);
    constexpr std::size_t Bins = Events::bins;
    using edges = log2_bins<Bins>;
    double at_risk = static_cast<double>(events.total() + censored.total());
    double survival = 1.0;
    const double target = 1.0 - p;
    for (std::size_t k = 0; k < Bins && at_risk > 0; ++k) {
        const double d = events[k], c = censored[k];
        const double exposed = at_risk - c / 2;  // censored ones are at risk half the bin
        const double next = exposed > 0 ? survival * (1 - d / exposed) : survival;
        // The tolerance: a survival that is exactly the target (7/12·6/7 = 1/2) must not be
        // missed by a rounding error, which would move the quantile to the next answered bin.
        if (next <= target + 1e-12 && d > 0) {
            const double f = (survival - target) / (survival - next);
            return geometric_between(edges::lower(k, base), interpolation_upper<Bins>(k, base, open_upper), f);
        }
        survival = next;
        at_risk -= d + c;
    }
    return std::nullopt;
}

/// One direction of a pair (a toward b): a's outreach and how b answers it. The counts
/// and the open wait, touched by every interaction; the latency histograms, touched only
/// when a wait ends, are in pair_history::histograms.
struct direction_history {
    static constexpr std::size_t latency_bins = 16;  // 1 minute .. 2^14 minutes (11 days), then open (up to the span)
    static constexpr std::int64_t latency_base_us = 60'000'000;
    using latency_histogram = log2_bins<latency_bins>;  ///< a standalone copy (a query's)

    std::uint32_t messages = 0;        ///< directed interactions a→b (mutual ones excluded)
    std::uint32_t waits = 0;           ///< waits for an answer (runs of a→b messages)
    std::uint32_t answered = 0;        ///< waits answered within the reply window
    std::uint32_t initiated = 0;       ///< conversations a started
    std::uint32_t streak = 0;          ///< a's messages since b last got in touch
    std::uint32_t attempts_before_first_answer = 0;  ///< a's messages before b first got in touch
    std::int64_t wait_first_us = 0;    ///< the open wait: its first and newest message
    std::int64_t wait_last_us = 0;
    // Whether a wait is open, and whether b ever got in touch, are in pair_history (they
    // fill what would be padding there, keeping this at 40 bytes).

    friend bool operator==(const direction_history&, const direction_history&) = default;
};

/// How a pair's history began: the direction of its first interaction and what became of
/// the wait that interaction opened. merge() needs it to join this history exactly after
/// an older one (the older side's open wait may be answered, or extended, by this side's
/// first interaction). Eight bytes: direction (2 bits), fate (2 bits), then the answered
/// latency or censored watch time of that first wait (us).
class history_opening {
public:
    enum class fate : std::uint8_t { open = 0, answered = 1, censored = 2, none = 3 };
    static constexpr int unknown_dir = 3;  ///< not recorded (no interaction yet, or an old snapshot)

    /// The direction of the first interaction (0: lo→hi, 1: hi→lo, 2: mutual), or unknown_dir.
    [[nodiscard]] int dir() const noexcept { return static_cast<int>(m_bits & 3); }
    [[nodiscard]] bool known() const noexcept { return dir() != unknown_dir; }
    [[nodiscard]] fate first_wait() const noexcept { return static_cast<fate>((m_bits >> 2) & 3); }
    /// The answered latency, or the censored watch time, of the first wait (us).
    [[nodiscard]] std::int64_t value_us() const noexcept { return static_cast<std::int64_t>(m_bits >> 4); }

    /// The first interaction: a directed one opens a wait; a mutual one opens none.
    void begin(int dir) noexcept { m_bits = static_cast<std::uint64_t>(dir) | (dir == 2 ? std::uint64_t{3} << 2 : 0); }
    /// The wait of direction k ends (answered or censored after value_us): recorded if it is
    /// the first wait, still open.
    void wait_ended(int k, fate how, std::int64_t value_us) noexcept {
        if (dir() == k && first_wait() == fate::open)
            m_bits = static_cast<std::uint64_t>(k) | (static_cast<std::uint64_t>(how) << 2) |
                     (static_cast<std::uint64_t>(std::max<std::int64_t>(value_us, 0)) << 4);
    }
    /// The same opening seen from the other side (lo and hi swapped).
    [[nodiscard]] history_opening flipped() const noexcept {
        history_opening o = *this;
        if (dir() < 2) o.m_bits ^= 1;
        return o;
    }
    /// The raw bits (snapshots).
    [[nodiscard]] std::uint64_t bits() const noexcept { return m_bits; }
    void set_bits(std::uint64_t bits) noexcept { m_bits = bits; }

    friend bool operator==(const history_opening&, const history_opening&) = default;

private:
    std::uint64_t m_bits = unknown_dir;
};

/// The two paces of a pair (both directions' weight, decayed with the trend horizon H
/// and with 4·H): two decayed sums (detail/decay.hpp) that every interaction updates at
/// the same time, so they share one reference time.
struct pace_sums {
    double recent = 0.0;    ///< at ref_us, decayed with H
    double long_run = 0.0;  ///< at ref_us, decayed with 4·H
    /// The earliest time to begin with (as the pool's sums), so that the first interaction,
    /// whenever it is (before 1970 too), sets it.
    std::int64_t ref_us = earliest_time_us;

    /// Weight w at t into both (exactly what two decayed_sum::add calls give).
    void add(double w, std::int64_t t_us, double horizon_us) noexcept { add_both(w, w, t_us, horizon_us); }
    /// Adds another pair's paces (decayed_sum::merge, twice).
    void merge(const pace_sums& o, double horizon_us) noexcept {
        add_both(o.recent, o.long_run, o.ref_us, horizon_us);
    }
    /// Whether there is a pace: the long-run sum at ref_us holds the newest weight undecayed,
    /// so it is 0 only when every weight was 0, or all weight flushed to 0 before a newer
    /// interaction of weight 0.
    [[nodiscard]] bool any() const noexcept { return long_run > 0; }
    [[nodiscard]] double recent_at(std::int64_t t_us, double horizon_us) const noexcept {
        return decayed_sum{recent, ref_us}.at(t_us, horizon_us);
    }
    [[nodiscard]] double long_run_at(std::int64_t t_us, double horizon_us) const noexcept {
        return decayed_sum{long_run, ref_us}.at(t_us, 4 * horizon_us);
    }

    friend bool operator==(const pace_sums&, const pace_sums&) = default;

private:
    void add_both(double r_value, double l_value, std::int64_t t_us, double horizon_us) noexcept {
        decayed_sum r{recent, ref_us}, l{long_run, ref_us};
        r.add(r_value, t_us, horizon_us);
        l.add(l_value, t_us, 4 * horizon_us);
        recent = r.value;
        long_run = l.value;
        ref_us = r.ref_us;
    }
};

/// Everything a pair remembers beyond its decayed volumes. What an interaction touches
/// comes first: 128 bytes, which ingest prefetches as soon as it finds the history; the
/// five histograms follow, touched when a touch gap or a wait ends (48 bytes, and a heap
/// block once a count passes 15): 176 bytes in all. Not aligned to cache lines: the hot
/// part then spans three lines, not two, but padding to 192 bytes cost 16 bytes a pair
/// and bought no speed (docs/performance.md).
struct pair_history {
    static constexpr std::size_t gap_bins = 16;  // 1 touch gap .. 2^14 of them, then open (up to the span)
    using gap_histogram = log2_bins<gap_bins>;   ///< a standalone copy (a query's)
    using which = history_histograms::which;

    std::uint32_t conversations = 0; ///< runs of interactions with gaps within the reply window
    std::uint32_t mutual_initiated = 0;  ///< conversations opened by a mutual interaction
    std::uint32_t late = 0;          ///< interactions older than the pair's newest (volumes only)
    std::array<bool, 2> waiting{};        ///< by direction, as `dir`: a wait for an answer is open
    std::array<bool, 2> answered_ever{};  ///< by direction: the other side ever got in touch
    pace_sums pace;                  ///< both directions' weight, decayed with H and 4·H
    std::array<direction_history, 2> dir;  ///< 0: lo→hi, 1: hi→lo
    history_opening opening;         ///< how the history began (merge() joins on it)
    // Cold: touched when a touch gap or a wait ends.
    history_histograms histograms;   ///< gaps, and by direction latencies and censored waits

    /// Gaps between consecutive touches.
    [[nodiscard]] histogram_ref<true> gaps() noexcept { return {histograms, which::gaps}; }
    [[nodiscard]] histogram_ref<false> gaps() const noexcept { return {histograms, which::gaps}; }
    /// Direction k's answered waits, by time to the answer.
    [[nodiscard]] histogram_ref<true> latency(int k) noexcept { return {histograms, k == 0 ? which::latency0 : which::latency1}; }
    [[nodiscard]] histogram_ref<false> latency(int k) const noexcept {
        return {histograms, k == 0 ? which::latency0 : which::latency1};
    }
    /// Direction k's unanswered waits, by how long they were watched.
    [[nodiscard]] histogram_ref<true> censored(int k) noexcept { return {histograms, k == 0 ? which::censored0 : which::censored1}; }
    [[nodiscard]] histogram_ref<false> censored(int k) const noexcept {
        return {histograms, k == 0 ? which::censored0 : which::censored1};
    }

    /// Heap bytes of the histograms once their counts outgrew 4 bits.
    [[nodiscard]] std::size_t heap_bytes() const noexcept { return histograms.heap_bytes(); }

    friend bool operator==(const pair_history&, const pair_history&) = default;
};
static_assert(offsetof(pair_history, histograms) == 128, "what every interaction touches is the first 128 bytes");
static_assert(sizeof(pair_history) == 176);

}  // namespace detail
RELSCORE_END_NAMESPACE
