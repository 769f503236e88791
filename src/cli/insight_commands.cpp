// The `stars`, `due` and `explain` subcommands: what to act on, and why.

#include "commands.hpp"

#include <relscore/io/csv.hpp>
#include <relscore/relscore.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relscore::cli {
namespace {

using json = nlohmann::ordered_json;

std::string date_of(timestamp t) { return format_time(t).substr(0, 10); }

std::string trend_text(const trend& t) {
    if (t.direction == trend_direction::not_enough_history) return to_string(t.direction);
    return fmt::format("{} ({:+.0f}%)", to_string(t.direction), 100 * t.change_over_horizon);
}
std::string star_text(int n) { return std::string(static_cast<std::size_t>(n), '*') + std::string(static_cast<std::size_t>(5 - n), '.'); }

// Ratings a user gave: CSV with columns a, b, stars (a header row names them).
struct rating {
    std::string a, b;
    int stars;
    std::size_t line;
};
std::vector<rating> read_ratings(const std::string& path) {
    std::ifstream in = io::open_for_reading(path);
    const auto bad = [&](std::size_t line, std::size_t column, const std::string& field, const std::string& what) {
        return parse_error(path, line, column, field, fmt::format("{}:{}:{}: {}", path, line, column, what));
    };
    io::csv_reader reader(in, path);
    std::vector<std::string> row;
    if (!reader.next(row)) throw bad(1, 1, "", "empty ratings file (expected a header a,b,stars)");
    std::map<std::string, std::size_t> col;
    for (std::size_t i = 0; i < row.size(); ++i) col[row[i]] = i;
    for (const char* name : {"a", "b", "stars"})
        if (!col.contains(name)) throw bad(1, 1, name, fmt::format("the header has no '{}' column (expected a,b,stars)", name));
    const std::size_t needed = std::max({col["a"], col["b"], col["stars"]}) + 1;
    std::vector<rating> out;
    while (reader.next(row)) {
        const std::size_t line = reader.line();
        if (row.size() < needed) throw bad(line, row.size(), "", fmt::format("expected {} fields, got {}", needed, row.size()));
        const std::string& text = row[col["stars"]];
        if (!(text.size() == 1 && text[0] >= '0' && text[0] <= '5'))
            throw bad(line, col["stars"] + 1, "stars", fmt::format("column 'stars': '{}' is not a whole number 0..5", text));
        out.push_back({row[col["a"]], row[col["b"]], text[0] - '0', line});
    }
    return out;
}

// ---- stars ---------------------------------------------------------------------------

}  // namespace

int stars_command::run() const {
    const stars_command& o = *this;
    const auto when = parse_at(o.at);
    const scorer s = load_scorer(o.input);
    stars_config config = stars_config{}.for_log(s.log_span());
    if (o.input.config_file)  // a fitted configuration's own star thresholds
        if (const auto thresholds = read_config(*o.input.config_file).star_thresholds)
            for (std::size_t k = 0; k < config.levels.size(); ++k) config.levels[k].min_strength = (*thresholds)[k];
    if (o.calibrate) {
        const auto ratings = read_ratings(*o.calibrate);
        std::vector<relationship> rs;
        std::vector<int> given;
        for (const auto& r : ratings) {
            const auto a = s.find_person(r.a), b = s.find_person(r.b);
            if (!a || !b)
                throw invalid_argument_error(fmt::format("{}:{}: unknown person '{}' (not in {})", *o.calibrate, r.line,
                                                         a ? r.b : r.a, o.input.events));
            rs.push_back(s.between(*a, *b, when));
            given.push_back(r.stars);
        }
        const star_calibration fit = calibrate_stars(rs, given, config);
        config = fit.config;
        fmt::print(stderr, "calibrated on {} ratings: exact agreement {:.0f}% -> {:.0f}%, within one star {:.0f}% -> {:.0f}%\n",
                   fit.after.rated, 100 * fit.before.exact, 100 * fit.after.exact, 100 * fit.before.within_one,
                   100 * fit.after.within_one);
        for (std::size_t k = 0; k < config.levels.size(); ++k)
            fmt::print(stderr, "  {} star{}: strength >= {:.4g}\n", k + 1, k ? "s" : "", config.levels[k].min_strength);
    }
    std::vector<relationship> rows;
    if (o.person) {
        rows = s.top(*o.person, o.top.value_or(s.relationships()), when);
    } else {
        const relationship_table t = s.table(when);
        const auto order = t.strongest_first();
        for (std::size_t k = 0; k < std::min(order.size(), o.top.value_or(order.size())); ++k) rows.push_back(t.row(order[k]));
    }
    // The relationship's described fields (relscore/describe.hpp) by name, with the stars
    // after the pair and the derived columns last.
    static constexpr std::array<std::string_view, 2> pair_fields{"a", "b"};
    static constexpr std::array<std::string_view, 3> strength_fields{"strength", "reciprocity", "touches"};
    static_assert(is_view_of<relationship>(pair_fields) && is_view_of<relationship>(strength_fields));
    const bool exact = o.format == output_format::csv;
    table out = record_table(s, rows, exact, {}, pair_fields);
    table stars_column{{"stars"}, 0}, derived{{"known_days", "trend"}, 0};
    if (exact) derived.header.push_back("trend_change");
    json doc{{"at", format_time(answer_time(s, when))}, {"relationships", json::array()}};
    for (const auto& r : rows) {
        const int n = stars(r, config);
        const trend tr = s.trend_of(r.a, r.b, when);
        const double known = r.first_interaction ? days_of(*r.last_interaction - *r.first_interaction) : 0;
        stars_column.rows.push_back({o.format == output_format::table ? star_text(n) : std::to_string(n)});
        if (exact) {
            derived.rows.push_back({fmt::format("{}", known), to_string(tr.direction), fmt::format("{}", tr.change_over_horizon)});
        } else {
            derived.rows.push_back({fmt::format("{:.0f}", known), trend_text(tr)});
        }
        json row = record_json(s, r, {}, pair_fields);
        row["stars"] = n;
        row.update(record_json(s, r, {}, strength_fields));
        row["known_days"] = known;
        row["trend"] = to_string(tr.direction);
        row["trend_change"] = tr.change_over_horizon;
        doc["relationships"].push_back(std::move(row));
    }
    append_columns(out, stars_column);
    append_columns(out, record_table(s, rows, exact, {}, strength_fields));
    append_columns(out, derived);
    print_table(stdout, out, o.format, doc);
    return 0;
}

// ---- due -----------------------------------------------------------------------------

int due_command::run() const {
    const due_command& o = *this;
    const auto when = parse_at(o.at);
    const scorer s = load_scorer(o.input);
    const auto items = o.person ? s.due(*o.person, o.top, when) : s.due_all(o.top, when);
    // Every described field of a due item (describe<due_item>) in CSV and JSON; the table
    // shows what to act on, times as dates. Then the derived stars and trend.
    static constexpr std::array<std::string_view, 7> table_fields{"a", "b", "priority", "last_interaction",
                                                                  "typical_gap", "due", "overdue"};
    static_assert(is_view_of<due_item>(table_fields));
    const field_view view = o.format == output_format::table ? field_view(table_fields) : field_view();
    table out = record_table(s, items, o.format == output_format::csv, {}, view);
    if (o.format == output_format::table) times_as_dates<due_item>(out, view);
    out.header.insert(out.header.end(), {"stars", "trend"});
    out.left.insert(out.left.end(), {false, false});
    json doc{{"at", format_time(answer_time(s, when))}, {"due", json::array()}};
    for (std::size_t i = 0; i < items.size(); ++i) {
        const due_item& d = items[i];
        const int n = stars(s, s.between(d.a, d.b, when));
        const trend tr = s.trend_of(d.a, d.b, when);
        out.rows[i].push_back(o.format == output_format::table ? star_text(n) : std::to_string(n));
        out.rows[i].push_back(o.format == output_format::table ? trend_text(tr) : to_string(tr.direction));
        json row = record_json(s, d);
        row["stars"] = n;
        row["trend"] = to_string(tr.direction);
        doc["due"].push_back(std::move(row));
    }
    print_table(stdout, out, o.format, doc);
    return 0;
}

// ---- explain -------------------------------------------------------------------------

int explain_command::run() const {
    const explain_command& o = *this;
    input_options with_events = o.input;
    with_events.retain_events = o.receipts > 0;  // receipts need the interactions themselves
    const auto when = parse_at(o.at);
    const scorer s = load_scorer(with_events);
    const person_id pa = s.person(o.a);
    const person_id pb = s.person(o.b);
    const relationship r = s.between(pa, pb, when);
    const explanation x = s.explain(pa, pb, o.receipts, when);
    const conversation_stats c = s.conversation(pa, pb, when);
    const trend tr = s.trend_of(pa, pb, when);
    const int n = stars(s, r);
    std::optional<rhythm> rh;
    if (r.interactions > 0) rh = s.rhythm_of(pa, pb, when);
    const std::string& na = s.name(pa);
    const std::string& nb = s.name(pb);

    if (o.format == output_format::json) {
        // Described results (relscore/describe.hpp) print every field, durations as `<name>_days`:
        // the relationship's at the top level, then the stars and each part of the story.
        json doc{{"at", format_time(x.at)}};
        doc.update(record_json(s, r));
        doc["stars"] = n;
        doc["trend"] = record_json(s, tr);
        doc["rhythm"] = rh ? record_json(s, *rh) : json(nullptr);
        doc["replies"] = {{"a_to_b", record_json(s, c.a_to_b)}, {"b_to_a", record_json(s, c.b_to_a)}};
        doc["parts"] = json::array();
        for (const auto& p : x.parts) doc["parts"].push_back(record_json(s, p, {pa, pb}));
        doc["receipts"] = json::array();
        for (const auto& rc : x.receipts) doc["receipts"].push_back(record_json(s, rc));
        fmt::print("{}\n", doc.dump(2));
        return 0;
    }
    if (o.format == output_format::csv)
        throw invalid_argument_error("relscore explain: --format csv is not supported (use table or json)");

    fmt::print("{} and {} at {}\n", escape_control(na), escape_control(nb), format_time(x.at));
    fmt::print("  strength {:.4f}  {}  reciprocity {:.3f}  trend {}\n", r.strength, star_text(n), r.reciprocity,
               trend_text(tr));
    fmt::print("  {} interactions in {} touches", r.interactions, r.touches);
    if (r.first_interaction) fmt::print(", known since {}", date_of(*r.first_interaction));
    fmt::print("\n");
    if (rh)
        fmt::print("  rhythm: every {}{}; last contact {}, due {} ({:.1f}x)\n", human(rh->typical_gap),
                   rh->learned ? "" : " (new tie: default)", date_of(rh->last_contact), date_of(rh->due), rh->overdue);

    fmt::print("\nwhere the strength comes from\n");
    // Every described field of a part (describe<strength_part>), then its share of the strength.
    table parts = record_table(s, x.parts, false, {pa, pb});
    parts.header.push_back("share");
    parts.left.push_back(false);
    for (std::size_t i = 0; i < x.parts.size(); ++i)
        parts.rows[i].push_back(r.strength > 0 ? fmt::format("{:.0f}%", 100 * x.parts[i].contribution / r.strength) : "-");
    print_table(stdout, parts, output_format::table, {});

    fmt::print("\nreplies\n");
    table replies{{"from", "messages", "answered", "reply_rate", "median_reply", "quartiles", "initiated", "streak",
                   "tries_before_first_answer"},
                  1};
    for (const auto* side : {&c.a_to_b, &c.b_to_a}) {
        const reply_stats& rs = *side;
        replies.rows.push_back({side == &c.a_to_b ? na : nb, std::to_string(rs.messages),
                                fmt::format("{}/{}", rs.answered, rs.resolved),
                                rs.resolved ? fmt::format("{:.0f}%", 100 * rs.reply_rate) : "-", human(rs.latency_median),
                                fmt::format("{}..{}", human(rs.latency_p25), human(rs.latency_p75)),
                                fmt::format("{:.0f}%", 100 * rs.initiated_share), std::to_string(rs.unanswered_streak),
                                std::to_string(rs.attempts_before_first_answer)});
    }
    print_table(stdout, replies, output_format::table, {});

    if (!x.receipts.empty()) {
        fmt::print("\nthe {} interactions that count most now (of {})\n", x.receipts.size(), x.receipts_total);
        print_table(stdout, record_table(s, x.receipts, false), output_format::table, {});
    }
    return 0;
}

CLI::App* stars_command::define(CLI::App& app) {
    auto* st = app.add_subcommand("stars", "Rate every relationship 0-5 stars (optionally calibrated to your own ratings)");
    add_input_options(*st, input);
    st->add_option("--at", at, "Rate at this time (default: the newest interaction)");
    st->add_option("--for", person, "Only this person's relationships");
    st->add_option("--top", top, "Print at most K rows")->check(count_range);
    st->add_option("--calibrate", calibrate,
                   "CSV of your ratings (columns a,b,stars): fit the thresholds to them and report the agreement");
    add_format_option(*st, format);
    return st;
}

CLI::App* due_command::define(CLI::App& app) {
    auto* du = app.add_subcommand("due", "Who is due a touch: overdue against each relationship's own rhythm");
    add_input_options(*du, input);
    du->add_option("--at", at, "As of this time (default: the newest interaction)");
    du->add_option("--for", person, "Only this person's relationships");
    du->add_option("--top", top, "Print at most K rows")->default_val(20)->check(count_range);
    add_format_option(*du, format);
    return du;
}

CLI::App* explain_command::define(CLI::App& app) {
    auto* ex = app.add_subcommand("explain", "Why a relationship is as strong as it is: channels, replies, receipts");
    add_input_options(*ex, input);
    ex->add_option("a", a, "One person")->required();
    ex->add_option("b", b, "The other person")->required();
    ex->add_option("--at", at, "As of this time (default: the newest interaction)");
    ex->add_option("--receipts", receipts, "Show the N interactions that count most (0: none)")
        ->default_val(10)
        ->check(count_or_zero_range);
    add_format_option(*ex, format);
    return ex;
}

}  // namespace relscore::cli
