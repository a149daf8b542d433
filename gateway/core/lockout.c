/* lockout.c - the lockout back-off schedule and its bookkeeping in the users table (one
 * IMMEDIATE transaction per wrong PIN, so two processes cannot lose a count). */
#include "lockout.h"

#include <sqlite3.h>

static const int64_t backoff_s[] = {60, 5 * 60, 15 * 60, 60 * 60, 4 * 60 * 60, 24 * 60 * 60};
#define N_BACKOFF (int)(sizeof backoff_s / sizeof backoff_s[0])

int64_t lockout_backoff_s(int n)
{
    if (n < 1)
        n = 1;
    return backoff_s[n > N_BACKOFF ? N_BACKOFF - 1 : n - 1];
}

int64_t lockout_remaining_s(const struct user_rec *u, int64_t now)
{
    return u->locked_until > now ? u->locked_until - now : 0;
}

int lockout_failure(struct store *s, const char *name, int64_t now, int64_t *locked_until)
{
    sqlite3_stmt *st = NULL;
    int failed, lockouts, rc;

    *locked_until = 0;
    if (store_exec(s, "BEGIN IMMEDIATE") != 0)
        return -1;
    if (sqlite3_prepare_v2(s->db, "SELECT failed, lockouts FROM users WHERE name = ?1", -1, &st,
                           NULL) != SQLITE_OK)
        goto fail;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        sqlite3_finalize(st);
        store_exec(s, "ROLLBACK");
        return 1;
    }
    if (rc != SQLITE_ROW)
        goto fail;
    failed = sqlite3_column_int(st, 0) + 1;
    lockouts = sqlite3_column_int(st, 1);
    sqlite3_finalize(st);
    st = NULL;
    if (failed >= LOCKOUT_THRESHOLD) {
        lockouts++;
        *locked_until = now + lockout_backoff_s(lockouts);
        failed = 0;
    }
    if (sqlite3_prepare_v2(s->db,
                           "UPDATE users SET failed = ?2, lockouts = ?3, "
                           "locked_until = CASE WHEN ?4 > 0 THEN ?4 ELSE locked_until END "
                           "WHERE name = ?1", -1, &st, NULL) != SQLITE_OK)
        goto fail;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, failed);
    sqlite3_bind_int(st, 3, lockouts);
    sqlite3_bind_int64(st, 4, *locked_until);
    if (sqlite3_step(st) != SQLITE_DONE)
        goto fail;
    sqlite3_finalize(st);
    if (store_exec(s, "COMMIT") != 0) {
        store_exec(s, "ROLLBACK");
        *locked_until = 0;
        return -1;
    }
    return 0;
fail:
    sqlite3_finalize(st);
    store_exec(s, "ROLLBACK");
    *locked_until = 0;
    return -1;
}

int lockout_success(struct store *s, const char *name)
{
    return users_unlock(s, name);
}
