/* The C API from C (compiled as C11): results against hand-computed values, error codes
 * and messages, ownership (tables outlive changes, snapshots round-trip). Exits nonzero
 * and names the failed check on any failure. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <relscore/relscore.h>

#include "check.h"

static void test_scoring_by_hand(void) {
    relscore_scorer* s = NULL;
    relscore_interaction e = {0};
    relscore_relationship r;
    relscore_relationship top[4];
    size_t n = 99, people = 0, pairs = 0;
    int64_t t0 = 0, newest = 0;
    int has_newest = -1;

    CHECK_OK(relscore_scorer_new(NULL, &s));
    CHECK_OK(relscore_newest(s, &newest, &has_newest));
    CHECK(has_newest == 0);
    CHECK_OK(relscore_parse_time("2026-01-01T00:00:00Z", &t0));
    CHECK(t0 == 1767225600LL * 1000000LL);

    /* ana -> ben email at t0; ben -> ana email 60 days later (email: weight 1, half-life 60d). */
    e.time_us = t0;
    e.source = "ana";
    e.target = "ben";
    e.channel = "email";
    CHECK_OK(relscore_add(s, &e));
    e.time_us = t0 + 60 * day_us;
    e.source = "ben";
    e.target = "ana";
    CHECK_OK(relscore_add(s, &e));
    /* ana and cy met (meeting: weight 3, half-life 120d, mutual) with an explicit weight 2. */
    e.time_text = "2026-03-02T00:00:00Z";
    e.source = "ana";
    e.target = "cy";
    e.channel = "meeting";
    e.weight = 2.0;
    e.has_weight = 1;
    e.mutual = 1;
    CHECK_OK(relscore_add(s, &e));

    CHECK_OK(relscore_between(s, "ana", "ben", RELSCORE_AT_NEWEST, &r));
    CHECK(strcmp(r.a, "ana") == 0 && strcmp(r.b, "ben") == 0);
    CHECK(close_to(r.volume_ab, 0.5) && close_to(r.volume_ba, 1.0));
    CHECK(close_to(r.strength, 0.5 * 1.5 + 0.5 * 2 * 0.5));
    CHECK(close_to(r.reciprocity, 2 * 0.5 / 1.5));
    CHECK(r.interactions == 2 && r.last_interaction_us == t0 + 60 * day_us);

    /* 120 days after the meeting: each direction of ana-cy has 2 * 2^-1 = 1, so S = 2. */
    CHECK_OK(relscore_top(s, "ana", 4, t0 + 180 * day_us, top, &n));
    CHECK(n == 2);
    CHECK(strcmp(top[0].b, "cy") == 0 && close_to(top[0].strength, 2.0));
    CHECK(strcmp(top[1].b, "ben") == 0 && close_to(top[1].volume_ab, 0.5 * pow(2, -2.0)));

    CHECK_OK(relscore_people_count(s, &people));
    CHECK_OK(relscore_relationship_count(s, &pairs));
    CHECK(people == 3 && pairs == 2);
    CHECK_OK(relscore_newest(s, &newest, &has_newest));
    CHECK(has_newest == 1 && newest == t0 + 60 * day_us);
    relscore_scorer_free(s);
}

static void test_errors(void) {
    relscore_scorer* s = NULL;
    relscore_config* config = NULL;
    relscore_interaction e = {0};
    relscore_interaction batch[3];
    relscore_relationship r;
    size_t people = 0;
    int64_t t = 0;

    CHECK_OK(relscore_scorer_new(NULL, &s));
    e.time_text = "2026-01-01";
    e.source = "ana";
    e.target = "ana";
    CHECK_FAILS(relscore_add(s, &e), RELSCORE_ERROR_INVALID_ARGUMENT, "self-interaction");
    e.target = "ben";
    e.channel = "carrier pigeon";
    CHECK_FAILS(relscore_add(s, &e), RELSCORE_ERROR_INVALID_ARGUMENT, "unknown channel 'carrier pigeon'");
    e.channel = NULL;
    e.weight = -1;
    e.has_weight = 1;
    CHECK_FAILS(relscore_add(s, &e), RELSCORE_ERROR_INVALID_ARGUMENT, "weight must be finite, >= 0");
    e.has_weight = 0;
    e.time_text = "yesterday";
    CHECK_FAILS(relscore_add(s, &e), RELSCORE_ERROR_PARSE, "yesterday");
    CHECK_FAILS(relscore_add(NULL, &e), RELSCORE_ERROR_INVALID_ARGUMENT, "relscore_add(): scorer is NULL");
    CHECK_OK(relscore_people_count(s, &people));
    CHECK(people == 0); /* nothing above changed the scorer */

    /* A batch with one bad element adds nothing, and the message names its index. */
    memset(batch, 0, sizeof batch);
    for (int i = 0; i < 3; ++i) {
        batch[i].time_us = 1000000LL * (1767225600LL + i);
        batch[i].source = "ana";
        batch[i].target = "ben";
    }
    batch[2].target = "ana";
    CHECK_FAILS(relscore_add_batch(s, batch, 3), RELSCORE_ERROR_INVALID_ARGUMENT, "#2");
    CHECK_OK(relscore_people_count(s, &people));
    CHECK(people == 0);
    batch[2].target = "cy";
    CHECK_OK(relscore_add_batch(s, batch, 3));

    CHECK_FAILS(relscore_between(s, "ana", "zed", RELSCORE_AT_NEWEST, &r), RELSCORE_ERROR_UNKNOWN_PERSON, "'zed'");
    CHECK_OK(relscore_parse_time("2025-01-01", &t));
    CHECK_FAILS(relscore_between(s, "ana", "ben", t, &r), RELSCORE_ERROR_TIME_ORDER, "earlier than the newest");
    CHECK_FAILS(relscore_parse_duration("3 fortnights", &t), RELSCORE_ERROR_PARSE, "3 fortnights");

    CHECK_OK(relscore_config_new(&config));
    CHECK_FAILS(relscore_config_set_reciprocity(config, 1.5), RELSCORE_ERROR_INVALID_ARGUMENT, "[0, 1]");
    CHECK_FAILS(relscore_config_define_channel(config, "coffee", 2, 0), RELSCORE_ERROR_INVALID_ARGUMENT,
                "half-life must be positive");
    CHECK_OK(relscore_config_set_reciprocity(config, 0.8));
    {
        relscore_scorer* other = NULL;
        CHECK_OK(relscore_scorer_new(config, &other));
        CHECK_FAILS(relscore_merge(s, other), RELSCORE_ERROR_CONFIG_MISMATCH, "different configurations");
        relscore_scorer_free(other);
    }
    relscore_config_free(config);
    /* The message stays until the next failure, and *_free accepts NULL. */
    CHECK_OK(relscore_people_count(s, &people));
    CHECK(strstr(relscore_last_error(), "different configurations") != NULL);
    relscore_scorer_free(NULL);
    relscore_table_free(NULL);
    relscore_config_free(NULL);
    relscore_free(NULL);
    relscore_scorer_free(s);
}

static void test_columns_table_snapshots(const char* scratch_path) {
    /* Custom config: a "coffee" channel (weight 2.5, half-life 10 days), rho = 1. */
    relscore_config* config = NULL;
    relscore_scorer* s = NULL;
    relscore_scorer* loaded = NULL;
    relscore_scorer* from_file = NULL;
    relscore_table* table = NULL;
    relscore_relationship row, again;
    unsigned char* bytes = NULL;
    size_t size = 0, rows = 0;
    const int64_t t0 = 1767225600LL * 1000000LL;
    const int64_t time_us[4] = {t0, t0 + 10 * day_us, t0, t0 + 5 * day_us};
    const int64_t source[4] = {0, 1, 0, 2};
    const int64_t target[4] = {1, 0, 2, 1};
    const char* people[3] = {"ana", "ben", "cy"};
    const int64_t channel[4] = {0, 0, 1, 1};
    const char* channel_names[2] = {"coffee", "email"};
    const uint8_t mutual[4] = {0, 0, 1, 0};
    relscore_columns c = {0};
    char text[64];
    size_t needed = 0;

    CHECK_OK(relscore_config_new(&config));
    CHECK_OK(relscore_config_define_channel(config, "coffee", 2.5, 10 * day_us));
    CHECK_OK(relscore_config_set_reciprocity(config, 1.0));
    CHECK_OK(relscore_scorer_new(config, &s));
    relscore_config_free(config); /* the scorer keeps its own copy */

    c.rows = 4;
    c.time_us = time_us;
    c.source = source;
    c.target = target;
    c.people = people;
    c.n_people = 3;
    c.channel = channel;
    c.channel_names = channel_names;
    c.n_channel_names = 2;
    c.mutual = mutual;
    CHECK_OK(relscore_add_columns(s, &c));

    /* At the newest time (t0 + 10d), rho = 1 so S = 2 min(V_ab, V_ba):
     *   ana-ben: V = 2.5 * 2^-1 and 2.5        -> S = 2.5
     *   ana-cy:  mutual email, 2^(-10/60) each  -> S = 2 * 2^(-1/6)
     *   cy-ben:  one-sided                       -> S = 0 */
    CHECK_OK(relscore_table_new(s, RELSCORE_AT_NEWEST, 1, &table));
    rows = relscore_table_size(table);
    CHECK(rows == 3);
    CHECK(relscore_table_at(table) == t0 + 10 * day_us);
    CHECK_OK(relscore_table_row(table, 0, &row));
    CHECK(strcmp(row.a, "ana") == 0 && strcmp(row.b, "ben") == 0 && close_to(row.strength, 2.5));
    CHECK(close_to(row.volume_ab, 1.25) && row.interactions == 2);
    CHECK_OK(relscore_table_row(table, 1, &row));
    CHECK(strcmp(row.b, "cy") == 0 && close_to(row.strength, 2 * pow(2, -1.0 / 6)) && close_to(row.reciprocity, 1));
    CHECK_OK(relscore_table_row(table, 2, &row));
    CHECK(strcmp(row.a, "ben") == 0 && strcmp(row.b, "cy") == 0 && row.strength == 0 && close_to(row.volume_ba, pow(2, -5.0 / 60)));
    CHECK_FAILS(relscore_table_row(table, 3, &row), RELSCORE_ERROR_INVALID_ARGUMENT, "row 3 out of range");

    /* Bad columns: an out-of-range code is named with its row; nothing changes. */
    {
        const int64_t bad_target[4] = {1, 0, 2, 7};
        size_t pairs = 0;
        c.target = bad_target;
        CHECK_FAILS(relscore_add_columns(s, &c), RELSCORE_ERROR_INVALID_ARGUMENT, "row 3: target id 7 out of range");
        CHECK_OK(relscore_relationship_count(s, &pairs));
        CHECK(pairs == 3);
        c.target = target;
        /* A non-NULL list of no names is not dense ids: every code is out of range. */
        c.n_people = 0;
        CHECK_FAILS(relscore_add_columns(s, &c), RELSCORE_ERROR_INVALID_ARGUMENT, "row 0: source id 0 out of range");
        CHECK_OK(relscore_relationship_count(s, &pairs));
        CHECK(pairs == 3);
        c.n_people = 3;
    }

    /* Snapshots: bytes and files round-trip to identical answers. */
    CHECK_OK(relscore_save_bytes(s, &bytes, &size));
    CHECK(size > 0);
    CHECK_OK(relscore_load_bytes(bytes, size, &loaded));
    CHECK_OK(relscore_between(loaded, "ana", "cy", t0 + 30 * day_us, &again));
    CHECK_OK(relscore_between(s, "ana", "cy", t0 + 30 * day_us, &row));
    CHECK(again.strength == row.strength && again.volume_ab == row.volume_ab);
    bytes[size / 2] ^= 0x5a;
    CHECK_FAILS(relscore_load_bytes(bytes, size, &from_file), RELSCORE_ERROR_PARSE, "checksum mismatch");
    CHECK(from_file == NULL);
    relscore_free(bytes);

    CHECK_OK(relscore_save_file(s, scratch_path));
    CHECK_OK(relscore_load_file(scratch_path, &from_file));
    CHECK_OK(relscore_between(from_file, "ben", "cy", RELSCORE_AT_NEWEST, &again));
    CHECK_OK(relscore_between(s, "ben", "cy", RELSCORE_AT_NEWEST, &row));
    CHECK(again.volume_ba == row.volume_ba && again.last_interaction_us == row.last_interaction_us);
    remove(scratch_path);
    CHECK_FAILS(relscore_load_file(scratch_path, &loaded), RELSCORE_ERROR_IO, "cannot open");
    /* The header is checked before the rest is read: /dev/zero fails at once, not out of memory. */
    CHECK_FAILS(relscore_load_file("/dev/zero", &loaded), RELSCORE_ERROR_PARSE, "not a relscore snapshot");

    /* The table owns its names: still readable after the scorer grows and is freed. */
    {
        relscore_interaction e = {0};
        e.time_us = t0 + 20 * day_us;
        for (int i = 0; i < 50; ++i) {
            char name[32];
            snprintf(name, sizeof name, "a rather long person name #%d", i);
            e.source = name;
            e.target = "ana";
            CHECK_OK(relscore_add(s, &e));
        }
    }
    relscore_scorer_free(s);
    CHECK_OK(relscore_table_row(table, 0, &row));
    CHECK(strcmp(row.a, "ana") == 0 && strcmp(row.b, "ben") == 0);
    relscore_table_free(table);
    relscore_scorer_free(loaded);
    relscore_scorer_free(from_file);

    CHECK_OK(relscore_format_time(t0 + 1, text, sizeof text, &needed));
    CHECK(strcmp(text, "2026-01-01T00:00:00.000001Z") == 0 && needed == strlen(text));
    CHECK_OK(relscore_format_time(t0, text, 5, &needed));
    CHECK(strcmp(text, "2026") == 0 && needed == 20);
}

/* Issue 19: weights above 1e15 (relscore::max_weight) are refused, the maximum gives
   finite results, and merge refuses (changing nothing) before a sum could overflow. */
static void test_finite_totals(void) {
    relscore_scorer* s = NULL;
    relscore_interaction e = {0};
    relscore_relationship r;
    size_t people = 0;
    unsigned char *before = NULL, *after = NULL;
    size_t before_size = 0, after_size = 0;
    int merges = 0, refused = 0;

    CHECK_OK(relscore_scorer_new(NULL, &s));
    e.time_text = "2026-01-01";
    e.source = "ana";
    e.target = "ben";
    e.has_weight = 1;
    e.mutual = 1;
    e.weight = 1e308;
    CHECK_FAILS(relscore_add(s, &e), RELSCORE_ERROR_INVALID_ARGUMENT, "<= 1e+15 (relscore::max_weight), got 1e+308");
    e.weight = nextafter(1e15, 2e15);
    CHECK_FAILS(relscore_add(s, &e), RELSCORE_ERROR_INVALID_ARGUMENT, "relscore::max_weight");
    CHECK_OK(relscore_people_count(s, &people));
    CHECK(people == 0);
    e.weight = 1e15;
    CHECK_OK(relscore_add(s, &e));
    for (merges = 0; merges < 400 && !refused; ++merges) {
        CHECK_OK(relscore_save_bytes(s, &before, &before_size));
        if (relscore_merge(s, s) != RELSCORE_OK) {
            refused = 1;
            /* the counts reach relscore::max_pair_interactions (2^32 - 1) long before a sum reaches max_total */
            CHECK(strstr(relscore_last_error(), "would hold more than relscore::max_pair_interactions") != NULL);
            CHECK_OK(relscore_save_bytes(s, &after, &after_size));
            CHECK(before_size == after_size && memcmp(before, after, before_size) == 0);
            relscore_free(after);
        }
        relscore_free(before);
        CHECK_OK(relscore_between(s, "ana", "ben", RELSCORE_AT_NEWEST, &r));
        CHECK(isfinite(r.strength) && isfinite(r.reciprocity) && isfinite(r.volume_ab));
    }
    CHECK(refused);
    relscore_scorer_free(s);
}

/* relscore_set_threads: a batch of 200,000 columns rows split among threads gives the same
 * snapshot bytes as one thread; a null scorer is refused. */
/* A relationship holds at most 2^32 - 1 interactions: relscore_add and relscore_add_batch
   refuse one more with RELSCORE_ERROR_INVALID_ARGUMENT, changing nothing, also after a
   batch on another pair. */
static void test_interaction_limit(void) {
    relscore_scorer *power = NULL, *out = NULL;
    relscore_interaction e = {0}, batch[2];
    relscore_relationship r;
    unsigned char *before = NULL, *after = NULL;
    size_t before_size = 0, after_size = 0;
    const uint64_t limit = 4294967295u;
    uint64_t bit;

    CHECK_OK(relscore_scorer_new(NULL, &power));
    CHECK_OK(relscore_scorer_new(NULL, &out));
    e.time_text = "2026-01-01";
    e.source = "ana";
    e.target = "ben";
    CHECK_OK(relscore_add(power, &e));
    for (bit = 1; bit <= limit; bit <<= 1) { /* out gets each power of two of the limit */
        CHECK_OK(relscore_merge(out, power));
        if (bit <= limit / 2) CHECK_OK(relscore_merge(power, power));
    }
    CHECK_OK(relscore_between(out, "ana", "ben", RELSCORE_AT_NEWEST, &r));
    CHECK(r.interactions == limit);
    CHECK_OK(relscore_save_bytes(out, &before, &before_size));
    CHECK_FAILS(relscore_add(out, &e), RELSCORE_ERROR_INVALID_ARGUMENT, "would hold more than relscore::max_pair_interactions");
    batch[0] = e;
    batch[0].source = "cy";
    batch[0].target = "dee";
    batch[1] = e;
    CHECK_FAILS(relscore_add_batch(out, batch, 2), RELSCORE_ERROR_INVALID_ARGUMENT, "'ana' and 'ben' would hold more than");
    CHECK_OK(relscore_save_bytes(out, &after, &after_size));
    CHECK(before_size == after_size && memcmp(before, after, before_size) == 0);
    relscore_free(after);
    CHECK_OK(relscore_add_batch(out, batch, 1)); /* another pair */
    CHECK_FAILS(relscore_add(out, &e), RELSCORE_ERROR_INVALID_ARGUMENT, "max_pair_interactions");
    CHECK_OK(relscore_between(out, "ana", "ben", RELSCORE_AT_NEWEST, &r));
    CHECK(r.interactions == limit);
    relscore_free(before);
    relscore_scorer_free(power);
    relscore_scorer_free(out);
}

static void test_threads(void) {
    enum { rows = 200000, people = 5000 };
    int64_t* time_us = malloc(rows * sizeof *time_us);
    int64_t* source = malloc(rows * sizeof *source);
    int64_t* target = malloc(rows * sizeof *target);
    unsigned char* bytes[2] = {NULL, NULL};
    size_t sizes[2] = {0, 0};
    uint64_t state = 12345;
    unsigned threads;
    relscore_columns c = {0};
    CHECK(time_us != NULL && source != NULL && target != NULL);
    for (size_t i = 0; i < rows; ++i) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL; /* an LCG: the same rows everywhere */
        source[i] = (int64_t)((state >> 33) % people);
        target[i] = (source[i] + 1 + (int64_t)((state >> 13) % (people - 1))) % people;
        time_us[i] = 1600000000LL * 1000000 + (int64_t)(i / 3) * 60000000 - (int64_t)((state >> 50) % 2) * 3600000000LL;
    }
    c.rows = rows;
    c.time_us = time_us;
    c.source = source;
    c.target = target;
    c.default_channel = "email";
    for (threads = 1; threads <= 2; ++threads) {
        relscore_scorer* s = NULL;
        CHECK_OK(relscore_scorer_new(NULL, &s));
        CHECK_OK(relscore_set_threads(s, threads));
        CHECK_OK(relscore_add_columns(s, &c));
        CHECK_OK(relscore_save_bytes(s, &bytes[threads - 1], &sizes[threads - 1]));
        relscore_scorer_free(s);
    }
    CHECK(sizes[0] == sizes[1] && memcmp(bytes[0], bytes[1], sizes[0]) == 0);
    CHECK_FAILS(relscore_set_threads(NULL, 2), RELSCORE_ERROR_INVALID_ARGUMENT, "scorer");
    relscore_free(bytes[0]);
    relscore_free(bytes[1]);
    free(time_us);
    free(source);
    free(target);
}

/* The calls the other tests do not need: each checked for its effect. */
static void test_names_half_life_and_merge(void) {
    relscore_config* config = NULL;
    relscore_scorer *s = NULL, *first = NULL, *second = NULL, *whole = NULL;
    relscore_interaction e = {0};
    relscore_relationship r, m;
    const char* name = NULL;
    size_t people = 0;
    int64_t t0 = 0;
    int i;
    static const struct {
        relscore_status status;
        const char* name;
    } names[] = {{RELSCORE_OK, "RELSCORE_OK"},
                 {RELSCORE_ERROR_INVALID_ARGUMENT, "RELSCORE_ERROR_INVALID_ARGUMENT"},
                 {RELSCORE_ERROR_UNKNOWN_PERSON, "RELSCORE_ERROR_UNKNOWN_PERSON"},
                 {RELSCORE_ERROR_TIME_ORDER, "RELSCORE_ERROR_TIME_ORDER"},
                 {RELSCORE_ERROR_CONFIG_MISMATCH, "RELSCORE_ERROR_CONFIG_MISMATCH"},
                 {RELSCORE_ERROR_PARSE, "RELSCORE_ERROR_PARSE"},
                 {RELSCORE_ERROR_IO, "RELSCORE_ERROR_IO"},
                 {RELSCORE_ERROR_OUT_OF_MEMORY, "RELSCORE_ERROR_OUT_OF_MEMORY"},
                 {RELSCORE_ERROR_INTERNAL, "RELSCORE_ERROR_INTERNAL"}};
    for (i = 0; i < (int)(sizeof names / sizeof names[0]); ++i) CHECK(strcmp(relscore_status_name(names[i].status), names[i].name) == 0);
    CHECK(strcmp(relscore_status_name((relscore_status)42), "RELSCORE_UNKNOWN_STATUS") == 0);

    /* Every channel's half-life set to 10 days: an email halves in 10 days, a call too. */
    CHECK_OK(relscore_parse_time("2026-01-01", &t0));
    CHECK_OK(relscore_config_new(&config));
    CHECK_OK(relscore_config_set_half_life(config, 10 * day_us));
    CHECK_FAILS(relscore_config_set_half_life(config, 0), RELSCORE_ERROR_INVALID_ARGUMENT, "half-life");
    CHECK_OK(relscore_scorer_new(config, &s));
    e.time_us = t0;
    e.source = "ana";
    e.target = "ben";
    e.channel = "email";
    CHECK_OK(relscore_add(s, &e));
    e.target = "cy";
    e.channel = "call";
    CHECK_OK(relscore_add(s, &e));
    CHECK_OK(relscore_between(s, "ana", "ben", t0 + 10 * day_us, &r));
    CHECK(close_to(r.volume_ab, 0.5));
    CHECK_OK(relscore_between(s, "ana", "cy", t0 + 20 * day_us, &r));
    CHECK(close_to(r.volume_ab, 2 * 0.25));

    /* Person ids are in order of first appearance. */
    CHECK_OK(relscore_people_count(s, &people));
    CHECK(people == 3);
    CHECK_OK(relscore_person_name(s, 0, &name));
    CHECK(strcmp(name, "ana") == 0);
    CHECK_OK(relscore_person_name(s, 2, &name));
    CHECK(strcmp(name, "cy") == 0);
    CHECK_FAILS(relscore_person_name(s, 3, &name), RELSCORE_ERROR_UNKNOWN_PERSON, "person id 3");

    /* A merge of two halves answers as the scorer fed everything. */
    CHECK_OK(relscore_scorer_new(config, &first));
    CHECK_OK(relscore_scorer_new(config, &second));
    CHECK_OK(relscore_scorer_new(config, &whole));
    for (i = 0; i < 6; ++i) {
        e.time_us = t0 + i * day_us;
        e.source = i % 2 ? "ben" : "ana";
        e.target = i % 2 ? "ana" : "ben";
        e.channel = i % 3 ? "email" : "meeting";
        CHECK_OK(relscore_add(i < 3 ? first : second, &e));
        CHECK_OK(relscore_add(whole, &e));
    }
    CHECK_OK(relscore_merge(first, second));
    CHECK_OK(relscore_between(first, "ana", "ben", t0 + 9 * day_us, &m));
    CHECK_OK(relscore_between(whole, "ana", "ben", t0 + 9 * day_us, &r));
    CHECK(m.interactions == 6 && close_to(m.strength, r.strength) && close_to(m.volume_ab, r.volume_ab) &&
          close_to(m.volume_ba, r.volume_ba));
    CHECK(m.last_interaction_us == t0 + 5 * day_us);
    /* `other` is unchanged. */
    CHECK_OK(relscore_between(second, "ana", "ben", RELSCORE_AT_NEWEST, &r));
    CHECK(r.interactions == 3);

    relscore_scorer_free(s);
    relscore_scorer_free(first);
    relscore_scorer_free(second);
    relscore_scorer_free(whole);
    relscore_config_free(config);
}

/* A configuration file as Python's relscore.FitResult.save writes it: exactly its channels
 * and rho; bad files are refused with the file and the field named. */
static void test_config_file(const char* scratch_path) {
    char path[4096];
    FILE* f = NULL;
    relscore_config* config = NULL;
    relscore_scorer* s = NULL;
    relscore_interaction e = {0};
    relscore_relationship r;
    snprintf(path, sizeof path, "%s.config.json", scratch_path);
    f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f == NULL) return;
    /* email: weight 2, half-life 10 days (864000000000 us); rho 1 (only reciprocated volume). */
    fputs("{\"format\": \"relscore-config\", \"version\": 1, \"reciprocity\": 1.0,\n"
          " \"channels\": [{\"name\": \"email\", \"weight\": 2.0, \"half_life_us\": 864000000000}],\n"
          " \"fit\": {\"kind\": \"binary\"}}\n", f);
    fclose(f);
    CHECK_OK(relscore_config_read_file(path, &config));
    CHECK_OK(relscore_scorer_new(config, &s));
    relscore_config_free(config);
    e.time_us = 0;
    e.source = "ana";
    e.target = "ben";
    e.channel = "email";
    CHECK_OK(relscore_add(s, &e));
    e.time_us = 10 * day_us;
    e.source = "ben";
    e.target = "ana";
    CHECK_OK(relscore_add(s, &e));
    CHECK_OK(relscore_between(s, "ana", "ben", RELSCORE_AT_NEWEST, &r));
    /* ana -> ben: 2 halved over 10 days = 1; ben -> ana: 2; rho 1: strength 2 min = 2. */
    CHECK(close_to(r.volume_ab, 1.0) && close_to(r.volume_ba, 2.0) && close_to(r.strength, 2.0));
    e.channel = "call"; /* not in the file: no defaults */
    CHECK_FAILS(relscore_add(s, &e), RELSCORE_ERROR_INVALID_ARGUMENT, "call");
    relscore_scorer_free(s);

    f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f == NULL) return;
    fputs("{\"format\": \"relscore-config\", \"version\": 1, \"reciprocity\": 0.5, \"channels\": [{\"name\": \"x\"}]}", f);
    fclose(f);
    config = NULL;
    CHECK_FAILS(relscore_config_read_file(path, &config), RELSCORE_ERROR_INVALID_ARGUMENT, "channels[0].weight");
    CHECK(config == NULL);
    /* A number beyond a double is the user's mistake, not INTERNAL. */
    f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f == NULL) return;
    fputs("{\"format\": \"relscore-config\", \"version\": 1, \"reciprocity\": 0.5,\n"
          " \"channels\": [{\"name\": \"x\", \"weight\": 1e400, \"half_life_us\": 1}]}", f);
    fclose(f);
    CHECK_FAILS(relscore_config_read_file(path, &config), RELSCORE_ERROR_INVALID_ARGUMENT, "a number does not fit a double");
    CHECK(strstr(relscore_last_error(), path) != NULL);
    CHECK(config == NULL);
    remove(path);
    CHECK_FAILS(relscore_config_read_file(path, &config), RELSCORE_ERROR_PARSE, "cannot open");
    CHECK_FAILS(relscore_config_read_file(NULL, &config), RELSCORE_ERROR_INVALID_ARGUMENT, "path");
}

int main(int argc, char** argv) {
    const char* scratch = argc > 1 ? argv[1] : "relscore_c_api_test.snapshot";
    test_scoring_by_hand();
    test_errors();
    test_finite_totals();
    test_interaction_limit();
    test_threads();
    test_columns_table_snapshots(scratch);
    test_names_half_life_and_merge();
    test_config_file(scratch);
    if (failures != 0) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("relscore %s: C API checks passed\n", relscore_version());
    return 0;
}
