#pragma once
// Runs the `relscore` command-line tool (RELSCORE_CLI_PATH) the way a user would, with
// its stdout, stderr and exit status, for the end-to-end CLI tests.

#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace relscore::test {

struct run_result {
    int status = -1;
    std::string out, err;
};

inline std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

inline std::string shell_quote(const std::string& arg) {
    std::string out = "'";
    for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

/// A scratch directory of this test process (each test case runs in its own process),
/// emptied when it is first used and removed when the process exits: a directory left by
/// an earlier process with the same id (its FIFO, say) must not decide this one's tests.
inline std::filesystem::path scratch_dir() {
    struct scratch {
        std::filesystem::path path =
            std::filesystem::temp_directory_path() / fmt::format("relscore-cli-test-{}", ::getpid());
        scratch() {
            std::filesystem::remove_all(path);
            std::filesystem::create_directories(path);
        }
        ~scratch() {
            std::error_code ignored;
            std::filesystem::remove_all(path, ignored);
        }
    };
    static const scratch dir;
    return dir.path;
}

inline run_result run(const std::vector<std::string>& args) {
    const auto out = scratch_dir() / "stdout", err = scratch_dir() / "stderr";
    std::string cmd = shell_quote(RELSCORE_CLI_PATH);
    for (const auto& a : args) cmd += fmt::format(" {}", shell_quote(a));
    cmd += fmt::format(" >{} 2>{} </dev/null", shell_quote(out.string()), shell_quote(err.string()));
    const int raw = std::system(cmd.c_str());
    return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, slurp(out), slurp(err)};
}

inline std::filesystem::path write_file(const std::string& name, const std::string& content) {
    const auto p = scratch_dir() / name;
    std::ofstream(p, std::ios::binary) << content;
    return p;
}

}  // namespace relscore::test
