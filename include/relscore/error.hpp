#pragma once
/// \file error.hpp
/// The exception hierarchy. Every error relscore throws derives from relscore::error,
/// and every message starts with the function that raised it.

#include <cstddef>
#include <stdexcept>
#include <string>
#include <utility>

#include <relscore/version.hpp>

RELSCORE_BEGIN_NAMESPACE

/// Base of every exception relscore throws.
class error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// An argument or an interaction that breaks a documented precondition
/// (negative weight, self-interaction, unknown channel, ...). Maps to Python's ValueError.
class invalid_argument_error : public error {
public:
    using error::error;
};

/// A person id or name that the scorer has never seen. Maps to Python's KeyError.
class unknown_person_error : public error {
public:
    using error::error;
};

/// A query at a time earlier than the newest interaction already ingested: the answer
/// would silently ignore interactions that happened "after" it, so it is refused.
class time_order_error : public error {
public:
    using error::error;
};

/// Two scorers with different configurations (channels, reciprocity) cannot merge.
class config_mismatch_error : public error {
public:
    using error::error;
};

/// Text that could not be parsed: a time, a duration, a CSV field. When the text came
/// from a file, `file()`, `line()`, `column()` and `field()` say where (1-based; 0 when
/// unknown), and what() already includes them.
class parse_error : public error {
public:
    explicit parse_error(const std::string& message) : error(message) {}
    parse_error(std::string file, std::size_t line, std::size_t column, std::string field,
                const std::string& message)
        : error(message), m_file(std::move(file)), m_line(line), m_column(column),
          m_field(std::move(field)) {}

    [[nodiscard]] const std::string& file() const noexcept { return m_file; }
    [[nodiscard]] std::size_t line() const noexcept { return m_line; }
    [[nodiscard]] std::size_t column() const noexcept { return m_column; }
    [[nodiscard]] const std::string& field() const noexcept { return m_field; }

private:
    std::string m_file;
    std::size_t m_line = 0;
    std::size_t m_column = 0;
    std::string m_field;
};

/// A file that could not be opened, written, synced or renamed (snapshot files). The
/// message names the path and the operating system's reason. Maps to Python's OSError.
class file_error : public error {
public:
    using error::error;
};

namespace detail {
// Cold, out-of-line throw helpers keep the hot paths small (as unordered_dense does).
template <typename Error>
[[noreturn, gnu::cold, gnu::noinline]] void throw_error(const std::string& message) {
    throw Error(message);
}
}  // namespace detail

RELSCORE_END_NAMESPACE
