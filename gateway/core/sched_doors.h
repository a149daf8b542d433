/* sched_doors.h - which configured doors have a schedule for one user, in one query: a
 * page that lists a user's doors (the phone page, the admin page) reads the schedule of
 * those only (sched_store_get) instead of asking the database once for every door. */
#ifndef GW_SCHED_DOORS_H
#define GW_SCHED_DOORS_H

#include "conf.h"
#include "door_set.h"
#include "store.h"

/* 0 and *out: the conf doors that have a schedule row for user (rows of doors no longer
 * configured are ignored). -1 on a database error, with every door in *out, so a caller
 * that then reads each one meets the error itself (fail closed, as before). */
int sched_doors_of(struct store *st, const struct conf *c, const char *user, struct door_set *out);

#endif
