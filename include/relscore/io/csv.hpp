#pragma once
/// \file io/csv.hpp
/// A strict RFC 4180 reader that knows where it is (line and column of every field), so
/// that errors can say exactly which cell was wrong.
///
/// Why not a library: the Debian-packaged CSV parsers (libcsv) do not report positions,
/// and positions are what users need in an error. This reader is small and fuzzable.
///
/// Accepts: a UTF-8 byte-order mark at the start, CRLF or LF line ends, quoted fields with
/// embedded delimiters, newlines and doubled quotes. Rejects (parse_error): a quote inside
/// an unquoted field, characters after a closing quote, an unterminated quoted field, a
/// NUL byte, a field longer than max_field_bytes, a record of more than max_fields fields.

#include <cstddef>
#include <istream>
#include <string>
#include <vector>

#include <relscore/version.hpp>

RELSCORE_BEGIN_NAMESPACE
namespace io {

/// Reads one record at a time from a stream.
class csv_reader {
public:
    static constexpr std::size_t max_field_bytes = 1 << 20;
    /// Fields in one record: far above any real header, and it bounds a record's memory
    /// (a line of commas is otherwise millions of empty fields).
    static constexpr std::size_t max_fields = 4096;

    /// `name` is used in error messages (usually the file path).
    csv_reader(std::istream& in, std::string name, char delimiter = ',');

    /// Reads the next record into `fields`; false at end of input. A blank line is a
    /// record with one empty field. Throws parse_error with file, line and column.
    bool next(std::vector<std::string>& fields);

    /// The 1-based line on which the last record read starts.
    [[nodiscard]] std::size_t line() const noexcept { return m_record_line; }
    /// The 1-based line of each field of the last record (fields may span lines).
    [[nodiscard]] std::size_t field_line(std::size_t i) const noexcept { return m_field_lines[i]; }
    /// Bytes consumed so far, for progress reports.
    [[nodiscard]] std::size_t bytes_read() const noexcept { return m_bytes; }
    [[nodiscard]] const std::string& name() const noexcept { return m_name; }
    [[nodiscard]] char delimiter() const noexcept { return m_delimiter; }

private:
    int get();
    int peek();
    [[noreturn]] void fail(std::size_t column, const std::string& what) const;

    std::istream& m_in;
    std::string m_name;
    char m_delimiter;
    std::size_t m_line = 1;
    std::size_t m_record_line = 0;
    std::size_t m_bytes = 0;
    bool m_started = false;
    std::vector<std::size_t> m_field_lines;
};

}  // namespace io
RELSCORE_END_NAMESPACE
