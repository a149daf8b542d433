/* sched_store.h - the schedules of (user, door) in the database (table schedules of
 * store.h): read, set, clear, and the count of uses, which goes down by one in a single
 * conditional UPDATE when a command is about to leave, so two taps at once cannot both
 * take the last use. No row: the door is open to the user at any time. */
#ifndef GW_SCHED_STORE_H
#define GW_SCHED_STORE_H

#include <stdint.h>

#include "schedule.h"
#include "store.h"

/* 1 and *s if (user, door) has a schedule, 0 if not, -1 on a database error or a stored
 * windows text that does not parse (fail closed). */
int sched_store_get(struct store *st, const char *user, const char *door, struct schedule *s);

/* Writes the whole schedule (windows in canonical text). 0, 1 if there is no such user,
 * -1 on error. */
int sched_store_set(struct store *st, const char *user, const char *door, const struct schedule *s);

/* Removes the schedule: the door is open at any time again. 0, 1 if there was none, -1. */
int sched_store_clear(struct store *st, const char *user, const char *door);

/* Sets the uses left (SCHED_UNLIMITED: no count), keeping the rest of the schedule (a
 * missing one is created without dates or windows). 0, 1 if there is no such user, -1. */
int sched_store_set_uses(struct store *st, const char *user, const char *door, int64_t uses);

/* Takes one use: 0 and *left (the uses left after it, SCHED_UNLIMITED when not counted),
 * 1 when none is left, -1 on error. */
int sched_store_take_use(struct store *st, const char *user, const char *door, int64_t *left);

/* Gives back a use taken for a command that was never sent. 0 or -1. */
int sched_store_give_back(struct store *st, const char *user, const char *door);

#endif
