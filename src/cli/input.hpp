#pragma once
// What every `relscore` subcommand that reads an interaction log shares: the input
// options (file, column names, channels, half-life, reciprocity) and loading a scorer.

#include <relscore/io/config_file.hpp>
#include <relscore/io/event_log.hpp>
#include <relscore/time.hpp>
#include <relscore/scorer.hpp>

#include <CLI/CLI.hpp>

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace relscore::cli {

/// Exit status for bad input or arguments; nothing is printed on stdout then.
inline constexpr int exit_bad_input = 2;

struct input_options {
    std::string events;
    std::vector<std::string> channel_specs;  // NAME=WEIGHT[:HALF_LIFE]
    std::vector<std::string> kernel_specs;   // NAME=power:TAU:BETA[:RANGE] or NAME=window:LENGTH
    std::optional<std::string> half_life;
    double reciprocity = 0.5;
    io::read_options read;
    std::string delimiter;
    bool quiet = false;
    std::optional<std::string> reply_window, touch_gap;
    std::optional<std::string> config_file;  // --config: channels and rho from a JSON file
    bool retain_events = false;  // set by commands that show receipts
    unsigned threads = 1;        // --threads: scorer::set_threads()
};

/// The configuration file of --config (io::read_config_file), errors prefixed with the option.
io::config_file read_config(const std::string& path);

/// Row counts (--top and the like): whole numbers in [1, max_count], checked by CLI11 so
/// nothing wraps and the message is short ("Value 0 not in range 1 to 1000000000").
inline constexpr std::size_t max_count = 1'000'000'000;
inline const CLI::Range count_range{std::size_t{1}, max_count};
/// The same for counts where 0 means "none".
inline const CLI::Range count_or_zero_range{std::size_t{0}, max_count};

/// Registers the input options on a subcommand.
void add_input_options(CLI::App& app, input_options& opts);

/// Builds the scorer configuration the options describe (throws invalid_argument_error
/// or parse_error on a bad channel spec or duration).
scorer_config make_config(const input_options& opts);

/// Reads the log into a new scorer (io::ingest), showing progress on stderr when it is a
/// terminal and reporting skipped rows. Throws on the first bad row unless --skip-invalid.
scorer load_scorer(const input_options& opts);

/// `--at TIME` parsed, or nullopt ("at the newest interaction") when it was not given.
/// Commands call it before load_scorer: a typo must not wait for the whole log to be read.
std::optional<timestamp> parse_at(const std::optional<std::string>& at);

/// The time a result is for: `at`, else the newest interaction (the epoch for an empty log).
timestamp answer_time(const scorer& s, const std::optional<timestamp>& at);

}  // namespace relscore::cli
