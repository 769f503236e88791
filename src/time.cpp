// Parsing and formatting of times and durations.
//
// Design notes: the shape of the text is checked strictly by hand (Boost's own string
// parsers accept forms like "2006-Dec-18" or "1:2:3" that would hide a wrong column), and
// the calendar itself — month lengths, leap years, the day count since the epoch — is left
// to Boost.Date_Time, which rejects impossible dates such as 2006-02-30.

#include <relscore/error.hpp>
#include <relscore/scorer.hpp>
#include <relscore/time.hpp>

#include <boost/date_time/gregorian/gregorian.hpp>
#include <boost/date_time/posix_time/posix_time.hpp>
#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

RELSCORE_BEGIN_NAMESPACE
namespace {

namespace pt = boost::posix_time;
namespace greg = boost::gregorian;

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

bool all_digits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return true;
}

// Reads exactly `n` digits at the front of `s`, advancing it.
std::optional<int> take_digits(std::string_view& s, std::size_t n) {
    if (s.size() < n || !all_digits(s.substr(0, n))) return std::nullopt;
    int v = 0;
    for (std::size_t i = 0; i < n; ++i) v = v * 10 + (s[i] - '0');
    s.remove_prefix(n);
    return v;
}

bool take_char(std::string_view& s, char c) {
    if (s.empty() || s.front() != c) return false;
    s.remove_prefix(1);
    return true;
}

// A fraction of a second ("5", "250", "123456789") as microseconds, rounded to nearest.
std::optional<std::int64_t> fraction_micros(std::string_view digits) {
    if (!all_digits(digits) || digits.size() > 9) return std::nullopt;
    std::int64_t ns = 0;
    for (std::size_t i = 0; i < 9; ++i) ns = ns * 10 + (i < digits.size() ? digits[i] - '0' : 0);
    return (ns + 500) / 1000;
}

[[noreturn]] void bad_time(std::string_view text, std::string_view why = {}) {
    throw parse_error(fmt::format("relscore::parse_time(): invalid time '{}'{}{} (expected ISO 8601 such as "
                                  "2006-12-18T09:30:00Z, 2006-12-18 09:30:00 or 2006-12-18, or UNIX seconds)",
                                  text, why.empty() ? "" : ": ", why));
}

std::optional<timestamp> parse_unix_seconds(std::string_view s) {
    std::string_view body = s;
    const bool negative = take_char(body, '-');
    const auto dot = body.find('.');
    const std::string_view whole = body.substr(0, dot);
    if (!all_digits(whole) || whole.size() > 12) return std::nullopt;
    std::int64_t secs = 0;
    std::from_chars(whole.data(), whole.data() + whole.size(), secs);
    std::int64_t frac = 0;
    if (dot != std::string_view::npos) {
        auto f = fraction_micros(body.substr(dot + 1));
        if (!f) return std::nullopt;
        frac = *f;
    }
    const std::int64_t us = secs * 1'000'000 + frac;
    return from_micros(negative ? -us : us);
}

timestamp parse_iso(std::string_view text) {
    std::string_view s = text;
    const auto year = take_digits(s, 4);
    if (!year || !take_char(s, '-')) bad_time(text);
    const auto month = take_digits(s, 2);
    if (!month || !take_char(s, '-')) bad_time(text);
    const auto day = take_digits(s, 2);
    if (!day) bad_time(text);
    greg::date date;
    try {
        date = greg::date(static_cast<unsigned short>(*year), static_cast<unsigned short>(*month),
                          static_cast<unsigned short>(*day));
    } catch (const std::exception& e) {
        bad_time(text, e.what());
    }
    pt::time_duration clock = pt::hours(0);
    pt::time_duration offset = pt::hours(0);
    if (!s.empty()) {
        if (!take_char(s, 'T') && !take_char(s, 't') && !take_char(s, ' ')) bad_time(text);
        const auto hh = take_digits(s, 2);
        if (!hh || !take_char(s, ':')) bad_time(text);
        const auto mm = take_digits(s, 2);
        if (!mm) bad_time(text);
        int ss = 0;
        std::int64_t us = 0;
        if (take_char(s, ':')) {
            const auto sec = take_digits(s, 2);
            if (!sec) bad_time(text);
            ss = *sec;
            if (take_char(s, '.') || take_char(s, ',')) {
                std::size_t n = 0;
                while (n < s.size() && s[n] >= '0' && s[n] <= '9') ++n;
                const auto f = fraction_micros(s.substr(0, n));
                if (!f) bad_time(text, "bad fraction of a second");
                us = *f;
                s.remove_prefix(n);
            }
        }
        if (*hh > 23 || *mm > 59 || ss > 59) bad_time(text, "hour, minute or second out of range");
        clock = pt::hours(*hh) + pt::minutes(*mm) + pt::seconds(ss) + pt::microseconds(us);
        if (take_char(s, 'Z') || take_char(s, 'z')) {
        } else if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
            const bool west = s.front() == '-';
            s.remove_prefix(1);
            const auto oh = take_digits(s, 2);
            take_char(s, ':');
            const auto om = take_digits(s, 2);
            if (!oh || !om || *oh > 23 || *om > 59) bad_time(text, "bad UTC offset");
            offset = pt::hours(*oh) + pt::minutes(*om);
            if (west) offset = offset.invert_sign();
        }
    }
    if (!s.empty()) bad_time(text, "unexpected trailing characters");
    static const pt::ptime epoch(greg::date(1970, 1, 1));
    const pt::ptime local(date, clock);
    return from_micros(((local - offset) - epoch).total_microseconds());
}

[[noreturn]] void bad_duration(std::string_view text, std::string_view why = {}) {
    throw parse_error(fmt::format("relscore::parse_duration(): invalid duration '{}'{}{} (expected a number and a "
                                  "unit: us, ms, s, m, h, d, w; e.g. 90d, 12h, 2w, 30m; or HH:MM:SS)",
                                  text, why.empty() ? "" : ": ", why));
}

}  // namespace

timestamp parse_time(std::string_view text) {
    const std::string_view s = trim(text);
    if (s.empty()) bad_time(text, "empty");
    timestamp t;
    // "2006-..." has a dash at position 4; UNIX seconds never do.
    if (s.size() >= 10 && s[4] == '-') {
        t = parse_iso(s);
    } else if (auto seconds = parse_unix_seconds(s)) {
        t = *seconds;
    } else {
        bad_time(text);
    }
    const auto us = to_micros(t);
    if (us < scorer::min_time_us || us > scorer::max_time_us) bad_time(text, "outside years 1400..9999");
    return t;
}

duration parse_duration(std::string_view text) {
    const std::string_view s = trim(text);
    if (s.empty()) bad_duration(text, "empty");
    if (s.front() == '-') bad_duration(text, "must not be negative");
    if (s.find(':') != std::string_view::npos) {
        // Boost's HH:MM:SS[.ffffff] form; check the whole shape first (Boost also accepts
        // "1:2:3" and ignores trailing junk such as "01:30:00::99").
        std::size_t h = 0;
        while (h < s.size() && std::isdigit(static_cast<unsigned char>(s[h]))) ++h;
        const auto two_digits_below_60 = [&](std::size_t at) {
            return all_digits(s.substr(at, 2)) && s.substr(at, 2) < "60";
        };
        if (h == 0 || s.size() < h + 6 || s[h] != ':' || s[h + 3] != ':' || !two_digits_below_60(h + 1) ||
            !two_digits_below_60(h + 4))
            bad_duration(text);
        if (s.size() > h + 6 && (s[h + 6] != '.' || s.size() == h + 7 || !all_digits(s.substr(h + 7))))
            bad_duration(text, "unexpected characters after HH:MM:SS");
        // The fraction is ours, not Boost's (which truncates past 6 digits): rounded to the
        // microsecond and refused if a nonzero duration rounds to 0, as "0.0000001s" is.
        const std::string_view fraction = s.size() > h + 7 ? s.substr(h + 7) : std::string_view{};
        std::int64_t fraction_us = 0;
        for (std::size_t k = 0; k < 6; ++k) fraction_us = fraction_us * 10 + (k < fraction.size() ? fraction[k] - '0' : 0);
        if (fraction.size() > 6 && fraction[6] >= '5') ++fraction_us;
        std::int64_t whole_us = 0;
        try {
            whole_us = pt::duration_from_string(std::string(s.substr(0, h + 6))).total_microseconds();
        } catch (const std::exception& e) {
            bad_duration(text, e.what());
        }
        if (whole_us < 0 || whole_us >= 9'000'000'000'000'000'000LL - fraction_us) bad_duration(text, "too long");
        if (whole_us + fraction_us == 0 && fraction.find_first_not_of('0') != std::string_view::npos)
            bad_duration(text, "shorter than 1us, the resolution");
        return duration{whole_us + fraction_us};
    }
    std::size_t n = 0;
    while (n < s.size() && (std::isdigit(static_cast<unsigned char>(s[n])) || s[n] == '.')) ++n;
    // An exponent ("1e3s"): part of the number, so "1e400d" is "too long", not "unknown unit".
    if (n > 0 && n < s.size() && (s[n] == 'e' || s[n] == 'E')) {
        std::size_t e = n + 1;
        if (e < s.size() && (s[e] == '+' || s[e] == '-')) ++e;
        if (e < s.size() && std::isdigit(static_cast<unsigned char>(s[e]))) {
            while (e < s.size() && std::isdigit(static_cast<unsigned char>(s[e]))) ++e;
            n = e;
        }
    }
    const std::string_view number = s.substr(0, n), unit = trim(s.substr(n));
    std::int64_t unit_us = 0;
    if (unit == "us") unit_us = 1;
    else if (unit == "ms") unit_us = 1'000;
    else if (unit == "s" || unit.empty()) unit_us = 1'000'000;
    else if (unit == "m" || unit == "min") unit_us = 60'000'000;
    else if (unit == "h") unit_us = 3'600'000'000;
    else if (unit == "d") unit_us = 86'400'000'000;
    else if (unit == "w") unit_us = 7 * 86'400'000'000LL;
    else bad_duration(text, "unknown unit");
    if (number.find_first_of(".eE") == std::string_view::npos) {
        // Whole numbers exactly, in integers: a double would round above 2^53 us.
        std::int64_t whole = 0, us = 0;
        const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), whole);
        if (number.empty() || (ec != std::errc{} && ec != std::errc::result_out_of_range) ||
            end != number.data() + number.size())
            bad_duration(text);
        if (ec == std::errc::result_out_of_range || __builtin_mul_overflow(whole, unit_us, &us) || us >= 9'000'000'000'000'000'000LL)
            bad_duration(text, "too long");
        return duration{us};
    }
    double value = 0;
    const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
    if (end != number.data() + number.size() || (ec != std::errc{} && ec != std::errc::result_out_of_range))
        bad_duration(text);
    const bool tiny_exponent = number.find_first_of("eE") != std::string_view::npos &&
                               number.find('-') != std::string_view::npos;
    if (ec == std::errc::result_out_of_range)
        bad_duration(text, tiny_exponent ? "shorter than 1us, the resolution" : "too long");
    const double us = std::round(value * static_cast<double>(unit_us));
    if (!(us < 9e18)) bad_duration(text, "too long");
    if (us == 0 && value > 0) bad_duration(text, "shorter than 1us, the resolution");
    return duration{static_cast<std::int64_t>(us)};
}

std::string format_time(timestamp t) {
    static const pt::ptime epoch(greg::date(1970, 1, 1));
    const std::int64_t us = to_micros(t);
    // Boost's calendar ends at 9999 and throws std::out_of_range past it (or overflows
    // first): refuse what parse_time() would, naming the range.
    if (us < scorer::min_time_us || us > scorer::max_time_us)
        detail::throw_error<invalid_argument_error>(
            fmt::format("relscore::format_time(): time {} us is outside years 1400..9999 ({}..{} us since 1970)", us,
                        scorer::min_time_us, scorer::max_time_us));
    const pt::ptime p = epoch + pt::microseconds(us);
    const auto ymd = p.date().year_month_day();
    const auto tod = p.time_of_day();
    const auto frac = static_cast<long>(tod.fractional_seconds());
    std::string out = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", static_cast<int>(ymd.year),
                                  static_cast<int>(ymd.month), static_cast<int>(ymd.day), tod.hours(), tod.minutes(),
                                  tod.seconds());
    if (frac != 0) out += fmt::format(".{:06}", frac);
    return out + "Z";
}

std::string format_duration(duration d) {
    const std::int64_t us = d.count();
    struct unit {
        std::int64_t us;
        const char* name;
    };
    static constexpr unit units[] = {{7LL * 86400'000'000, "w"}, {86400'000'000, "d"}, {3600'000'000, "h"},
                                     {60'000'000, "m"},          {1'000'000, "s"},      {1'000, "ms"}};
    if (us == 0) return "0s";
    for (const auto& u : units)
        if (us % u.us == 0) return fmt::format("{}{}", us / u.us, u.name);
    return fmt::format("{}us", us);
}

RELSCORE_END_NAMESPACE
