// The one description per result type (relscore/describe.hpp): every data member of a
// described struct is described exactly once, names are unique, and the C API's structs
// that mirror a result keep the description's names and order.
#include "support/catch.hpp"

#include <relscore/describe.hpp>
#include <relscore/network.hpp>
#include <relscore/relscore.hpp>

#include <boost/pfr.hpp>

#include <algorithm>
#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#if __has_include(<relscore/relscore.h>)
#include <relscore/relscore.h>
#endif

using namespace relscore;

namespace {

// The byte offsets of `T`'s data members (Boost.PFR: every member, in declaration order),
// a member that is itself a described result (a due item's rhythm) flattened into its
// members: its container describes them (make_field(name, outer, member, ...)).
template <typename T>
std::vector<std::size_t> member_offsets() {
    static const T object{};
    std::vector<std::size_t> out;
    boost::pfr::for_each_field(object, [&](const auto& member) {
        const auto at = static_cast<std::size_t>(reinterpret_cast<const char*>(&member) -
                                                 reinterpret_cast<const char*>(&object));
        using M = std::remove_cvref_t<decltype(member)>;
        if constexpr (described<M>) {
            for (const std::size_t inner : member_offsets<M>()) out.push_back(at + inner);
        } else {
            out.push_back(at);
        }
    });
    return out;
}

// The byte offsets of the members `T`'s description reads, in description order.
template <typename T>
std::vector<std::size_t> described_offsets() {
    static const T object{};
    std::vector<std::size_t> out;
    for_each_field<T>([&](const auto& f) {
        out.push_back(static_cast<std::size_t>(reinterpret_cast<const char*>(&f.get(object)) -
                                               reinterpret_cast<const char*>(&object)));
    });
    return out;
}

template <typename T>
void check_complete() {
    CAPTURE(describe<T>::name);
    // A new member without a description entry fails here.
    auto members = member_offsets<T>();
    CHECK(members.size() == field_count<T>);
    auto described = described_offsets<T>();
    std::sort(members.begin(), members.end());
    std::sort(described.begin(), described.end());
    CHECK(described == members);  // each member once
    const auto names = field_names<T>();
    CHECK(std::set<std::string_view>(names.begin(), names.end()).size() == names.size());
    for_each_field<T>([](const auto& f) {
        CAPTURE(f.name);
        CHECK(!f.doc.empty());
        CHECK(f.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") == std::string_view::npos);
    });
}

}  // namespace

TEST_CASE("every member of a described result is described exactly once", "[describe]") {
    check_complete<relationship>();
    check_complete<reply_stats>();
    check_complete<trend>();
    check_complete<meeting_suggestion>();
    check_complete<rhythm>();
    check_complete<due_item>();  // its rhythm's members too
    check_complete<strength_part>();
    check_complete<receipt>();
    check_complete<intro_hop>();
}

TEST_CASE("a due item describes its rhythm's fields under the rhythm's names", "[describe]") {
    // Every field of a rhythm appears in a due item, with the same kind and under the same
    // name except `learned` (`rhythm_learned` beside the due item's own fields).
    std::vector<std::pair<std::string, field_kind>> want, got;
    for_each_field<rhythm>([&](const auto& f) {
        want.emplace_back(f.name == "learned" ? std::string("rhythm_learned") : std::string(f.name), f.kind);
    });
    for_each_field<due_item>([&](const auto& f) {
        if constexpr (requires { f.outer; })  // read from the rhythm
            got.emplace_back(std::string(f.name), f.kind);
    });
    std::sort(want.begin(), want.end());
    std::sort(got.begin(), got.end());
    CHECK(got == want);
    // The time of the last contact is `last_interaction` on every surface (the C++ member
    // keeps its name, last_contact).
    CHECK(std::get<3>(describe<rhythm>::fields).name == "last_interaction");
    CHECK(std::get<3>(describe<rhythm>::fields).member == &rhythm::last_contact);
}

TEST_CASE("a receipt's source is absent for a mutual interaction; a part's source names a side", "[describe]") {
    const auto& source = std::get<2>(describe<receipt>::fields);
    CHECK(source.name == "source");
    receipt r;
    r.source = 3;
    CHECK(!source.is_absent(r));
    r.mutual = true;
    CHECK(source.is_absent(r));
    const auto& side = std::get<1>(describe<strength_part>::fields);
    CHECK(side.name == "source");
    CHECK(side.kind == field_kind::side);
    CHECK(std::string(to_string(field_kind::side)) == "side");
    CHECK(std::string(to_string(field_kind::channel)) == "channel");
}

TEST_CASE("a relationship_table has one column per field of a relationship, in its order", "[describe]") {
    CHECK(field_names<relationship_table>() == field_names<relationship>());
    // Every member but `at` is a column.
    STATIC_REQUIRE(boost::pfr::tuple_size_v<relationship_table> == field_count<relationship_table> + 1);
    bool kinds_agree = true;
    std::size_t i = 0;
    std::vector<field_kind> kinds;
    for_each_field<relationship>([&](const auto& f) { kinds.push_back(f.kind); });
    for_each_field<relationship_table>([&](const auto& f) { kinds_agree = kinds_agree && kinds[i++] == f.kind; });
    CHECK(kinds_agree);
}

TEST_CASE("a relationship's description names its fields in output order", "[describe]") {
    const auto names = field_names<relationship>();
    // The columns the CLI printed before the description existed come first, in their
    // order, so positional readers of its CSV keep working; later fields are appended.
    const std::vector<std::string_view> first = {"a",           "b",         "strength",         "volume_ab",
                                                 "volume_ba",   "reciprocity", "last_interaction", "interactions"};
    REQUIRE(names.size() >= first.size());
    CHECK(std::vector<std::string_view>(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(first.size())) == first);
    STATIC_REQUIRE(std::get<0>(describe<relationship>::fields).kind == field_kind::name);
}

#if __has_include(<relscore/relscore.h>)
namespace {

// A member of a C struct that mirrors a result: its name, its offset, and the described
// field it mirrors ("" for a C-only member, such as the dense ids beside the names).
struct c_member {
    std::string_view name;
    std::size_t offset;
    std::size_t size;
    std::string_view mirrors;
};

#define RELSCORE_C_MEMBER(type, member, mirrors) c_member{#member, offsetof(type, member), sizeof(type::member), mirrors}

// The C structs cannot be generated from the description (a C header has no templates),
// so this holds them to it: members in declaration order (offsets increase and cover the
// struct), each mirrored field named as described (times and durations with `_us`), in
// description order; a described field missing from the C struct is listed in `omitted`
// with a reason, so a new C++ field fails here until someone decides.
template <typename T, typename CStruct>
void check_mirror(const std::vector<c_member>& members, std::size_t c_size, const std::set<std::string_view>& omitted) {
    CAPTURE(describe<T>::name);
    std::size_t end = 0;
    for (const auto& m : members) {
        CAPTURE(m.name);
        CHECK(m.offset >= end);  // declaration order, no overlap
        end = m.offset + m.size;
    }
    CHECK(end <= c_size);
    CHECK(c_size - end < alignof(CStruct));  // only tail padding after the last listed member
    std::vector<std::string_view> mirrored;
    for (const auto& m : members) {
        if (m.mirrors.empty()) continue;
        mirrored.push_back(m.mirrors);
    }
    std::vector<std::string_view> described;
    for_each_field<T>([&](const auto& f) {
        CAPTURE(f.name);
        const bool in_c = std::find(mirrored.begin(), mirrored.end(), f.name) != mirrored.end();
        CHECK(in_c != omitted.contains(f.name));  // mirrored, or omitted on purpose: not both, not neither
        if (!in_c) return;
        described.push_back(f.name);
        const auto m = std::find_if(members.begin(), members.end(), [&](const c_member& c) { return c.mirrors == f.name; });
        const bool timed = f.kind == field_kind::time || f.kind == field_kind::interval;
        CHECK(m->name == std::string(f.name) + (timed ? "_us" : ""));
    });
    CHECK(mirrored == described);  // same order
}

}  // namespace

TEST_CASE("the C API's relscore_relationship mirrors the description of a relationship", "[describe][c_api]") {
    using C = relscore_relationship;
    check_mirror<relationship, C>(
        {RELSCORE_C_MEMBER(C, a, "a"), RELSCORE_C_MEMBER(C, b, "b"), RELSCORE_C_MEMBER(C, a_id, ""),
         RELSCORE_C_MEMBER(C, b_id, ""), RELSCORE_C_MEMBER(C, strength, "strength"),
         RELSCORE_C_MEMBER(C, volume_ab, "volume_ab"), RELSCORE_C_MEMBER(C, volume_ba, "volume_ba"),
         RELSCORE_C_MEMBER(C, reciprocity, "reciprocity"), RELSCORE_C_MEMBER(C, last_interaction_us, "last_interaction"),
         RELSCORE_C_MEMBER(C, interactions, "interactions")},
        sizeof(C),
        // Frozen: callers allocate relscore_relationship, so growing it would break every
        // compiled caller. relscore_relationship_info (below) has every field.
        {"first_interaction", "touches"});
}

TEST_CASE("the C API's relscore_relationship_info mirrors every field of a relationship", "[describe][c_api]") {
    using C = relscore_relationship_info;
    check_mirror<relationship, C>(
        {RELSCORE_C_MEMBER(C, struct_size, ""), RELSCORE_C_MEMBER(C, a, "a"), RELSCORE_C_MEMBER(C, b, "b"),
         RELSCORE_C_MEMBER(C, a_id, ""), RELSCORE_C_MEMBER(C, b_id, ""), RELSCORE_C_MEMBER(C, strength, "strength"),
         RELSCORE_C_MEMBER(C, volume_ab, "volume_ab"), RELSCORE_C_MEMBER(C, volume_ba, "volume_ba"),
         RELSCORE_C_MEMBER(C, reciprocity, "reciprocity"), RELSCORE_C_MEMBER(C, last_interaction_us, "last_interaction"),
         RELSCORE_C_MEMBER(C, interactions, "interactions"),
         RELSCORE_C_MEMBER(C, first_interaction_us, "first_interaction"), RELSCORE_C_MEMBER(C, touches, "touches")},
        sizeof(C), {});
    // struct_size comes first, so that any later version can read it; the frozen struct's
    // members follow in its order, as the same types.
    CHECK(offsetof(C, struct_size) == 0);
    CHECK(offsetof(C, interactions) - offsetof(C, a) == offsetof(relscore_relationship, interactions));
}
#endif
