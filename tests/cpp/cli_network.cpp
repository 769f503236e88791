// End-to-end tests of `relscore intro` and `relscore suggest`: golden output on the
// bundled sample, every printed number against the library, and the error cases.

#include "support/catch.hpp"
#include "support/cli_runner.hpp"
#include "support/reference.hpp"

#include <relscore/io/csv.hpp>
#include <relscore/io/event_log.hpp>
#include <relscore/network.hpp>
#include <relscore/relscore.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

using namespace relscore;
namespace fs = std::filesystem;

namespace {

using test::run;
using test::scratch_dir;
using test::run_result;
using test::slurp;
using test::write_file;

std::vector<std::vector<std::string>> read_csv(const std::string& text) {
    std::istringstream in(text);
    io::csv_reader reader(in, "output");
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> row;
    while (reader.next(row)) rows.push_back(row);
    return rows;
}

const std::string sample = std::string(RELSCORE_SOURCE_DIR) + "/examples/data/job_search.csv";

scorer sample_scorer() {
    scorer s;
    (void)io::read_interactions(sample, s.channels(), {}, [&](interaction&& e) { s.add(e); });
    return s;
}

}  // namespace

TEST_CASE("relscore intro prints the golden chains for the sample", "[cli][network][golden]") {
    const auto r = run({"intro", sample, "Sam Rivera", "Grace Liu"});
    CHECK(r.status == 0);
    CHECK(r.err.empty());
    CHECK(r.out == slurp(fs::path(RELSCORE_SOURCE_DIR) / "tests/golden/intro_sam_grace.txt"));
}

TEST_CASE("relscore intro's chains are the library's, with the scorer's strengths", "[cli][network]") {
    const scorer s = sample_scorer();
    for (const std::string at : {"2026-10-27T04:44:49Z", "2027-03-01"}) {
        CAPTURE(at);
        const auto r = run({"intro", sample, "Sam Rivera", "Grace Liu", "--alternatives", "4", "--format", "csv", "--at", at});
        REQUIRE(r.status == 0);
        const auto rows = read_csv(r.out);
        REQUIRE(!rows.empty());
        CHECK(rows[0] == std::vector<std::string>{"path", "hop", "from", "to", "strength", "normalized", "product"});
        const auto want = introductions(s, "Sam Rivera", "Grace Liu", {.paths = 5, .at = parse_time(at)});
        REQUIRE(want.size() == 5);
        std::size_t row = 1;
        for (std::size_t k = 0; k < want.size(); ++k) {
            for (std::size_t h = 0; h < want[k].strengths.size(); ++h, ++row) {
                REQUIRE(row < rows.size());
                const auto& cells = rows[row];
                CHECK(std::stoul(cells[0]) == k + 1);
                CHECK(std::stoul(cells[1]) == h + 1);
                CHECK(cells[2] == s.name(want[k].people[h]));
                CHECK(cells[3] == s.name(want[k].people[h + 1]));
                CHECK(std::stod(cells[4]) == want[k].strengths[h]);  // every digit printed
                CHECK(test::agrees(std::stod(cells[4]), s.between(cells[2], cells[3], parse_time(at)).strength));
                CHECK(std::stod(cells[6]) == want[k].product);
            }
        }
        CHECK(row == rows.size());
    }
}

TEST_CASE("relscore intro --avoid and --format json", "[cli][network]") {
    const auto r = run({"intro", sample, "Sam Rivera", "Grace Liu", "--avoid", "Aisha Rahman", "--format", "json"});
    REQUIRE(r.status == 0);
    const auto doc = nlohmann::ordered_json::parse(r.out);  // keys in the printed order
    CHECK(doc["from"] == "Sam Rivera");
    CHECK(doc["to"] == "Grace Liu");
    // The chains as rows of hops, every described field of a hop (relscore/describe.hpp).
    const auto names = field_names<intro_hop>();
    std::set<std::uint64_t> paths;
    for (const auto& h : doc["hops"]) {
        std::vector<std::string> keys;
        for (const auto& [key, value] : h.items()) keys.push_back(key);
        CHECK(keys == std::vector<std::string>(names.begin(), names.end()));
        CHECK(h["from"] != "Aisha Rahman");
        CHECK(h["to"] != "Aisha Rahman");
        CHECK(h["normalized"].get<double>() == h["strength"].get<double>() / doc["strongest_tie"].get<double>());
        if (h["hop"] == 1) CHECK(h["from"] == "Sam Rivera");
        paths.insert(h["path"].get<std::uint64_t>());
    }
    CHECK(paths == std::set<std::uint64_t>{1, 2, 3});
    for (std::size_t i = 0; i < doc["hops"].size(); ++i) {  // each chain ends at Grace Liu, the next starts at hop 1
        const auto& h = doc["hops"][i];
        const bool last = i + 1 == doc["hops"].size() || doc["hops"][i + 1]["hop"] == 1;
        CHECK((h["to"] == "Grace Liu") == last);
    }
}

TEST_CASE("relscore intro exits 2 on bad input with nothing on stdout, and 1 when no chain exists", "[cli][network][errors]") {
    const auto log = write_file("islands.csv",
                                "time,source,target\n2026-01-01,ana,ben\n2026-01-02,ben,cleo\n2026-01-03,dev,eve\n");
    for (const auto& [args, message] : std::vector<std::pair<std::vector<std::string>, std::string>>{
             {{"intro", log.string(), "ana", "zed"}, "unknown person 'zed'"},
             {{"intro", log.string(), "ana", "ana"}, "'ana' is both ends"},
             {{"intro", log.string(), "ana", "cleo", "--avoid", "cleo"}, "cannot be avoided"},
             {{"intro", log.string(), "ana", "cleo", "--avoid", "zed"}, "unknown person 'zed'"},
             {{"intro", log.string(), "ana", "cleo", "--at", "2025-01-01"}, "earlier than the newest"},
             {{"intro", log.string(), "ana", "cleo", "--alternatives", "-1"}, "--alternatives"},
             {{"intro", log.string(), "ana"}, "to is required"},
             {{"intro", (scratch_dir() / "missing.csv").string(), "ana", "cleo"}, "missing.csv"}}) {
        CAPTURE(args);
        const auto r = run(args);
        CHECK(r.status == 2);
        CHECK(r.out.empty());
        CHECK(r.err.find(message) != std::string::npos);
    }
    const auto none = run({"intro", log.string(), "ana", "eve", "--format", "csv"});
    CHECK(none.status == 1);
    CHECK(none.out == "path,hop,from,to,strength,normalized,product\n");
    CHECK(none.err.find("no chain of ties links 'ana' to 'eve'") != std::string::npos);
    const auto table = run({"intro", log.string(), "ana", "cleo"});
    CHECK(table.status == 0);
    CHECK(table.out.find("ana -[") != std::string::npos);
}

TEST_CASE("relscore suggest prints the library's ranking", "[cli][network]") {
    const scorer s = sample_scorer();
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"suggest", sample, "--format", "csv", "--top", "1000"},
             {"suggest", sample, "--format", "csv", "--top", "5", "--max-degree", "4"},
             {"suggest", sample, "--format", "csv", "--for", "Sam Rivera"}}) {
        CAPTURE(args);
        const auto r = run(args);
        REQUIRE(r.status == 0);
        const auto rows = read_csv(r.out);
        REQUIRE(!rows.empty());
        CHECK(rows[0] == std::vector<std::string>{"a", "b", "score", "common", "via", "via_strength"});
        suggest_options o;
        o.top = args[4] == "--top" ? std::stoul(args[5]) : 10;
        if (args.size() > 6) o.max_intermediary_degree = std::stoul(args[7]);
        const auto want = args[4] == "--for" ? suggest_meetings(s, "Sam Rivera", o) : suggest_meetings(s, o);
        REQUIRE(!want.empty());
        REQUIRE(rows.size() == want.size() + 1);
        for (std::size_t i = 0; i < want.size(); ++i) {
            CHECK(rows[i + 1][0] == s.name(want[i].a));
            CHECK(rows[i + 1][1] == s.name(want[i].b));
            CHECK(std::stod(rows[i + 1][2]) == want[i].score);
            CHECK(std::stoul(rows[i + 1][3]) == want[i].common);
            CHECK(rows[i + 1][4] == s.name(want[i].via));
        }
    }
    // Sam knows everyone in the sample except Grace Liu: she is Sam's only suggestion.
    const auto sam = run({"suggest", sample, "--for", "Sam Rivera", "--format", "json"});
    REQUIRE(sam.status == 0);
    const auto doc = nlohmann::json::parse(sam.out);
    REQUIRE(doc["suggestions"].size() == 1);
    CHECK(doc["suggestions"][0]["b"] == "Grace Liu");
    const auto bad = run({"suggest", sample, "--for", "Nobody"});
    CHECK(bad.status == 2);
    CHECK(bad.out.empty());
    CHECK(bad.err.find("unknown person 'Nobody'") != std::string::npos);
}
