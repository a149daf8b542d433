/* sched_input.h - a schedule as an administrator types it, on the command line or the
 * admin page: from and until as local dates ("2026-12-24" or "2026-12-24 18:00", "none"
 * for no bound), the windows text of schedule.h, uses as a number or "unlimited". Each
 * field given (non-NULL) replaces that part of *s; the others stay. */
#ifndef GW_SCHED_INPUT_H
#define GW_SCHED_INPUT_H

#include <stddef.h>

#include "schedule.h"

struct sched_input {
    const char *from, *until, *windows, *uses; /* NULL: keep */
};

/* 0, or -1 with a one-line err naming the field; *s is unchanged on error. */
int sched_input_apply(const struct sched_input *in, struct schedule *s, char *err, size_t errlen);

/* The bound t as the input writes it: "2026-12-24 18:00", or "" for none. */
void sched_input_date(int64_t t, char *out, size_t cap);

#endif
