// libFuzzer target: the time and duration parsers. A parsed value must format and parse
// back to itself; anything unparsable must be a parse_error naming the function.

#include <relscore/error.hpp>
#include <relscore/time.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const relscore::timestamp t = relscore::parse_time(text);
        if (relscore::parse_time(relscore::format_time(t)) != t) std::abort();
    } catch (const relscore::parse_error& e) {
        if (std::string_view(e.what()).find("relscore::parse_time()") == std::string_view::npos) std::abort();
    }
    try {
        const relscore::duration d = relscore::parse_duration(text);
        if (relscore::parse_duration(relscore::format_duration(d)) != d) std::abort();
    } catch (const relscore::parse_error& e) {
        if (std::string_view(e.what()).find("relscore::parse_duration()") == std::string_view::npos) std::abort();
    }
    return 0;
}
