#include "support/catch.hpp"
#include "support/reference.hpp"

#include <relscore/io/csv.hpp>
#include <relscore/io/event_log.hpp>

#include <sstream>

using namespace relscore;
using relscore::test::message_of;

namespace {

std::vector<std::vector<std::string>> read_all(const std::string& text, char delimiter = ',') {
    std::istringstream in(text);
    io::csv_reader reader(in, "t.csv", delimiter);
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> fields;
    while (reader.next(fields)) rows.push_back(fields);
    return rows;
}

std::vector<interaction> read_log(const std::string& text, io::read_options options = {},
                                  io::read_summary* summary = nullptr) {
    std::istringstream in(text);
    std::vector<interaction> out;
    const auto s = io::read_interactions(in, "log.csv", channel_registry::defaults(), options,
                                         [&](interaction&& e) { out.push_back(std::move(e)); });
    if (summary) *summary = s;
    return out;
}

}  // namespace

TEST_CASE("the CSV reader follows RFC 4180", "[csv]") {
    using rows = std::vector<std::vector<std::string>>;
    CHECK(read_all("a,b\n1,2\n") == rows{{"a", "b"}, {"1", "2"}});
    CHECK(read_all("a,b\r\n1,2\r\n") == rows{{"a", "b"}, {"1", "2"}});
    CHECK(read_all("a,b\n1,2") == rows{{"a", "b"}, {"1", "2"}});
    CHECK(read_all("\xEF\xBB\xBF" "a,b\n") == rows{{"a", "b"}});
    CHECK(read_all("\"x, y\",\"say \"\"hi\"\"\"\n") == rows{{"x, y", "say \"hi\""}});
    CHECK(read_all("\"two\nlines\",z\n") == rows{{"two\nlines", "z"}});
    CHECK(read_all("a\tb\n", '\t') == rows{{"a", "b"}});
    CHECK(read_all(",\n") == rows{{"", ""}});
    CHECK(read_all("Zoë,李\n") == rows{{"Zoë", "李"}});
}

TEST_CASE("malformed CSV is refused with line and column", "[csv][errors]") {
    CHECK(message_of<parse_error>([] { read_all("a,b\n1,\"open\n"); }).find("unterminated quoted field") !=
          std::string::npos);
    CHECK(message_of<parse_error>([] { read_all("a,b\n1,x\"y\n"); }).find("t.csv:2:2: quote inside") !=
          std::string::npos);
    CHECK(message_of<parse_error>([] { read_all("a,b\n\"q\"x,1\n"); }).find("t.csv:2:1: unexpected character 'x'") !=
          std::string::npos);
    CHECK(message_of<parse_error>([] { read_all(std::string("a,b\n1,\0\n", 7)); }).find("NUL byte") !=
          std::string::npos);
    // Review: a 20 MB line of commas became 20 million fields (1.2 GB) before any check.
    const std::size_t most = io::csv_reader::max_fields;
    CHECK(read_all("a\n" + std::string(most - 1, ',') + "\n")[1].size() == most);
    CHECK(message_of<parse_error>([&] { read_all("a\n" + std::string(most, ',') + "\n"); })
              .find("t.csv:2:4097: more than 4096 fields in a row") != std::string::npos);
    CHECK(message_of<parse_error>([&] { read_all("a\n" + std::string(2'000'000, ',')); })
              .find("t.csv:2:4097: more than 4096 fields") != std::string::npos);
}

TEST_CASE("event logs read with optional columns", "[csv][log]") {
    const auto log = read_log(
        "time,source,target,channel,weight,mutual\n"
        "2026-01-01T10:00:00Z,ana,ben,email,,\n"
        "1767261600,ben,ana,meeting,2.5,true\n"
        "2026-01-02,\"Carr, Dee\",ana,,,no\n");
    REQUIRE(log.size() == 3);
    CHECK(log[0].channel == "email");
    CHECK(!log[0].weight);
    CHECK(log[1].mutual);
    CHECK(*log[1].weight == 2.5);
    CHECK(log[2].source == "Carr, Dee");
    CHECK(log[2].channel == "contact");

    const auto minimal = read_log("source,target,time\na,b,2026-01-01\n");
    REQUIRE(minimal.size() == 1);
    CHECK(minimal[0].channel == "contact");

    const auto tsv = read_log("time\tsource\ttarget\n2026-01-01\ta\tb\n");
    CHECK(tsv.size() == 1);
}

TEST_CASE("every bad row names file, line, column and value", "[csv][log][errors]") {
    const std::string header = "time,source,target,channel,weight\n";
    const auto error_for = [&](const std::string& row) {
        return message_of<parse_error>([&] { read_log(header + "2026-01-01,a,b,email,1\n" + row); });
    };
    CHECK(error_for("2026-99-01,a,b,email,1\n").find("log.csv:3:1: column 'time': invalid time '2026-99-01'") !=
          std::string::npos);
    CHECK(error_for("2026-01-01,,b,email,1\n").find("log.csv:3:2: column 'source': empty person id") !=
          std::string::npos);
    CHECK(error_for("2026-01-01,a,a,email,1\n").find("log.csv:3:3: column 'target': self-interaction") !=
          std::string::npos);
    CHECK(error_for("2026-01-01,a,b,fax,1\n").find("log.csv:3:4: column 'channel': unknown channel 'fax'") !=
          std::string::npos);
    CHECK(error_for("2026-01-01,a,b,email,nan\n").find("log.csv:3:5: column 'weight': weight must be finite") !=
          std::string::npos);
    CHECK(error_for("2026-01-01,a,b,email,-3\n").find("column 'weight': weight must be finite, >= 0 and <= 1e+15 (relscore::max_weight), got '-3'") !=
          std::string::npos);
    CHECK(error_for("2026-01-01,a,b,email,heavy\n").find("invalid weight 'heavy'") != std::string::npos);
    CHECK(error_for("2026-01-01,a,b\n").find("log.csv:3: ragged row: 3 fields where the header has 5") !=
          std::string::npos);
    CHECK(message_of<parse_error>([] { read_log("when,source,target\n"); }).find("missing required column 'time'") !=
          std::string::npos);

    SECTION("skip_invalid counts and keeps the first errors") {
        io::read_options options;
        options.skip_invalid = true;
        io::read_summary summary;
        const auto log = read_log(header + "2026-01-01,a,b,email,1\nbad,a,b,email,1\n2026-01-02,a,b,email,-1\n"
                                           "2026-01-03,b,a,call,\n",
                                  options, &summary);
        CHECK(log.size() == 2);
        CHECK(summary.rows == 4);
        CHECK(summary.skipped == 2);
        REQUIRE(summary.errors.size() == 2);
        CHECK(summary.errors[0].line() == 3);
        CHECK(summary.errors[0].field() == "time");
        CHECK(summary.errors[1].column() == 5);
    }
}
