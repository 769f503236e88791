// relscore score EVENTS.csv [--at TIME] [--for PERSON] [--top K] [--format table|csv|json]:
// every relationship (or a person's), strongest first.

#include "commands.hpp"

#include <relscore/relscore.hpp>

#include <algorithm>
#include <cstdio>
#include <vector>

namespace relscore::cli {

CLI::App* score_command::define(CLI::App& app) {
    auto* cmd = app.add_subcommand("score", "Score every relationship in an interaction log, strongest first");
    add_input_options(*cmd, input);
    cmd->add_option("--at", at, "Score at this time (default: the newest interaction)");
    cmd->add_option("--for", person, "Only this person's relationships (a = PERSON)");
    cmd->add_option("--top", top, "Print at most K rows")->check(count_range);
    add_format_option(*cmd, format);
    return cmd;
}

int score_command::run() const {
    const auto when = parse_at(at);
    const scorer s = load_scorer(input);
    std::vector<relationship> rows;
    if (person) {
        rows = s.top(*person, top.value_or(s.relationships()), when);
    } else {
        const relationship_table t = s.table(when);
        const auto order = t.strongest_first();
        const std::size_t n = std::min(order.size(), top.value_or(order.size()));
        rows.reserve(n);
        for (std::size_t k = 0; k < n; ++k) rows.push_back(t.row(order[k]));
    }
    print_relationships(stdout, s, rows, answer_time(s, when), format);
    return 0;
}

}  // namespace relscore::cli
