#pragma once
/// \file describe.hpp
/// One description per result type: its fields, by name, in output order, each with the
/// member it reads, its kind and a one-line doc. The CLI's table/CSV/JSON writer, the
/// Python binding and frames, and the tests that hold the C API's structs to the same
/// shape all walk this description instead of spelling the fields out again.
///
/// Design notes
/// - A description is `relscore::describe<T>::fields`, a constexpr std::tuple of
///   `field<T, M>` (name, member pointer, kind, doc), specialised next to the struct it
///   describes (scorer_types.hpp, insight.hpp). Boost.Describe gives names and member
///   pointers, but no place for the kind (a person id and a count are both integers; a
///   time and a duration both microseconds to Python) or the table's rounding, so that
///   would still need a second, parallel list; this header is the smallest thing that
///   holds all of it in one.
/// - A result that holds another described result (a due item's rhythm) describes the
///   inner fields itself with `make_field(name, &Outer::inner, &Inner::member, ...)`
///   (a `nested_field`), under names of its own: outputs stay flat rows.
/// - Two kinds need more than the value: `side` (a flag naming a or b, e.g. an explanation
///   part's source) needs the pair, which the writers take as an argument; and a field
///   may be absent for some results (`absent_if`, e.g. a mutual receipt's source), which
///   every writer prints as empty/null/None.
/// - The order of the description is the order of the output (CSV columns, JSON keys,
///   frame columns), which need not be the order of the members: a new member goes at the
///   end of the description, so positional readers of the CSV keep working.
/// - Completeness is tested, not trusted: tests/cpp/describe.cpp checks with Boost.PFR
///   that every data member of a described struct is described exactly once, and the
///   field-order tests compare the CLI's CSV header and JSON keys and the Python columns
///   with the description.
/// - Header-only and cheap: only `<tuple>`, `<string_view>`, `<array>` and `<utility>`.
///
/// **Example**:
///
///     relscore::for_each_field<relscore::relationship>([&](const auto& f) {
///         std::cout << f.name << " = " << fmt::format("{}", r.*f.member) << '\n';
///     });

#include <array>
#include <cstddef>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include <relscore/version.hpp>

RELSCORE_BEGIN_NAMESPACE

/// What a field holds, for the writers that convert it (all values are plain C++ types;
/// the kind says how to show them).
enum class field_kind {
    name,      ///< a person_id: printed as the person's name
    time,      ///< a timestamp (or optional): ISO 8601 text; a UTC Timestamp in Python
    interval,  ///< a duration (or optional): days in the CLI's JSON; a Timedelta in Python. Its
               ///< text is "duration" (the enumerator is not: GCC's -Wshadow would flag it
               ///< against relscore::duration)
    count,     ///< an unsigned integer count
    real,      ///< a double
    flag,      ///< a bool
    label,     ///< an enumeration, shown as its to_string() text
    channel,   ///< a channel_id: shown as the channel's name
    side,      ///< a bool naming one person of the result's pair: true for a, false for b;
               ///< shown as that person (the writers are given the pair)
};

/// "name", "time", "duration", "count", "real", "flag", "label", "channel" or "side".
[[nodiscard]] constexpr const char* to_string(field_kind k) noexcept {
    switch (k) {
        case field_kind::name: return "name";
        case field_kind::time: return "time";
        case field_kind::interval: return "duration";
        case field_kind::count: return "count";
        case field_kind::real: return "real";
        case field_kind::flag: return "flag";
        case field_kind::label: return "label";
        case field_kind::channel: return "channel";
        case field_kind::side: return "side";
    }
    return "real";
}

/// One described field of `Struct`: its member `Member Struct::*`.
template <typename Struct, typename Member>
struct field {
    using struct_type = Struct;
    using member_type = Member;
    std::string_view name;    ///< the name in every output (CSV column, JSON key, Python attribute)
    Member Struct::*member;   ///< what it reads
    field_kind kind;
    std::string_view doc;     ///< one line, for docstrings and --help
    int digits = 4;           ///< a real's decimals in the CLI's aligned table (CSV and JSON are exact)
    /// If set and true for a result, the field is absent there (empty CSV cell, JSON null,
    /// Python None), e.g. a receipt's source for a mutual interaction.
    bool (*absent)(const Struct&) = nullptr;

    [[nodiscard]] constexpr const Member& get(const Struct& s) const noexcept { return s.*member; }
    [[nodiscard]] constexpr bool is_absent(const Struct& s) const noexcept { return absent != nullptr && absent(s); }
    /// This field, absent where `fn` is true.
    [[nodiscard]] constexpr field absent_if(bool (*fn)(const Struct&)) const noexcept {
        field out = *this;
        out.absent = fn;
        return out;
    }
};

/// A described field of `Struct` read from a member of one of its members (`Inner
/// Struct::*outer`, then `Member Inner::*member`): flattens a nested result (a due item's
/// rhythm) into its container's description.
template <typename Struct, typename Inner, typename Member>
struct nested_field {
    using struct_type = Struct;
    using member_type = Member;
    std::string_view name;
    Inner Struct::*outer;
    Member Inner::*member;
    field_kind kind;
    std::string_view doc;
    int digits = 4;

    [[nodiscard]] constexpr const Member& get(const Struct& s) const noexcept { return (s.*outer).*member; }
    [[nodiscard]] constexpr bool is_absent(const Struct&) const noexcept { return false; }
};

/// A field, with its types deduced from the member pointer.
template <typename Struct, typename Member>
[[nodiscard]] constexpr auto make_field(std::string_view name, Member Struct::*member, field_kind kind,
                                        std::string_view doc, int digits = 4) noexcept {
    return field<Struct, Member>{name, member, kind, doc, digits};
}

/// A field of `Struct` read from `(s.*outer).*member`.
template <typename Struct, typename Inner, typename Member>
[[nodiscard]] constexpr auto make_field(std::string_view name, Inner Struct::*outer, Member Inner::*member,
                                        field_kind kind, std::string_view doc, int digits = 4) noexcept {
    return nested_field<Struct, Inner, Member>{name, outer, member, kind, doc, digits};
}

/// Specialise with `static constexpr auto fields = std::tuple{make_field(...), ...};` and
/// `static constexpr std::string_view name = "...";` next to the struct.
template <typename T>
struct describe;

/// Types with a description.
template <typename T>
concept described = requires {
    describe<T>::fields;
    describe<T>::name;
};

/// How many fields `T` describes.
template <described T>
inline constexpr std::size_t field_count = std::tuple_size_v<std::remove_cvref_t<decltype(describe<T>::fields)>>;

/// Calls `f(field)` for each field of `T`, in description order.
template <described T, typename F>
constexpr void for_each_field(F&& f) {
    std::apply([&](const auto&... fs) { (f(fs), ...); }, describe<T>::fields);
}

/// The names of `T`'s fields, in description order.
template <described T>
[[nodiscard]] constexpr auto field_names() noexcept {
    return std::apply([](const auto&... fs) { return std::array<std::string_view, sizeof...(fs)>{fs.name...}; },
                      describe<T>::fields);
}

RELSCORE_END_NAMESPACE
