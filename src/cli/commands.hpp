#pragma once
// The subcommands of `relscore`, all written and registered one way.
//
// Design notes
// - A subcommand is a struct: its options are data members, `define(app)` adds the
//   subcommand to `app` and binds the options to those members, and `run()` does the work
//   once the command line is parsed, returning the exit status.
// - add_command<C>() registers every one of them the same way: the struct lives on the heap,
//   owned by its subcommand's callback (so the bound members outlive parsing), and the
//   callback of the subcommand that was chosen hands its run() to main.
// - Every failure throws; main turns it into a message and exit status 2 (exit_bad_input).

#include "input.hpp"
#include "output.hpp"

#include <CLI/CLI.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace relscore::cli {

/// Exit status of `relscore intro` when no chain of ties links the two people (the
/// empty result is still printed in CSV and JSON).
inline constexpr int exit_no_path = 1;

/// Registers the subcommand `Command` on `app`; if it is the one chosen, `run` is set to it.
template <typename Command>
void add_command(CLI::App& app, std::function<int()>& run) {
    auto command = std::make_shared<Command>();
    CLI::App* sub = command->define(app);
    sub->callback([command, &run] { run = [command] { return command->run(); }; });
}

/// relscore score: every relationship, strongest first (score_command.cpp).
struct score_command {
    input_options input;
    std::optional<std::string> at, person;
    std::optional<std::size_t> top;
    output_format format = output_format::table;
    CLI::App* define(CLI::App& app);
    int run() const;
};

/// relscore stars: 0-5 stars per relationship, optionally calibrated (insight_commands.cpp).
struct stars_command {
    input_options input;
    std::optional<std::string> at, person, calibrate;
    std::optional<std::size_t> top;
    output_format format = output_format::table;
    CLI::App* define(CLI::App& app);
    int run() const;
};

/// relscore due: who is due a touch against each relationship's rhythm (insight_commands.cpp).
struct due_command {
    input_options input;
    std::optional<std::string> at, person;
    std::size_t top = 20;
    output_format format = output_format::table;
    CLI::App* define(CLI::App& app);
    int run() const;
};

/// relscore explain: where one relationship's strength comes from (insight_commands.cpp).
struct explain_command {
    input_options input;
    std::string a, b;
    std::optional<std::string> at;
    std::size_t receipts = 10;
    output_format format = output_format::table;
    CLI::App* define(CLI::App& app);
    int run() const;
};

/// relscore intro: warm introductions from A to Z (network_commands.cpp).
struct intro_command {
    input_options input;
    std::string from, to;
    std::size_t alternatives = 2;
    std::vector<std::string> avoid;
    std::optional<std::string> at;
    output_format format = output_format::table;
    CLI::App* define(CLI::App& app);
    int run() const;
};

/// relscore suggest: who should meet whom (network_commands.cpp).
struct suggest_command {
    // Common contacts with more ties than this are skipped unless --max-degree says otherwise:
    // the work is the sum over contacts of their degree squared, so one hub with 200 k ties
    // alone costs 4e10 steps, and a broadcaster's ties say little about who should meet.
    static constexpr std::size_t default_max_degree = 1000;

    input_options input;
    std::optional<std::string> person;
    std::size_t top = 10;
    std::size_t max_degree = default_max_degree;
    std::optional<std::string> at;
    output_format format = output_format::table;
    CLI::App* define(CLI::App& app);
    int run() const;
};

/// relscore evaluate: hands its arguments to the Python harness (evaluate_command.cpp).
struct evaluate_command {
    CLI::App* sub = nullptr;  // its arguments are what the parser left (a prefix command)
    CLI::App* define(CLI::App& app);
    int run() const;
};

/// relscore fit: hands its arguments to Python's fit (evaluate_command.cpp), which writes
/// the configuration file that --config reads.
struct fit_command {
    CLI::App* sub = nullptr;
    CLI::App* define(CLI::App& app);
    int run() const;
};

}  // namespace relscore::cli
