#pragma once
// Printing relationships as an aligned table, CSV or JSON.

#include <relscore/scorer.hpp>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <string>
#include <vector>

namespace relscore::cli {

enum class output_format { table, csv, json };

/// Prints `rows` (already ordered) in `format` to `out`.
void print_relationships(std::FILE* out, const scorer& s, const std::vector<relationship>& rows, timestamp at,
                         output_format format);

/// Rows of text cells under a header; the first `left_columns` are left-aligned (names),
/// the rest right-aligned (numbers).
struct table {
    std::vector<std::string> header;
    std::size_t left_columns = 0;
    std::vector<std::vector<std::string>> rows;
    std::vector<bool> left = {};  ///< per column, if given: overrides left_columns
};

/// `s` with control characters (C0, DEL, C1) written as \xHH or \u00HH, for table output
/// on a terminal; CSV and JSON keep the bytes (their readers need the exact names).
std::string escape_control(const std::string& s);

/// A CSV field, quoted if it needs to be (RFC 4180).
std::string csv_quote(const std::string& s);

/// Registers `--format table|csv|json` on a subcommand.
void add_format_option(CLI::App& cmd, output_format& format);

/// Prints `t` aligned (table) or as CSV, or prints `doc` (json).
void print_table(std::FILE* out, const table& t, output_format format, const nlohmann::ordered_json& doc);

}  // namespace relscore::cli
