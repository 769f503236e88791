// Scoring configuration files (see include/relscore/io/config_file.hpp).

#include <relscore/io/config_file.hpp>

#include <relscore/detail/utf8.hpp>
#include <relscore/error.hpp>
#include <relscore/io/event_log.hpp>
#include <relscore/stars.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <limits>
#include <string_view>
#include <vector>

RELSCORE_BEGIN_NAMESPACE
namespace io {

namespace {

constexpr const char* format_name = "relscore-config";
constexpr long long newest_version = 1;

// Python's json module writes Infinity, -Infinity and NaN, which are not JSON (nor read by
// nlohmann::json): relscore's Python wrote Infinity for a star threshold no strength earns
// before it wrote null. If the parse stopped at one (`at`: where it stopped), what to do.
std::string non_json_number_hint(const std::string& text, std::size_t at) {
    at = std::min(at, text.size());
    if (at > 0 && text[at - 1] == '-') --at;  // -Infinity stops after the sign
    const std::string_view rest = std::string_view(text).substr(at);
    std::string_view token;
    for (const std::string_view t : {"Infinity", "-Infinity", "NaN"})
        if (rest.starts_with(t)) token = t;
    if (token.empty()) return {};
    const std::string_view before = std::string_view(text).substr(0, at);
    const std::size_t line_start = before.rfind('\n');  // npos on the first line
    const auto line = 1 + std::count(before.begin(), before.end(), '\n');
    const std::size_t column = at - (line_start == std::string_view::npos ? 0 : line_start + 1) + 1;
    const std::string what =
        fmt::format("{} at line {}, column {} is not JSON (Python's json module writes it)", token, line, column);
    if (token == "Infinity")
        return what + ": rewrite the file with null in its place (for a star threshold, null is the infinity: no "
                      "strength earns that star)";
    if (token == "NaN")
        return fmt::format("NaN at line {}, column {} is not JSON: NaN is no JSON number (Python's json module writes "
                           "it): rewrite the file with a number in its place", line, column);
    return what + ": rewrite the file with a number in its place";
}

}  // namespace

config_file read_config_file(const std::string& path) {
    std::ifstream in = open_for_reading(path);
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    return parse_config_file(text, path);
}

config_file parse_config_file(std::string_view text_view, const std::string& name) {
    const auto fail = [&](const std::string& why) -> void {
        detail::throw_error<invalid_argument_error>(name.empty() ? why : fmt::format("{}: {}", name, why));
    };
    const std::string text(text_view);
    // JSON is UTF-8: say so, rather than the parser's complaint about a byte in a string.
    if (const auto bad = detail::invalid_utf8_at(text)) fail(fmt::format("not JSON: not UTF-8 text (byte {})", *bad));
    nlohmann::json doc;
    try {
        doc = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
        // e.byte: the characters read, the last being where it stopped
        if (const std::string hint = non_json_number_hint(text, e.byte == 0 ? 0 : e.byte - 1); !hint.empty()) fail(hint);
        fail(fmt::format("not JSON ({})", e.what()));
    } catch (const nlohmann::json::out_of_range& e) {
        // A number beyond a double (1e400): nlohmann's error carries no position.
        fail(fmt::format("a number does not fit a double ({})", e.what()));
    }
    if (!doc.is_object() || !doc.contains("format") || doc["format"] != format_name)
        fail(fmt::format("not a relscore configuration (no \"format\": \"{}\")", format_name));
    const auto& version = doc["version"];
    if (!version.is_number_integer() || version.get<long long>() < 1 || version.get<long long>() > newest_version)
        fail(fmt::format("configuration version {} is not supported (this relscore reads versions 1 to {})", version.dump(),
                         newest_version));
    const auto number = [&](const nlohmann::json& v, const std::string& field) {
        if (!v.is_number()) fail(fmt::format("{} must be a number, got {}", field, v.dump()));
        return v.get<double>();
    };
    config_file out;
    out.channels = channel_registry();
    out.reciprocity = number(doc["reciprocity"], "reciprocity");
    if (!(out.reciprocity >= 0 && out.reciprocity <= 1)) fail(fmt::format("reciprocity {} is not in [0, 1]", out.reciprocity));
    const auto& channels = doc["channels"];
    if (!channels.is_array() || channels.empty()) fail("\"channels\" must be a non-empty list");
    for (std::size_t i = 0; i < channels.size(); ++i) {
        const auto& c = channels[i];
        const std::string where = fmt::format("channels[{}]", i);
        if (!c.is_object() || !c.contains("name") || !c["name"].is_string()) fail(fmt::format("{} needs a \"name\" string", where));
        channel ch;
        ch.name = c["name"].get<std::string>();
        ch.weight = number(c.value("weight", nlohmann::json()), where + ".weight");
        const auto half_life = c.value("half_life_us", nlohmann::json());
        // (an integer past int64, which the parser keeps as unsigned, would wrap)
        if (!half_life.is_number_integer() ||
            (half_life.is_number_unsigned() && half_life.get<std::uint64_t>() > std::uint64_t{INT64_MAX}))
            fail(fmt::format("{}.half_life_us must be an integer (microseconds), got {}", where, half_life.dump()));
        ch.half_life = duration{half_life.get<std::int64_t>()};
        try {
            out.channels.add(ch);
        } catch (const invalid_argument_error& e) {
            // The channel's fault, without the registry's function name: the file holds no call.
            std::string_view why = e.what();
            for (const std::string_view call : {"relscore::channel_registry::add(): ", "relscore::channel_registry::define(): "})
                if (why.starts_with(call)) why.remove_prefix(call.size());
            fail(fmt::format("{}: {}", where, why));
        }
    }
    if (doc.contains("star_thresholds")) {
        const auto& t = doc["star_thresholds"];
        if (!t.is_array()) fail("\"star_thresholds\" must be a list of 5 strengths (for 1..5 stars)");
        std::vector<double> thresholds;
        for (std::size_t k = 0; k < t.size(); ++k)  // null: no strength earns that star (JSON has no infinity)
            thresholds.push_back(t[k].is_null() ? std::numeric_limits<double>::infinity()
                                                : number(t[k], fmt::format("star_thresholds[{}]", k)));
        try {
            out.star_thresholds = stars_config::with_thresholds(thresholds, "star_thresholds").thresholds();
        } catch (const invalid_argument_error& e) {
            fail(e.what());
        }
    }
    return out;
}

}  // namespace io
RELSCORE_END_NAMESPACE
