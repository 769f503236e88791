#include "support/catch.hpp"
#include "support/random_log.hpp"
#include "support/reference.hpp"
#include "support/same_answers.hpp"

#include <relscore/relscore.hpp>

using namespace relscore;
using relscore::test::message_of;

TEST_CASE("bulk columns give the same scorer as one-by-one ingest", "[columns]") {
    const auto log = test::random_log(21, {.people = 12, .interactions = 2000});
    scorer one_by_one;  // a batch is applied in time order, whatever its row order
    for (const auto& e : test::in_time_order(log, channel_registry::defaults())) one_by_one.add(e);

    std::vector<std::string> people, channels;
    std::vector<std::int64_t> t, src, dst, ch;
    std::vector<double> w;
    std::vector<std::uint8_t> mutual;
    const auto code = [](std::vector<std::string>& table, const std::string& v) {
        auto it = std::find(table.begin(), table.end(), v);
        if (it == table.end()) it = table.insert(table.end(), v);
        return static_cast<std::int64_t>(it - table.begin());
    };
    const auto& defaults = channel_registry::defaults();
    for (const auto& e : log) {
        t.push_back(to_micros(e.time));
        src.push_back(code(people, e.source));
        dst.push_back(code(people, e.target));
        ch.push_back(code(channels, e.channel));
        w.push_back(e.weight ? *e.weight : defaults[defaults.id(e.channel)].weight);
        mutual.push_back(e.mutual);
    }
    scorer bulk;
    bulk.add_columns({t, src, dst, people, ch, channels, "contact", w, mutual});
    test::check_same_answers(one_by_one, bulk);
}

TEST_CASE("bad columns are refused before any change", "[columns][errors]") {
    scorer s;
    s.add({parse_time("2026-01-01"), "a", "b", "email"});
    const std::string before = s.to_bytes();
    const std::vector<std::int64_t> t = {to_micros(parse_time("2026-01-02")), to_micros(parse_time("2026-01-03"))};
    const std::vector<std::int64_t> src = {0, 1}, dst = {1, 2}, same = {1, 1}, short_col = {0};
    const std::vector<std::string> people = {"a", "b", "c"}, bad_channel = {"pigeon"};
    const std::vector<double> bad_w = {1.0, -1.0};
    CHECK(message_of<invalid_argument_error>([&] { s.add_columns({t, src, short_col, people}); })
              .find("length mismatch: time has 2 rows, target has 1") != std::string::npos);
    CHECK(message_of<invalid_argument_error>([&] { s.add_columns({t, src, same, people}); })
              .find("row 1: self-interaction") != std::string::npos);
    CHECK(message_of<invalid_argument_error>([&] { s.add_columns({t, same, same, people}); })
              .find("row 0: self-interaction (source and target are both 'b')") != std::string::npos);
    CHECK(message_of<invalid_argument_error>([&] {
              s.add_columns({.time_us = t, .source = src, .target = dst, .people = people, .weight = bad_w});
          }).find("row 1: weight must be finite, >= 0") != std::string::npos);
    const std::vector<std::int64_t> ch = {0, 0};
    CHECK(message_of<invalid_argument_error>([&] { s.add_columns({t, src, dst, people, ch, bad_channel}); })
              .find("unknown channel 'pigeon'") != std::string::npos);
    const std::vector<std::int64_t> big = {1, 7};
    CHECK(message_of<invalid_argument_error>([&] { s.add_columns({t, src, big, people}); })
              .find("row 1: target id 7 out of range") != std::string::npos);
    CHECK(s.to_bytes() == before);
}
