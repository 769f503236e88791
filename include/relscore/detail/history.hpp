#pragma once
/// \file detail/history.hpp
/// Design notes: the per-pair conversation history behind replies, persistence,
/// initiation, rhythm and trend — O(1) memory per pair and O(1) work per interaction.
///
/// Latencies and gaps are kept as counts in logarithmic bins (factor 2 per bin), so a
/// history never grows with the number of interactions and two histories add exactly.
/// Quantiles come from the binned distribution, interpolated geometrically inside a bin
/// (a latency quantile is exact to within its bin, a factor of 2, and usually far closer).
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

#include <relscore/detail/decay.hpp>
#include <relscore/version.hpp>

RELSCORE_BEGIN_NAMESPACE
namespace detail {

/// Counts in bins [0, base), [base, 2·base), [2·base, 4·base), ... (the last bin is open).
/// Counts are kept in one byte each until any of them would pass 255; the histogram then
/// moves its counts to 32-bit ones on the heap (most pairs never get there: 16 bytes plus
/// a null pointer instead of 64 bytes).
template <std::size_t Bins>
class log2_bins {
public:
    static constexpr std::size_t bins = Bins;

    log2_bins() = default;
    log2_bins(const log2_bins& o) : m_narrow(o.m_narrow), m_wide(o.m_wide ? std::make_unique<wide_counts>(*o.m_wide) : nullptr) {}
    log2_bins& operator=(const log2_bins& o) {
        if (this != &o) *this = log2_bins(o);
        return *this;
    }
    log2_bins(log2_bins&&) noexcept = default;
    log2_bins& operator=(log2_bins&&) noexcept = default;
    ~log2_bins() = default;

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

    /// The count of bin k.
    [[nodiscard]] std::uint32_t operator[](std::size_t k) const noexcept { return m_wide ? (*m_wide)[k] : m_narrow[k]; }
    void add(std::int64_t value, std::int64_t base) { increase(bin_of(value, base), 1); }
    /// Takes back one add(value) (its bin must hold a count).
    void remove(std::int64_t value, std::int64_t base) noexcept {
        const std::size_t k = bin_of(value, base);
        if (m_wide)
            --(*m_wide)[k];
        else
            --m_narrow[k];
    }
    void merge(const log2_bins& o) {
        for (std::size_t k = 0; k < Bins; ++k)
            if (const std::uint32_t n = o[k]) increase(k, n);
    }
    /// Sets every bin's count (a snapshot loader: one check for the width, not one per bin).
    void set_all(const std::array<std::uint32_t, Bins>& counts) {
        if (m_wide || *std::max_element(counts.begin(), counts.end()) > narrow_max) {
            if (!m_wide) m_wide = std::make_unique<wide_counts>();
            *m_wide = counts;
            return;
        }
        for (std::size_t k = 0; k < Bins; ++k) m_narrow[k] = static_cast<std::uint8_t>(counts[k]);
    }
    [[nodiscard]] std::uint64_t total() const noexcept {
        std::uint64_t n = 0;
        for (std::size_t k = 0; k < Bins; ++k) n += (*this)[k];
        return n;
    }
    /// Heap bytes held (the 32-bit counts, once a count passed 255).
    [[nodiscard]] std::size_t heap_bytes() const noexcept { return m_wide ? sizeof(wide_counts) : 0; }

    friend bool operator==(const log2_bins& x, const log2_bins& y) noexcept {
        for (std::size_t k = 0; k < Bins; ++k)
            if (x[k] != y[k]) return false;
        return true;
    }

private:
    using wide_counts = std::array<std::uint32_t, Bins>;
    static constexpr std::uint32_t narrow_max = std::numeric_limits<std::uint8_t>::max();

    void increase(std::size_t k, std::uint32_t n) {
        if (!m_wide && std::uint32_t{m_narrow[k]} + n > narrow_max) widen();
        if (m_wide)
            (*m_wide)[k] += n;
        else
            m_narrow[k] = static_cast<std::uint8_t>(m_narrow[k] + n);
    }
    void widen() {
        auto wide = std::make_unique<wide_counts>();
        for (std::size_t k = 0; k < Bins; ++k) (*wide)[k] = m_narrow[k];
        m_wide = std::move(wide);
    }

    std::array<std::uint8_t, Bins> m_narrow{};
    std::unique_ptr<wide_counts> m_wide;  // null until a count passes 255
};

/// Geometric interpolation inside [lo, hi] at fraction f.
[[nodiscard]] inline double geometric_between(double lo, double hi, double f) noexcept {
    return lo * std::pow(hi / lo, std::clamp(f, 0.0, 1.0));
}

/// The value below which a fraction q of the binned sample lies (nullopt if empty).
template <std::size_t Bins>
[[nodiscard]] std::optional<double> binned_quantile(const log2_bins<Bins>& h, std::int64_t base, double q) {
    const auto n = static_cast<double>(h.total());
    if (n == 0) return std::nullopt;
    const double target = q * n;
    double below = 0;
    for (std::size_t k = 0; k < Bins; ++k) {
        const double c = h[k];
        if (c > 0 && below + c >= target)
            return geometric_between(log2_bins<Bins>::lower(k, base), log2_bins<Bins>::upper(k, base), (target - below) / c);
        below += c;
    }
    return log2_bins<Bins>::upper(Bins - 1, base);
}

/// Actuarial Kaplan–Meier: the time by which a fraction p of attempts is answered, from
/// binned event times and binned censoring times; nullopt if fewer than p are ever
/// answered by the estimate (e.g. most attempts are never answered).
template <std::size_t Bins>
[[nodiscard]] std::optional<double> km_quantile(const log2_bins<Bins>& events, const log2_bins<Bins>& censored,
                                                std::int64_t base, double p) {
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
            return geometric_between(log2_bins<Bins>::lower(k, base), log2_bins<Bins>::upper(k, base), f);
        }
        survival = next;
        at_risk -= d + c;
    }
    return std::nullopt;
}

/// One direction of a pair (a toward b): a's outreach and how b answers it. The counts
/// and the open wait, touched by every interaction; the latency histograms, touched only
/// when a wait ends, are in direction_latencies.
struct direction_history {
    static constexpr std::size_t latency_bins = 16;  // 1 minute .. 2^14 minutes (11 days), then open
    static constexpr std::int64_t latency_base_us = 60'000'000;
    using latency_histogram = log2_bins<latency_bins>;

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

/// How one direction's waits ended.
struct direction_latencies {
    direction_history::latency_histogram latency;   ///< answered waits, by time to the answer
    direction_history::latency_histogram censored;  ///< unanswered waits, by how long they were watched

    friend bool operator==(const direction_latencies&, const direction_latencies&) = default;
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

/// Everything a pair remembers beyond its decayed volumes. What every interaction touches
/// comes first: 128 bytes, two whole cache lines (the struct is line-aligned); the five
/// histograms follow (24 bytes each while their counts fit a byte), then the opening:
/// 256 bytes in all.
struct alignas(64) pair_history {
    static constexpr std::size_t gap_bins = 16;  // 1 day .. 2^14 days, then open
    using gap_histogram = log2_bins<gap_bins>;

    std::uint32_t conversations = 0; ///< runs of interactions with gaps within the reply window
    std::uint32_t mutual_initiated = 0;  ///< conversations opened by a mutual interaction
    std::uint32_t late = 0;          ///< interactions older than the pair's newest (volumes only)
    std::array<bool, 2> waiting{};        ///< by direction, as `dir`: a wait for an answer is open
    std::array<bool, 2> answered_ever{};  ///< by direction: the other side ever got in touch
    decayed_sum pace_recent;         ///< both directions' weight, decayed with the trend horizon H
    decayed_sum pace_long;           ///< the same, decayed with 4·H
    std::array<direction_history, 2> dir;  ///< 0: lo→hi, 1: hi→lo
    // Cold: touched when a touch gap or a wait ends.
    gap_histogram gaps;              ///< gaps between consecutive touches
    std::array<direction_latencies, 2> latencies;  ///< by direction, as `dir`
    history_opening opening;         ///< how the history began (merge() joins on it)

    /// Heap bytes of the histograms whose counts outgrew a byte.
    [[nodiscard]] std::size_t heap_bytes() const noexcept {
        std::size_t n = gaps.heap_bytes();
        for (const auto& l : latencies) n += l.latency.heap_bytes() + l.censored.heap_bytes();
        return n;
    }

    friend bool operator==(const pair_history&, const pair_history&) = default;
};
static_assert(offsetof(pair_history, gaps) == 128, "what every interaction touches fills two cache lines");
static_assert(sizeof(pair_history) == 256);

}  // namespace detail
RELSCORE_END_NAMESPACE
