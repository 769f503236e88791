#pragma once
// The `stars`, `due` and `explain` subcommands.

#include <CLI/CLI.hpp>

#include <functional>

namespace relscore::cli {

/// Registers stars, due and explain on `app`; the chosen one sets `run`.
void add_insight_commands(CLI::App& app, std::function<int()>& run);

}  // namespace relscore::cli
