/* relscore_relationship_info from C (compiled as C11): the `*_info` queries fill every
 * field (first interaction and touches too, against hand-computed values), agree with the
 * fixed relscore_relationship queries on the fields both have, write arrays at the
 * caller's struct_size, and refuse a struct_size they do not know, writing nothing. */
#include <stdio.h>
#include <string.h>

#include <relscore/relscore.h>

#include "check.h"

/* The fields relscore_relationship and relscore_relationship_info share are equal. */
static int same_common_fields(const relscore_relationship* r, const relscore_relationship_info* x) {
    return strcmp(r->a, x->a) == 0 && strcmp(r->b, x->b) == 0 && r->a_id == x->a_id && r->b_id == x->b_id &&
           r->strength == x->strength && r->volume_ab == x->volume_ab && r->volume_ba == x->volume_ba &&
           r->reciprocity == x->reciprocity && r->last_interaction_us == x->last_interaction_us &&
           r->interactions == x->interactions;
}

static void add(relscore_scorer* s, int64_t time_us, const char* source, const char* target) {
    relscore_interaction e = {0};
    e.time_us = time_us;
    e.source = source;
    e.target = target;
    e.channel = "email";
    CHECK_OK(relscore_add(s, &e));
}

static void test_info_queries(void) {
    relscore_scorer* s = NULL;
    relscore_table* table = NULL;
    relscore_relationship r;
    relscore_relationship top[3];
    relscore_relationship_info x = RELSCORE_RELATIONSHIP_INFO_INIT;
    relscore_relationship_info xs[3];
    relscore_relationship_info untouched;
    size_t n = 0, m = 0, i = 0;
    int64_t t0 = 0;

    CHECK(x.struct_size == sizeof(relscore_relationship_info));
    CHECK_OK(relscore_parse_time("2026-01-01T00:00:00Z", &t0));
    CHECK_OK(relscore_scorer_new(NULL, &s));
    /* ana - ben: 4 interactions on 3 UTC days (two on the first); ana - cleo: 1. */
    add(s, t0, "ana", "ben");
    add(s, t0 + 2 * 3600LL * 1000000LL, "ben", "ana");
    add(s, t0 + 60 * day_us, "ana", "ben");
    add(s, t0 + 100 * day_us, "ben", "ana");
    add(s, t0 + 100 * day_us, "cleo", "ana");

    CHECK_OK(relscore_between_info(s, "ana", "ben", RELSCORE_AT_NEWEST, &x));
    CHECK_OK(relscore_between(s, "ana", "ben", RELSCORE_AT_NEWEST, &r));
    CHECK(same_common_fields(&r, &x));
    CHECK(x.struct_size == sizeof(relscore_relationship_info));
    CHECK(x.interactions == 4);
    CHECK(x.first_interaction_us == t0);
    CHECK(x.last_interaction_us == t0 + 100 * day_us);
    CHECK(x.touches == 3);

    /* top: the array's elements are out[0].struct_size apart, each gets its struct_size. */
    memset(xs, 0, sizeof xs);
    xs[0].struct_size = sizeof(relscore_relationship_info);
    CHECK_OK(relscore_top_info(s, "ana", 3, RELSCORE_AT_NEWEST, xs, &n));
    CHECK_OK(relscore_top(s, "ana", 3, RELSCORE_AT_NEWEST, top, &m));
    CHECK(n == 2 && m == 2);
    for (i = 0; i < n && i < m; ++i) {
        CHECK(same_common_fields(&top[i], &xs[i]));
        CHECK(xs[i].struct_size == sizeof(relscore_relationship_info));
    }
    CHECK(strcmp(xs[1].b, "cleo") == 0 && xs[1].touches == 1 && xs[1].first_interaction_us == t0 + 100 * day_us);
    CHECK(xs[2].struct_size == 0); /* not written */
    CHECK_OK(relscore_top_info(s, "ana", 0, RELSCORE_AT_NEWEST, NULL, &n));
    CHECK(n == 0);

    /* tables: the same row both ways. */
    CHECK_OK(relscore_table_new(s, RELSCORE_AT_NEWEST, 1, &table));
    for (i = 0; i < relscore_table_size(table); ++i) {
        relscore_relationship_info row = RELSCORE_RELATIONSHIP_INFO_INIT;
        relscore_relationship_info pair = RELSCORE_RELATIONSHIP_INFO_INIT;
        CHECK_OK(relscore_table_row(table, i, &r));
        CHECK_OK(relscore_table_row_info(table, i, &row));
        CHECK(same_common_fields(&r, &row));
        CHECK_OK(relscore_between_info(s, row.a, row.b, RELSCORE_AT_NEWEST, &pair));
        CHECK(row.first_interaction_us == pair.first_interaction_us && row.touches == pair.touches);
    }

    /* A struct_size the library does not know: refused, nothing written. */
    memset(&untouched, 0x5a, sizeof untouched);
    untouched.struct_size = 0;
    memcpy(&x, &untouched, sizeof x);
    CHECK_FAILS(relscore_between_info(s, "ana", "ben", RELSCORE_AT_NEWEST, &x), RELSCORE_ERROR_INVALID_ARGUMENT,
                "relscore_between_info(): out->struct_size is 0");
    CHECK(memcmp(&x, &untouched, sizeof x) == 0);
    x.struct_size = sizeof(relscore_relationship_info) - sizeof(uint64_t); /* an older struct than the first */
    CHECK_FAILS(relscore_table_row_info(table, 0, &x), RELSCORE_ERROR_INVALID_ARGUMENT, "out->struct_size");
    x.struct_size = sizeof(relscore_relationship_info) + 8; /* a newer header than this library */
    CHECK_FAILS(relscore_top_info(s, "ana", 1, RELSCORE_AT_NEWEST, &x, &n), RELSCORE_ERROR_INVALID_ARGUMENT,
                "out->struct_size");
    CHECK(x.a_id == untouched.a_id && x.strength == untouched.strength);
    CHECK_FAILS(relscore_between_info(s, "ana", "ben", RELSCORE_AT_NEWEST, NULL), RELSCORE_ERROR_INVALID_ARGUMENT,
                "out is NULL");
    x.struct_size = sizeof(relscore_relationship_info);
    CHECK_FAILS(relscore_between_info(s, "ana", "zed", RELSCORE_AT_NEWEST, &x), RELSCORE_ERROR_UNKNOWN_PERSON, "zed");
    CHECK(x.a_id == untouched.a_id);

    relscore_table_free(table);
    relscore_scorer_free(s);
}

int main(void) {
    test_info_queries();
    if (failures != 0) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("relscore %s: relscore_relationship_info checks passed\n", relscore_version());
    return 0;
}
