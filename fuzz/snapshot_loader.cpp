// libFuzzer target: the snapshot loader. The input is tried as it is (which mostly tests
// the header and checksum checks) and again with its checksum recomputed, so mutations
// reach the record parser. A loaded scorer must answer queries without sanitizer reports
// and save back to the same bytes.

#include <relscore/scorer.hpp>

#include <boost/crc.hpp>
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

void exercise(const std::string& bytes) {
    try {
        const relscore::scorer s = relscore::scorer::from_bytes(bytes);
        const std::string saved = s.to_bytes();
        // save -> load -> save is byte-identical; an older version is saved in the current
        // one (6, docs/snapshot-format.md), which then loads and saves back to itself.
        constexpr std::uint32_t current_version = 6;
        std::uint32_t version = 0;
        std::memcpy(&version, bytes.data() + 8, 4);  // from_bytes checked the header
        if (version == current_version && saved != bytes) std::abort();
        if (relscore::scorer::from_bytes(saved).to_bytes() != saved) std::abort();
        const auto table = s.table();
        if (table.size() != s.relationships()) std::abort();
        const auto later = s.newest().value_or(relscore::from_micros(0)) + std::chrono::days{3650};
        (void)s.table(later);
        for (relscore::person_id p = 0; p < s.people() && p < 64; ++p) (void)s.top(p, 5, later);
    } catch (const relscore::parse_error& e) {
        if (std::strstr(e.what(), "relscore::scorer::from_bytes()") == nullptr) std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string bytes(reinterpret_cast<const char*>(data), size);
    exercise(bytes);
    // The checksum the header's version calls for: XXH3-64 from version 4, CRC-32 before.
    if (bytes.size() >= 20) {
        std::uint32_t version = 0;
        std::memcpy(&version, bytes.data() + 8, 4);
        if (version >= 4) {
            const std::uint64_t sum = XXH3_64bits(bytes.data(), bytes.size() - 8);
            std::memcpy(bytes.data() + bytes.size() - 8, &sum, 8);
        } else {
            boost::crc_32_type crc;
            crc.process_bytes(bytes.data(), bytes.size() - 4);
            const auto sum = static_cast<std::uint32_t>(crc.checksum());
            std::memcpy(bytes.data() + bytes.size() - 4, &sum, 4);
        }
        exercise(bytes);
    }
    return 0;
}
