/* sched_input.c - typed schedule fields into a schedule (sched_input.h). */
#include "sched_input.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "site_tz.h"

#define USES_MAX 100000

static int parse_bound(const char *field, const char *v, int64_t *out, char *err, size_t errlen)
{
    if (v[0] == '\0' || strcmp(v, "none") == 0) {
        *out = 0;
        return 0;
    }
    if (site_tz_parse(v, out) != 0) {
        snprintf(err, errlen, "%s: '%s' is not a local date YYYY-MM-DD or YYYY-MM-DD HH:MM", field,
                 v);
        return -1;
    }
    return 0;
}

static int parse_uses(const char *v, int64_t *out, char *err, size_t errlen)
{
    char *end;
    long n;
    if (v[0] == '\0' || strcmp(v, "unlimited") == 0) {
        *out = SCHED_UNLIMITED;
        return 0;
    }
    errno = 0;
    n = strtol(v, &end, 10);
    if (errno != 0 || *end != '\0' || end == v || n < 0 || n > USES_MAX) {
        snprintf(err, errlen, "uses: '%s' is not a number from 0 to %d or 'unlimited'", v,
                 USES_MAX);
        return -1;
    }
    *out = n;
    return 0;
}

int sched_input_apply(const struct sched_input *in, struct schedule *s, char *err, size_t errlen)
{
    struct schedule next = *s;
    char why[200];

    if (in->from != NULL && parse_bound("from", in->from, &next.from, err, errlen) != 0)
        return -1;
    if (in->until != NULL && parse_bound("until", in->until, &next.until, err, errlen) != 0)
        return -1;
    if (in->windows != NULL && sched_parse_windows(in->windows, &next, why, sizeof why) != 0) {
        snprintf(err, errlen, "windows: %s", why);
        return -1;
    }
    if (in->uses != NULL && parse_uses(in->uses, &next.uses_left, err, errlen) != 0)
        return -1;
    if (next.from != 0 && next.until != 0 && next.until <= next.from) {
        snprintf(err, errlen, "until must be after from");
        return -1;
    }
    *s = next;
    return 0;
}

void sched_input_date(int64_t t, char *out, size_t cap)
{
    if (t == 0)
        snprintf(out, cap, "%s", "");
    else
        site_tz_format(t, out, cap);
}
