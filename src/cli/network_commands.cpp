// relscore intro EVENTS.csv A Z [--alternatives K] [--avoid PERSON]... [--at TIME] [--format table|csv|json]
// relscore suggest EVENTS.csv [--for PERSON] [--top K] [--max-degree D] [--at TIME] [--format table|csv|json]
//
// Same input options and error behaviour as `relscore score`: bad input or arguments
// exit with status 2 and print nothing on stdout.

#include "commands.hpp"

#include <relscore/network.hpp>
#include <relscore/time.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <unistd.h>

namespace relscore::cli {
namespace {

// ---- intro -------------------------------------------------------------------------------

// CSV and JSON print every described field of each hop (relscore/describe.hpp); the
// table is a view of the same hops, one line per chain.
void print_intro(const scorer& s, const intro_command& opts, const std::vector<intro_path>& paths, timestamp at) {
    const auto hops = intro_hops(paths);
    switch (opts.format) {
        case output_format::table: {
            std::vector<std::vector<std::string>> rows;
            double weakest = 0;
            for (const auto& h : hops) {  // chain by chain, hop 1 first
                if (h.hop == 1) {
                    rows.push_back({fmt::format("{}", h.path), fmt::format("{:.4g}", h.product), "", "", s.name(h.from)});
                    weakest = h.strength;
                }
                weakest = std::min(weakest, h.strength);
                auto& row = rows.back();
                row[2] = fmt::format("{}", h.hop);
                row[3] = fmt::format("{:.4f}", weakest);
                row[4] += fmt::format(" -[{:.2f}]- {}", h.strength, s.name(h.to));
            }
            print_table(stdout, {{"rank", "product", "hops", "weakest", "chain"}, 0, rows, {false, false, false, false, true}},
                        output_format::table, {});
            if (!paths.empty())
                fmt::print(stdout, "\nproduct: each tie's strength divided by the strongest tie in the network ({:.4f}), "
                                   "multiplied along the chain\n",
                           paths[0].strongest_tie);
            break;
        }
        case output_format::csv:
            print_table(stdout, record_table(s, hops, true), output_format::csv, {});
            break;
        case output_format::json: {
            nlohmann::ordered_json doc;
            doc["at"] = format_time(at);
            doc["from"] = opts.from;
            doc["to"] = opts.to;
            doc["strongest_tie"] = paths.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(paths[0].strongest_tie);
            doc["hops"] = nlohmann::ordered_json::array();
            for (const auto& h : hops) doc["hops"].push_back(record_json(s, h));
            print_table(stdout, {}, output_format::json, doc);
            break;
        }
    }
}

}  // namespace

CLI::App* intro_command::define(CLI::App& app) {
    auto* cmd = app.add_subcommand(
        "intro", "Warm introductions: the chains of ties from A to Z whose normalized strengths have the largest product");
    add_input_options(*cmd, input);  // the log is the first positional, as for `score`
    cmd->add_option("from", from, "Who wants the introduction (A)")->required();
    cmd->add_option("to", to, "Who A wants to reach (Z)")->required();
    cmd->add_option("--alternatives", alternatives, "Also show the K next best chains (default 2)")
        ->check(CLI::Range(std::size_t{0}, std::size_t{1000}));
    cmd->add_option("--avoid", avoid, "A person the chains must not go through (repeatable)");
    cmd->add_option("--at", at, "Use strengths at this time (default: the newest interaction)");
    add_format_option(*cmd, format);
    return cmd;
}

int intro_command::run() const {
    intro_options o;
    o.at = parse_at(at);
    const scorer s = load_scorer(input);
    o.paths = alternatives + 1;  // no wrap: --alternatives is at most 1000
    const person_id a = s.person(from), z = s.person(to);
    for (const auto& name : avoid) o.avoid.push_back(s.person(name));
    if (a == z) throw invalid_argument_error(fmt::format("intro: '{}' is both ends of the chain", from));
    for (const auto& name : avoid)
        if (name == from || name == to)
            throw invalid_argument_error(fmt::format("--avoid '{}': an end of the chain cannot be avoided", name));
    const auto paths = introductions(strength_matrix(s, o.at), a, z, o);
    const timestamp when = answer_time(s, o.at);
    print_intro(s, *this, paths, when);
    if (paths.empty()) {
        std::fflush(stdout);
        fmt::print(stderr, "relscore: no chain of ties links '{}' to '{}' at {}\n", from, to, format_time(when));
        return exit_no_path;
    }
    return 0;
}

namespace {

// ---- suggest -----------------------------------------------------------------------------

// Every described field of a suggestion (relscore/describe.hpp), through the one writer.
void print_suggestions(const scorer& s, const suggest_command& opts, const std::vector<meeting_suggestion>& rows,
                       timestamp at) {
    if (opts.format != output_format::json) {
        print_table(stdout, record_table(s, rows, opts.format == output_format::csv), opts.format, {});
        return;
    }
    nlohmann::ordered_json doc;
    doc["at"] = format_time(at);
    doc["for"] = opts.person ? nlohmann::ordered_json(*opts.person) : nlohmann::ordered_json(nullptr);
    doc["suggestions"] = nlohmann::ordered_json::array();
    for (const auto& r : rows) doc["suggestions"].push_back(record_json(s, r));
    print_table(stdout, {}, output_format::json, doc);
}

}  // namespace

CLI::App* suggest_command::define(CLI::App& app) {
    auto* cmd = app.add_subcommand(
        "suggest", "Who should meet whom: pairs with no tie ranked by the sum, over common contacts, of the weaker of the two ties");
    add_input_options(*cmd, input);
    cmd->add_option("--for", person, "Only people this person has no tie with (a = PERSON)");
    cmd->add_option("--top", top, "Print at most K pairs (default 10)")->check(count_range);
    cmd->add_option("--max-degree", max_degree,
                    fmt::format("Ignore common contacts with more than D ties (hubs; bounds the work on big graphs); "
                                "default {}; 0: no cap",
                                default_max_degree))
        ->check(count_or_zero_range);
    cmd->add_option("--at", at, "Use strengths at this time (default: the newest interaction)");
    add_format_option(*cmd, format);
    return cmd;
}

int suggest_command::run() const {
    suggest_options o;
    o.at = parse_at(at);
    const scorer s = load_scorer(input);
    o.top = top;
    o.max_intermediary_degree = max_degree;
    std::optional<person_id> who;
    if (person) who = s.person(*person);
    const auto g = strength_matrix(s, o.at);
    const bool show = !input.quiet && ::isatty(STDERR_FILENO);
    if (show && !who)
        o.on_progress = [](std::size_t done, std::size_t all) {
            std::fprintf(stderr, "\rsuggest: %3.0f%%  %zu of %zu people", 100.0 * static_cast<double>(done) / static_cast<double>(all),
                         done, all);
            std::fflush(stderr);
        };
    const auto rows = who ? suggest_meetings(g, *who, o) : suggest_meetings(g, o);
    if (show && !who) std::fputs("\r\033[K", stderr);
    // Say when the cap changed the answer: the contacts (of PERSON, with --for) it skipped.
    std::size_t hubs = 0;
    const auto is_hub = [&](Eigen::Index z) {
        return o.max_intermediary_degree != 0 &&
               static_cast<std::size_t>(g.innerVector(z).nonZeros()) > o.max_intermediary_degree;
    };
    if (who) {
        for (Eigen::SparseMatrix<double>::InnerIterator it(g, *who); it; ++it) hubs += is_hub(it.index());
    } else {
        for (Eigen::Index z = 0; z < g.outerSize(); ++z) hubs += is_hub(z);
    }
    if (hubs > 0 && !input.quiet)
        fmt::print(stderr, "relscore: skipped {} common contact{} with more than {} ties (--max-degree 0 counts them)\n",
                   hubs, hubs == 1 ? "" : "s", o.max_intermediary_degree);
    print_suggestions(s, *this, rows, answer_time(s, o.at));
    return 0;
}

}  // namespace relscore::cli
