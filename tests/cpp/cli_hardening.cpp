// The CLI cases of issue 19: overflowing weights, file arguments that are not readable
// files, integer and column options, suggest on a hub, readable messages and control
// characters in table output. Each failed (crash, wrong answer or unreadable message)
// before the fix.

#include "support/catch.hpp"
#include "support/cli_runner.hpp"

#include <relscore/limits.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace fs = std::filesystem;
using relscore::test::run;
using relscore::test::run_result;
using relscore::test::scratch_dir;
using relscore::test::write_file;

namespace {

const std::string sample = std::string(RELSCORE_SOURCE_DIR) + "/examples/data/job_search.csv";

// Every subcommand that reads a log, with the arguments it needs after the file.
const std::vector<std::vector<std::string>> subcommands = {{"score"},          {"stars"},  {"due"},
                                                           {"explain", "a", "b"}, {"intro", "a", "c"}, {"suggest"}};

std::vector<std::string> with_file(const std::vector<std::string>& sub, const std::string& file,
                                   const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args{sub[0], file};
    args.insert(args.end(), sub.begin() + 1, sub.end());
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

void check_refused(const run_result& r, const std::string& needle) {
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    CHECK(r.err.find(needle) != std::string::npos);
    CHECK(r.err.find("terminate") == std::string::npos);
    CHECK(r.err.size() < 400);  // one readable line, not a 300-digit number
}

}  // namespace

TEST_CASE("a weight above relscore::max_weight is refused with its location by every subcommand", "[cli][hardening]") {
    const auto huge = write_file("huge.csv", "time,source,target,channel,weight,mutual\n"
                                             "2025-01-01,a,b,email,1,1\n"
                                             "2025-01-02,a,c,email,1e308,1\n");
    for (const auto& sub : subcommands) {
        CAPTURE(sub[0]);
        check_refused(run(with_file(sub, huge.string())), "huge.csv:3:5: column 'weight'");
    }
    SECTION("the maximum itself is accepted and every number printed is finite") {
        const auto at_max = write_file("max.csv", fmt::format("time,source,target,channel,weight,mutual\n"
                                                              "2025-01-01,a,b,email,{0:.17g},1\n"
                                                              "2025-01-02,a,b,email,{0:.17g},1\n"
                                                              "2025-01-03,b,a,email,{0:.17g},0\n",
                                                              relscore::max_weight));
        const auto r = run({"score", at_max.string(), "--format", "csv"});
        REQUIRE(r.status == 0);
        CHECK(r.out.find("inf") == std::string::npos);
        CHECK(r.out.find("nan") == std::string::npos);
        const auto stars = run({"stars", at_max.string()});
        CHECK(stars.status == 0);
        CHECK(stars.out.find("nan") == std::string::npos);
        const auto explain = run({"explain", at_max.string(), "a", "b", "--format", "json"});
        CHECK(explain.status == 0);
        const auto doc = nlohmann::json::parse(explain.out);
        REQUIRE(doc["strength"].is_number());  // 1e308 gave null (JSON's inf)
        CHECK(std::isfinite(doc["strength"].get<double>()));
    }
    SECTION("just above the maximum is refused") {
        const auto above = write_file("above.csv", fmt::format("time,source,target,weight\n2025-01-01,a,b,{:.17g}\n",
                                                               std::nextafter(relscore::max_weight, 2e15)));
        check_refused(run({"score", above.string()}), "above.csv:2:4: column 'weight'");
    }
    SECTION("a channel weight above the maximum is refused") {
        check_refused(run({"score", sample, "--channel", "coffee=1e308"}), "--channel 'coffee=1e308'");
    }
}

TEST_CASE("file arguments that are not readable files give exit 2 and a message", "[cli][hardening]") {
    const fs::path dir = scratch_dir() / "a-directory";
    fs::create_directories(dir);
    const fs::path missing = scratch_dir() / "missing.csv";
    for (const auto& sub : subcommands) {
        CAPTURE(sub[0]);
        check_refused(run(with_file(sub, dir.string())), "is a directory");
        check_refused(run(with_file(sub, missing.string())), "cannot open file");
    }
    check_refused(run({"stars", sample, "--calibrate", dir.string()}), "is a directory");
    check_refused(run({"stars", sample, "--calibrate", missing.string()}), "cannot open file");
    if (::geteuid() != 0) {  // root reads anything
        const auto locked = write_file("unreadable.csv", "time,source,target\n2025-01-01,a,b\n");
        fs::permissions(locked, fs::perms::none);
        for (const auto& sub : subcommands) {
            CAPTURE(sub[0]);
            check_refused(run(with_file(sub, locked.string())), "cannot open file");
        }
    }
}

TEST_CASE("a FIFO is read as a stream (as /dev/stdin is), and its bad rows still exit 2", "[cli][hardening]") {
    const fs::path fifo = scratch_dir() / "log.fifo";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    for (const auto& [content, status] : std::vector<std::pair<std::string, int>>{
             {"time,source,target\n2025-01-01,a,b\n", 0}, {"time,source,target\n2025-01-01,a,a\n", 2}}) {
        std::thread writer([&, content = content] { std::ofstream(fifo) << content; });
        const auto r = run({"score", fifo.string(), "--format", "csv"});
        writer.join();
        CHECK(r.status == status);
    }
}

TEST_CASE("integer options are range-checked instead of wrapping", "[cli][hardening]") {
    const auto r = run({"intro", sample, "Sam Rivera", "Grace Liu", "--alternatives", "18446744073709551615"});
    check_refused(r, "--alternatives");
    for (const auto& args : std::vector<std::vector<std::string>>{{"score", sample, "--top", "-1"},
                                                                  {"score", sample, "--top", "18446744073709551616"},
                                                                  {"suggest", sample, "--max-degree", "-3"},
                                                                  {"explain", sample, "Sam Rivera", "Grace Liu",
                                                                   "--receipts", "99999999999999999999"}}) {
        CAPTURE(args);
        check_refused(run(args), args[args.size() - 2]);
    }
    CHECK(run({"intro", sample, "Sam Rivera", "Grace Liu", "--alternatives", "1000", "--format", "csv"}).status == 0);
}

TEST_CASE("column options: an unknown column or one column for two roles exits 2 naming it", "[cli][hardening]") {
    const auto log = write_file("cols.csv", "time,source,target,channel,weight\n2025-01-01,a,b,email,2\n");
    check_refused(run({"score", log.string(), "--source-col", "target"}),
                  "column 'target' is named as both the source and the target column");
    check_refused(run({"score", log.string(), "--weight-col", "source"}),
                  "column 'source' is named as both the source and the weight column");
    check_refused(run({"score", log.string(), "--channel-col", "nothere"}), "missing required column 'nothere'");
    check_refused(run({"score", log.string(), "--mutual-col", "nothere"}), "missing required column 'nothere'");
    SECTION("named optional columns that exist are used") {
        const auto renamed = write_file("renamed.csv", "when,who,whom,how,w\n2025-01-01,a,b,email,2\n");
        const auto r = run({"score", renamed.string(), "--time-col", "when", "--source-col", "who", "--target-col",
                            "whom", "--channel-col", "how", "--weight-col", "w", "--format", "csv"});
        REQUIRE(r.status == 0);
        CHECK(r.out.find("a,b,1,") != std::string::npos);  // strength (1-0.5)*2 + 0.5*0 = 1
    }
}

TEST_CASE("suggest caps hubs by default, says so, and counts them with --max-degree 0", "[cli][hardening][network]") {
    // A star: one hub tied to 1500 people, plus one ordinary triangle-free path x-y-z.
    std::string csv = "time,source,target\n";
    for (int i = 0; i < 1500; ++i) csv += fmt::format("2025-01-01,hub,p{}\n", i);
    csv += "2025-01-01,x,y\n2025-01-01,y,z\n";
    const auto star = write_file("star.csv", csv);
    const auto capped = run({"suggest", star.string(), "--format", "csv"});
    REQUIRE(capped.status == 0);
    CHECK(capped.out == "a,b,score,common,via,via_strength\nx,z,0.5,1,y,0.5\n");  // one directed email: 0.5
    CHECK(capped.err.find("skipped 1 common contact with more than 1000 ties") != std::string::npos);
    const auto uncapped = run({"suggest", star.string(), "--format", "csv", "--max-degree", "0", "--top", "3"});
    REQUIRE(uncapped.status == 0);
    CHECK(uncapped.out.find(",hub,") != std::string::npos);
    CHECK(uncapped.err.empty());
}

TEST_CASE("messages for --top 0 and odd half-lives are short and say what is wrong", "[cli][hardening]") {
    const auto top = run({"score", sample, "--top", "0"});
    check_refused(top, "--top");
    CHECK(top.err.find("not in range 1 to") != std::string::npos);
    check_refused(run({"score", sample, "--half-life", "1e400d"}), "too long");
    check_refused(run({"score", sample, "--half-life", "0.0000001s"}), "shorter than 1us");
    CHECK(run({"score", sample, "--half-life", "1e2d", "--top", "1"}).status == 0);
}

TEST_CASE("control characters in names are escaped in table output, kept in CSV", "[cli][hardening]") {
    const auto log = write_file("esc.csv", "time,source,target\n2025-01-01,\"ev\x1b[2Jil\",b\n2025-01-02,b,\"c\xc2\x9b" "1m\"\n");
    for (const auto& sub : std::vector<std::vector<std::string>>{{"score"}, {"stars"}, {"due"}, {"suggest"}}) {
        CAPTURE(sub[0]);
        const auto r = run(with_file(sub, log.string()));
        REQUIRE(r.status == 0);
        CHECK(r.out.find('\x1b') == std::string::npos);
        CHECK(r.out.find("\xc2\x9b") == std::string::npos);
    }
    const auto table = run({"score", log.string()});
    CHECK(table.out.find("ev\\x1b[2Jil") != std::string::npos);
    CHECK(table.out.find("c\\u009b1m") != std::string::npos);
    const auto explain = run({"explain", log.string(), "ev\x1b[2Jil", "b"});
    REQUIRE(explain.status == 0);
    CHECK(explain.out.find('\x1b') == std::string::npos);
    const auto csv = run({"score", log.string(), "--format", "csv"});
    CHECK(csv.out.find("ev\x1b[2Jil") != std::string::npos);
}

TEST_CASE("a config file's bad star thresholds, and a channel given twice, exit 2 naming them", "[cli][hardening]") {
    const std::string email = R"({"name": "email", "weight": 1.0, "half_life_us": 5184000000000})";
    const auto config = [&](const std::string& name, const std::string& rest) {
        return write_file(name, R"({"format": "relscore-config", "version": 1, "reciprocity": 0.5, "channels": [)" +
                                    email + "]" + rest + "}")
            .string();
    };
    const std::string decreasing = config("decreasing.json", R"(, "star_thresholds": [1, 2, 6, 4, 5])");
    check_refused(run({"stars", sample, "--config", decreasing}),
                  "star_thresholds[3] (the strength for 4 stars) is 4: below the one for 3 stars (6)");
    check_refused(run({"stars", sample, "--config", config("four.json", R"(, "star_thresholds": [1, 2, 3, 4])")}),
                  "star_thresholds must be 5 strengths (for 1..5 stars), got 4");
    check_refused(run({"score", sample, "--channel", "email=2", "--channel", "email=3"}),
                  "--channel 'email=3': channel 'email' is given twice");
    CHECK(run({"score", sample, "--channel", "email=2", "--channel", "call=3"}).status == 0);
}

// Review (round 2): a number a double cannot hold escaped as nlohmann's out_of_range, naming
// no file.
TEST_CASE("a config number that overflows a double exits 2 naming the file", "[cli][hardening]") {
    const auto config = write_file("overflow.json", R"({"format": "relscore-config", "version": 1, "reciprocity": 0.5, )"
                                                    R"("channels": [{"name": "email", "weight": 1e400, "half_life_us": 5184000000000}]})");
    const auto r = run({"score", sample, "--config", config.string()});
    check_refused(r, "--config " + config.string() + ": a number does not fit a double");
    CHECK(r.err.find("1e400") != std::string::npos);
}

// Review (round 2): output small enough for stdio's buffer was lost at exit with status 0.
TEST_CASE("a stdout that cannot be written exits 2, however small the output", "[cli][hardening]") {
    if (!fs::exists("/dev/full")) return;  // not Linux
    const auto err = scratch_dir() / "full.err";
    const auto small = write_file("small.csv", "time,source,target\n2026-01-01,a,b\n2026-01-02,b,a\n");
    for (const auto& sub : std::vector<std::vector<std::string>>{{"score", "--format", "csv"}, {"explain", "a", "b"}}) {
        CAPTURE(sub[0]);
        std::string cmd = relscore::test::shell_quote(RELSCORE_CLI_PATH) + " " + sub[0] + " -q " +
                          relscore::test::shell_quote(small.string());
        for (std::size_t i = 1; i < sub.size(); ++i) cmd += " " + relscore::test::shell_quote(sub[i]);
        cmd += " >/dev/full 2>" + relscore::test::shell_quote(err.string()) + " </dev/null";
        const int raw = std::system(cmd.c_str());
        CHECK((WIFEXITED(raw) ? WEXITSTATUS(raw) : -1) == 2);
        CHECK(relscore::test::slurp(err).find("cannot write the output to stdout") != std::string::npos);
    }
}

// Review (round 2): durations and times in options failed naming relscore::parse_duration(),
// not the option; --at was parsed only after the whole log was read.
TEST_CASE("bad durations and times in options name the option, and --at fails before the log is read",
          "[cli][hardening]") {
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {{"--at", "2026-13-01"}, "--at '2026-13-01': "},
        {{"--half-life", "3x"}, "--half-life '3x': "},
        {{"--reply-window", "3x"}, "--reply-window '3x': "},
        {{"--touch-gap", "3x"}, "--touch-gap '3x': "},
        {{"--channel", "coffee=2:3x"}, "--channel 'coffee=2:3x': "},
        {{"--kernel", "email=power:3x:1"}, "--kernel 'email=power:3x:1': "},
        {{"--kernel", "email=window:3x"}, "--kernel 'email=window:3x': "},
    };
    for (const auto& [args, needle] : cases) {
        CAPTURE(needle);
        const auto r = run(with_file({"score"}, sample, args));
        check_refused(r, needle);
        CHECK(r.err.find("invalid") != std::string::npos);
    }
    // A bad --at is reported, not the log's bad row after it.
    const auto bad_log = write_file("bad-row.csv", "time,source,target\n2025-01-01,a,a\n");
    for (const auto& sub : subcommands) {
        CAPTURE(sub[0]);
        check_refused(run(with_file(sub, bad_log.string(), {"--at", "2026-13-01"})), "--at '2026-13-01'");
    }
}

// `score` of `log` from a named pipe and from a file of the same bytes: the file's output
// (checked to hold `expect`), and the pipe's, which must be the same.
static void check_pipe_reads_as_file(const std::string& name, const std::string& log, const std::string& expect) {
    const fs::path fifo = scratch_dir() / (name + ".fifo");
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    const auto file = write_file(name + ".txt", log);
    const auto from_file = run({"score", file.string(), "--format", "csv"});
    REQUIRE(from_file.status == 0);
    REQUIRE(from_file.out.find(expect) != std::string::npos);
    std::thread writer([&] { std::ofstream(fifo) << log; });
    const auto from_pipe = run({"score", fifo.string(), "--format", "csv"});
    writer.join();
    CHECK(from_pipe.status == 0);
    CHECK(from_pipe.err.empty());
    CHECK(from_pipe.out == from_file.out);
}

// Review (round 2): a header with tabs chose tab in a file but not from a pipe.
TEST_CASE("a header with tabs reads as TSV from a pipe too", "[cli][hardening]") {
    check_pipe_reads_as_file("tabs", "time\tsource\ttarget\n2026-01-01\ta\tb\n2026-01-02\tb\ta\n", "");
}

// A quoted header ("time"<tab>"source"...) chose tab in a file but not from a pipe.
TEST_CASE("a quoted header with tabs reads as TSV from a pipe too", "[cli][hardening]") {
    check_pipe_reads_as_file("quoted_tabs",
                             "\"time\"\t\"source\"\t\"target\"\n2026-01-01\t\"a, b\"\tc\n2026-01-02\tc\t\"a, b\"\n", "a, b");
}
