#pragma once
// Printing relationships as an aligned table, CSV or JSON.

#include <relscore/scorer.hpp>

#include <cstdio>
#include <string>
#include <vector>

namespace relscore::cli {

enum class output_format { table, csv, json };

/// Prints `rows` (already ordered) in `format` to `out`.
void print_relationships(std::FILE* out, const scorer& s, const std::vector<relationship>& rows, timestamp at,
                         output_format format);

}  // namespace relscore::cli
