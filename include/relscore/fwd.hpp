#pragma once
/// \file fwd.hpp
/// Forward declarations, for headers that only mention relscore types.

#include <cstdint>

#include <relscore/version.hpp>

RELSCORE_BEGIN_NAMESPACE
using person_id = std::uint32_t;
using channel_id = std::uint16_t;
struct channel;
class channel_registry;
struct interaction;
struct dense_interaction;
struct relationship;
struct relationship_table;
struct scorer_config;
class scorer;
class error;
RELSCORE_END_NAMESPACE
