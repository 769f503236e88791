// The C API against the C++ API on random logs (out of order, duplicates, equal times,
// mutual interactions, explicit weights): the same numbers through both doors.
#include "support/catch.hpp"
#include "support/random_log.hpp"

#include <relscore/relscore.h>
#include <relscore/relscore.hpp>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

using namespace relscore;

namespace {
relscore_interaction to_c(const interaction& e) {
    relscore_interaction c{};
    c.time_us = to_micros(e.time);
    c.source = e.source.c_str();
    c.target = e.target.c_str();
    c.channel = e.channel.c_str();
    c.has_weight = e.weight.has_value();
    c.weight = e.weight.value_or(0);
    c.mutual = e.mutual;
    return c;
}
bool close(double x, double y) { return std::abs(x - y) <= 1e-12 * (1 + std::abs(y)); }
}  // namespace

TEST_CASE("the C API gives the C++ answers on random logs", "[c_api]") {
    for (std::uint64_t seed : {1, 2, 3}) {
        const auto log = test::random_log(seed, {.people = 10, .interactions = 600});
        scorer expected;
        for (const auto& e : log) expected.add(e);

        relscore_scorer* s = nullptr;
        REQUIRE(relscore_scorer_new(nullptr, &s) == RELSCORE_OK);
        // Half one by one, half as one batch.
        std::vector<relscore_interaction> batch;
        for (std::size_t i = 0; i < log.size(); ++i) {
            if (i % 2 == 0) {
                const relscore_interaction one = to_c(log[i]);
                REQUIRE(relscore_add(s, &one) == RELSCORE_OK);
            } else {
                batch.push_back(to_c(log[i]));
            }
        }
        REQUIRE(relscore_add_batch(s, batch.data(), batch.size()) == RELSCORE_OK);

        const timestamp at = *expected.newest() + std::chrono::days{7};
        const relationship_table want = expected.table(at);
        relscore_table* table = nullptr;
        REQUIRE(relscore_table_new(s, to_micros(at), 0, &table) == RELSCORE_OK);
        REQUIRE(relscore_table_size(table) == want.size());
        for (std::size_t i = 0; i < want.size(); ++i) {
            relscore_relationship row{};
            REQUIRE(relscore_table_row(table, i, &row) == RELSCORE_OK);
            // Ingest order differs (batching), so people may have other ids: compare by name.
            const relationship r = expected.between(row.a, row.b, at);
            CHECK(close(row.strength, r.strength));
            CHECK(close(row.volume_ab, r.volume_ab));
            CHECK(close(row.volume_ba, r.volume_ba));
            CHECK(row.interactions == r.interactions);
            CHECK(row.last_interaction_us == to_micros(*r.last_interaction));
        }
        relscore_table_free(table);

        for (std::size_t p = 0; p < 10; ++p) {
            const std::string name = test::person_name(p);
            std::vector<relscore_relationship> got(5);
            std::size_t n = 0;
            REQUIRE(relscore_top(s, name.c_str(), got.size(), to_micros(at), got.data(), &n) == RELSCORE_OK);
            const auto top = expected.top(name, 5, at);
            REQUIRE(n == top.size());
            for (std::size_t i = 0; i < n; ++i) {
                CHECK(got[i].b == expected.name(top[i].b));
                CHECK(close(got[i].strength, top[i].strength));
            }
        }

        // A snapshot from C loads in C++ with the same answers.
        unsigned char* bytes = nullptr;
        std::size_t size = 0;
        REQUIRE(relscore_save_bytes(s, &bytes, &size) == RELSCORE_OK);
        const scorer loaded = scorer::from_bytes({reinterpret_cast<const char*>(bytes), size});
        relscore_free(bytes);
        CHECK(loaded.relationships() == expected.relationships());
        relscore_scorer_free(s);
    }
}

// Review: a time past year 9999 and a batch count no array can have reported
// RELSCORE_ERROR_INTERNAL ("a bug in relscore"); they are the caller's arguments.
TEST_CASE("out-of-range arguments give RELSCORE_ERROR_INVALID_ARGUMENT and say which", "[c_api]") {
    SECTION("a time outside years 1400..9999") {
        char buffer[64] = "unchanged";
        std::size_t needed = 7;
        for (const std::int64_t us : {std::numeric_limits<std::int64_t>::max(), std::numeric_limits<std::int64_t>::min(),
                                      scorer::max_time_us + 1, scorer::min_time_us - 1}) {
            CAPTURE(us);
            CHECK(relscore_format_time(us, buffer, sizeof buffer, &needed) == RELSCORE_ERROR_INVALID_ARGUMENT);
            CHECK(std::string(relscore_last_error()).starts_with("relscore::format_time(): time " + std::to_string(us) +
                                                                 " us is outside years 1400..9999"));
            CHECK(std::string(buffer) == "unchanged");
            CHECK(needed == 7);
        }
        CHECK(relscore_format_time(scorer::max_time_us, buffer, sizeof buffer, &needed) == RELSCORE_OK);
        CHECK(std::string(buffer) == "9999-12-31T23:59:59.999999Z");
    }
    SECTION("a count larger than any array") {
        relscore_scorer* s = nullptr;
        REQUIRE(relscore_scorer_new(nullptr, &s) == RELSCORE_OK);
        const relscore_interaction one{};
        CHECK(relscore_add_batch(s, &one, SIZE_MAX / 2) == RELSCORE_ERROR_INVALID_ARGUMENT);
        CHECK(std::string(relscore_last_error()).starts_with("relscore_add_batch(): count is " +
                                                             std::to_string(SIZE_MAX / 2) + ", more than any array"));
        const std::int64_t times[1] = {0};
        const std::int64_t codes[1] = {0};
        const char* names[1] = {"a"};
        relscore_columns columns{};
        columns.rows = SIZE_MAX / 4;
        columns.time_us = times;
        columns.source = codes;
        columns.target = codes;
        CHECK(relscore_add_columns(s, &columns) == RELSCORE_ERROR_INVALID_ARGUMENT);
        CHECK(std::string(relscore_last_error()).starts_with("relscore_add_columns(): columns->rows is "));
        columns.rows = 0;
        columns.people = names;
        columns.n_people = SIZE_MAX / 2;
        CHECK(relscore_add_columns(s, &columns) == RELSCORE_ERROR_INVALID_ARGUMENT);
        CHECK(std::string(relscore_last_error()).starts_with("relscore_add_columns(): the count of columns->people is "));
        std::size_t people = 1;
        CHECK(relscore_people_count(s, &people) == RELSCORE_OK);
        CHECK(people == 0);
        relscore_scorer_free(s);
    }
}

TEST_CASE("a configuration file with bad star thresholds or a channel listed twice is refused", "[c_api][config]") {
    const auto path = std::filesystem::temp_directory_path() / "relscore_c_api_config_test.json";
    const auto read = [&](const std::string& rest) {
        std::ofstream(path) << R"({"format": "relscore-config", "version": 1, "reciprocity": 0.5, )" << rest << "}";
        relscore_config* config = nullptr;
        const relscore_status status = relscore_config_read_file(path.string().c_str(), &config);
        relscore_config_free(config);
        return status;
    };
    const std::string email = R"({"name": "email", "weight": 1.0, "half_life_us": 5184000000000})";
    CHECK(read(R"("channels": [)" + email + "]") == RELSCORE_OK);
    CHECK(read(R"("channels": [)" + email + R"(], "star_thresholds": [1, 2, 3, 2, 5])") == RELSCORE_ERROR_INVALID_ARGUMENT);
    CHECK(std::string(relscore_last_error()).find("star_thresholds[3] (the strength for 4 stars) is 2: below") !=
          std::string::npos);
    CHECK(read(R"("channels": [)" + email + ", " + email + "]") == RELSCORE_ERROR_INVALID_ARGUMENT);
    CHECK(std::string(relscore_last_error()).find("channels[1]: channel 'email' is "
                                                  "already defined") != std::string::npos);
    std::filesystem::remove(path);
}
