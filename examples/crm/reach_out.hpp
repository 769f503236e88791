#pragma once
// Who to reach out to today.
//
// PLACEHOLDER: until relscore has keep-in-touch lists, this ranks the owner's strongest
// ties by how long ago they were last in contact (longest first). It is the one place to
// change when the library's own "due" ranking is available.

#include <relscore/relscore.hpp>

#include <algorithm>
#include <string>
#include <vector>

namespace crm {

struct reach_out_options {
    std::size_t strong_ties = 10;  ///< consider the owner's this many strongest ties
    std::size_t count = 5;         ///< and suggest this many of them
};

/// Heading printed above the list, so the output says how it was chosen.
inline constexpr const char* reach_out_heading =
    "Reach out (placeholder ranking: your strongest ties, longest since last contact first)";

inline std::vector<relscore::relationship> reach_out(const relscore::scorer& s, const std::string& owner,
                                                     relscore::timestamp at, const reach_out_options& options = {}) {
    if (!s.find_person(owner)) return {};
    std::vector<relscore::relationship> ties = s.top(owner, options.strong_ties, at);
    std::stable_sort(ties.begin(), ties.end(), [](const relscore::relationship& x, const relscore::relationship& y) {
        return x.last_interaction < y.last_interaction;  // ties: stronger first (top() order)
    });
    ties.resize(std::min(ties.size(), options.count));
    return ties;
}

}  // namespace crm
