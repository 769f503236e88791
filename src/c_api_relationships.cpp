// The C API's relationship queries (relscore_between, relscore_top, tables), each in two
// forms: the fixed relscore_relationship, and relscore_relationship_info with every field.
//
// Design notes
// - relscore_relationship is part of the ABI: callers allocate it, so it never grows.
//   relscore_relationship_info starts with `struct_size`, which the caller sets to the
//   sizeof it was compiled with; the library fills exactly that many bytes (members are
//   only ever appended), so a later relscore with more members still fills an older
//   caller's struct, and refuses a size it does not know (smaller than the first version,
//   or larger than its own) instead of writing past the caller's memory.
// - Each query is written once (between(), top(), table_row()) for both output types; the
//   output is written only after the work succeeded.

#include "c_api_support.hpp"

#include <cstddef>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

using namespace relscore::c_api;

namespace {

// The first version of relscore_relationship_info ends with `touches`: the smallest
// struct_size a caller can have been compiled with.
constexpr std::size_t info_size_v1 = offsetof(relscore_relationship_info, touches) + sizeof(uint64_t);

template <typename Out>
void fill_common(Out& out, const relscore::relationship& r, const std::string& a, const std::string& b) {
    out.a = a.c_str();
    out.b = b.c_str();
    out.a_id = r.a;
    out.b_id = r.b;
    out.strength = r.strength;
    out.volume_ab = r.volume_ab;
    out.volume_ba = r.volume_ba;
    out.reciprocity = r.reciprocity;
    out.last_interaction_us = r.last_interaction ? relscore::to_micros(*r.last_interaction) : 0;
    out.interactions = r.interactions;
}

// The bytes one output element takes in the caller's memory.
std::size_t element_size(const relscore_relationship*, const char*) { return sizeof(relscore_relationship); }
std::size_t element_size(const relscore_relationship_info* out, const char* function) {
    if (out->struct_size < info_size_v1 || out->struct_size > sizeof(relscore_relationship_info))
        fail(RELSCORE_ERROR_INVALID_ARGUMENT,
             fmt::format("{}(): out->struct_size is {}, but this library fills relscore_relationship_info of {} to {} "
                         "bytes (set it to sizeof(relscore_relationship_info), e.g. with "
                         "RELSCORE_RELATIONSHIP_INFO_INIT)",
                         function, out->struct_size, info_size_v1, sizeof(relscore_relationship_info)));
    return out->struct_size;
}

// Writes `r` into the element at `out` of `size` bytes (element_size()).
void put(relscore_relationship* out, std::size_t, const relscore::relationship& r, const std::string& a,
         const std::string& b) {
    fill_common(*out, r, a, b);
}
void put(relscore_relationship_info* out, std::size_t size, const relscore::relationship& r, const std::string& a,
         const std::string& b) {
    relscore_relationship_info full{};
    fill_common(full, r, a, b);
    full.first_interaction_us = r.first_interaction ? relscore::to_micros(*r.first_interaction) : 0;
    full.touches = r.touches;
    full.struct_size = size;
    std::memcpy(out, &full, size);  // the prefix the caller knows
}

template <typename Out>
Out* element(Out* out, std::size_t size, std::size_t i) {
    return reinterpret_cast<Out*>(reinterpret_cast<char*>(out) + i * size);
}

template <typename Out>
relscore_status between(const char* function, const relscore_scorer* scorer, const char* a, const char* b,
                        int64_t at_us, Out* out) {
    return guarded([&] {
        require(scorer, function, "scorer");
        require(a, function, "a");
        require(b, function, "b");
        require(out, function, "out");
        const std::size_t size = element_size(out, function);
        const relscore::scorer& s = scorer->scorer;
        const relscore::relationship r = s.between(a, b, query_time(at_us));
        put(out, size, r, s.name(r.a), s.name(r.b));
    });
}

template <typename Out>
relscore_status top(const char* function, const relscore_scorer* scorer, const char* person, size_t k, int64_t at_us,
                    Out* out, size_t* count) {
    return guarded([&] {
        require(scorer, function, "scorer");
        require(person, function, "person");
        require(count, function, "count");
        std::size_t size = 0;
        if (k > 0) {
            require(out, function, "out");
            size = element_size(out, function);
        }
        const relscore::scorer& s = scorer->scorer;
        const std::vector<relscore::relationship> found = s.top(person, k, query_time(at_us));
        for (std::size_t i = 0; i < found.size(); ++i)
            put(element(out, size, i), size, found[i], s.name(found[i].a), s.name(found[i].b));
        *count = found.size();
    });
}

template <typename Out>
relscore_status table_row(const char* function, const relscore_table* table, size_t row, Out* out) {
    return guarded([&] {
        require(table, function, "table");
        require(out, function, "out");
        const std::size_t size = element_size(out, function);
        if (row >= table->order.size())
            fail(RELSCORE_ERROR_INVALID_ARGUMENT,
                 fmt::format("{}(): row {} out of range (the table has {} rows)", function, row, table->order.size()));
        const relscore::relationship r = table->table.row(table->order[row]);
        put(out, size, r, table->names[r.a], table->names[r.b]);
    });
}

}  // namespace

extern "C" {

relscore_status relscore_between(const relscore_scorer* scorer, const char* a, const char* b, int64_t at_us,
                                 relscore_relationship* out) {
    return between("relscore_between", scorer, a, b, at_us, out);
}

relscore_status relscore_between_info(const relscore_scorer* scorer, const char* a, const char* b, int64_t at_us,
                                      relscore_relationship_info* out) {
    return between("relscore_between_info", scorer, a, b, at_us, out);
}

relscore_status relscore_top(const relscore_scorer* scorer, const char* person, size_t k, int64_t at_us,
                             relscore_relationship* out, size_t* count) {
    return top("relscore_top", scorer, person, k, at_us, out, count);
}

relscore_status relscore_top_info(const relscore_scorer* scorer, const char* person, size_t k, int64_t at_us,
                                  relscore_relationship_info* out, size_t* count) {
    return top("relscore_top_info", scorer, person, k, at_us, out, count);
}

// ---- tables -----------------------------------------------------------------------------

relscore_status relscore_table_new(const relscore_scorer* scorer, int64_t at_us, int strongest_first,
                                   relscore_table** out) {
    return guarded([&] {
        require(scorer, "relscore_table_new", "scorer");
        require(out, "relscore_table_new", "out");
        const relscore::scorer& s = scorer->scorer;
        auto table = std::make_unique<relscore_table>();
        table->table = s.table(query_time(at_us));
        table->names.reserve(s.people());
        for (relscore::person_id id = 0; id < s.people(); ++id) table->names.push_back(s.name(id));
        if (strongest_first != 0) {
            table->order = table->table.strongest_first();
        } else {
            table->order.resize(table->table.size());
            for (std::size_t i = 0; i < table->order.size(); ++i) table->order[i] = i;
        }
        *out = table.release();
    });
}

void relscore_table_free(relscore_table* table) { delete table; }

size_t relscore_table_size(const relscore_table* table) { return table != nullptr ? table->order.size() : 0; }

int64_t relscore_table_at(const relscore_table* table) {
    return table != nullptr ? relscore::to_micros(table->table.at) : 0;
}

relscore_status relscore_table_row(const relscore_table* table, size_t row, relscore_relationship* out) {
    return table_row("relscore_table_row", table, row, out);
}

relscore_status relscore_table_row_info(const relscore_table* table, size_t row, relscore_relationship_info* out) {
    return table_row("relscore_table_row_info", table, row, out);
}

}  // extern "C"
