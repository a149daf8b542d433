/* guests.c - adding a guest (guests.h): the user row and one schedule per door, or
 * nothing. */
#include "guests.h"

#include <stdio.h>
#include <string.h>

#include "sched_store.h"
#include "users.h"

int guest_add(struct store *st, const struct conf *c, const char *name, const char *pin_hash,
              const char *doors, const struct schedule *s, int64_t now, char *err, size_t errlen)
{
    struct user_rec u;
    struct door_set set;
    int i, rc;

    if (s->until == 0 || s->until <= now) {
        snprintf(err, errlen, "a guest needs an end of the visit (until) in the future");
        return -1;
    }
    memset(&u, 0, sizeof u);
    snprintf(u.name, sizeof u.name, "%s", name);
    snprintf(u.pin_hash, sizeof u.pin_hash, "%s", pin_hash);
    snprintf(u.doors, sizeof u.doors, "%s", doors);
    u.enabled = 1;
    u.guest = 1;
    u.expires = s->until;
    if (store_exec(st, "BEGIN IMMEDIATE") != 0) {
        snprintf(err, errlen, "cannot begin: %s", store_errmsg(st));
        return -1;
    }
    rc = users_add(st, &u, now);
    if (rc != 0) {
        store_exec(st, "ROLLBACK");
        if (rc < 0)
            snprintf(err, errlen, "cannot add the guest: %s", store_errmsg(st));
        return rc;
    }
    users_door_set(c, doors, &set);
    for (i = 0; i < c->n_doors; i++) {
        if (door_set_has(&set, i) && sched_store_set(st, name, c->doors[i].name, s) != 0) {
            snprintf(err, errlen, "cannot set the schedule on %s: %s", c->doors[i].name,
                     store_errmsg(st));
            store_exec(st, "ROLLBACK");
            return -1;
        }
    }
    if (store_exec(st, "COMMIT") != 0) {
        snprintf(err, errlen, "cannot commit: %s", store_errmsg(st));
        store_exec(st, "ROLLBACK");
        return -1;
    }
    return 0;
}
