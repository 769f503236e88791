#pragma once
/// \file channel.hpp
/// Channels: how two people interacted (email, call, meeting, ...). Each channel has a
/// weight w_c (what one interaction is worth when it happens) and a half-life h_c (how
/// fast that worth fades).

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <relscore/detail/utf8.hpp>
#include <relscore/error.hpp>
#include <relscore/kernel.hpp>
#include <relscore/limits.hpp>
#include <relscore/time.hpp>

RELSCORE_BEGIN_NAMESPACE

/// Dense index of a channel in a channel_registry.
using channel_id = std::uint16_t;

/// One channel's definition.
struct channel {
    std::string name;
    double weight = 1.0;                          ///< w_c, finite and >= 0
    duration half_life = std::chrono::days{60};   ///< h_c, > 0 (the exponential kernel's)
    decay_kernel kernel{};                        ///< how it fades: exponential (default), power law, window

    friend bool operator==(const channel&, const channel&) = default;
};

/// The set of channels a scorer knows, in a fixed order (ids are positions).
///
/// Channels are few (a handful to a few dozen), so lookup by name is a linear scan.
/// Adding a channel never changes the id of an existing one.
class channel_registry {
public:
    /// An empty registry: add channels before use.
    channel_registry() = default;

    /// The documented defaults. Weights make meaningful contact weigh more than small
    /// talk; half-lives make it last longer:
    ///
    /// | channel      | weight | half-life | why                                          |
    /// |--------------|-------:|----------:|----------------------------------------------|
    /// | message      | 0.5    | 30d       | chat/SMS/DM: cheap to send, quick to fade    |
    /// | email        | 1      | 60d       | the unit everything else is measured in      |
    /// | contact      | 1      | 60d       | generic, used when a log names no channel    |
    /// | call         | 2      | 90d       | synchronous time given to each other         |
    /// | meeting      | 3      | 120d      | face to face (or video): the strongest signal|
    /// | introduction | 5      | 180d      | a favour that spends social capital          |
    /// | favour       | 5      | 180d      | help given: value that compounds             |
    [[nodiscard]] static channel_registry defaults() {
        using std::chrono::days;
        channel_registry r;
        r.define({"message", 0.5, days{30}});
        r.define({"email", 1.0, days{60}});
        r.define({"contact", 1.0, days{60}});
        r.define({"call", 2.0, days{90}});
        r.define({"meeting", 3.0, days{120}});
        r.define({"introduction", 5.0, days{180}});
        r.define({"favour", 5.0, days{180}});
        return r;
    }

    /// Adds a channel, or redefines the one with the same name (keeping its id); add()
    /// refuses a name that exists.
    /// Throws invalid_argument_error for an empty, overlong or not UTF-8 name (or one holding U+0000), a weight that is negative, not
    /// finite or above max_weight (limits.hpp), or a half-life that is not positive.
    channel_id define(channel c) {
        if (c.name.empty())
            detail::throw_error<invalid_argument_error>("relscore::channel_registry::define(): empty channel name");
        if (c.name.size() > detail::max_name_bytes || detail::invalid_utf8_at(c.name))
            detail::throw_error<invalid_argument_error>("relscore::channel_registry::define(): channel name longer than " +
                                                        std::to_string(detail::max_name_bytes) + " bytes or not valid UTF-8");
        if (detail::nul_at(c.name))  // C strings and messages would cut it short
            detail::throw_error<invalid_argument_error>(
                "relscore::channel_registry::define(): channel name contains a NUL character (U+0000)");
        if (!detail::weight_in_range(c.weight))
            detail::throw_error<invalid_argument_error>("relscore::channel_registry::define(): channel '" + c.name +
                                                        "': " + detail::weight_range_message(c.weight));
        if (c.half_life.count() <= 0)
            detail::throw_error<invalid_argument_error>("relscore::channel_registry::define(): channel '" + c.name +
                                                        "': half-life must be positive");
        const decay_kernel& k = c.kernel;
        const auto bad_kernel = [&](const char* what) {
            detail::throw_error<invalid_argument_error>("relscore::channel_registry::define(): channel '" + c.name +
                                                        "': " + what);
        };
        // Bounds keep the sum of exponentials short (kernel.hpp): at most a few hundred terms.
        if (k.kind == decay_kernel::shape::power_law &&
            !(k.scale.count() > 0 && std::isfinite(k.exponent) && k.exponent >= 0.05 && k.exponent <= 100 &&
              k.range >= k.scale && k.range / k.scale <= 1'000'000'000))
            bad_kernel("power-law kernel needs tau > 0, 0.05 <= beta <= 100 and tau <= range <= 1e9 tau");
        if (k.kind == decay_kernel::shape::window && k.scale.count() <= 0) bad_kernel("window kernel needs a positive length");
        if (k.kind != decay_kernel::shape::exponential && k.kind != decay_kernel::shape::power_law &&
            k.kind != decay_kernel::shape::window)
            bad_kernel("unknown kernel kind");
        if (auto id = find(c.name)) {
            m_channels[*id] = std::move(c);
            return *id;
        }
        if (m_channels.size() >= max_channels)
            detail::throw_error<invalid_argument_error>("relscore::channel_registry::define(): too many channels");
        m_channels.push_back(std::move(c));
        return static_cast<channel_id>(m_channels.size() - 1);
    }

    /// Adds a channel that is not defined yet: define() for one entry of a list of
    /// channels (a configuration file, a scorer's channel list), where a name given twice
    /// is a mistake rather than a redefinition. Throws invalid_argument_error naming the
    /// channel if one of that name exists (and as define() does); changes nothing then.
    ///
    /// **Example**:
    ///
    ///     relscore::channel_registry r;
    ///     r.add({"email", 1.0, std::chrono::days{60}});
    ///     r.add({"email", 2.0, std::chrono::days{60}});  // throws: 'email' is already defined
    channel_id add(channel c) {
        if (find(c.name))
            detail::throw_error<invalid_argument_error>("relscore::channel_registry::add(): channel '" + c.name +
                                                        "' is already defined (a name may appear once in a list "
                                                        "of channels)");
        return define(std::move(c));
    }

    /// Sets every channel's half-life to `h` (the CLI's --half-life).
    void set_half_life(duration h) {
        for (auto c : m_channels) {  // validate all before changing any
            c.half_life = h;
            define(c);
        }
    }

    /// The id of the channel named `name`, if any.
    [[nodiscard]] std::optional<channel_id> find(std::string_view name) const noexcept {
        for (std::size_t i = 0; i < m_channels.size(); ++i)
            if (m_channels[i].name == name) return static_cast<channel_id>(i);
        return std::nullopt;
    }

    /// The id of the channel named `name`; throws invalid_argument_error naming it and the
    /// known channels if there is none.
    [[nodiscard]] channel_id id(std::string_view name) const {
        if (auto found = find(name)) return *found;
        detail::throw_error<invalid_argument_error>("relscore: unknown channel '" + std::string(name) +
                                                    "' (known: " + names() + ")");
    }

    /// The channel names, comma-separated, for messages.
    [[nodiscard]] std::string names() const {
        std::string out;
        for (const auto& c : m_channels) out += (out.empty() ? "" : ", ") + c.name;
        return out;
    }

    [[nodiscard]] const channel& operator[](channel_id id) const noexcept { return m_channels[id]; }
    [[nodiscard]] std::size_t size() const noexcept { return m_channels.size(); }
    [[nodiscard]] auto begin() const noexcept { return m_channels.begin(); }
    [[nodiscard]] auto end() const noexcept { return m_channels.end(); }

    friend bool operator==(const channel_registry&, const channel_registry&) = default;

    static constexpr std::size_t max_channels = 1024;

private:
    std::vector<channel> m_channels;
};

RELSCORE_END_NAMESPACE
