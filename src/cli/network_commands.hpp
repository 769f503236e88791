#pragma once
// `relscore intro EVENTS.csv A Z` (warm introductions) and `relscore suggest EVENTS.csv`
// (who should meet whom).

#include <CLI/CLI.hpp>

#include <functional>

namespace relscore::cli {

/// Exit status of `relscore intro` when no chain of ties links the two people (the
/// empty result is still printed in CSV and JSON).
inline constexpr int exit_no_path = 1;

/// Registers the `intro` and `suggest` subcommands on `app`; the chosen one sets `run`.
void add_network_commands(CLI::App& app, std::function<int()>& run);

}  // namespace relscore::cli
