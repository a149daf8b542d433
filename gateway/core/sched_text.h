/* sched_text.h - schedules in words for people, in the site's local time (site_tz.h):
 * the one line a door shows on the phone ("Mon-Fri 08:00–18:00 · until 2026-12-24 18:00
 * · 3 uses left") and the sentence of a refusal, with the next window ("Garage: outside
 * your schedule. Next: Tue 09:00–12:00 (2026-12-08)."). */
#ifndef GW_SCHED_TEXT_H
#define GW_SCHED_TEXT_H

#include <stddef.h>

#include "schedule.h"

/* The schedule in one line. */
void sched_text_summary(const struct schedule *s, char *out, size_t cap);

/* Why answer a refuses door label now, and when it opens next if it does. */
void sched_text_refusal(const struct schedule *s, const struct sched_answer *a, const char *label,
                        char *out, size_t cap);

#endif
