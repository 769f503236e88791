// The `relscore` command-line tool: one subcommand per struct (commands.hpp).
//
//   relscore score EVENTS.csv [--at TIME] [--for PERSON] [--top K] [--half-life DUR]
//                  [--channel NAME=WEIGHT[:HALF_LIFE]]... [--reciprocity R] [--format table|csv|json]
//
// Exit status: 0 on success, 2 on bad input or arguments (nothing on stdout then).

#include "commands.hpp"

#include <relscore/version.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <functional>

int main(int argc, char** argv) {
    using namespace relscore::cli;
    CLI::App app{"relscore: relationship strength from interaction logs (v" RELSCORE_VERSION_STRING ")", "relscore"};
    app.set_version_flag("--version", RELSCORE_VERSION_STRING);
    app.require_subcommand(1);
    std::function<int()> run;
    add_command<intro_command>(app, run);
    add_command<suggest_command>(app, run);
    add_command<score_command>(app, run);
    add_command<stars_command>(app, run);
    add_command<due_command>(app, run);
    add_command<explain_command>(app, run);
    add_command<evaluate_command>(app, run);
    add_command<fit_command>(app, run);
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
        return exit_bad_input;
    }
    // Every failure, expected or not, ends as exit 2 with a message: never an abort.
    try {
        const int status = run ? run() : 0;
        // Output that fits stdio's buffer is written only here: a full disk or closed pipe
        // must not pass as success.
        if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
            fmt::print(stderr, "relscore: error: cannot write the output to stdout: {}\n", std::strerror(errno));
            return exit_bad_input;
        }
        return status;
    } catch (const std::exception& e) {
        std::fflush(stdout);
        fmt::print(stderr, "relscore: error: {}\n", e.what());
        return exit_bad_input;
    } catch (...) {
        std::fflush(stdout);
        fmt::print(stderr, "relscore: error: unexpected failure\n");
        return exit_bad_input;
    }
}
