// End-to-end tests of the `relscore` command-line tool: golden output on the bundled
// sample, numbers against the brute-force reference, and every bad-input case.

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

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace relscore;
namespace fs = std::filesystem;

namespace {

using test::run;
using test::scratch_dir;
using test::run_result;
using test::slurp;
using test::write_file;

const std::string sample = std::string(RELSCORE_SOURCE_DIR) + "/examples/data/job_search.csv";

}  // namespace

TEST_CASE("relscore score, stars, explain and due print the golden tables for the sample", "[cli][golden]") {
    for (const auto& [golden, args] : std::vector<std::pair<std::string, std::vector<std::string>>>{
             {"score_sam.txt", {"score", sample, "--for", "Sam Rivera", "--top", "12"}},
             {"score_all_top10.txt", {"score", sample, "--top", "10"}},
             // The commands of `make demo`, whose output the README shows (tests/python/test_readme.py).
             {"stars_sam.txt", {"stars", sample, "--for", "Sam Rivera", "--top", "12"}},
             {"explain_sam_daniel.txt", {"explain", sample, "Sam Rivera", "Daniel Okafor", "--receipts", "3"}},
             {"due_sam.txt", {"due", sample, "--for", "Sam Rivera", "--top", "6"}}}) {
        CAPTURE(golden);
        const auto r = run(args);
        CHECK(r.status == 0);
        CHECK(r.err.empty());
        CHECK(r.out == slurp(fs::path(RELSCORE_SOURCE_DIR) / "tests/golden" / golden));
    }
}

TEST_CASE("relscore score's numbers match the formulas", "[cli][reference]") {
    // Read the sample ourselves, then compare every printed row with the reference sums.
    std::vector<interaction> log;
    (void)io::read_interactions(sample, channel_registry::defaults(), {}, [&](interaction&& e) { log.push_back(e); });
    const std::string at = "2026-11-15T12:00:00Z";
    for (const std::string rho : {"0", "0.5", "1"}) {
        const auto r = run({"score", sample, "--format", "csv", "--at", at, "--reciprocity", rho});
        REQUIRE(r.status == 0);
        std::istringstream in(r.out);
        io::csv_reader reader(in, "output");
        std::vector<std::string> row;
        REQUIRE(reader.next(row));
        // Issue 15: every field of a relationship's description, first_interaction and
        // touches appended after the columns printed before.
        CHECK(row == std::vector<std::string>{"a", "b", "strength", "volume_ab", "volume_ba", "reciprocity",
                                              "last_interaction", "interactions", "first_interaction", "touches"});
        std::size_t rows = 0;
        double previous = 1e300;
        while (reader.next(row)) {
            ++rows;
            const auto ref = test::reference_between(log, channel_registry::defaults(), row[0], row[1], parse_time(at));
            const double strength = std::stod(row[2]);
            CHECK(test::agrees(strength, test::reference_strength(ref.ab, ref.ba, std::stod(rho)), 1e-9));
            CHECK(test::agrees(std::stod(row[3]), ref.ab, 1e-9));
            CHECK(test::agrees(std::stod(row[4]), ref.ba, 1e-9));
            CHECK(row[6] == format_time(from_micros(ref.last_us)));
            CHECK(std::stoul(row[7]) == ref.interactions);
            CHECK(strength <= previous);  // strongest first
            previous = strength;
        }
        CHECK(rows > 30);
    }
}

TEST_CASE("relscore score writes JSON and honours channel options", "[cli]") {
    const auto log = write_file("chan.csv", "time,source,target,channel\n2026-01-01,a,b,coffee\n2026-01-02,b,a,email\n");
    const auto r = run({"score", log.string(), "--format", "json", "--channel", "coffee=2.5:30d", "--half-life", "1d",
                        "--at", "2026-01-03"});
    REQUIRE(r.status == 0);
    const auto doc = nlohmann::json::parse(r.out);
    CHECK(doc["at"] == "2026-01-03T00:00:00Z");
    REQUIRE(doc["relationships"].size() == 1);
    const auto& row = doc["relationships"][0];
    // a→b: coffee, 2.5 decayed over 2 days at its own 30-day half-life; b→a: email, 1
    // decayed over 1 day at the --half-life of 1 day.
    CHECK(test::agrees(row["volume_ab"].get<double>(), 2.5L * std::exp2l(-2.0L / 30)));
    CHECK(row["volume_ba"].get<double>() == 0.5);
    CHECK(row["last_interaction"] == "2026-01-02T00:00:00Z");
    CHECK(row["interactions"] == 2);
}

TEST_CASE("relscore --threads: the same output with any number; a bad count is refused", "[cli][threads]") {
    // 150,000 rows, so that two threads each take at least 65,536 of them.
    std::string text = "time,source,target,channel\n";
    std::uint64_t state = 7;
    for (int i = 0; i < 150'000; ++i) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        const auto a = (state >> 33) % 2000, b = (a + 1 + (state >> 13) % 1999) % 2000;
        text += fmt::format("{},p{},p{},{}\n", 1'600'000'000 + i * 37 - static_cast<int>((state >> 50) % 3) * 900, a, b,
                            (state >> 40) % 2 ? "email" : "call");
    }
    const auto log = write_file("threads.csv", text);
    const auto one = run({"score", log.string(), "--format", "csv", "--top", "50"});
    const auto two = run({"score", log.string(), "--format", "csv", "--top", "50", "--threads", "2"});
    REQUIRE(one.status == 0);
    CHECK(two.status == 0);
    CHECK(two.out == one.out);
    const auto bad = run({"score", log.string(), "--threads", "-1"});
    CHECK(bad.status != 0);
    CHECK(bad.out.empty());
    CHECK(bad.err.find("--threads") != std::string::npos);
}

TEST_CASE("bad input stops relscore score with a clear error and exit status 2", "[cli][errors]") {
    const std::string header = "time,source,target,channel,weight\n", good = "2026-01-01T09:00:00Z,a,b,email,1\n";
    struct bad_case {
        std::string name, content, expected;
    };
    const std::vector<bad_case> cases = {
        {"bad_time.csv", header + good + "2026-02-30T09:00:00Z,a,b,email,1\n",
         "bad_time.csv:3:1: column 'time': invalid time '2026-02-30T09:00:00Z'"},
        {"missing_column.csv", "time,source,channel\n2026-01-01,a,email\n", "missing required column 'target'"},
        {"nan_weight.csv", header + good + "2026-01-02,a,b,email,NaN\n",
         "nan_weight.csv:3:5: column 'weight': weight must be finite, >= 0 and <= 1e+15 (relscore::max_weight), got 'NaN'"},
        {"negative_weight.csv", header + good + "2026-01-02,a,b,email,-0.5\n",
         "negative_weight.csv:3:5: column 'weight': weight must be finite, >= 0 and <= 1e+15 (relscore::max_weight), got '-0.5'"},
        {"empty_id.csv", header + good + "2026-01-02,,b,email,1\n", "empty_id.csv:3:2: column 'source': empty person id"},
        {"self.csv", header + good + "2026-01-02,b,b,email,1\n",
         "self.csv:3:3: column 'target': self-interaction: source and target are both 'b'"},
        {"ragged.csv", header + good + "2026-01-02,a,b,email\n", "ragged.csv:3: ragged row: 4 fields where the header has 5"},
        {"channel.csv", header + good + "2026-01-02,a,b,pigeon,1\n", "channel.csv:3:4: column 'channel': unknown channel 'pigeon'"},
        {"quote.csv", header + good + "2026-01-02,\"a,b,email,1\n", "unterminated quoted field"},
        {"empty.csv", "", "empty file"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.name);
        const auto path = write_file(c.name, c.content);
        const auto r = run({"score", path.string()});
        CHECK(r.status == 2);
        CHECK(r.out.empty());  // no partial results
        CHECK(r.err.find(c.expected) != std::string::npos);
    }
    SECTION("a missing file, a bad --at and bad options") {
        CHECK(run({"score", (scratch_dir() / "nope.csv").string()}).status == 2);
        const auto early = run({"score", sample, "--at", "2020-01-01"});
        CHECK(early.status == 2);
        CHECK(early.err.find("earlier than the newest interaction") != std::string::npos);
        CHECK(run({"score", sample, "--reciprocity", "1.5"}).status == 2);
        CHECK(run({"score", sample, "--half-life", "soon"}).status == 2);
        const auto who = run({"score", sample, "--for", "Nobody"});
        CHECK(who.status == 2);
        CHECK(who.err.find("unknown person 'Nobody'") != std::string::npos);
    }
    SECTION("--skip-invalid continues and reports") {
        const auto path = write_file("mixed.csv", header + good + "bad,a,b,email,1\n2026-01-03,b,a,email,-1\n" +
                                                      "2026-01-04,b,a,call,\n");
        const auto r = run({"score", path.string(), "--skip-invalid", "--format", "csv"});
        CHECK(r.status == 0);
        CHECK(r.err.find("skipped 2 of 4 rows") != std::string::npos);
        CHECK(r.err.find("mixed.csv:3:1") != std::string::npos);
        CHECK(r.out.find("a,b,") != std::string::npos);
    }
}

// ---- stars, due, explain --------------------------------------------------------------

namespace {
scorer sample_scorer(bool retain = false) {
    scorer_config config;
    config.insight.retain_events = retain;
    scorer s(config);
    (void)io::read_interactions(sample, s.channels(), {}, [&](interaction&& e) { s.add(e); });
    return s;
}
}  // namespace

TEST_CASE("relscore stars and due agree with the library on the sample", "[cli][insight]") {
    const scorer s = sample_scorer();
    const auto stars_run = run({"stars", sample, "--for", "Sam Rivera", "--format", "json"});
    REQUIRE(stars_run.status == 0);
    const auto doc = nlohmann::json::parse(stars_run.out);
    const auto expected = s.top("Sam Rivera", s.relationships());
    REQUIRE(doc["relationships"].size() == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        CHECK(doc["relationships"][i]["b"] == s.name(expected[i].b));
        CHECK(doc["relationships"][i]["stars"] == stars(expected[i]));
        CHECK(doc["relationships"][i]["strength"].get<double>() == expected[i].strength);
    }
    const auto due_run = run({"due", sample, "--for", "Sam Rivera", "--top", "5", "--format", "json"});
    REQUIRE(due_run.status == 0);
    const auto due = nlohmann::json::parse(due_run.out)["due"];
    const auto want = s.due("Sam Rivera", 5);
    REQUIRE(due.size() == want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
        CHECK(due[i]["b"] == s.name(want[i].b));
        CHECK(due[i]["priority"].get<double>() == want[i].priority);
    }
    // The story: Jordan drifted and is the most overdue of Sam's ties worth keeping.
    CHECK(due[0]["b"] == "Jordan Kim");
    CHECK(due[0]["trend"] == "cooling");
}

TEST_CASE("relscore explain: parts and receipts add up, replies tell the persistence story", "[cli][insight]") {
    const auto r = run({"explain", sample, "Sam Rivera", "Daniel Okafor", "--receipts", "1000", "--format", "json"});
    REQUIRE(r.status == 0);
    const auto doc = nlohmann::json::parse(r.out);
    double parts = 0, receipts = 0;
    for (const auto& p : doc["parts"]) parts += p["contribution"].get<double>();
    for (const auto& p : doc["receipts"]) receipts += p["contribution"].get<double>();
    const double strength = doc["strength"].get<double>();
    CHECK(test::agrees(parts, strength, 1e-12));
    CHECK(test::agrees(receipts, strength, 1e-9));
    CHECK(doc["receipts"].size() == doc["interactions"].get<std::size_t>());
    CHECK(doc["replies"]["a_to_b"]["attempts_before_first_answer"] == 5);  // five emails before Daniel answered
    const scorer s = sample_scorer(true);
    CHECK(strength == s.between("Sam Rivera", "Daniel Okafor").strength);

    const auto table = run({"explain", sample, "Sam Rivera", "Daniel Okafor"});
    REQUIRE(table.status == 0);
    CHECK(table.out.find("where the strength comes from") != std::string::npos);
    CHECK(table.out.find("the 10 interactions that count most now (of 20)") != std::string::npos);
}

TEST_CASE("relscore stars --calibrate fits a user's ratings and reports the agreement", "[cli][insight]") {
    const scorer s = sample_scorer();
    // A strict rater: one star fewer than the defaults for everyone (never below 0).
    std::string ratings = "a,b,stars\n";
    for (const auto& r : s.top("Sam Rivera", 40))
        ratings += fmt::format("Sam Rivera,{},{}\n", s.name(r.b), std::max(0, stars(r) - 1));
    const fs::path file = write_file("ratings.csv", ratings);
    const auto fit = run({"stars", sample, "--for", "Sam Rivera", "--calibrate", file.string(), "--format", "csv"});
    REQUIRE(fit.status == 0);
    CHECK(fit.err.find("calibrated on") != std::string::npos);
    CHECK(fit.err.find("-> 100%") != std::string::npos);

    const auto bad = run({"stars", sample, "--calibrate", write_file("bad.csv", "a,b,stars\nSam Rivera,Priya Shah,7\n").string()});
    CHECK(bad.status == 2);
    CHECK(bad.out.empty());
    CHECK(bad.err.find("bad.csv:2:3: column 'stars': '7' is not a whole number 0..5") != std::string::npos);
    const auto unknown = run({"stars", sample, "--calibrate", write_file("who.csv", "a,b,stars\nSam Rivera,Nobody,3\n").string()});
    CHECK(unknown.status == 2);
    CHECK(unknown.err.find("who.csv:2: unknown person 'Nobody'") != std::string::npos);
}

TEST_CASE("stars, due and explain refuse bad arguments with exit status 2 and nothing on stdout", "[cli][insight][errors]") {
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"explain", sample, "Sam Rivera", "Nobody"},
             {"due", sample, "--for", "Nobody"},
             {"due", sample, "--at", "2020-01-01"},
             {"explain", sample, "Sam Rivera", "Priya Shah", "--format", "csv"},
             {"stars", sample, "--reply-window", "soon"}}) {
        const auto r = run(args);
        INFO(args[0] << " " << args.back());
        CHECK(r.status == 2);
        CHECK(r.out.empty());
        CHECK(r.err.find("relscore: error: ") != std::string::npos);
    }
}

TEST_CASE("relscore --kernel sets power-law and window kernels as the library does", "[cli][kernels]") {
    const auto r = run({"score", sample, "--kernel", "message=power:2d:1.2", "--kernel", "meeting=window:30d", "--format", "json"});
    REQUIRE(r.status == 0);
    scorer_config config;
    channel msg = config.channels[config.channels.id("message")];
    msg.kernel = decay_kernel::power_law(std::chrono::days{2}, 1.2);
    config.channels.define(msg);
    channel meeting = config.channels[config.channels.id("meeting")];
    meeting.kernel = decay_kernel::window(std::chrono::days{30});
    config.channels.define(meeting);
    scorer s(config);
    (void)io::read_interactions(sample, s.channels(), {}, [&](interaction&& e) { s.add(e); });
    const auto doc = nlohmann::json::parse(r.out);
    for (const auto& row : doc["relationships"])
        CHECK(test::agrees(row["strength"].get<double>(),  // score lists use table(): vectorized decay
                           s.between(row["a"].get<std::string>(), row["b"].get<std::string>()).strength, 1e-13));
    for (const auto& bad : {"message=power:2d", "nochannel=window:3d", "message=window:0s", "message"}) {
        const auto e = run({"score", sample, "--kernel", bad});
        CHECK(e.status == 2);
        CHECK(e.out.empty());
        CHECK(e.err.find(fmt::format("--kernel '{}'", bad)) != std::string::npos);
    }
}

namespace {

// The CSV/JSON name of each described field of `T` (durations in days: `<name>_days`).
template <typename T>
std::vector<std::string> described_columns() {
    std::vector<std::string> out;
    for_each_field<T>([&](const auto& f) {
        out.push_back(std::string(f.name) + (f.kind == field_kind::interval ? "_days" : ""));
    });
    return out;
}

std::vector<std::string> keys_of(const nlohmann::ordered_json& object) {
    std::vector<std::string> out;
    for (const auto& [key, value] : object.items()) out.push_back(key);
    return out;
}

}  // namespace

// The field-order test of issue 15: a field added to a described C++ result and missing
// from the CLI's CSV header or JSON keys (or out of order) fails here.
TEST_CASE("relscore prints every described field of a result, in description order", "[cli][describe]") {
    SECTION("score: a relationship's CSV header and JSON keys") {
        const auto csv = run({"score", sample, "--top", "3", "--format", "csv"});
        REQUIRE(csv.status == 0);
        const std::string header = csv.out.substr(0, csv.out.find('\n'));
        std::vector<std::string> names;
        for (std::size_t start = 0;;) {
            const auto comma = header.find(',', start);
            names.push_back(header.substr(start, comma - start));
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
        CHECK(names == described_columns<relationship>());
        const auto json = run({"score", sample, "--top", "3", "--format", "json"});
        REQUIRE(json.status == 0);
        const auto doc = nlohmann::ordered_json::parse(json.out);
        REQUIRE(!doc["relationships"].empty());
        for (const auto& row : doc["relationships"]) CHECK(keys_of(row) == described_columns<relationship>());
    }
    SECTION("suggest: a meeting suggestion's CSV header and JSON keys") {
        const auto csv = run({"suggest", sample, "--for", "Sam Rivera", "--format", "csv"});
        REQUIRE(csv.status == 0);
        const std::string header = csv.out.substr(0, csv.out.find('\n'));
        std::string want;
        for (const auto& name : described_columns<meeting_suggestion>()) want += (want.empty() ? "" : ",") + name;
        CHECK(header == want);
        const auto json = run({"suggest", sample, "--for", "Sam Rivera", "--format", "json"});
        REQUIRE(json.status == 0);
        const auto doc = nlohmann::ordered_json::parse(json.out);
        REQUIRE(!doc["suggestions"].empty());
        for (const auto& row : doc["suggestions"]) CHECK(keys_of(row) == described_columns<meeting_suggestion>());
    }
    SECTION("explain: reply statistics and the trend in JSON") {
        const auto json = run({"explain", sample, "Sam Rivera", "Daniel Okafor", "--format", "json"});
        REQUIRE(json.status == 0);
        const auto doc = nlohmann::ordered_json::parse(json.out);
        CHECK(keys_of(doc["replies"]["a_to_b"]) == described_columns<reply_stats>());
        CHECK(keys_of(doc["replies"]["b_to_a"]) == described_columns<reply_stats>());
        CHECK(keys_of(doc["trend"]) == described_columns<trend>());
    }
    SECTION("explain: the rhythm, the parts and the receipts in JSON") {
        const auto json = run({"explain", sample, "Sam Rivera", "Daniel Okafor", "--receipts", "1000", "--format", "json"});
        REQUIRE(json.status == 0);
        const auto doc = nlohmann::ordered_json::parse(json.out);
        CHECK(keys_of(doc["rhythm"]) == described_columns<rhythm>());
        REQUIRE(!doc["parts"].empty());
        for (const auto& row : doc["parts"]) CHECK(keys_of(row) == described_columns<strength_part>());
        REQUIRE(!doc["receipts"].empty());
        for (const auto& row : doc["receipts"]) {
            CHECK(keys_of(row) == described_columns<receipt>());
            // who sent it is `source` (null for a mutual interaction, as `from` was)
            CHECK(row["source"].is_null() == row["mutual"].get<bool>());
        }
        for (const auto& row : doc["parts"]) CHECK((row["source"] == "Sam Rivera" || row["source"] == "Daniel Okafor"));
        CHECK(doc["rhythm"]["last_interaction"].is_string());
    }
    SECTION("due: a due item's CSV header and JSON keys, then the derived stars and trend") {
        std::vector<std::string> want = described_columns<due_item>();
        want.insert(want.end(), {"stars", "trend"});
        const auto csv = run({"due", sample, "--for", "Sam Rivera", "--top", "3", "--format", "csv"});
        REQUIRE(csv.status == 0);
        std::string header;
        for (const auto& name : want) header += (header.empty() ? "" : ",") + name;
        CHECK(csv.out.substr(0, csv.out.find('\n')) == header);
        const auto json = run({"due", sample, "--for", "Sam Rivera", "--top", "3", "--format", "json"});
        REQUIRE(json.status == 0);
        const auto doc = nlohmann::ordered_json::parse(json.out);
        REQUIRE(!doc["due"].empty());
        for (const auto& row : doc["due"]) CHECK(keys_of(row) == want);
        const auto table = run({"due", sample, "--for", "Sam Rivera", "--top", "3"});
        REQUIRE(table.status == 0);
        std::vector<std::string> words;
        std::istringstream first(table.out.substr(0, table.out.find('\n')));
        for (std::string w; first >> w;) words.push_back(w);
        // The table is a compact view: some described fields, in description order, with
        // times as dates (CSV and JSON above keep every field, times in full).
        const std::vector<std::string> view{"a", "b", "priority", "last_interaction", "typical_gap", "due", "overdue"};
        std::size_t found = 0;
        for_each_field<due_item>([&](const auto& f) { found += found < view.size() && f.name == view[found]; });
        CHECK(found == view.size());
        std::vector<std::string> names = view;
        names.insert(names.end(), {"stars", "trend"});
        CHECK(words == names);
        CHECK(table.out.find(':') == std::string::npos);  // no time of day
        CHECK(csv.out.find("T01:40:53Z") != std::string::npos);
    }
}
