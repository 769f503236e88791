// `relscore evaluate ...`: runs the Python evaluation harness (python -m relscore.evaluate).
//
// Why a hand-off and not C++: the DyGLib protocol draws its negatives with Python's `random`
// and numpy's RandomState and picks them from Python sets, whose iteration order decides
// which pairs are drawn; only Python reproduces that exactly. The scores themselves are
// computed in C++ (relscore._core) either way. The interpreter is, in order: $RELSCORE_PYTHON,
// the `python3` installed next to this executable (pip installs both into one bin/), `python3`.

#include "evaluate_command.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <unistd.h>

namespace relscore::cli {
namespace {

std::string python_interpreter() {
    if (const char* chosen = std::getenv("RELSCORE_PYTHON"); chosen && *chosen) return chosen;
    std::error_code ec;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const auto sibling = self.parent_path() / "python3";
        if (std::filesystem::exists(sibling, ec)) return sibling.string();
    }
    return "python3";
}

}  // namespace

void add_evaluate_command(CLI::App& app, std::vector<std::string>& args, std::function<int()>& run) {
    auto* cmd = app.add_subcommand(
        "evaluate", "Dynamic link prediction (the DyGLib protocol) and the results table; see `relscore evaluate --help`");
    cmd->prefix_command();  // everything after `evaluate` goes to the harness untouched
    cmd->set_help_flag();
    cmd->callback([&, cmd] {
        args = cmd->remaining();
        run = [&] {
            const std::string python = python_interpreter();
            std::vector<std::string> argv_strings{python, "-m", "relscore.evaluate"};
            argv_strings.insert(argv_strings.end(), args.begin(), args.end());
            std::vector<char*> argv;
            for (auto& s : argv_strings) argv.push_back(s.data());
            argv.push_back(nullptr);
            ::execvp(python.c_str(), argv.data());
            fmt::print(stderr, "relscore: error: cannot run {} for `relscore evaluate`: {}\n", python, std::strerror(errno));
            return 127;
        };
    });
}

}  // namespace relscore::cli
