/* The same check through the C API, compiled as C11. */
#include <math.h>
#include <stdio.h>

#include <relscore/relscore.h>

int main(void) {
    relscore_scorer* s = NULL;
    relscore_interaction e = {0};
    relscore_relationship r;
    int ok;
    if (relscore_scorer_new(NULL, &s) != RELSCORE_OK) return 1;
    e.time_text = "2026-01-01T00:00:00Z";
    e.source = "ana";
    e.target = "ben";
    e.channel = "email";
    if (relscore_add(s, &e) != RELSCORE_OK) return 1;
    e.time_text = "2026-03-02T00:00:00Z"; /* 60 days later */
    e.source = "ben";
    e.target = "ana";
    if (relscore_add(s, &e) != RELSCORE_OK) return 1;
    if (relscore_between(s, "ana", "ben", RELSCORE_AT_NEWEST, &r) != RELSCORE_OK) {
        fprintf(stderr, "%s\n", relscore_last_error());
        return 1;
    }
    ok = fabs(r.strength - 1.25) < 1e-12;
    printf("relscore %s (C): %s-%s strength %.6f (%s)\n", relscore_version(), r.a, r.b, r.strength, ok ? "ok" : "WRONG");
    relscore_scorer_free(s);
    return ok ? 0 : 1;
}
