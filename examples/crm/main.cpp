// crm: a small personal CRM on SQLite that embeds relscore.
//
//   crm [--db FILE] init NAME              create the database; NAME is you
//   crm [--db FILE] log PERSON [-c CHANNEL] [--at TIME] [--from-them | --mutual] [--weight W] [--note TEXT]
//   crm [--db FILE] import EVENTS.csv      a log in relscore's CSV format (any two people)
//   crm [--db FILE] today [--at TIME] [--top K]
//   crm [--db FILE] show PERSON [--at TIME] [--top K]
//
// The database defaults to $CRM_DB, else ./crm.db. The scores live in FILE.scores beside it
// (see store.hpp). Exit status: 0 on success, 2 on bad input (nothing is changed then).

#include "reach_out.hpp"
#include "store.hpp"

#include <relscore/io/event_log.hpp>
#include <relscore/relscore.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <optional>
#include <string>

namespace crm {
namespace {

// The time to score at: --at, else now, but never before the newest interaction (the
// log may hold interactions dated later today, or in a sample, in the future).
relscore::timestamp query_time(const relscore::scorer& s, const std::optional<std::string>& at) {
    if (at) return relscore::parse_time(*at);
    const auto now = std::chrono::time_point_cast<relscore::duration>(std::chrono::system_clock::now());
    return std::max(relscore::timestamp{now}, s.newest().value_or(relscore::timestamp{now}));
}

std::string day(std::optional<relscore::timestamp> t) {
    return t ? relscore::format_time(*t).substr(0, 10) : std::string("-");
}

long days_between(relscore::timestamp from, relscore::timestamp to) {
    return static_cast<long>(std::chrono::floor<std::chrono::days>(to - from).count());
}

std::string star_text(int n) { return std::string(static_cast<std::size_t>(n), '*') + std::string(static_cast<std::size_t>(5 - n), '.'); }

void print_ties(const relscore::scorer& s, const std::vector<relscore::relationship>& ties, relscore::timestamp at) {
    fmt::print("  {:<24} {:>9} {:>11} {:>12} {:>6} {:>12}  {}\n", "person", "strength", "reciprocity", "last contact",
               "days", "interactions", "stars");
    for (const auto& r : ties)
        fmt::print("  {:<24} {:>9.4f} {:>11.3f} {:>12} {:>6} {:>12}  {}\n", s.name(r.b), r.strength, r.reciprocity,
                   day(r.last_interaction), r.last_interaction ? days_between(*r.last_interaction, at) : 0,
                   r.interactions, star_text(relscore::stars(r)));
}

void print_due(const relscore::scorer& s, const std::vector<relscore::due_item>& due, relscore::timestamp at) {
    fmt::print("  {:<24} {:>9} {:>12} {:>11} {:>8}  {}\n", "person", "strength", "last contact", "rhythm", "overdue",
               "stars");
    for (const auto& d : due)
        fmt::print("  {:<24} {:>9.4f} {:>12} {:>10.0f}d {:>7.1f}x  {}\n", s.name(d.b), d.strength,
                   day(d.when.last_contact), static_cast<double>(d.when.typical_gap.count()) / 86400e6, d.when.overdue,
                   star_text(relscore::stars(s.between(d.a, d.b, at))));
}

std::string describe(const relscore::interaction& e, const std::string& person) {
    const std::string other = e.source == person ? e.target : e.source;
    const char* arrow = e.mutual ? "<->" : (e.source == person ? "-->" : "<--");
    std::string out = fmt::format("{}  {:<12} {} {}", relscore::format_time(e.time), e.channel, arrow, other);
    if (e.weight) out += fmt::format("  (weight {})", *e.weight);
    return out;
}

}  // namespace
}  // namespace crm

int main(int argc, char** argv) {
    using namespace crm;
    CLI::App app{"crm: a personal CRM on SQLite, with relationship strength from relscore"};
    app.require_subcommand(1);
    const char* env_db = std::getenv("CRM_DB");
    std::string db_path = env_db ? env_db : "crm.db";
    app.add_option("--db", db_path, "The SQLite database (default: $CRM_DB, else crm.db)");
    std::function<int()> run;

    std::string init_name;
    auto* init_cmd = app.add_subcommand("init", "Create the database; NAME is you, the owner");
    init_cmd->add_option("NAME", init_name, "Your name as it appears in interactions")->required();
    init_cmd->callback([&] {
        run = [&] {
            store db(db_path, true);
            db.set_owner(init_name);
            (void)db.scores();  // writes the (empty) snapshot
            fmt::print("crm: {} is ready for {}\n", db_path, init_name);
            return 0;
        };
    });

    std::string log_person, log_channel = "contact", log_note;
    std::optional<std::string> log_at;
    std::optional<double> log_weight;
    bool from_them = false, mutual = false;
    auto* log_cmd = app.add_subcommand("log", "Record an interaction between you and PERSON");
    log_cmd->add_option("PERSON", log_person, "Who")->required();
    log_cmd->add_option("-c,--channel", log_channel, "email, message, call, meeting, introduction, favour, contact");
    log_cmd->add_option("--at", log_at, "When (ISO 8601 or UNIX seconds; default: now)");
    log_cmd->add_option("--weight", log_weight, "Override the channel's weight");
    log_cmd->add_option("--note", log_note, "Free text");
    auto* them = log_cmd->add_flag("--from-them", from_them, "PERSON reached out to you (default: you to them)");
    log_cmd->add_flag("--mutual", mutual, "Both took part (a meeting)")->excludes(them);
    log_cmd->callback([&] {
        run = [&] {
            store db(db_path, false);
            const std::string me = db.owner();
            relscore::interaction e;
            e.time = log_at ? relscore::parse_time(*log_at)
                            : std::chrono::time_point_cast<relscore::duration>(std::chrono::system_clock::now());
            e.source = from_them ? log_person : me;
            e.target = from_them ? me : log_person;
            e.channel = log_channel;
            e.weight = log_weight;
            e.mutual = mutual;
            db.log(e, log_note);
            const auto r = db.scores().between(me, log_person, query_time(db.scores(), std::nullopt));
            fmt::print("crm: logged {}; strength with {} is now {:.4f}\n", crm::describe(e, me), log_person, r.strength);
            return 0;
        };
    });

    std::string import_path;
    auto* import_cmd = app.add_subcommand("import", "Import a CSV log (time,source,target[,channel,weight,mutual])");
    import_cmd->add_option("EVENTS", import_path, "The CSV file")->required()->check(CLI::ExistingFile);
    import_cmd->callback([&] {
        run = [&] {
            store db(db_path, false);
            std::vector<relscore::interaction> events;
            relscore::io::read_interactions(import_path, db.scores().channels(), {},
                                            [&](relscore::interaction&& e) { events.push_back(std::move(e)); });
            const std::size_t n = db.log_all(events);
            fmt::print("crm: imported {} interactions; {} people, {} relationships\n", n, db.scores().people(),
                       db.scores().relationships());
            return 0;
        };
    });

    std::optional<std::string> at;
    std::size_t top = 10;
    auto* today_cmd = app.add_subcommand("today", "Who to reach out to, and your strongest relationships");
    today_cmd->add_option("--at", at, "Pretend it is this time");
    today_cmd->add_option("--top", top, "How many strongest relationships")->check(CLI::PositiveNumber);
    today_cmd->callback([&] {
        run = [&] {
            store db(db_path, false);
            const std::string me = db.owner();
            const relscore::scorer& s = db.scores();
            const relscore::timestamp when = query_time(s, at);
            fmt::print("{} — {}\n\n{}:\n", me, crm::day(when), reach_out_heading);
            print_due(s, reach_out(s, me, when), when);
            fmt::print("\nStrongest relationships:\n");
            if (s.find_person(me)) print_ties(s, s.top(me, top, when), when);
            return 0;
        };
    });

    std::string show_person;
    auto* show_cmd = app.add_subcommand("show", "PERSON's relationships and latest interactions");
    show_cmd->add_option("PERSON", show_person, "Who")->required();
    show_cmd->add_option("--at", at, "Pretend it is this time");
    show_cmd->add_option("--top", top, "How many relationships")->check(CLI::PositiveNumber);
    show_cmd->callback([&] {
        run = [&] {
            store db(db_path, false);
            const relscore::scorer& s = db.scores();
            const relscore::timestamp when = query_time(s, at);
            const auto ties = s.top(show_person, top, when);  // unknown_person_error if unknown
            fmt::print("{} — {} relationship(s), strongest first, at {}:\n", show_person, ties.size(), crm::day(when));
            print_ties(s, ties, when);
            fmt::print("\nLatest interactions:\n");
            for (const auto& stored : db.recent(show_person, 5))
                fmt::print("  {}{}\n", crm::describe(stored.event, show_person),
                           stored.note.empty() ? "" : "  — " + stored.note);
            return 0;
        };
    });

    CLI11_PARSE(app, argc, argv);
    try {
        return run();
    } catch (const std::exception& e) {
        fmt::print(stderr, "crm: error: {}\n", e.what());
        return 2;
    }
}
