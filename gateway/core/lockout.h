/* lockout.h - wrong-PIN lockout. After LOCKOUT_THRESHOLD wrong PINs in a row the user is
 * locked; each further lockout (without a right PIN in between) lasts longer:
 * 1 min, 5 min, 15 min, 1 h, 4 h, then 24 h each time. While locked, no PIN is checked at
 * all (the PIN cannot be guessed through the lock). A right PIN outside a lock resets both
 * counters. The state lives in the users table, so it survives restarts; an admin clears
 * it with `latchkey-gateway -c CONF user unlock NAME`. */
#ifndef GW_LOCKOUT_H
#define GW_LOCKOUT_H

#include <stdint.h>

#include "store.h"
#include "users.h"

#define LOCKOUT_THRESHOLD 5

/* Length in seconds of the n-th lockout (n >= 1). */
int64_t lockout_backoff_s(int n);

/* Seconds the user stays locked after now (0: not locked). */
int64_t lockout_remaining_s(const struct user_rec *u, int64_t now);

/* Records a wrong PIN for name at now (unix s), atomically. Sets *locked_until to the end
 * of the lockout this failure started, or 0 if it did not start one. 0, 1 if no such
 * user, -1 on a database error. */
int lockout_failure(struct store *s, const char *name, int64_t now, int64_t *locked_until);

/* Records a right PIN: clears the counters. 0, 1 if no such user, -1 on error. */
int lockout_success(struct store *s, const char *name);

#endif
