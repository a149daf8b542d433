/* users.h - the people who may open doors, kept in the database (store.h): the name is
 * the CN of their client certificate; each has a PIN hash, a list of doors, an enabled
 * flag, a role (user or admin) and the lockout state of lockout.h. */
#ifndef GW_USERS_H
#define GW_USERS_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "door_set.h"
#include "latchkey/cmd_format.h"
#include "pin_hash.h"
#include "store.h"

#define USER_DOORS_MAX (CONF_MAX_DOORS * (LK_NAME_MAX + 1))

struct user_rec {
    char name[LK_BY_MAX + 1];
    char pin_hash[PIN_HASH_MAX];
    char doors[USER_DOORS_MAX]; /* "door1,door2" */
    int enabled;
    int admin;
    int failed;                 /* wrong PINs in a row */
    int lockouts;               /* lockouts since the last right PIN */
    int64_t locked_until;       /* unix seconds, 0 if never locked */
    int64_t created;            /* unix seconds */
    int64_t expires;            /* unix seconds the access ends (a guest's visit); 0 never */
    int guest;                  /* created as a guest (users add --guest, cli_guest.c) */
};

/* 1 and *u if the user exists, 0 if not, -1 on a database error. */
int users_get(struct store *s, const char *name, struct user_rec *u);

/* Adds u (name, pin_hash, doors, enabled, admin, expires, guest; counters start at 0). 0, 1 if the name
 * exists already, -1 on error (invalid name or hash, database). */
int users_add(struct store *s, const struct user_rec *u, int64_t now);

/* Each returns 0, 1 if there is no such user, -1 on a database error. */
int users_delete(struct store *s, const char *name);
int users_set_pin(struct store *s, const char *name, const char *pin_hash);
int users_set_doors(struct store *s, const char *name, const char *doors);
int users_set_enabled(struct store *s, const char *name, int enabled);
int users_set_admin(struct store *s, const char *name, int admin);
/* Clears the lockout: wrong-PIN count, lockout count and end time. */
int users_unlock(struct store *s, const char *name);

/* Calls cb for each user in name order until it returns non-zero. 0 or -1. */
int users_list(struct store *s, int (*cb)(void *arg, const struct user_rec *u), void *arg);

/* Checks a comma-separated door list against the configured doors and writes it in
 * canonical form (config order, no spaces, no duplicates) into out. 0, or -1 with err
 * naming the first unknown door (or saying the list is empty). */
int users_doors_canonical(const struct conf *c, const char *list, char *out, size_t cap,
                          char *err, size_t errlen);

/* Every configured door, in canonical form. 0, or -1 with err. */
int users_doors_all(const struct conf *c, char *out, size_t cap, char *err, size_t errlen);

/* Door i in *out when the stored list names conf door i (names no longer configured are
 * ignored: removing a door from the config takes it away from everyone). One hash lookup
 * per name of the list. */
void users_door_set(const struct conf *c, const char *list, struct door_set *out);

/* 1 if the stored list names door (blanks around names ignored), else 0: one pass over the
 * list, no lookup (the tap's check of its one door). */
int users_list_has(const char *list, const char *door);

#endif
