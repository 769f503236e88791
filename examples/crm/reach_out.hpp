#pragma once
// Who to reach out to today: relscore's keep-in-touch list. Each relationship has its own
// rhythm (the median gap between contacts); the ones past it are due, ranked by strength ×
// overdue, and logging any interaction resets the clock.

#include <relscore/relscore.hpp>

#include <string>
#include <vector>

namespace crm {

/// Heading printed above the list, so the output says how it was chosen.
inline constexpr const char* reach_out_heading =
    "Due a touch (past each relationship's own rhythm; strength x overdue, highest first)";

inline std::vector<relscore::due_item> reach_out(const relscore::scorer& s, const std::string& owner,
                                                 relscore::timestamp at, std::size_t count = 5) {
    if (!s.find_person(owner)) return {};
    return s.due(owner, count, at);
}

}  // namespace crm
