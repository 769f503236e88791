// relscore intro EVENTS.csv A Z [--alternatives K] [--avoid PERSON]... [--at TIME] [--format table|csv|json]
// relscore suggest EVENTS.csv [--for PERSON] [--top K] [--max-degree D] [--at TIME] [--format table|csv|json]
//
// Same input options and error behaviour as `relscore score`: bad input or arguments
// exit with status 2 and print nothing on stdout.

#include "network_commands.hpp"

#include "input.hpp"
#include "output.hpp"

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

struct intro_command {
    input_options input;
    std::string from, to;
    std::size_t alternatives = 2;
    std::vector<std::string> avoid;
    std::optional<std::string> at;
    output_format format = output_format::table;
};

void print_intro(const scorer& s, const intro_command& opts, const std::vector<intro_path>& paths, timestamp at) {
    switch (opts.format) {
        case output_format::table: {
            std::vector<std::vector<std::string>> rows;
            for (std::size_t k = 0; k < paths.size(); ++k) {
                const auto& p = paths[k];
                std::string chain = s.name(p.people[0]);
                for (std::size_t i = 0; i < p.strengths.size(); ++i)
                    chain += fmt::format(" -[{:.2f}]- {}", p.strengths[i], s.name(p.people[i + 1]));
                rows.push_back({fmt::format("{}", k + 1), fmt::format("{:.4g}", p.product),
                                fmt::format("{}", p.strengths.size()),
                                fmt::format("{:.4f}", *std::min_element(p.strengths.begin(), p.strengths.end())),
                                chain});
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
            fmt::print(stdout, "path,hop,from,to,strength,normalized,product\n");
            for (std::size_t k = 0; k < paths.size(); ++k) {
                const auto& p = paths[k];
                for (std::size_t i = 0; i < p.strengths.size(); ++i)
                    fmt::print(stdout, "{},{},{},{},{},{},{}\n", k + 1, i + 1, csv_quote(s.name(p.people[i])),
                               csv_quote(s.name(p.people[i + 1])), p.strengths[i], p.strengths[i] / p.strongest_tie,
                               p.product);
            }
            break;
        case output_format::json: {
            nlohmann::ordered_json doc;
            doc["at"] = format_time(at);
            doc["from"] = opts.from;
            doc["to"] = opts.to;
            doc["strongest_tie"] = paths.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(paths[0].strongest_tie);
            doc["paths"] = nlohmann::ordered_json::array();
            for (const auto& p : paths) {
                nlohmann::ordered_json path;
                path["product"] = p.product;
                path["cost"] = p.cost;
                path["people"] = nlohmann::ordered_json::array();
                for (person_id v : p.people) path["people"].push_back(s.name(v));
                path["strengths"] = p.strengths;
                doc["paths"].push_back(std::move(path));
            }
            fmt::print(stdout, "{}\n", doc.dump(2));
            break;
        }
    }
}

void add_intro_command(CLI::App& app, std::function<int()>& run) {
    auto opts = std::make_shared<intro_command>();
    auto* cmd = app.add_subcommand(
        "intro", "Warm introductions: the chains of ties from A to Z whose normalized strengths have the largest product");
    add_input_options(*cmd, opts->input);  // the log is the first positional, as for `score`
    cmd->add_option("from", opts->from, "Who wants the introduction (A)")->required();
    cmd->add_option("to", opts->to, "Who A wants to reach (Z)")->required();
    cmd->add_option("--alternatives", opts->alternatives, "Also show the K next best chains (default 2)")
        ->check(CLI::Range(std::size_t{0}, std::size_t{1000}));
    cmd->add_option("--avoid", opts->avoid, "A person the chains must not go through (repeatable)");
    cmd->add_option("--at", opts->at, "Use strengths at this time (default: the newest interaction)");
    add_format_option(*cmd, opts->format);
    cmd->callback([opts, &run] {
        run = [opts] {
            const scorer s = load_scorer(opts->input);
            intro_options o;
            o.paths = opts->alternatives + 1;  // no wrap: --alternatives is at most 1000
            if (opts->at) o.at = parse_time(*opts->at);
            const person_id a = s.person(opts->from), z = s.person(opts->to);
            for (const auto& name : opts->avoid) o.avoid.push_back(s.person(name));
            if (a == z) throw invalid_argument_error(fmt::format("intro: '{}' is both ends of the chain", opts->from));
            for (const auto& name : opts->avoid)
                if (name == opts->from || name == opts->to)
                    throw invalid_argument_error(fmt::format("--avoid '{}': an end of the chain cannot be avoided", name));
            const auto paths = introductions(strength_matrix(s, o.at), a, z, o);
            const timestamp when = o.at ? *o.at : s.newest().value_or(timestamp{});
            print_intro(s, *opts, paths, when);
            if (paths.empty()) {
                std::fflush(stdout);
                fmt::print(stderr, "relscore: no chain of ties links '{}' to '{}' at {}\n", opts->from, opts->to,
                           format_time(when));
                return exit_no_path;
            }
            return 0;
        };
    });
}

// ---- suggest -----------------------------------------------------------------------------

// Common contacts with more ties than this are skipped unless --max-degree says otherwise:
// the work is the sum over contacts of their degree squared, so one hub with 200 k ties
// alone costs 4e10 steps, and a broadcaster's ties say little about who should meet.
constexpr std::size_t default_max_degree = 1000;

struct suggest_command {
    input_options input;
    std::optional<std::string> person;
    std::size_t top = 10;
    std::size_t max_degree = default_max_degree;
    std::optional<std::string> at;
    output_format format = output_format::table;
};

void print_suggestions(const scorer& s, const suggest_command& opts, const std::vector<meeting_suggestion>& rows,
                       timestamp at) {
    switch (opts.format) {
        case output_format::table: {
            std::vector<std::vector<std::string>> cells;
            for (const auto& r : rows)
                cells.push_back({s.name(r.a), s.name(r.b), fmt::format("{:.4f}", r.score), fmt::format("{}", r.common),
                                 s.name(r.via), fmt::format("{:.4f}", r.via_strength)});
            print_table(stdout, {{"a", "b", "score", "common", "via", "via_strength"}, 0, cells,
                                 {true, true, false, false, true, false}},
                        output_format::table, {});
            break;
        }
        case output_format::csv:
            fmt::print(stdout, "a,b,score,common,via,via_strength\n");
            for (const auto& r : rows)
                fmt::print(stdout, "{},{},{},{},{},{}\n", csv_quote(s.name(r.a)), csv_quote(s.name(r.b)), r.score,
                           r.common, csv_quote(s.name(r.via)), r.via_strength);
            break;
        case output_format::json: {
            nlohmann::ordered_json doc;
            doc["at"] = format_time(at);
            doc["for"] = opts.person ? nlohmann::ordered_json(*opts.person) : nlohmann::ordered_json(nullptr);
            doc["suggestions"] = nlohmann::ordered_json::array();
            for (const auto& r : rows) {
                nlohmann::ordered_json row;
                row["a"] = s.name(r.a);
                row["b"] = s.name(r.b);
                row["score"] = r.score;
                row["common"] = r.common;
                row["via"] = s.name(r.via);
                row["via_strength"] = r.via_strength;
                doc["suggestions"].push_back(std::move(row));
            }
            fmt::print(stdout, "{}\n", doc.dump(2));
            break;
        }
    }
}

void add_suggest_command(CLI::App& app, std::function<int()>& run) {
    auto opts = std::make_shared<suggest_command>();
    auto* cmd = app.add_subcommand(
        "suggest", "Who should meet whom: pairs with no tie ranked by the sum, over common contacts, of the weaker of the two ties");
    add_input_options(*cmd, opts->input);
    cmd->add_option("--for", opts->person, "Only people this person has no tie with (a = PERSON)");
    cmd->add_option("--top", opts->top, "Print at most K pairs (default 10)")->check(count_range);
    cmd->add_option("--max-degree", opts->max_degree,
                    fmt::format("Ignore common contacts with more than D ties (hubs; bounds the work on big graphs); "
                                "default {}; 0: no cap",
                                default_max_degree))
        ->check(count_or_zero_range);
    cmd->add_option("--at", opts->at, "Use strengths at this time (default: the newest interaction)");
    add_format_option(*cmd, opts->format);
    cmd->callback([opts, &run] {
        run = [opts] {
            const scorer s = load_scorer(opts->input);
            suggest_options o;
            o.top = opts->top;
            o.max_intermediary_degree = opts->max_degree;
            if (opts->at) o.at = parse_time(*opts->at);
            std::optional<person_id> who;
            if (opts->person) who = s.person(*opts->person);
            const auto g = strength_matrix(s, o.at);
            const bool show = !opts->input.quiet && ::isatty(STDERR_FILENO);
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
            if (hubs > 0 && !opts->input.quiet)
                fmt::print(stderr, "relscore: skipped {} common contact{} with more than {} ties (--max-degree 0 counts them)\n",
                           hubs, hubs == 1 ? "" : "s", o.max_intermediary_degree);
            print_suggestions(s, *opts, rows, o.at ? *o.at : s.newest().value_or(timestamp{}));
            return 0;
        };
    });
}

}  // namespace

void add_network_commands(CLI::App& app, std::function<int()>& run) {
    add_intro_command(app, run);
    add_suggest_command(app, run);
}

}  // namespace relscore::cli
