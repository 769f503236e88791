#pragma once
/// \file interaction.hpp
/// An interaction: who, toward whom, when, how, and how much.

#include <cstdint>
#include <optional>
#include <string>

#include <relscore/channel.hpp>
#include <relscore/time.hpp>

RELSCORE_BEGIN_NAMESPACE

/// Dense index of a person inside one scorer.
using person_id = std::uint32_t;

/// An interaction between two people named by string ids.
///
/// A *directed* interaction (an email from `source` to `target`) adds to the volume of
/// source toward target. A *mutual* one (a meeting both attended) adds to both directions.
/// `source == target` is rejected.
struct interaction {
    timestamp time;
    std::string source;
    std::string target;
    std::string channel = "contact";       ///< a channel name known to the scorer
    std::optional<double> weight;          ///< defaults to the channel's weight
    bool mutual = false;
};

/// The same, for callers that already hold dense person and channel ids (the fast path).
struct dense_interaction {
    timestamp time;
    person_id source = 0;
    person_id target = 0;
    channel_id channel = 0;
    std::optional<double> weight;
    bool mutual = false;
};

RELSCORE_END_NAMESPACE
