// All-or-nothing ingest of a log file (see include/relscore/io/ingest.hpp).

#include <relscore/io/ingest.hpp>

#include <fmt/format.h>

#include <fstream>
#include <utility>

RELSCORE_BEGIN_NAMESPACE
namespace io {

read_summary ingest(scorer& s, std::istream& in, const std::string& name, const read_options& options) {
    read_options read = options;
    read.accept_unknown_channels = s.config().register_unknown_channels.has_value();
    scorer staged = s;  // the copy takes every row; `s` changes only if all of them are good
    std::size_t row = 0;
    const read_summary summary = read_interactions(in, name, staged.channels(), read, [&](interaction&& e) {
        ++row;
        try {
            staged.add(e);
        } catch (const invalid_argument_error& err) {
            // The reader checks what the scorer checks; this is a backstop that still says where.
            throw parse_error(name, 0, 0, "", fmt::format("{}: data row {}: {}", name, row, err.what()));
        }
    });
    s = std::move(staged);
    return summary;
}

read_summary ingest(scorer& s, const std::string& path, const read_options& options) {
    std::ifstream in = open_for_reading(path);
    try {
        return ingest(s, in, path, options);
    } catch (const std::ios_base::failure& e) {  // the filebuf's read error (EIO, ...)
        throw parse_error(path, 0, 0, "", fmt::format("{}: read error: {}", path, e.what()));
    }
}

}  // namespace io
RELSCORE_END_NAMESPACE
