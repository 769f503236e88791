// The RFC 4180 reader (see include/relscore/io/csv.hpp).

#include <relscore/error.hpp>
#include <relscore/io/csv.hpp>

#include <fmt/format.h>

#include <string>
#include <utility>

RELSCORE_BEGIN_NAMESPACE
namespace io {

csv_reader::csv_reader(std::istream& in, std::string name, char delimiter)
    : m_in(in), m_name(std::move(name)), m_delimiter(delimiter) {}

int csv_reader::get() {
    const int c = m_in.rdbuf()->sbumpc();
    if (c != std::char_traits<char>::eof()) ++m_bytes;
    return c;
}

int csv_reader::peek() { return m_in.rdbuf()->sgetc(); }

void csv_reader::fail(std::size_t column, const std::string& what) const {
    throw parse_error(m_name, m_line, column, "",
                      fmt::format("{}:{}:{}: {}", m_name, m_line, column, what));
}

bool csv_reader::next(std::vector<std::string>& fields) {
    constexpr int eof = std::char_traits<char>::eof();
    fields.clear();
    m_field_lines.clear();
    if (!m_started) {
        m_started = true;
        // Skip a UTF-8 byte-order mark (written by Excel and Notepad).
        if (peek() == 0xEF) {
            get();
            if (get() != 0xBB || get() != 0xBF) fail(1, "invalid byte-order mark");
        }
    }
    if (peek() == eof) return false;
    m_record_line = m_line;
    std::string field;
    std::size_t column = 1;
    for (;;) {
        // Start of a field.
        m_field_lines.push_back(m_line);
        field.clear();
        int c = get();
        if (c == '"') {
            for (;;) {
                c = get();
                if (c == eof) fail(column, "unterminated quoted field (opened on line " +
                                               std::to_string(m_field_lines.back()) + ")");
                if (c == '"') {
                    if (peek() == '"') {
                        get();
                        field.push_back('"');
                        continue;
                    }
                    c = get();
                    break;
                }
                if (c == '\n') ++m_line;
                if (c == '\0') fail(column, "NUL byte in field");
                field.push_back(static_cast<char>(c));
                if (field.size() > max_field_bytes) fail(column, "field longer than 1 MiB");
            }
            if (c != m_delimiter && c != '\n' && c != '\r' && c != eof)
                fail(column, fmt::format("unexpected character '{}' after a closing quote", static_cast<char>(c)));
        } else {
            while (c != m_delimiter && c != '\n' && c != '\r' && c != eof) {
                if (c == '"') fail(column, "quote inside an unquoted field (quote the whole field and double the quote)");
                if (c == '\0') fail(column, "NUL byte in field");
                field.push_back(static_cast<char>(c));
                if (field.size() > max_field_bytes) fail(column, "field longer than 1 MiB");
                c = get();
            }
        }
        fields.push_back(std::move(field));
        field = std::string();
        if (c == m_delimiter) {
            ++column;
            if (column > max_fields) fail(column, fmt::format("more than {} fields in a row", max_fields));
            continue;
        }
        if (c == '\r') {
            if (peek() == '\n') get();
            else fail(column, "carriage return not followed by a line feed");
        }
        if (c == '\r' || c == '\n') ++m_line;
        return true;
    }
}

}  // namespace io
RELSCORE_END_NAMESPACE
