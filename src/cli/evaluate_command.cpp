// `relscore evaluate ...` and `relscore fit ...`: hand their arguments to Python
// (python -m relscore.evaluate, python -m relscore._fit_main).
//
// Design notes
// - `fit` is in Python for the optimizer and cross-validation (scipy, scikit-learn); what
//   it writes, the CLI reads natively (--config).
// - Why a hand-off and not C++: the DyGLib protocol draws its negatives with Python's
//   `random` and numpy's RandomState and picks them from Python sets, whose iteration order
//   decides which pairs are drawn; only Python reproduces that exactly. The scores
//   themselves are computed in C++ (relscore._eval) either way.
// - Which Python: the first of $RELSCORE_PYTHON; the `python3` next to this executable
//   (pip installs both into one bin/); a `.venv/bin/python3` in a directory above it (the
//   project's own environment, for build/relscore in a source tree: make python); `python3`
//   on PATH. A candidate counts only if it has the relscore package (a cheap find_spec,
//   nothing imported), so a python3 first on PATH without it is skipped instead of failing
//   with "No module named 'relscore'". $RELSCORE_PYTHON, when set, is the only candidate.
//   When none has it, the message lists what was tried and what to install.

#include "commands.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace relscore::cli {
namespace {

// Status 127: the harness could not be started (as a shell says of a missing command).
constexpr int exit_cannot_run = 127;

// Whether `python` runs and has the relscore package.
bool has_relscore(const std::string& python) {
    posix_spawn_file_actions_t quiet;
    posix_spawn_file_actions_init(&quiet);
    posix_spawn_file_actions_addopen(&quiet, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&quiet, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    std::string prog = python, flag = "-c",
                code = "import importlib.util, sys; sys.exit(importlib.util.find_spec('relscore') is None)";
    char* argv[] = {prog.data(), flag.data(), code.data(), nullptr};
    pid_t pid = 0;
    const int spawned = ::posix_spawnp(&pid, python.c_str(), &quiet, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&quiet);
    if (spawned != 0) return false;
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

std::vector<std::string> candidates() {
    if (const char* chosen = std::getenv("RELSCORE_PYTHON"); chosen && *chosen) return {chosen};
    std::vector<std::string> out;
    std::error_code ec;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        out.push_back((self.parent_path() / "python3").string());
        // build/relscore, build/tests/..: the source tree's .venv is one or two levels up.
        auto dir = self.parent_path();
        for (int up = 0; up < 3 && dir.has_parent_path() && dir != dir.root_path(); ++up, dir = dir.parent_path())
            out.push_back((dir / ".venv" / "bin" / "python3").string());
    }
    out.push_back("python3");
    return out;
}

}  // namespace

CLI::App* evaluate_command::define(CLI::App& app) {
    sub = app.add_subcommand("evaluate",
                             "Dynamic link prediction (the DyGLib protocol) with the Python harness; see "
                             "`relscore evaluate --help`");
    sub->prefix_command();  // everything after `evaluate` goes to the harness untouched
    sub->set_help_flag();
    return sub;
}

// Replaces this process with `python -m module args...` in the first Python that has the
// package; returns only if none can run it (status 127, having said what to install).
int run_python_module(const char* command, const char* module, const std::vector<std::string>& args) {
    std::vector<std::string> tried;
    for (const auto& python : candidates()) {
        if (!has_relscore(python)) {
            tried.push_back(python);
            continue;
        }
        std::vector<std::string> argv_strings{python, "-m", module};
        argv_strings.insert(argv_strings.end(), args.begin(), args.end());
        std::vector<char*> argv;
        for (auto& s : argv_strings) argv.push_back(s.data());
        argv.push_back(nullptr);
        ::execvp(python.c_str(), argv.data());
        fmt::print(stderr, "relscore: error: cannot run {} for `relscore {}`: {}\n", python, command, std::strerror(errno));
        return exit_cannot_run;
    }
    fmt::print(stderr,
               "relscore: error: `relscore {0}` runs the Python package relscore (python -m {1}), "
               "and no Python found has it.\n"
               "  tried: {2}\n"
               "  install it into one of them: pip install 'relscore[evaluate]' (from a source tree: make python, "
               "or pip install '.[evaluate]'),\n"
               "  or name a Python that has it: RELSCORE_PYTHON=/path/to/python3 relscore {0} ...\n",
               command, module, fmt::join(tried, ", "));
    return exit_cannot_run;
}

int evaluate_command::run() const { return run_python_module("evaluate", "relscore.evaluate", sub->remaining()); }

CLI::App* fit_command::define(CLI::App& app) {
    sub = app.add_subcommand("fit",
                             "Fit channel weights, half-lives and rho to your own labels (a,b,stars or a,b,label) with the "
                             "Python package; writes a --config file (see `relscore fit --help`)");
    sub->prefix_command();
    sub->set_help_flag();
    return sub;
}

int fit_command::run() const { return run_python_module("fit", "relscore._fit_main", sub->remaining()); }

}  // namespace relscore::cli
