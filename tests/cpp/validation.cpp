// Ingest never half-applies: every kind of bad input to add(), add_batch(), add_columns()
// and io::ingest() is refused with an error naming the field and the row (file, line and
// column for logs), and the scorer afterwards equals the scorer before, byte for byte.

#include "support/catch.hpp"
#include "support/random_log.hpp"
#include "support/reference.hpp"

#include <relscore/io/config_file.hpp>
#include <relscore/io/ingest.hpp>
#include <relscore/relscore.hpp>

#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

using namespace relscore;
using relscore::test::message_of;

namespace {

scorer seeded_scorer(scorer_config config = {}) {
    scorer s(std::move(config));
    for (const auto& e : test::random_log(7, {.people = 6, .interactions = 200})) s.add(e);
    return s;
}

const timestamp t0 = parse_time("2026-03-01T12:00:00Z");

// Runs `f` on `s`, which must throw Error whose message contains every one of `parts`,
// and leave `s` byte-identical.
template <typename Error = invalid_argument_error, typename F>
void refused(scorer& s, F&& f, std::initializer_list<const char*> parts) {
    const std::string before = s.to_bytes();
    const std::string msg = message_of<Error>([&] { f(s); });
    INFO(msg);
    REQUIRE(!msg.empty());
    for (const char* p : parts) CHECK(msg.find(p) != std::string::npos);
    CHECK(s.to_bytes() == before);
}

const double not_a_number = std::numeric_limits<double>::quiet_NaN();
const double infinity = std::numeric_limits<double>::infinity();

}  // namespace

TEST_CASE("a bad interaction anywhere in a batch changes nothing", "[validation]") {
    scorer s = seeded_scorer();
    // A good prefix, then one bad interaction at index 3: nothing of the prefix is applied.
    const auto batch_with = [](interaction bad) {
        std::vector<interaction> batch;
        for (int i = 0; i < 3; ++i) batch.push_back({t0, "new-a", "new-b", "email"});
        batch.push_back(std::move(bad));
        batch.push_back({t0, "new-c", "new-d", "email"});
        return batch;
    };
    struct bad_case {
        interaction e;
        const char* what;
    };
    const std::string too_long(scorer::max_name_bytes + 1, 'x');
    const std::vector<bad_case> cases = {
        {{t0, "a", "b", "email", not_a_number}, "weight must be finite, >= 0 and <= 1e+15 (relscore::max_weight), got nan"},
        {{t0, "a", "b", "email", infinity}, "weight must be finite, >= 0 and <= 1e+15 (relscore::max_weight), got inf"},
        {{t0, "a", "b", "email", -0.5}, "weight must be finite, >= 0 and <= 1e+15 (relscore::max_weight), got -0.5"},
        {{from_micros(scorer::max_time_us + 1), "a", "b", "email"}, "is outside years 1400..9999"},
        {{from_micros(scorer::min_time_us - 1), "a", "b", "email"}, "is outside years 1400..9999"},
        {{t0, "", "b", "email"}, "empty person id"},
        {{t0, "a", "", "email"}, "empty person id"},
        {{t0, "ana", "ana", "email"}, "self-interaction ('ana')"},
        {{t0, "a", "b", "carrier pigeon"}, "unknown channel 'carrier pigeon' (known: message, email"},
        {{t0, too_long, "b", "email"}, "person id longer than 4096 bytes"},
        {{t0, "a", "b\xff", "email"}, "person id is not valid UTF-8 (byte 1)"},
        {{t0, "caf\xc3", "b", "email"}, "not valid UTF-8 (byte 3)"},          // truncated sequence
        {{t0, "\xc0\xaf", "b", "email"}, "not valid UTF-8 (byte 0)"},         // overlong '/'
        {{t0, "\xed\xa0\x80", "b", "email"}, "not valid UTF-8 (byte 0)"},     // a surrogate
        {{t0, "\xf4\x90\x80\x80", "b", "email"}, "not valid UTF-8 (byte 0)"}, // above U+10FFFF
        // U+0000 is valid UTF-8, but C strings would cut "ann\0smith" to "ann" (two people, one name).
        {{t0, std::string("ann\0smith", 9), "b", "email"}, "person id contains a NUL character (U+0000) at byte 3"},
        {{t0, "a", std::string("em\0ail", 6), "email"}, "person id contains a NUL character (U+0000) at byte 2"},
        {{t0, "a", "b", std::string("em\0ail", 6)}, "channel name contains a NUL character (U+0000) at byte 2"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.what);
        refused(s, [&](scorer& x) { x.add(c.e); }, {"relscore::scorer::add()", c.what});
        const auto batch = batch_with(c.e);
        refused(s, [&](scorer& x) { x.add_batch(batch); }, {"add_batch(): interaction #3", c.what});
    }
    // Valid UTF-8 of every length is fine.
    s.add({t0, "José Álvarez", "王小明", "email"});
    s.add({t0, "😀 emoji", "\xf4\x8f\xbf\xbf", "email"});  // U+10FFFF, the last code point
}

// add() checks U+0000 only where a name makes a new person: both names before either is made.
TEST_CASE("a bad second name leaves the new first one unmade", "[validation]") {
    scorer_config config;
    config.register_unknown_channels = channel{"", 1.0, std::chrono::days{30}};
    scorer s = seeded_scorer(config);
    const std::size_t people = s.people();
    const std::string bad("b\0b", 3);
    refused(s, [&](scorer& x) { x.add({t0, "new-first", bad, "email"}); },
            {"relscore::scorer::add()", "person id contains a NUL character (U+0000) at byte 1"});
    refused(s, [&](scorer& x) { x.add({t0, "new-first", bad, "new-channel"}); }, {"NUL character (U+0000) at byte 1"});
    CHECK(!s.find_person("new-first"));
    CHECK(!s.channels().find("new-channel"));
    CHECK(s.people() == people);
    // A known first name with a bad new second one, and the other way round.
    const std::string known = s.name(0);
    refused(s, [&](scorer& x) { x.add({t0, known, bad, "email"}); }, {"at byte 1"});
    refused(s, [&](scorer& x) { x.add({t0, bad, known, "email"}); }, {"at byte 1"});
    CHECK(s.people() == people);
    // Known people are not checked again, and new good names still come in.
    s.add({t0, known, s.name(1), "email"});
    s.add({t0, "new-first", "new-second", "email"});
    CHECK(s.people() == people + 2);
}

TEST_CASE("dense-id ingest validates the same way", "[validation]") {
    scorer s = seeded_scorer();
    std::vector<dense_interaction> batch(4, dense_interaction{t0, 100, 101, 1});
    batch[2].weight = not_a_number;
    refused(s, [&](scorer& x) { x.add_batch(batch); }, {"interaction #2", "weight must be finite"});
    batch[2] = {t0, 5, 5, 1};
    refused(s, [&](scorer& x) { x.add_batch(batch); }, {"interaction #2", "self-interaction"});
    batch[2] = {t0, 5, 6, 99};
    refused(s, [&](scorer& x) { x.add_batch(batch); }, {"interaction #2", "unknown channel id 99"});
    batch[2] = {t0, 5, scorer::max_person_id + 1, 1};
    refused(s, [&](scorer& x) { x.add_batch(batch); }, {"interaction #2", "person id above"});
}

TEST_CASE("bad columns name the row and the column and change nothing", "[validation][columns]") {
    scorer s = seeded_scorer();
    std::vector<std::int64_t> t(5, to_micros(t0)), src{0, 1, 2, 0, 1}, dst{1, 2, 0, 2, 0}, ch{0, 1, 0, 1, 0};
    std::vector<double> w{1, 2, 3, 4, 5};
    std::vector<std::string> people{"new-x", "new-y", "new-z"}, channels{"email", "call"};
    const auto columns = [&] { return interaction_columns{t, src, dst, people, ch, channels, "contact", w, {}}; };
    const auto expect = [&](std::initializer_list<const char*> parts) {
        refused(s, [&](scorer& x) { x.add_columns(columns()); }, parts);
    };
    w[4] = not_a_number;
    expect({"row 4", "weight must be finite, >= 0 and <= 1e+15 (relscore::max_weight), got nan"});
    w[4] = -infinity;
    expect({"row 4", "weight must be finite, >= 0 and <= 1e+15 (relscore::max_weight), got -inf"});
    w[4] = 5;
    t[3] = scorer::max_time_us + 1;
    expect({"row 3", "outside years 1400..9999"});
    t[3] = to_micros(t0);
    dst[2] = 2;
    expect({"row 2", "self-interaction (source and target are both 'new-z')"});
    dst[2] = 7;
    expect({"row 2", "target id 7 out of range"});
    dst[2] = 0;
    people[1] = "";
    expect({"empty person id"});
    people[1] = "bad\xfe";
    expect({"not valid UTF-8 (byte 3)"});
    people[1] = std::string("new\0y", 6);
    expect({"person id contains a NUL character (U+0000) at byte 3"});
    people[1] = "new-y";
    channels[1] = std::string("ca\0ll", 5);
    expect({"channel name contains a NUL character (U+0000) at byte 2"});
    channels[1] = "call";
    people[1] = "new-x";
    expect({"person name 'new-x' appears twice"});
    people[1] = "new-y";
    channels[1] = "fax";
    expect({"unknown channel 'fax'"});
    channels[1] = "call";
    ch[1] = 2;
    expect({"row 1", "channel code 2 out of range"});
    ch[1] = 1;
    src.pop_back();
    expect({"length mismatch: time has 5 rows, source has 4"});
    src.push_back(1);
    s.add_columns(columns());  // and fixed, it goes in
    CHECK(s.find_person("new-z"));
}

TEST_CASE("unknown channels are errors by default, or registered on the fly when configured", "[validation][channels]") {
    scorer_config config;
    config.register_unknown_channels = channel{"", 1.5, std::chrono::days{10}};
    scorer s = seeded_scorer(config);
    const std::size_t known = s.channels().size();

    // A batch that would register "coffee" but fails later registers nothing.
    std::vector<interaction> batch{{t0, "a", "b", "coffee"}, {t0, "a", "b", "email", -1.0}};
    refused(s, [&](scorer& x) { x.add_batch(batch); }, {"interaction #1", "weight must be finite"});
    CHECK(s.channels().size() == known);

    batch[1].weight.reset();
    batch.push_back({t0, "c", "d", "lunch"});
    batch.push_back({t0, "c", "a", "coffee"});
    s.add_batch(batch);
    REQUIRE(s.channels().size() == known + 2);
    const channel& coffee = s.channels()[s.channels().id("coffee")];
    CHECK(coffee.weight == 1.5);
    CHECK(coffee.half_life == std::chrono::days{10});
    CHECK(s.channels().find("lunch") == known + 1);  // registered in order of first use
    // The registered channel behaves as if it had been configured from the start.
    scorer_config explicit_config;
    explicit_config.channels.define({"coffee", 1.5, std::chrono::days{10}});
    explicit_config.channels.define({"lunch", 1.5, std::chrono::days{10}});
    scorer reference = seeded_scorer(explicit_config);
    reference.add_batch(batch);
    CHECK(s.between("a", "c").strength == reference.between("a", "c").strength);
    CHECK(s.to_bytes() == reference.to_bytes());

    // Columns register too; a bad template is refused when the scorer is made.
    std::vector<std::int64_t> t{to_micros(t0)}, src{0}, dst{1}, ch{0};
    std::vector<std::string> people{"a", "b"}, names{"walk"};
    s.add_columns({t, src, dst, people, ch, names, "contact", {}, {}});
    CHECK(s.channels().find("walk"));
    scorer_config bad;
    bad.register_unknown_channels = channel{"", -1.0};
    CHECK(message_of<invalid_argument_error>([&] { scorer x(bad); }).find("weight must be finite") !=
          std::string::npos);
    // Registered names are validated like people's names.
    refused(s, [&](scorer& x) { x.add({t0, "a", "b", "bad\xff"}); }, {"channel name is too long or not valid UTF-8"});
}

TEST_CASE("channels registered on the fly past 64 decayed-sum keys answer as if configured from the start", "[validation][channels]") {
    // The default channels have 5 kernel components (10 keys: sums found through one 64-bit
    // set per pair); 30 more channels make 35 components, 70 keys, so the scorer's pool of
    // sums must take a key array mid-stream (detail/state_blocks.hpp), keeping every sum.
    scorer_config config;
    config.register_unknown_channels = channel{"", 1.5, std::chrono::days{10}};
    scorer s = seeded_scorer(config);  // default channels only so far
    scorer_config explicit_config;
    for (int c = 0; c < 30; ++c) explicit_config.channels.define({"extra-" + std::to_string(c), 1.5, std::chrono::days{10}});
    scorer reference = seeded_scorer(explicit_config);
    scorer streamed = s, reference_streamed = reference;  // one by one, in row order

    std::vector<interaction> batch;
    const auto log = test::random_log(11, {.people = 6, .interactions = 300});
    for (std::size_t i = 0; i < log.size(); ++i) {
        interaction e = log[i];
        if (i % 2 == 0) e.channel = "extra-" + std::to_string(i % 60 / 2);  // every extra channel, in order of first use
        batch.push_back(e);
    }
    s.add_batch(batch);
    reference.add_batch(batch);
    for (const auto& e : batch) {
        streamed.add(e);
        reference_streamed.add(e);
    }
    REQUIRE(s.channels().size() == reference.channels().size());
    REQUIRE(s.channels().size() == channel_registry::defaults().size() + 30);
    CHECK(s.to_bytes() == reference.to_bytes());
    CHECK(streamed.to_bytes() == reference_streamed.to_bytes());
    for (const auto& e : batch) CHECK(s.between(e.source, e.target).strength == reference.between(e.source, e.target).strength);
}

TEST_CASE("a log file goes in whole or not at all", "[validation][log]") {
    scorer s = seeded_scorer();
    const auto ingest_text = [](scorer& x, const std::string& text) {
        std::istringstream in(text);
        io::ingest(x, in, "events.csv");
    };
    const std::string header = "time,source,target,channel,weight\n";
    const std::string good_rows = "2026-03-01,new-a,new-b,email,1\n2026-03-02,new-b,new-a,call,\n";
    struct bad_case {
        std::string row;
        std::vector<const char*> parts;
    };
    const std::vector<bad_case> cases = {
        {"2026-03-03,a,b,email,nan\n", {"events.csv:4:5: column 'weight'", "got 'nan'"}},
        {"2026-03-03,a,b,email,inf\n", {"events.csv:4:5: column 'weight'", "got 'inf'"}},
        {"2026-03-03,a,b,email,-2\n", {"events.csv:4:5: column 'weight'", "got '-2'"}},
        {"1300-01-01,a,b,email,1\n", {"events.csv:4:1: column 'time'", "invalid time '1300-01-01'"}},
        {"99999999999999,a,b,email,1\n", {"events.csv:4:1: column 'time'"}},
        {"2026-03-03,,b,email,1\n", {"events.csv:4:2: column 'source': empty person id"}},
        {"2026-03-03,a,a,email,1\n", {"events.csv:4:3: column 'target': self-interaction"}},
        {"2026-03-03,a,b,fax,1\n", {"events.csv:4:4: column 'channel': unknown channel 'fax'"}},
        {"2026-03-03,a,b\xc3(,email,1\n", {"events.csv:4:3: column 'target': person id is not valid UTF-8 (byte 2"}},
        {std::string("2026-03-03,a,") + std::string(5000, 'n') + ",email,1\n", {"events.csv:4:3: column 'target'", "longer than 4096"}},
        {"2026-03-03,a,b,email\n", {"events.csv:4", "ragged row: 4 fields where the header has 5"}},
        {"2026-03-03,a,\"b\n", {"events.csv:6:3", "unterminated quoted field (opened on line 4)"}},
        {std::string("2026-03-03,a,b\0c,email,1\n", 25), {"events.csv:4:3", "NUL byte"}},
    };
    for (const auto& c : cases) {
        CAPTURE(c.row);
        // The bad row comes after good ones: they must not be applied either.
        const std::string text = header + good_rows + c.row + "2026-03-04,new-c,new-d,email,1\n";
        const std::string before = s.to_bytes();
        const std::string msg = message_of<parse_error>([&] { ingest_text(s, text); });
        INFO(msg);
        for (const char* p : c.parts) CHECK(msg.find(p) != std::string::npos);
        CHECK(s.to_bytes() == before);
    }
    // A good file goes in, equal to adding its rows one by one.
    scorer expected = s;
    expected.add({parse_time("2026-03-01"), "new-a", "new-b", "email", 1.0});
    expected.add({parse_time("2026-03-02"), "new-b", "new-a", "call"});
    ingest_text(s, header + good_rows);
    CHECK(s.to_bytes() == expected.to_bytes());

    // A scorer that registers unknown channels takes them from a log too.
    scorer_config config;
    config.register_unknown_channels = channel{};
    scorer r(config);
    ingest_text(r, header + "2026-03-03,a,b,fax,1\n");
    CHECK(r.channels().find("fax"));
}

// A channel's name is written to CSV, JSON and snapshots and read back as text, so it is
// checked as a person's is (review: a name of byte 0xFF was accepted, saved and reloaded,
// and then broke Python's repr and the CLI's JSON).
TEST_CASE("channel names must be valid UTF-8 and at most max_name_bytes long", "[validation][channels]") {
    channel_registry r = channel_registry::defaults();
    const std::size_t before = r.size();
    for (const std::string& bad : {std::string("\xff"), std::string("caf\xc3"), std::string("\xed\xa0\x80"), std::string(4097, 'c')}) {
        CAPTURE(bad.size());
        CHECK(message_of([&] { r.define({bad, 1.0, std::chrono::days{30}}); }).find("not valid UTF-8") != std::string::npos);
    }
    CHECK(message_of([&] { r.define({std::string("em\0ail", 6), 1.0, std::chrono::days{30}}); }).find("NUL character") !=
          std::string::npos);
    CHECK(r.size() == before);
    CHECK_NOTHROW(r.define({"caf\xc3\xa9", 1.0, std::chrono::days{30}}));
    CHECK_NOTHROW(r.define({std::string(4096, 'c'), 1.0, std::chrono::days{30}}));
}

// define() redefines a channel by name (documented, and how the CLI's --channel changes a
// default); a list of channels defines each once, so a name given twice there is refused
// rather than the last one silently winning (review: a configuration file listing "email"
// twice kept the second).
TEST_CASE("a name given twice in one list of channels is refused, naming it; define() still redefines",
          "[validation][channels]") {
    channel_registry r;
    r.add({"email", 1.0, std::chrono::days{60}});
    const channel_registry before = r;
    CHECK(message_of<invalid_argument_error>([&] { r.add({"email", 2.0, std::chrono::days{30}}); }) ==
          "relscore::channel_registry::add(): channel 'email' is already defined (a name may appear once in a list of "
          "channels)");
    CHECK(r == before);
    CHECK(r.define({"email", 2.0, std::chrono::days{30}}) == 0);  // a redefinition keeps the id
    CHECK(r[0].weight == 2.0);

    const auto path = std::filesystem::temp_directory_path() / "relscore_duplicate_channel_test.json";
    std::ofstream(path) << R"({"format": "relscore-config", "version": 1, "reciprocity": 0.5, "channels": [
        {"name": "email", "weight": 1.0, "half_life_us": 5184000000000},
        {"name": "call", "weight": 2.0, "half_life_us": 5184000000000},
        {"name": "email", "weight": 3.0, "half_life_us": 5184000000000}]})";
    CHECK(message_of<invalid_argument_error>([&] { (void)io::read_config_file(path.string()); }) ==
          path.string() + ": channels[2]: relscore::channel_registry::add(): channel 'email' is already defined (a name "
                          "may appear once in a list of channels)");
    std::filesystem::remove(path);
}
