#ifndef RELSCORE_RELSCORE_H
#define RELSCORE_RELSCORE_H
/**
 * \file relscore.h
 * The C API: relscore for C, and through C for Go, Rust, PHP, Node, Java or Python
 * (ctypes/cffi) callers. Link `relscore::relscore_c` (the shared library `librelscore_c`).
 *
 * Design notes
 * - Opaque handles (`relscore_config`, `relscore_scorer`, `relscore_table`), created by
 *   a `*_new` or `*_load_*` function and released by the matching `*_free`, which
 *   accepts NULL. No C++ type and no exception crosses this boundary.
 * - Every function that can fail returns a `relscore_status`; on failure it leaves its
 *   outputs and the scorer unchanged (the C++ strong guarantee carries over) and stores
 *   a message naming the function and what was wrong, read with relscore_last_error().
 *   One exception: RELSCORE_ERROR_OUT_OF_MEMORY half-way through applying a batch
 *   leaves the scorer whole (every pair it keeps has interacted, its snapshot loads,
 *   ingest goes on) but possibly holding part of the batch. Memory that runs out while
 *   a dense id's people are made (every id below it becomes a person) leaves it unchanged.
 *   The message is per thread and kept until the next failure on that thread.
 * - Times are int64 microseconds since 1970-01-01T00:00:00Z (UTC); relscore_parse_time()
 *   converts ISO 8601 text or UNIX seconds. Queries take `RELSCORE_AT_NEWEST` for "at the
 *   newest interaction".
 * - Structs the caller allocates and the library fills either never change
 *   (relscore_relationship) or start with `struct_size` (relscore_relationship_info), so the
 *   library can append members in a later version and still fill an older caller's struct.
 * - Strings are UTF-8 and NUL-terminated. Strings returned inside a
 *   `relscore_relationship` point into the object that filled it (scorer or table) and
 *   stay valid until that object is modified or freed; copy them to keep them.
 * - Thread safety: as in C++, concurrent read-only calls on one scorer are safe; a call
 *   that modifies a scorer needs exclusive access to it.
 *
 * **Example**:
 *
 *     relscore_scorer* s = NULL;
 *     if (relscore_scorer_new(NULL, &s) != RELSCORE_OK) { puts(relscore_last_error()); return 1; }
 *     relscore_interaction e = {0};
 *     relscore_parse_time("2026-01-05T10:00:00Z", &e.time_us);
 *     e.source = "ana"; e.target = "ben"; e.channel = "email";
 *     relscore_add(s, &e);
 *     relscore_relationship r;
 *     relscore_between(s, "ana", "ben", RELSCORE_AT_NEWEST, &r);
 *     printf("%s - %s: %.3f\n", r.a, r.b, r.strength);
 *     relscore_scorer_free(s);
 */

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#if defined(RELSCORE_C_BUILDING)
#define RELSCORE_C_API __declspec(dllexport)
#else
#define RELSCORE_C_API __declspec(dllimport)
#endif
#else
#define RELSCORE_C_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** What a call returned. Zero is success; every other value has a message in relscore_last_error(). */
typedef enum relscore_status {
    RELSCORE_OK = 0,
    RELSCORE_ERROR_INVALID_ARGUMENT = 1, /**< a NULL handle, a negative weight, an unknown channel, ... */
    RELSCORE_ERROR_UNKNOWN_PERSON = 2,   /**< a person the scorer has never seen */
    RELSCORE_ERROR_TIME_ORDER = 3,       /**< a query earlier than the newest interaction */
    RELSCORE_ERROR_CONFIG_MISMATCH = 4,  /**< merging scorers with different configurations */
    RELSCORE_ERROR_PARSE = 5,            /**< text (time, duration) or snapshot bytes that cannot be read */
    RELSCORE_ERROR_IO = 6,               /**< a file that cannot be read or written */
    RELSCORE_ERROR_OUT_OF_MEMORY = 7,
    RELSCORE_ERROR_INTERNAL = 8          /**< a bug in relscore: please report it with the message */
} relscore_status;

/** Pass as `at_us` to query at the newest interaction ingested. */
#define RELSCORE_AT_NEWEST INT64_MIN

/** A scorer's configuration: channels and the reciprocity weight ρ. Starts as the defaults. */
typedef struct relscore_config relscore_config;
/** Scores relationships; see relscore::scorer. */
typedef struct relscore_scorer relscore_scorer;
/** Every relationship of a scorer at one time, as rows; owns its strings. */
typedef struct relscore_table relscore_table;

/** One interaction named by strings. Zero-initialize it, then set what you need. */
typedef struct relscore_interaction {
    int64_t time_us;         /**< microseconds since the epoch; ignored when `time_text` is set */
    const char* time_text;   /**< NULL, or a time parsed as relscore_parse_time() does */
    const char* source;      /**< who acted (required) */
    const char* target;      /**< toward whom (required, different from `source`) */
    const char* channel;     /**< a channel name; NULL: "contact" */
    double weight;           /**< used only when `has_weight` is nonzero; finite, >= 0 and <= 1e15 */
    int has_weight;          /**< zero: the channel's weight */
    int mutual;              /**< nonzero: counts in both directions (a meeting both attended) */
} relscore_interaction;

/**
 * Interactions as columns (bulk ingest). `time_us`, `source` and `target` have `rows`
 * entries; `channel`, `weight` and `mutual` have `rows` entries or are NULL.
 */
typedef struct relscore_columns {
    size_t rows;
    const int64_t* time_us;           /**< microseconds since the epoch */
    const int64_t* source;            /**< codes into `people` (or dense ids when `people` is NULL) */
    const int64_t* target;
    const char* const* people;        /**< `n_people` distinct names, or NULL (non-NULL with 0 names: every code out of range) */
    size_t n_people;
    const int64_t* channel;           /**< codes into `channel_names`, or NULL: all `default_channel` */
    const char* const* channel_names; /**< `n_channel_names` channel names */
    size_t n_channel_names;
    const char* default_channel;      /**< NULL: "contact" */
    const double* weight;             /**< NULL: each channel's weight */
    const uint8_t* mutual;            /**< nonzero: mutual; NULL: all directed */
} relscore_columns;

/**
 * The members relscore_relationship and relscore_relationship_info share, in this order
 * (written once, as CPython's PyObject_HEAD is):
 * - `a`, `b`: the two people's names, owned by the scorer or table that filled the struct;
 * - `a_id`, `b_id`: their dense ids inside the scorer;
 * - `strength`: S_ab; `volume_ab`: V_ab, the decayed volume of a toward b; `volume_ba`: V_ba;
 * - `reciprocity`: r_ab in [0, 1];
 * - `last_interaction_us`: the newest interaction time (meaningful if `interactions` > 0);
 * - `interactions`: the count (a mutual interaction counts once).
 */
#define RELSCORE_RELATIONSHIP_MEMBERS \
    const char* a;                    \
    const char* b;                    \
    uint32_t a_id, b_id;              \
    double strength;                  \
    double volume_ab;                 \
    double volume_ba;                 \
    double reciprocity;               \
    int64_t last_interaction_us;      \
    uint64_t interactions;

/** One relationship at one time, seen from `a` (members: RELSCORE_RELATIONSHIP_MEMBERS). */
typedef struct relscore_relationship {
    RELSCORE_RELATIONSHIP_MEMBERS
} relscore_relationship;

/**
 * One relationship with every field of the C++ description (relscore::describe), filled by
 * the `*_info` queries. The library can grow this struct without breaking callers compiled
 * against an older relscore.h: the caller sets `struct_size` to the sizeof it was compiled
 * with (RELSCORE_RELATIONSHIP_INFO_INIT does), and the library fills only that prefix. New
 * members are only ever appended. relscore_relationship stays as it is for existing callers.
 */
typedef struct relscore_relationship_info {
    size_t struct_size;          /**< sizeof(relscore_relationship_info) as the caller knows it */
    RELSCORE_RELATIONSHIP_MEMBERS
    int64_t first_interaction_us; /**< first interaction time; meaningful if `interactions` > 0 */
    uint64_t touches;            /**< touch periods with contact (the scorer's touch gap) */
} relscore_relationship_info;

/** Initializes a relscore_relationship_info (its struct_size; the rest zero). */
#define RELSCORE_RELATIONSHIP_INFO_INIT {sizeof(relscore_relationship_info), NULL, NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}

/* ---- library ------------------------------------------------------------------------ */

/** The library's version, e.g. "0.1.0". Static storage. */
RELSCORE_C_API const char* relscore_version(void);
/** The message of the last failed call on this thread ("" if none). Valid until the next failure on this thread. */
RELSCORE_C_API const char* relscore_last_error(void);
/** A constant name for a status, e.g. "RELSCORE_ERROR_PARSE". Static storage. */
RELSCORE_C_API const char* relscore_status_name(relscore_status status);

/** Parses ISO 8601 ("2006-12-18T09:30:00Z", "2006-12-18") or UNIX seconds into microseconds. */
RELSCORE_C_API relscore_status relscore_parse_time(const char* text, int64_t* out_us);
/** Parses a duration ("90d", "12h", "2w", "HH:MM:SS") into microseconds. */
RELSCORE_C_API relscore_status relscore_parse_duration(const char* text, int64_t* out_us);
/**
 * Formats a time as ISO 8601 UTC into `buffer` (capacity `size` bytes, NUL included), like
 * snprintf: `*needed` (if not NULL) receives the length without the NUL, and the result is
 * truncated if `size` is too small. `buffer` may be NULL when `size` is 0. A time outside
 * years 1400..9999 is RELSCORE_ERROR_INVALID_ARGUMENT (nothing is written).
 */
RELSCORE_C_API relscore_status relscore_format_time(int64_t time_us, char* buffer, size_t size, size_t* needed);

/* ---- configuration ------------------------------------------------------------------ */

/** A new configuration holding the defaults (seven channels, ρ = 0.5). Free with relscore_config_free(). */
RELSCORE_C_API relscore_status relscore_config_new(relscore_config** out);
/** Frees a configuration; NULL is fine. */
RELSCORE_C_API void relscore_config_free(relscore_config* config);
/** Sets ρ, the reciprocity weight, in [0, 1]. */
RELSCORE_C_API relscore_status relscore_config_set_reciprocity(relscore_config* config, double reciprocity);
/** Adds a channel, or redefines the one with this name (weight in [0, 1e15], half-life > 0). */
RELSCORE_C_API relscore_status relscore_config_define_channel(relscore_config* config, const char* name, double weight,
                                                             int64_t half_life_us);
/** Sets every channel's half-life. */
RELSCORE_C_API relscore_status relscore_config_set_half_life(relscore_config* config, int64_t half_life_us);
/** A new configuration read from a configuration file (JSON, as Python's relscore.FitResult.save
 *  writes it): exactly its channels and ρ. RELSCORE_ERROR_PARSE if the file cannot be read,
 *  RELSCORE_ERROR_INVALID_ARGUMENT naming the file and the field if it is not a valid
 *  configuration. Free with relscore_config_free(). */
RELSCORE_C_API relscore_status relscore_config_read_file(const char* path, relscore_config** out);

/* ---- scorers ------------------------------------------------------------------------ */

/** A new, empty scorer. `config` may be NULL (the defaults); it is copied, so free it when you like. */
RELSCORE_C_API relscore_status relscore_scorer_new(const relscore_config* config, relscore_scorer** out);
/** Frees a scorer; NULL is fine. */
RELSCORE_C_API void relscore_scorer_free(relscore_scorer* scorer);

/** Adds one interaction. On error nothing changes. */
RELSCORE_C_API relscore_status relscore_add(relscore_scorer* scorer, const relscore_interaction* interaction);
/** Adds `count` interactions, validated together first: on error none is added and the message names the index.
 *  A `count` no array can have (over PTRDIFF_MAX bytes) is RELSCORE_ERROR_INVALID_ARGUMENT. */
RELSCORE_C_API relscore_status relscore_add_batch(relscore_scorer* scorer, const relscore_interaction* interactions,
                                                  size_t count);
/** Adds interactions given as columns, validated together first (the message names row and column). */
RELSCORE_C_API relscore_status relscore_add_columns(relscore_scorer* scorer, const relscore_columns* columns);
/** How many threads a batch (relscore_add_batch, relscore_add_columns) may use: 1 by default, 0 for one per
 *  hardware thread, each taking at least 65,536 of the batch's interactions. The result is the same with any
 *  number. Not part of the configuration: snapshots do not save it. */
RELSCORE_C_API relscore_status relscore_set_threads(relscore_scorer* scorer, unsigned threads);
/** Folds `other` into `scorer` exactly; both must have equal configurations. `other` is unchanged.
 *  RELSCORE_ERROR_INVALID_ARGUMENT, changing nothing, if a sum could pass 1e100 (relscore::max_total) or a
 *  relationship 4294967295 interactions (relscore::max_pair_interactions; every add refuses that too). */
RELSCORE_C_API relscore_status relscore_merge(relscore_scorer* scorer, const relscore_scorer* other);

/** The number of people the scorer knows. */
RELSCORE_C_API relscore_status relscore_people_count(const relscore_scorer* scorer, size_t* out);
/** The number of relationships (pairs that ever interacted). */
RELSCORE_C_API relscore_status relscore_relationship_count(const relscore_scorer* scorer, size_t* out);
/** The newest interaction time; `*has_newest` is 0 (and `*out_us` untouched) for an empty scorer. */
RELSCORE_C_API relscore_status relscore_newest(const relscore_scorer* scorer, int64_t* out_us, int* has_newest);
/** The name of person `id` (0 <= id < people count); the string is owned by the scorer. */
RELSCORE_C_API relscore_status relscore_person_name(const relscore_scorer* scorer, uint32_t id, const char** out);

/** The relationship of `a` with `b` at `at_us` (or RELSCORE_AT_NEWEST). Both must be known. */
RELSCORE_C_API relscore_status relscore_between(const relscore_scorer* scorer, const char* a, const char* b,
                                                int64_t at_us, relscore_relationship* out);
/**
 * The up to `k` strongest relationships of `person` at `at_us`, strongest first (ties by
 * the other person's name), each seen from `person`. `out` has room for `k`; `*count`
 * receives how many were written.
 */
RELSCORE_C_API relscore_status relscore_top(const relscore_scorer* scorer, const char* person, size_t k, int64_t at_us,
                                            relscore_relationship* out, size_t* count);

/**
 * relscore_between() with every field: `out->struct_size` must be set (see
 * relscore_relationship_info); RELSCORE_ERROR_INVALID_ARGUMENT if it is smaller than the
 * first version of the struct or larger than this library's.
 */
RELSCORE_C_API relscore_status relscore_between_info(const relscore_scorer* scorer, const char* a, const char* b,
                                                     int64_t at_us, relscore_relationship_info* out);
/**
 * relscore_top() with every field: `out` has room for `k` elements of `out[0].struct_size`
 * bytes each (set at least out[0].struct_size when k > 0); each element written gets it.
 */
RELSCORE_C_API relscore_status relscore_top_info(const relscore_scorer* scorer, const char* person, size_t k,
                                                 int64_t at_us, relscore_relationship_info* out, size_t* count);

/* ---- every relationship ------------------------------------------------------------- */

/**
 * Every relationship at `at_us`, as a table that owns copies of the names (so it stays
 * valid whatever happens to the scorer). With `strongest_first` nonzero the rows are
 * ordered by strength (ties: by row order); otherwise in the scorer's order.
 */
RELSCORE_C_API relscore_status relscore_table_new(const relscore_scorer* scorer, int64_t at_us, int strongest_first,
                                                  relscore_table** out);
/** Frees a table; NULL is fine. */
RELSCORE_C_API void relscore_table_free(relscore_table* table);
/** The number of rows (0 for NULL). */
RELSCORE_C_API size_t relscore_table_size(const relscore_table* table);
/** The time the table was computed at. */
RELSCORE_C_API int64_t relscore_table_at(const relscore_table* table);
/** Row `row` (0 <= row < size); its strings are owned by the table. */
RELSCORE_C_API relscore_status relscore_table_row(const relscore_table* table, size_t row, relscore_relationship* out);
/** relscore_table_row() with every field (`out->struct_size` must be set, as for relscore_between_info()). */
RELSCORE_C_API relscore_status relscore_table_row_info(const relscore_table* table, size_t row,
                                                       relscore_relationship_info* out);

/* ---- snapshots ---------------------------------------------------------------------- */

/**
 * The scorer's complete state in relscore's versioned, checksummed snapshot format.
 * `*data` is allocated with malloc(): release it with relscore_free().
 */
RELSCORE_C_API relscore_status relscore_save_bytes(const relscore_scorer* scorer, unsigned char** data, size_t* size);
/** A new scorer from relscore_save_bytes() output; RELSCORE_ERROR_PARSE says what is wrong with the bytes. */
RELSCORE_C_API relscore_status relscore_load_bytes(const void* data, size_t size, relscore_scorer** out);
/** Writes a snapshot file atomically: a temporary beside `path`, flushed to disk, then renamed over it. */
RELSCORE_C_API relscore_status relscore_save_file(const relscore_scorer* scorer, const char* path);
/** A new scorer from a snapshot file. */
RELSCORE_C_API relscore_status relscore_load_file(const char* path, relscore_scorer** out);
/** Frees memory that relscore allocated for the caller (relscore_save_bytes()); NULL is fine. */
RELSCORE_C_API void relscore_free(void* memory);

#ifdef __cplusplus
}
#endif

#endif /* RELSCORE_RELSCORE_H */
