/* Checks shared by the C API's C tests: each failed check prints file, line and the
 * expression, and counts in `failures` (main returns nonzero if any failed). */
#ifndef RELSCORE_TESTS_C_CHECK_H
#define RELSCORE_TESTS_C_CHECK_H

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <relscore/relscore.h>

static int failures = 0;

#define CHECK(cond)                                                              \
    do {                                                                         \
        if (!(cond)) {                                                           \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
            ++failures;                                                          \
        }                                                                        \
    } while (0)
#define CHECK_OK(call)                                                                              \
    do {                                                                                            \
        relscore_status status_ = (call);                                                           \
        if (status_ != RELSCORE_OK) {                                                               \
            fprintf(stderr, "%s:%d: %s returned %s: %s\n", __FILE__, __LINE__, #call,              \
                    relscore_status_name(status_), relscore_last_error());                          \
            ++failures;                                                                             \
        }                                                                                           \
    } while (0)
#define CHECK_FAILS(call, expected_status, message_part)                                             \
    do {                                                                                             \
        relscore_status status_ = (call);                                                            \
        if (status_ != (expected_status) || strstr(relscore_last_error(), (message_part)) == NULL) { \
            fprintf(stderr, "%s:%d: %s returned %s (\"%s\"), expected %s with \"%s\"\n", __FILE__,   \
                    __LINE__, #call, relscore_status_name(status_), relscore_last_error(),          \
                    relscore_status_name(expected_status), (message_part));                          \
            ++failures;                                                                              \
        }                                                                                            \
    } while (0)

static inline int close_to(double x, double y) { return fabs(x - y) <= 1e-12 * (1 + fabs(y)); }

static const int64_t day_us = 86400LL * 1000000LL;

#endif
