#pragma once
// What the link predictors of src/eval/ share (private to the relscore_eval library).
//
// Design notes
// - streaming_model holds the contract of eval/link_models.hpp once: argument sizes, finite
//   times in order, queries not older than what was learnt; a model supplies learn() and
//   value() (or overrides score-like calls, as relscore_link does for its features).
// - Keys are (from, to) pairs of the data set's own node ids in flat hash maps; times are
//   seconds, turned into whole microseconds for the decayed sums (detail/decay.hpp).

#include <relscore/eval/link_models.hpp>

#include <relscore/detail/decay.hpp>
#include <relscore/error.hpp>

#include <boost/container_hash/hash.hpp>
#include <boost/unordered/unordered_flat_map.hpp>
#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>

RELSCORE_BEGIN_NAMESPACE
namespace eval::internal {

struct pair_key {
    node_id from;
    node_id to;
    friend bool operator==(const pair_key&, const pair_key&) = default;
};

struct pair_key_hash {
    std::size_t operator()(const pair_key& k) const noexcept {
        std::size_t seed = 0;
        boost::hash_combine(seed, k.from);
        boost::hash_combine(seed, k.to);
        return seed;
    }
};

template <typename Value>
using pair_map = boost::unordered_flat_map<pair_key, Value, pair_key_hash>;
template <typename Value>
using node_map = boost::unordered_flat_map<node_id, Value>;

[[nodiscard]] inline std::int64_t to_micros(double seconds) noexcept { return std::llround(seconds * 1e6); }

template <typename Value>
[[nodiscard]] const Value* find(const pair_map<Value>& map, node_id from, node_id to) noexcept {
    const auto it = map.find(pair_key{from, to});
    return it == map.end() ? nullptr : &it->second;
}

[[noreturn]] inline void throw_invalid(const std::string& message) { throw invalid_argument_error(message); }

inline void require_positive(std::string_view function, std::string_view name, double value) {
    if (!(value > 0) || !std::isfinite(value))
        throw_invalid(fmt::format("relscore::eval::{}(): {} must be positive and finite, got {}", function, name, value));
}

inline void require_non_negative(std::string_view function, std::string_view name, double value) {
    if (!(value >= 0) || !std::isfinite(value))
        throw_invalid(fmt::format("relscore::eval::{}(): {} must be non-negative and finite, got {}", function, name, value));
}

/// The shared checks and loops; a model supplies learn() and value().
template <typename Base = link_model>
class streaming_model : public Base {
public:
    void observe(std::span<const node_id> src, std::span<const node_id> dst, std::span<const double> time) final {
        check_sizes("observe", src.size(), dst.size(), time.size());
        double newest = m_newest;
        for (std::size_t k = 0; k < time.size(); ++k) {
            if (!std::isfinite(time[k]))
                throw_invalid(fmt::format("relscore::eval::link_model::observe(): time[{}] is not finite", k));
            if (time[k] < newest)
                throw time_order_error(fmt::format(
                    "relscore::eval::link_model::observe(): edges must come in time order, but time[{}] = {} is "
                    "older than {}",
                    k, time[k], newest));
            newest = time[k];
        }
        for (std::size_t k = 0; k < time.size(); ++k) learn(src[k], dst[k], time[k]);
        if (!time.empty()) {
            m_newest = newest;
            m_any = true;
            changed();
        }
    }

    void score(std::span<const node_id> src, std::span<const node_id> dst, std::span<const double> time,
               std::span<double> out) const final {
        check_query("score", src, dst, time, out.size(), time.size());
        prepare();
        for (std::size_t k = 0; k < time.size(); ++k) out[k] = value(src[k], dst[k], time[k]);
    }

protected:
    // Queries must not be older than what was learnt (see the design notes).
    void check_query(std::string_view what, std::span<const node_id> src, std::span<const node_id> dst,
                     std::span<const double> time, std::size_t outputs, std::size_t expected_outputs) const {
        check_sizes(what, src.size(), dst.size(), time.size());
        if (outputs != expected_outputs)
            throw_invalid(fmt::format("relscore::eval::link_model::{}(): {} outputs for {} queries", what, outputs,
                                      time.size()));
        for (std::size_t k = 0; k < time.size(); ++k)
            if (m_any && time[k] < m_newest)
                throw time_order_error(fmt::format(
                    "relscore::eval::link_model::{}(): time[{}] = {} is older than the newest observed edge ({})",
                    what, k, time[k], m_newest));
    }

    virtual void learn(node_id u, node_id v, double t) = 0;
    [[nodiscard]] virtual double value(node_id u, node_id v, double t) const = 0;
    virtual void changed() {}
    virtual void prepare() const {}

private:
    static void check_sizes(std::string_view what, std::size_t src, std::size_t dst, std::size_t time) {
        if (src != dst || src != time)
            throw_invalid(fmt::format("relscore::eval::link_model::{}(): src, dst and time differ in length ({}, {}, {})",
                                      what, src, dst, time));
    }

    double m_newest = -std::numeric_limits<double>::infinity();
    bool m_any = false;
};

}  // namespace eval::internal
RELSCORE_END_NAMESPACE
