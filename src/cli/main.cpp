// The `relscore` command-line tool.
//
//   relscore score EVENTS.csv [--at TIME] [--for PERSON] [--top K] [--half-life DUR]
//                  [--channel NAME=WEIGHT[:HALF_LIFE]]... [--reciprocity R] [--format table|csv|json]
//
// Exit status: 0 on success, 2 on bad input or arguments (nothing on stdout then).

#include "evaluate_command.hpp"
#include "input.hpp"
#include "insight_commands.hpp"
#include "output.hpp"

#include "network_commands.hpp"

#include <relscore/relscore.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <map>
#include <optional>
#include <string>

namespace relscore::cli {
namespace {

struct score_options {
    input_options input;
    std::optional<std::string> at;
    std::optional<std::string> person;
    std::optional<std::size_t> top;
    output_format format = output_format::table;
};

void add_score_command(CLI::App& app, score_options& opts, std::function<int()>& run) {
    auto* cmd = app.add_subcommand("score", "Score every relationship in an interaction log, strongest first");
    add_input_options(*cmd, opts.input);
    cmd->add_option("--at", opts.at, "Score at this time (default: the newest interaction)");
    cmd->add_option("--for", opts.person, "Only this person's relationships (a = PERSON)");
    cmd->add_option("--top", opts.top, "Print at most K rows")->check(count_range);
    add_format_option(*cmd, opts.format);
    cmd->callback([&] {
        run = [&] {
            const scorer s = load_scorer(opts.input);
            std::optional<timestamp> at;
            if (opts.at) at = parse_time(*opts.at);
            const timestamp when = at ? *at : s.newest().value_or(timestamp{});
            std::vector<relationship> rows;
            if (opts.person) {
                rows = s.top(*opts.person, opts.top.value_or(s.relationships()), at);
            } else {
                const relationship_table t = s.table(at);
                const auto order = t.strongest_first();
                const std::size_t n = std::min(order.size(), opts.top.value_or(order.size()));
                rows.reserve(n);
                for (std::size_t k = 0; k < n; ++k) rows.push_back(t.row(order[k]));
            }
            print_relationships(stdout, s, rows, when, opts.format);
            return 0;
        };
    });
}

}  // namespace
}  // namespace relscore::cli

int main(int argc, char** argv) {
    using namespace relscore;
    CLI::App app{"relscore: relationship strength from interaction logs (v" RELSCORE_VERSION_STRING ")", "relscore"};
    app.set_version_flag("--version", RELSCORE_VERSION_STRING);
    app.require_subcommand(1);
    std::function<int()> run;
    cli::score_options score;
    cli::add_network_commands(app, run);  // intro, suggest
    cli::add_score_command(app, score, run);
    cli::add_insight_commands(app, run);
    std::vector<std::string> evaluate_args;
    cli::add_evaluate_command(app, evaluate_args, run);
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return cli::exit_bad_input;
    }
    // Every failure, expected or not, ends as exit 2 with a message: never an abort.
    try {
        return run ? run() : 0;
    } catch (const std::exception& e) {
        std::fflush(stdout);
        fmt::print(stderr, "relscore: error: {}\n", e.what());
        return cli::exit_bad_input;
    } catch (...) {
        std::fflush(stdout);
        fmt::print(stderr, "relscore: error: unexpected failure\n");
        return cli::exit_bad_input;
    }
}
