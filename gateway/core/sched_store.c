/* sched_store.c - schedules in SQLite (sched_store.h), prepared statements only. */
#include "sched_store.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

/* Prepares sql and binds ?1 user, ?2 door. NULL on error. */
static sqlite3_stmt *prep(struct store *st, const char *sql, const char *user, const char *door)
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(st->db, sql, -1, &q, NULL) != SQLITE_OK)
        return NULL;
    sqlite3_bind_text(q, 1, user, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, door, -1, SQLITE_STATIC);
    return q;
}

/* Steps a statement without rows and finalizes it: the rows changed, or -1. */
static int run(struct store *st, sqlite3_stmt *q)
{
    int rc;
    if (q == NULL)
        return -1;
    rc = sqlite3_step(q);
    sqlite3_finalize(q);
    return rc == SQLITE_DONE ? sqlite3_changes(st->db) : -1;
}

static int user_exists(struct store *st, const char *user)
{
    sqlite3_stmt *q = prep(st, "SELECT 1 FROM users WHERE name = ?1 AND ?2 IS NULL", user, NULL);
    int rc;
    if (q == NULL)
        return -1;
    rc = sqlite3_step(q);
    sqlite3_finalize(q);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int sched_store_get(struct store *st, const char *user, const char *door, struct schedule *s)
{
    sqlite3_stmt *q = prep(st,
                           "SELECT valid_from, valid_until, windows, uses_left FROM schedules "
                           "WHERE user = ?1 AND door = ?2",
                           user, door);
    char err[128];
    const unsigned char *w;
    int rc;

    memset(s, 0, sizeof *s);
    s->uses_left = SCHED_UNLIMITED;
    if (q == NULL)
        return -1;
    rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        s->from = sqlite3_column_int64(q, 0);
        s->until = sqlite3_column_int64(q, 1);
        w = sqlite3_column_text(q, 2);
        if (sqlite3_column_type(q, 3) != SQLITE_NULL)
            s->uses_left = sqlite3_column_int64(q, 3);
        if (sched_parse_windows(w != NULL ? (const char *)w : "", s, err, sizeof err) != 0)
            rc = SQLITE_CORRUPT;
    }
    sqlite3_finalize(q);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static void bind_uses(sqlite3_stmt *q, int col, int64_t uses)
{
    if (uses == SCHED_UNLIMITED)
        sqlite3_bind_null(q, col);
    else
        sqlite3_bind_int64(q, col, uses);
}

int sched_store_set(struct store *st, const char *user, const char *door, const struct schedule *s)
{
    char text[SCHED_TEXT_MAX];
    sqlite3_stmt *q;
    int rc = user_exists(st, user);

    if (rc <= 0)
        return rc < 0 ? -1 : 1;
    if (sched_format_windows(s, text, sizeof text) != 0 || s->uses_left < SCHED_UNLIMITED)
        return -1;
    q = prep(st,
             "INSERT INTO schedules (user, door, valid_from, valid_until, windows, uses_left) "
             "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (user, door) DO UPDATE SET "
             "valid_from = ?3, valid_until = ?4, windows = ?5, uses_left = ?6",
             user, door);
    if (q == NULL)
        return -1;
    sqlite3_bind_int64(q, 3, s->from);
    sqlite3_bind_int64(q, 4, s->until);
    sqlite3_bind_text(q, 5, text, -1, SQLITE_TRANSIENT);
    bind_uses(q, 6, s->uses_left);
    return run(st, q) == 1 ? 0 : -1;
}

int sched_store_clear(struct store *st, const char *user, const char *door)
{
    int n = run(st, prep(st, "DELETE FROM schedules WHERE user = ?1 AND door = ?2", user, door));
    return n < 0 ? -1 : n == 0 ? 1 : 0;
}

int sched_store_set_uses(struct store *st, const char *user, const char *door, int64_t uses)
{
    sqlite3_stmt *q;
    int rc = user_exists(st, user);

    if (rc <= 0)
        return rc < 0 ? -1 : 1;
    if (uses < SCHED_UNLIMITED)
        return -1;
    q = prep(st,
             "INSERT INTO schedules (user, door, uses_left) VALUES (?1, ?2, ?3) "
             "ON CONFLICT (user, door) DO UPDATE SET uses_left = ?3",
             user, door);
    if (q == NULL)
        return -1;
    bind_uses(q, 3, uses);
    return run(st, q) == 1 ? 0 : -1;
}

int sched_store_take_use(struct store *st, const char *user, const char *door, int64_t *left)
{
    sqlite3_stmt *q;
    int rc;

    *left = SCHED_UNLIMITED;
    /* One statement: the check and the decrement cannot be split by another writer. */
    q = prep(st,
             "UPDATE schedules SET uses_left = uses_left - 1 WHERE user = ?1 AND door = ?2 "
             "AND uses_left > 0 RETURNING uses_left",
             user, door);
    if (q == NULL)
        return -1;
    rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        *left = sqlite3_column_int64(q, 0);
        rc = sqlite3_step(q);
    } else if (rc == SQLITE_DONE) {
        sqlite3_finalize(q);
        /* Nothing changed: either no count at all, or none left. */
        q = prep(st,
                 "SELECT uses_left FROM schedules WHERE user = ?1 AND door = ?2 AND "
                 "uses_left IS NOT NULL",
                 user, door);
        if (q == NULL)
            return -1;
        rc = sqlite3_step(q);
        sqlite3_finalize(q);
        return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
    }
    sqlite3_finalize(q);
    return rc == SQLITE_DONE ? 0 : -1;
}

int sched_store_give_back(struct store *st, const char *user, const char *door)
{
    return run(st, prep(st,
                        "UPDATE schedules SET uses_left = uses_left + 1 WHERE user = ?1 "
                        "AND door = ?2 AND uses_left IS NOT NULL",
                        user, door)) < 0
               ? -1
               : 0;
}
