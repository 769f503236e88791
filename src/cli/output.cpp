#include "output.hpp"

#include <relscore/time.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <map>

namespace relscore::cli {
namespace {

// Display width of UTF-8 text: code points, not bytes (good enough for names).
std::size_t display_width(const std::string& s) {
    return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

}  // namespace

std::string human(duration d) {
    const double minutes = static_cast<double>(d.count()) / 60e6;
    if (minutes < 60) return fmt::format("{:.0f}m", minutes);
    if (minutes < 48 * 60) return fmt::format("{:.1f}h", minutes / 60);
    return fmt::format("{:.1f}d", minutes / (24 * 60));
}
std::string human(const std::optional<duration>& d) { return d ? human(*d) : "-"; }
double days_of(duration d) { return static_cast<double>(d.count()) / 86400e6; }

std::string escape_control(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        const bool c1 = c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
                        static_cast<unsigned char>(s[i + 1]) <= 0x9F;  // U+0080..U+009F, e.g. CSI
        if (c < 0x20 || c == 0x7F) {
            out += fmt::format("\\x{:02x}", c);
        } else if (c1) {
            out += fmt::format("\\u{:04x}", static_cast<unsigned char>(s[++i]));
        } else {
            out += s[i];
        }
    }
    return out;
}

std::string csv_quote(const std::string& s) {
    if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + '"';
}

void add_format_option(CLI::App& cmd, output_format& format) {
    const std::map<std::string, output_format> formats = {
        {"table", output_format::table}, {"csv", output_format::csv}, {"json", output_format::json}};
    cmd.add_option("--format", format, "Output format: table, csv or json")
        ->transform(CLI::CheckedTransformer(formats, CLI::ignore_case));
}

void print_table(std::FILE* out, const table& given, output_format format, const nlohmann::ordered_json& doc) {
    if (format == output_format::json) {
        fmt::print(out, "{}\n", doc.dump(2));
        return;
    }
    if (format == output_format::csv) {
        std::vector<std::string> quoted;
        for (const auto& h : given.header) quoted.push_back(csv_quote(h));
        fmt::print(out, "{}\n", fmt::join(quoted, ","));
        for (const auto& row : given.rows) {
            quoted.clear();
            for (const auto& cell : row) quoted.push_back(csv_quote(cell));
            fmt::print(out, "{}\n", fmt::join(quoted, ","));
        }
        return;
    }
    // A terminal must not receive a name's control characters (escape-sequence injection).
    table t = given;
    for (auto& row : t.rows)
        for (auto& cell : row) cell = escape_control(cell);
    std::vector<std::size_t> width(t.header.size());
    for (std::size_t c = 0; c < width.size(); ++c) {
        width[c] = display_width(t.header[c]);
        for (const auto& row : t.rows) width[c] = std::max(width[c], display_width(row[c]));
    }
    const auto line = [&](const auto& get) {
        std::string text;
        for (std::size_t c = 0; c < width.size(); ++c) {
            const std::string cell = get(c);
            const std::string pad(width[c] - display_width(cell), ' ');
            const bool left = t.left.empty() ? c < t.left_columns : t.left[c];
            text += (c ? "  " : "") + (left ? cell + pad : pad + cell);
        }
        while (!text.empty() && text.back() == ' ') text.pop_back();
        fmt::print(out, "{}\n", text);
    };
    line([&](std::size_t c) { return t.header[c]; });
    line([&](std::size_t c) { return std::string(width[c], '-'); });
    for (const auto& row : t.rows) line([&](std::size_t c) { return row[c]; });
}

void append_columns(table& t, const table& more) {
    const std::size_t before = t.header.size();
    t.header.insert(t.header.end(), more.header.begin(), more.header.end());
    if (t.left.empty())  // spelled out per column from here on
        for (std::size_t c = 0; c < before; ++c) t.left.push_back(c < t.left_columns);
    for (std::size_t c = 0; c < more.header.size(); ++c)
        t.left.push_back(more.left.empty() ? c < more.left_columns : more.left[c]);
    if (t.rows.empty()) t.rows.resize(more.rows.size());
    for (std::size_t i = 0; i < more.rows.size(); ++i) t.rows[i].insert(t.rows[i].end(), more.rows[i].begin(), more.rows[i].end());
}

void print_relationships(std::FILE* out, const scorer& s, const std::vector<relationship>& rows, timestamp at,
                         output_format format) {
    print_records(out, s, rows, at, format, "relationships");
}

}  // namespace relscore::cli
