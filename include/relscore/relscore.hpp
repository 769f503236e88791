#pragma once
/// \file relscore.hpp
/// The umbrella header: everything needed to score relationships.
/// (Reading logs from files is in <relscore/io/event_log.hpp>.)

#include <relscore/channel.hpp>
#include <relscore/error.hpp>
#include <relscore/interaction.hpp>
#include <relscore/model.hpp>
#include <relscore/insight.hpp>
#include <relscore/scorer.hpp>
#include <relscore/stars.hpp>
#include <relscore/time.hpp>
#include <relscore/version.hpp>
// Last, so that every build of the umbrella checks the forward declarations against the
// definitions above (an id alias that drifted would not compile).
#include <relscore/fwd.hpp>
