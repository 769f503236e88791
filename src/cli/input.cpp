#include "input.hpp"

#include <relscore/io/ingest.hpp>
#include <relscore/time.hpp>

#include <fmt/format.h>

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <set>
#include <string>
#include <unistd.h>

namespace relscore::cli {

void add_input_options(CLI::App& app, input_options& opts) {
    app.add_option("events", opts.events, "Interaction log: CSV or TSV with a header row")->required();
    app.add_option("--channel", opts.channel_specs,
                   "Define or override a channel: NAME=WEIGHT[:HALF_LIFE], e.g. coffee=2.5:90d (repeatable)");
    app.add_option("--kernel", opts.kernel_specs,
                   "A channel's decay kernel: NAME=power:TAU:BETA[:RANGE] ((1 + age/TAU)^-BETA) or "
                   "NAME=window:LENGTH (counts for LENGTH, then nothing); default exponential (repeatable)");
    app.add_option("--half-life", opts.half_life, "Half-life for every channel, e.g. 90d, 12h, 2w");
    app.add_option("--reciprocity", opts.reciprocity, "Reciprocity weight rho in [0, 1]")
        ->default_val(0.5)
        ->check(CLI::Range(0.0, 1.0));
    app.add_option("--time-col", opts.read.columns.time, "Name of the time column")->default_val("time");
    app.add_option("--source-col", opts.read.columns.source, "Name of the source column")->default_val("source");
    app.add_option("--target-col", opts.read.columns.target, "Name of the target column")->default_val("target");
    // Optional columns named on the command line must exist (a typo is not silently ignored).
    const auto optional_column = [&](const char* flag, std::string& name, const char* help) {
        app.add_option_function<std::string>(
            flag,
            [&opts, &name](const std::string& value) {
                name = value;
                opts.read.required_columns.push_back(value);
            },
            fmt::format("{} (default {}; if given, the header must have it)", help, name));
    };
    optional_column("--channel-col", opts.read.columns.channel, "Name of the channel column");
    optional_column("--weight-col", opts.read.columns.weight, "Name of the weight column");
    optional_column("--mutual-col", opts.read.columns.mutual, "Name of the mutual column");
    app.add_option("--delimiter", opts.delimiter, "Field delimiter (default: tab for a .tsv file or a header with tabs and no commas, else comma; 'tab' for tab)");
    app.add_flag("--skip-invalid", opts.read.skip_invalid,
                 "Skip rows that cannot be used (counted and reported on stderr) instead of stopping");
    app.add_flag("-q,--quiet", opts.quiet, "No progress display");
    app.add_option("--threads", opts.threads,
                   "Threads for reading the log into the scorer (0: one per core); the result is the same with any number")
        ->default_val(1)
        ->check(CLI::Range(0u, 1024u));
    app.add_option("--reply-window", opts.reply_window,
                   "An answer later than this is not a reply; a longer silence ends a conversation (default 14d)");
    app.add_option("--touch-gap", opts.touch_gap, "The touch period: days with contact count as touches (default 1d)");
    app.add_option("--config", opts.config_file,
                   "A scoring configuration (JSON, as Python's relscore.FitResult.save writes it): its channels and "
                   "reciprocity replace the defaults (--channel and --kernel still apply on top)")
        ->excludes("--reciprocity")
        ->excludes("--half-life");
}

io::config_file read_config(const std::string& path) {
    try {
        return io::read_config_file(path);
    } catch (const invalid_argument_error& e) {
        throw invalid_argument_error(fmt::format("--config {}", e.what()));
    }
}

namespace {

// A duration given in `option` (its whole value `given`): the message names the option, not
// the parser function.
duration option_duration(const std::string& option, const std::string& given, const std::string& text) {
    try {
        return parse_duration(text);
    } catch (const error& e) {
        throw invalid_argument_error(fmt::format("{} '{}': {}", option, given, e.what()));
    }
}

}  // namespace

scorer_config make_config(const input_options& opts) {
    scorer_config config;
    config.reciprocity = opts.reciprocity;
    if (opts.config_file) {
        io::config_file file = read_config(*opts.config_file);
        config.reciprocity = file.reciprocity;
        config.channels = std::move(file.channels);
    }
    config.insight.retain_events = opts.retain_events;
    if (opts.reply_window) config.insight.reply_window = option_duration("--reply-window", *opts.reply_window, *opts.reply_window);
    if (opts.touch_gap) config.insight.touch_gap = option_duration("--touch-gap", *opts.touch_gap, *opts.touch_gap);
    if (opts.half_life) config.channels.set_half_life(option_duration("--half-life", *opts.half_life, *opts.half_life));
    // --channel redefines a default channel or adds one; the options themselves are one list,
    // where a name given twice is a mistake (the last would win silently). Checked here:
    // define() redefines, so channel_registry::add()'s refusal of a name twice is no use.
    std::set<std::string> given;
    for (const auto& spec : opts.channel_specs) {
        const auto eq = spec.find('=');
        if (eq == std::string::npos || eq == 0)
            throw invalid_argument_error(fmt::format("--channel '{}': expected NAME=WEIGHT[:HALF_LIFE]", spec));
        channel c;
        c.name = spec.substr(0, eq);
        if (!given.insert(c.name).second)
            throw invalid_argument_error(fmt::format("--channel '{}': channel '{}' is given twice", spec, c.name));
        const std::string rest = spec.substr(eq + 1);
        const auto colon = rest.find(':');
        const std::string weight = rest.substr(0, colon);
        const auto [end, ec] = std::from_chars(weight.data(), weight.data() + weight.size(), c.weight);
        if (weight.empty() || ec != std::errc{} || end != weight.data() + weight.size())
            throw invalid_argument_error(fmt::format("--channel '{}': invalid weight '{}'", spec, weight));
        if (colon != std::string::npos) c.half_life = option_duration("--channel", spec, rest.substr(colon + 1));
        else if (auto existing = config.channels.find(c.name)) c.half_life = config.channels[*existing].half_life;
        else if (opts.half_life) c.half_life = option_duration("--half-life", *opts.half_life, *opts.half_life);
        try {
            config.channels.define(c);
        } catch (const invalid_argument_error& e) {
            throw invalid_argument_error(fmt::format("--channel '{}': {}", spec, e.what()));
        }
    }
    for (const auto& spec : opts.kernel_specs) {
        const auto eq = spec.find('=');
        const auto fail = [&](const std::string& why) {
            throw invalid_argument_error(fmt::format("--kernel '{}': {} (expected NAME=power:TAU:BETA[:RANGE] or "
                                                     "NAME=window:LENGTH)", spec, why));
        };
        if (eq == std::string::npos || eq == 0) fail("no NAME=");
        const std::string name = spec.substr(0, eq);
        std::vector<std::string> parts;
        for (std::size_t from = eq + 1;;) {
            const auto colon = spec.find(':', from);
            parts.push_back(spec.substr(from, colon == std::string::npos ? std::string::npos : colon - from));
            if (colon == std::string::npos) break;
            from = colon + 1;
        }
        const auto id = config.channels.find(name);
        if (!id) fail(fmt::format("unknown channel '{}' (known: {})", name, config.channels.names()));
        channel c = config.channels[*id];
        if (parts[0] == "power" && (parts.size() == 3 || parts.size() == 4)) {
            double beta = 0;
            const auto [end, ec] = std::from_chars(parts[2].data(), parts[2].data() + parts[2].size(), beta);
            if (parts[2].empty() || ec != std::errc{} || end != parts[2].data() + parts[2].size())
                fail(fmt::format("invalid exponent '{}'", parts[2]));
            c.kernel = decay_kernel::power_law(option_duration("--kernel", spec, parts[1]), beta,
                                               parts.size() == 4 ? option_duration("--kernel", spec, parts[3]) : duration{});
        } else if (parts[0] == "window" && parts.size() == 2) {
            c.kernel = decay_kernel::window(option_duration("--kernel", spec, parts[1]));
        } else {
            fail(fmt::format("unknown kernel '{}'", parts[0]));
        }
        try {
            config.channels.define(c);
        } catch (const invalid_argument_error& e) {
            fail(e.what());
        }
    }
    return config;
}

scorer load_scorer(const input_options& opts) {
    scorer s(make_config(opts));
    s.set_threads(opts.threads);
    io::read_options read = opts.read;
    if (opts.delimiter == "tab" || opts.delimiter == "\\t") read.delimiter = '\t';
    else if (opts.delimiter.size() == 1) read.delimiter = opts.delimiter[0];
    else if (!opts.delimiter.empty())
        throw invalid_argument_error(fmt::format("--delimiter '{}': expected one character or 'tab'", opts.delimiter));

    std::uintmax_t total_bytes = 0;
    std::error_code ec;
    total_bytes = std::filesystem::file_size(opts.events, ec);
    const bool show = !opts.quiet && ::isatty(STDERR_FILENO) && !ec && total_bytes > (1u << 20);
    if (show)
        read.on_progress = [&](const io::read_progress& p) {
            std::fprintf(stderr, "\rreading %s: %3.0f%%  %zu rows", opts.events.c_str(),
                         100.0 * static_cast<double>(p.bytes) / static_cast<double>(total_bytes), p.rows);
            std::fflush(stderr);
        };

    const auto summary = io::ingest(s, opts.events, read);  // one batch: time order whatever the file's order
    if (show) std::fputs("\r\033[K", stderr);
    if (summary.skipped > 0) {
        fmt::print(stderr, "relscore: skipped {} of {} rows as invalid; the first {}:\n", summary.skipped,
                   summary.rows, summary.errors.size());
        for (const auto& e : summary.errors) fmt::print(stderr, "  {}\n", e.what());
    }
    return s;
}

std::optional<timestamp> parse_at(const std::optional<std::string>& at) {
    if (!at) return std::nullopt;
    try {
        return parse_time(*at);
    } catch (const error& e) {
        throw invalid_argument_error(fmt::format("--at '{}': {}", *at, e.what()));
    }
}

timestamp answer_time(const scorer& s, const std::optional<timestamp>& at) {
    return at ? *at : s.newest().value_or(timestamp{});
}

}  // namespace relscore::cli
