#pragma once
/// \file detail/kernels.hpp
/// Design notes: every channel's decay kernel as exponential components.
///
/// A scorer stores decayed sums of exponentials only (detail/decay.hpp). An exponential
/// channel is one component; a power law is a few dozen exponentials fitted to it
/// (kernel.hpp); a window kernel has none and keeps its recent events instead. Components
/// are numbered across all channels, so a decayed sum is keyed by (component, direction)
/// and a component knows its half-life, its coefficient in its channel's kernel, and its
/// channel. Built once per channel registry (again when channels are registered).

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include <relscore/channel.hpp>
#include <relscore/detail/decay.hpp>
#include <relscore/detail/state_blocks.hpp>
#include <relscore/error.hpp>
#include <relscore/kernel.hpp>
#include <relscore/version.hpp>

RELSCORE_BEGIN_NAMESPACE
namespace detail {

struct kernel_table {
    struct component_range {
        std::uint32_t first, end;
    };
    std::vector<double> half_life_us;                 ///< per component
    std::vector<double> per_half_life_us;             ///< per component: 1 / half_life_us (ingest multiplies)
    std::vector<double> component_weight;             ///< per component: its coefficient in the kernel
    std::vector<channel_id> component_channel;        ///< per component
    std::vector<component_range> channel_components;  ///< per channel
    std::vector<std::int64_t> window_us;              ///< per channel: the window length, 0 if not a window
    std::vector<std::uint32_t> name_rank;             ///< per channel: its place in name order
    bool has_windows = false;

    explicit kernel_table(const channel_registry& channels) { build(channels); }

    void build(const channel_registry& channels) {
        half_life_us.clear();
        per_half_life_us.clear();
        component_weight.clear();
        component_channel.clear();
        channel_components.clear();
        window_us.assign(channels.size(), 0);
        for (channel_id c = 0; c < channels.size(); ++c) {
            const channel& ch = channels[c];
            const auto first = static_cast<std::uint32_t>(half_life_us.size());
            const auto add = [&](double coefficient, double half_life) {
                half_life_us.push_back(half_life);
                per_half_life_us.push_back(1.0 / half_life);
                component_weight.push_back(coefficient);
                component_channel.push_back(c);
            };
            switch (ch.kernel.kind) {
                case decay_kernel::shape::exponential: add(1.0, static_cast<double>(ch.half_life.count())); break;
                case decay_kernel::shape::power_law:
                    for (const auto& term : power_law_terms(static_cast<double>(ch.kernel.scale.count()), ch.kernel.exponent,
                                                            static_cast<double>(ch.kernel.range.count()))
                                                .terms)
                        add(term.coefficient, term.half_life_us);
                    break;
                case decay_kernel::shape::window: window_us[c] = ch.kernel.scale.count(); break;
            }
            channel_components.push_back({first, static_cast<std::uint32_t>(half_life_us.size())});
        }
        if (half_life_us.size() > state_blocks::max_components)
            throw_error<invalid_argument_error>("relscore::scorer: the channels' kernels need more than " +
                                                std::to_string(state_blocks::max_components) + " terms");
        has_windows = std::any_of(window_us.begin(), window_us.end(), [](std::int64_t w) { return w > 0; });
        // Equal-time interactions of a pair are applied in an order that must not depend on
        // which channel happened to be registered first (see pair_store::time_order).
        std::vector<channel_id> by_name(channels.size());
        for (channel_id c = 0; c < channels.size(); ++c) by_name[c] = c;
        std::sort(by_name.begin(), by_name.end(), [&](channel_id x, channel_id y) { return channels[x].name < channels[y].name; });
        name_rank.assign(channels.size(), 0);
        for (std::uint32_t r = 0; r < by_name.size(); ++r) name_rank[by_name[r]] = r;
    }

    /// What one interaction of `channel` of age `age_us` is worth now, per unit weight, as
    /// the state represents it (the sum of the kernel's terms, or the window's 0 or 1).
    [[nodiscard]] double value(channel_id channel, std::int64_t age_us) const {
        if (window_us[channel] > 0) return age_us >= 0 && age_us < window_us[channel] ? 1.0 : 0.0;
        double v = 0;
        const auto [first, end] = channel_components[channel];
        for (std::uint32_t k = first; k < end; ++k) v += component_weight[k] * decay_factor(age_us, half_life_us[k]);
        return v;
    }
};

}  // namespace detail
RELSCORE_END_NAMESPACE
