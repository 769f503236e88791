// libFuzzer target: the CSV reader and the event-log reader on arbitrary bytes.
// Any outcome but an interaction or a relscore::parse_error is a bug, and so is a crash,
// a sanitizer report, or an error message without the file name.

#include <relscore/io/csv.hpp>
#include <relscore/io/event_log.hpp>
#include <relscore/io/ingest.hpp>
#include <relscore/scorer.hpp>

#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);

    {  // The raw reader: records until the end or an error that says where.
        std::istringstream in(text);
        relscore::io::csv_reader reader(in, "fuzz.csv");
        std::vector<std::string> fields;
        try {
            while (reader.next(fields)) {
                for (std::size_t i = 0; i < fields.size(); ++i)
                    if (reader.field_line(i) < reader.line()) std::abort();  // fields never start before their record
            }
        } catch (const relscore::parse_error& e) {
            if (e.file() != "fuzz.csv" || e.line() == 0) std::abort();
        }
    }
    for (const bool skip_invalid : {false, true}) {
        // Whole-log ingest: all rows or none.
        relscore::scorer s;
        s.add({relscore::parse_time("2000-01-01"), "seed-a", "seed-b", "email"});
        const std::string before = s.to_bytes();
        std::istringstream in(text);
        relscore::io::read_options options;
        options.skip_invalid = skip_invalid;
        try {
            const auto summary = relscore::io::ingest(s, in, "fuzz.csv", options);
            if (summary.skipped > summary.rows) std::abort();
            // Every accepted log gives finite answers (issue 19: weights of 1e308 summed to inf).
            const auto t = s.table();
            if (!t.strength.allFinite() || !t.volume_ab.allFinite() || !t.volume_ba.allFinite() ||
                !t.reciprocity.allFinite())
                std::abort();
        } catch (const relscore::parse_error& e) {
            if (std::string(e.what()).find("fuzz.csv") == std::string::npos) std::abort();
            if (s.to_bytes() != before) std::abort();  // a failed ingest changed the scorer
        }
    }
    return 0;
}
