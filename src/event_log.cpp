// Reading interaction logs (see include/relscore/io/event_log.hpp).

#include <relscore/detail/utf8.hpp>
#include <relscore/io/csv.hpp>
#include <relscore/io/event_log.hpp>
#include <relscore/limits.hpp>
#include <relscore/scorer.hpp>
#include <relscore/time.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>

RELSCORE_BEGIN_NAMESPACE
namespace io {
namespace {

constexpr std::size_t absent = static_cast<std::size_t>(-1);

struct column_layout {
    std::size_t time = absent, source = absent, target = absent, channel = absent, weight = absent, mutual = absent;
    std::vector<std::string> header;
};

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::optional<bool> parse_bool(const std::string& s) {
    const std::string v = lower(s);
    if (v.empty() || v == "0" || v == "false" || v == "no" || v == "f" || v == "n") return false;
    if (v == "1" || v == "true" || v == "yes" || v == "t" || v == "y") return true;
    return std::nullopt;
}

column_layout layout_of(const std::vector<std::string>& header, const read_options& options, const std::string& file) {
    const column_names& names = options.columns;
    column_layout l;
    l.header = header;
    const auto find = [&](const std::string& name, bool required) {
        const auto it = std::find(header.begin(), header.end(), name);
        if (it == header.end()) {
            if (required)
                throw parse_error(file, 1, 0, name,
                                  fmt::format("{}:1: missing required column '{}' (header has: {})", file, name,
                                              fmt::join(header, ", ")));
            return absent;
        }
        if (std::find(it + 1, header.end(), name) != header.end())
            throw parse_error(file, 1, 0, name, fmt::format("{}:1: column '{}' appears twice in the header", file, name));
        return static_cast<std::size_t>(it - header.begin());
    };
    l.time = find(names.time, true);
    l.source = find(names.source, true);
    l.target = find(names.target, true);
    l.channel = find(names.channel, false);
    l.weight = find(names.weight, false);
    l.mutual = find(names.mutual, false);
    for (const auto& name : options.required_columns) find(name, true);
    // One column read for two roles would be moved out twice (and means a typo).
    const std::pair<const char*, const std::string*> roles[] = {{"time", &names.time},       {"source", &names.source},
                                                                 {"target", &names.target},   {"channel", &names.channel},
                                                                 {"weight", &names.weight},   {"mutual", &names.mutual}};
    for (std::size_t i = 0; i < std::size(roles); ++i)
        for (std::size_t j = i + 1; j < std::size(roles); ++j)
            if (*roles[i].second == *roles[j].second &&
                std::find(header.begin(), header.end(), *roles[i].second) != header.end())
                throw parse_error(file, 1, 0, *roles[i].second,
                                  fmt::format("{}:1: column '{}' is named as both the {} and the {} column", file,
                                              *roles[i].second, roles[i].first, roles[j].first));
    return l;
}

// Tab for a header line with tabs and no commas, else comma.
char delimiter_of_header(const std::string& first_line) {
    const bool tabs = first_line.find('\t') != std::string::npos, commas = first_line.find(',') != std::string::npos;
    return tabs && !commas ? '\t' : ',';
}

// The header line read off a pipe, given again, then the rest of the pipe: the header is
// parsed as a file's is, once its line has chosen the delimiter (quoted names included).
class replayed_header : public std::streambuf {
public:
    replayed_header(std::string head, std::streambuf* rest) : m_head(std::move(head)), m_rest(rest) {
        setg(m_head.data(), m_head.data(), m_head.data() + m_head.size());
    }

protected:
    int_type underflow() override {
        if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
        // What the pipe's buffer holds (at least one byte, waiting for it): no waiting for
        // a full buffer when the writer is slow.
        if (m_rest->sgetc() == traits_type::eof()) return traits_type::eof();
        const std::streamsize held = std::clamp<std::streamsize>(m_rest->in_avail(), 1, sizeof m_buffer);
        const std::streamsize n = m_rest->sgetn(m_buffer, held);
        setg(m_buffer, m_buffer, m_buffer + n);
        return n > 0 ? traits_type::to_int_type(*gptr()) : traits_type::eof();
    }

private:
    std::string m_head;
    std::streambuf* m_rest;
    char m_buffer[1 << 16];
};

}  // namespace

read_summary read_interactions(std::istream& in, const std::string& name, const channel_registry& channels,
                               const read_options& options, const std::function<void(interaction&&)>& sink) {
    char delimiter = options.delimiter;
    if (delimiter == 0 && name.size() >= 4 && lower(name.substr(name.size() - 4)) == ".tsv") delimiter = '\t';
    std::unique_ptr<replayed_header> replay;
    std::optional<std::istream> replayed;
    if (delimiter == 0) {
        std::string first;
        const auto pos = in.tellg();
        if (pos != std::streampos(-1)) {  // a file: peek at the header line
            std::getline(in, first);
            in.clear();
            in.seekg(pos);
        } else {  // a pipe cannot seek back: read the line, then give it again
            in.clear();
            std::getline(in, first);
            const bool ended = !in.eof();
            in.clear();
            delimiter = delimiter_of_header(first);
            if (ended) first += '\n';
            replay = std::make_unique<replayed_header>(std::move(first), in.rdbuf());
            replayed.emplace(replay.get());
        }
        if (!replay) delimiter = delimiter_of_header(first);
    }
    csv_reader reader(replayed ? *replayed : in, name, delimiter);
    std::vector<std::string> fields;
    if (!reader.next(fields)) throw parse_error(name, 1, 0, "", name + ": empty file (expected a header row)");
    const column_layout cols = layout_of(fields, options, name);
    const std::size_t width = fields.size();

    read_summary summary;
    const auto bad = [&](std::size_t column, const std::string& what) {
        const std::size_t line = column < width && column < fields.size() ? reader.field_line(column) : reader.line();
        const std::string field = column < width ? cols.header[column] : "";
        throw parse_error(name, line, column + 1, field,
                          fmt::format("{}:{}:{}: column '{}': {}", name, line, column + 1, field, what));
    };

    while (reader.next(fields)) {
        ++summary.rows;
        try {
            if (fields.size() == 1 && fields[0].empty())  // a blank line, e.g. at the end
            {
                --summary.rows;
                continue;
            }
            if (fields.size() != width)
                throw parse_error(name, reader.line(), std::min(fields.size(), width) + 1, "",
                                  fmt::format("{}:{}: ragged row: {} fields where the header has {}", name,
                                              reader.line(), fields.size(), width));
            interaction e;
            try {
                e.time = parse_time(fields[cols.time]);
            } catch (const parse_error&) {
                bad(cols.time, fmt::format("invalid time '{}' (expected ISO 8601 such as 2006-12-18T09:30:00Z, or "
                                           "UNIX seconds)",
                                           fields[cols.time]));
            }
            for (const std::size_t c : {cols.source, cols.target}) {
                if (fields[c].empty()) bad(c, "empty person id");
                if (fields[c].size() > scorer::max_name_bytes) bad(c, "person id longer than 4096 bytes");
                if (auto at = detail::invalid_utf8_at(fields[c]))
                    bad(c, fmt::format("person id is not valid UTF-8 (byte {} of the field)", *at + 1));
            }
            e.source = std::move(fields[cols.source]);
            e.target = std::move(fields[cols.target]);
            if (e.source == e.target) bad(cols.target, fmt::format("self-interaction: source and target are both '{}'", e.source));
            e.channel = cols.channel != absent && !fields[cols.channel].empty() ? fields[cols.channel]
                                                                                  : options.default_channel;
            if (!options.accept_unknown_channels && !channels.find(e.channel))
                bad(cols.channel != absent ? cols.channel : cols.time,
                    fmt::format("unknown channel '{}' (known: {}; define more with --channel NAME=WEIGHT[:HALF_LIFE])",
                                e.channel, channels.names()));
            if (cols.weight != absent && !fields[cols.weight].empty()) {
                const std::string& w = fields[cols.weight];
                double v = 0;
                const auto [end, ec] = std::from_chars(w.data(), w.data() + w.size(), v);
                if (ec != std::errc{} || end != w.data() + w.size()) bad(cols.weight, fmt::format("invalid weight '{}'", w));
                if (!detail::weight_in_range(v)) bad(cols.weight, detail::weight_range_message("'" + w + "'"));
                e.weight = v;
            }
            if (cols.mutual != absent) {
                const auto m = parse_bool(fields[cols.mutual]);
                if (!m) bad(cols.mutual, fmt::format("invalid mutual flag '{}' (expected true/false, 1/0, yes/no)",
                                                     fields[cols.mutual]));
                e.mutual = *m;
            }
            sink(std::move(e));
        } catch (const parse_error& err) {
            if (!options.skip_invalid) throw;
            ++summary.skipped;
            if (summary.errors.size() < options.max_kept_errors) summary.errors.push_back(err);
        }
        if (options.on_progress && summary.rows % options.progress_every == 0)
            options.on_progress({summary.rows, reader.bytes_read()});
    }
    if (options.on_progress) options.on_progress({summary.rows, reader.bytes_read()});
    return summary;
}

std::ifstream open_for_reading(const std::string& path) {
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (ec || !std::filesystem::exists(status))
        throw parse_error(path, 0, 0, "", fmt::format("{}: cannot open file: {}", path,
                                                      ec ? ec.message() : std::string("no such file or directory")));
    if (std::filesystem::is_directory(status))
        throw parse_error(path, 0, 0, "", fmt::format("{}: is a directory, not a file", path));
    std::ifstream in(path, std::ios::binary);
    if (!in) throw parse_error(path, 0, 0, "", fmt::format("{}: cannot open file: {}", path, std::strerror(errno)));
    return in;
}

read_summary read_interactions(const std::string& path, const channel_registry& channels, const read_options& options,
                               const std::function<void(interaction&&)>& sink) {
    std::ifstream in = open_for_reading(path);
    try {
        return read_interactions(in, path, channels, options, sink);
    } catch (const std::ios_base::failure& e) {  // the filebuf's read error (EIO, ...)
        throw parse_error(path, 0, 0, "", fmt::format("{}: read error: {}", path, e.what()));
    }
}

}  // namespace io
RELSCORE_END_NAMESPACE
