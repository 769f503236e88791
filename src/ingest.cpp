// All-or-nothing ingest of a log file (see include/relscore/io/ingest.hpp).

#include <relscore/io/ingest.hpp>

#include <boost/unordered/unordered_flat_map.hpp>
#include <fmt/format.h>

#include <fstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

RELSCORE_BEGIN_NAMESPACE
namespace io {

namespace {

// The file's rows as columns, names and channels as codes: about 41 bytes a row, where a
// vector of `interaction` would hold three strings per row.
class column_builder {
public:
    explicit column_builder(const scorer& s) : m_scorer(s) {}

    void add(const interaction& e) {
        m_time.push_back(to_micros(e.time));
        m_source.push_back(code(m_people, m_person_code, e.source));
        m_target.push_back(code(m_people, m_person_code, e.target));
        m_channel.push_back(code(m_channel_names, m_channel_code, e.channel));
        m_weight.push_back(e.weight ? *e.weight : channel_weight(e.channel));
        m_mutual.push_back(e.mutual ? 1 : 0);
    }

    [[nodiscard]] interaction_columns columns() const {
        return {m_time, m_source, m_target, m_people, m_channel, m_channel_names, "contact", m_weight, m_mutual};
    }

private:
    using code_map = boost::unordered_flat_map<std::string, std::int64_t>;

    static std::int64_t code(std::vector<std::string>& names, code_map& codes, const std::string& name) {
        const auto [it, fresh] = codes.try_emplace(name, static_cast<std::int64_t>(names.size()));
        if (fresh) names.push_back(name);
        return it->second;
    }
    // A row without a weight gets its channel's, as scorer::add() would give it (a channel
    // the scorer does not know yet is registered from its config's template).
    double channel_weight(const std::string& name) const {
        if (const auto id = m_scorer.channels().find(name)) return m_scorer.channels()[*id].weight;
        return m_scorer.config().register_unknown_channels->weight;  // the reader let it through
    }

    const scorer& m_scorer;
    std::vector<std::int64_t> m_time, m_source, m_target, m_channel;
    std::vector<double> m_weight;
    std::vector<std::uint8_t> m_mutual;
    std::vector<std::string> m_people, m_channel_names;
    code_map m_person_code, m_channel_code;
};

}  // namespace

read_summary ingest(scorer& s, std::istream& in, const std::string& name, const read_options& options) {
    read_options read = options;
    read.accept_unknown_channels = s.config().register_unknown_channels.has_value();
    column_builder rows(s);
    const read_summary summary = read_interactions(in, name, s.channels(), read, [&](interaction&& e) { rows.add(e); });
    try {
        s.add_columns(rows.columns());  // one batch: applied in time order, whatever the file's order
    } catch (const invalid_argument_error& err) {
        // The reader checks what the scorer checks; this is a backstop that still says where.
        throw parse_error(name, 0, 0, "", fmt::format("{}: {}", name, err.what()));
    }
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
