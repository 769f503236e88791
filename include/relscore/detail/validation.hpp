#pragma once
/// \file detail/validation.hpp
/// Design notes: what the scorer checks before it changes anything.
///
/// Every ingest call validates its whole input first and only then applies it, so an
/// error leaves the scorer as it was (the strong guarantee). The checks live here, apart
/// from the state they protect: names (non-empty, at most `max_name_bytes`, valid UTF-8, no U+0000),
/// dense ids, channels (known, or registered by the config's policy once the whole batch
/// is valid), weights (limits.hpp) and times (years 1400..9999). An error names the call
/// and, for a batch, the element; the message is built only when an error is thrown.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <relscore/channel.hpp>
#include <relscore/detail/utf8.hpp>
#include <relscore/error.hpp>
#include <relscore/interaction.hpp>
#include <relscore/limits.hpp>
#include <relscore/scorer_types.hpp>
#include <relscore/time.hpp>
#include <relscore/version.hpp>

RELSCORE_BEGIN_NAMESPACE
namespace detail {

/// Earliest and latest accepted interaction times (years 1400 and 9999): keeps every time
/// difference far inside int64 microseconds.
inline constexpr std::int64_t earliest_time_us = -17987443200LL * 1000000;  // 1400-01-01
inline constexpr std::int64_t latest_time_us = 253402300799999999LL;         // 9999-12-31T23:59:59.999999
/// Dense person ids must not exceed this.
inline constexpr person_id max_person_id = (person_id{1} << 31) - 1;

/// Where an error happened: a call, and for batches the element.
struct error_site {
    static constexpr std::size_t no_index = static_cast<std::size_t>(-1);
    const char* call;
    std::size_t index = no_index;
    error_site(const char* c) : call(c) {}  // NOLINT(google-explicit-constructor): a call's name is a site
    error_site(const char* c, std::size_t i) : call(c), index(i) {}
    [[nodiscard]] std::string str() const {
        std::string out = call;
        if (index != no_index) out += ": interaction #" + std::to_string(index);
        return out;
    }
};

inline void check_name(std::string_view name, const error_site& where) {
    if (name.empty()) throw_error<invalid_argument_error>(where.str() + ": empty person id");
    if (name.size() > max_name_bytes)
        throw_error<invalid_argument_error>(where.str() + ": person id longer than " + std::to_string(max_name_bytes) +
                                            " bytes");
    if (auto bad = invalid_utf8_at(name))
        throw_error<invalid_argument_error>(where.str() + ": person id is not valid UTF-8 (byte " + std::to_string(*bad) +
                                            ")");
    if (auto nul = nul_at(name))
        throw_error<invalid_argument_error>(where.str() + ": person id contains a NUL character (U+0000) at byte " +
                                            std::to_string(*nul));
}

/// A channel name with U+0000 would be cut short in every message and C string that shows it.
inline void check_channel_nul(std::string_view name, const error_site& where) {
    if (auto nul = nul_at(name))
        throw_error<invalid_argument_error>(where.str() + ": channel name contains a NUL character (U+0000) at byte " +
                                            std::to_string(*nul));
}

/// Channel, weight and time of an interaction. `new_channels`: channels registered by the
/// batch being validated (ids past the registry's).
inline void validate_common(const scorer_config& config, const dense_interaction& e, const error_site& where,
                            std::size_t new_channels = 0) {
    if (e.channel >= config.channels.size() + new_channels)
        throw_error<invalid_argument_error>(where.str() + ": unknown channel id " + std::to_string(e.channel));
    if (e.weight && !weight_in_range(*e.weight))
        throw_error<invalid_argument_error>(where.str() + ": " + weight_range_message(*e.weight));
    const std::int64_t t = to_micros(e.time);
    if (t < earliest_time_us || t > latest_time_us)
        throw_error<invalid_argument_error>(where.str() + ": time " + std::to_string(t) + "us is outside years 1400..9999");
}

/// An interaction named by dense ids.
inline void validate_dense(const scorer_config& config, const dense_interaction& e, const error_site& where) {
    if (e.source == e.target)
        throw_error<invalid_argument_error>(where.str() + ": self-interaction (source and target are both " +
                                            std::to_string(e.source) + ")");
    if (e.source > max_person_id || e.target > max_person_id)
        throw_error<invalid_argument_error>(where.str() + ": person id above " + std::to_string(max_person_id));
    validate_common(config, e, where);
}

[[nodiscard]] inline channel_id channel_or_throw(const channel_registry& channels, std::string_view name,
                                                 const error_site& where) {
    if (auto id = channels.find(name)) return *id;
    check_channel_nul(name, where);
    throw_error<invalid_argument_error>(where.str() + ": unknown channel '" + std::string(name) +
                                        "' (known: " + channels.names() + ")");
}

/// The id of channel `name`. An unknown name is an error, or, if the config registers
/// unknown channels, gets the next free id and is appended to `new_channels`: the caller
/// registers them only once its whole batch is valid.
[[nodiscard]] inline channel_id channel_or_register(const scorer_config& config, std::string_view name,
                                                    const error_site& where, std::vector<std::string>& new_channels) {
    if (!config.register_unknown_channels) return channel_or_throw(config.channels, name, where);
    if (auto id = config.channels.find(name)) return *id;
    for (std::size_t i = 0; i < new_channels.size(); ++i)
        if (new_channels[i] == name) return static_cast<channel_id>(config.channels.size() + i);
    if (name.empty()) throw_error<invalid_argument_error>(where.str() + ": empty channel name");
    check_channel_nul(name, where);
    if (name.size() > max_name_bytes || invalid_utf8_at(name))
        throw_error<invalid_argument_error>(where.str() + ": channel name is too long or not valid UTF-8");
    if (config.channels.size() + new_channels.size() >= channel_registry::max_channels)
        throw_error<invalid_argument_error>(where.str() + ": cannot register channel '" + std::string(name) + "': " +
                                            std::to_string(channel_registry::max_channels) + " channels is the limit");
    new_channels.emplace_back(name);
    return static_cast<channel_id>(config.channels.size() + new_channels.size() - 1);
}

/// Validates a named interaction and resolves its channel; people are not interned yet.
[[nodiscard]] inline dense_interaction resolve_checked(const scorer_config& config, const interaction& e,
                                                       const error_site& where, std::vector<std::string>& new_channels) {
    check_name(e.source, where);
    check_name(e.target, where);
    if (e.source == e.target) throw_error<invalid_argument_error>(where.str() + ": self-interaction ('" + e.source + "')");
    dense_interaction d{e.time, 0, 0, channel_or_register(config, e.channel, where, new_channels), e.weight, e.mutual};
    validate_common(config, d, where, new_channels.size());
    return d;
}

}  // namespace detail
RELSCORE_END_NAMESPACE
