/* audit.c - appending, completing and reading audit rows (SQLite, prepared statements). */
#include "audit.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

int64_t audit_now_ms(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
        return 0;
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int audit_append(struct store *s, const struct audit_rec *r)
{
    sqlite3_stmt *st;
    int rc;
    if (sqlite3_prepare_v2(s->db,
                           "INSERT INTO audit (at_ms, user, serial, door, result, reason, "
                           "latency_ms, peer, cmd_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, r->at_ms);
    sqlite3_bind_text(st, 2, r->user, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, r->serial, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, r->door, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, r->result, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, r->reason, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, r->latency_ms);
    sqlite3_bind_text(st, 8, r->peer, -1, SQLITE_STATIC);
    if (r->cmd_id[0] != '\0')
        sqlite3_bind_text(st, 9, r->cmd_id, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 9);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

int audit_finish(struct store *s, const char *cmd_id, const char *result, const char *reason,
                 int64_t latency_ms)
{
    sqlite3_stmt *st;
    int rc;
    if (sqlite3_prepare_v2(s->db,
                           "UPDATE audit SET result = ?2, reason = ?3, latency_ms = ?4 "
                           "WHERE cmd_id = ?1", -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, cmd_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, result, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, reason, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, latency_ms);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return -1;
    return sqlite3_changes(s->db) >= 1 ? 0 : 1;
}

static void copy_col(sqlite3_stmt *st, int col, char *out, size_t cap)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    snprintf(out, cap, "%s", t != NULL ? (const char *)t : "");
}

int audit_query(struct store *s, int64_t since_ms, const char *user, int newest_first,
                int limit, int (*cb)(void *arg, const struct audit_rec *r), void *arg)
{
    static const char *const sql[2] = {
        "SELECT id, at_ms, user, serial, door, result, reason, latency_ms, peer, cmd_id "
        "FROM audit WHERE at_ms >= ?1 AND (?2 IS NULL OR user = ?2) "
        "ORDER BY at_ms, id LIMIT ?3",
        "SELECT id, at_ms, user, serial, door, result, reason, latency_ms, peer, cmd_id "
        "FROM audit WHERE at_ms >= ?1 AND (?2 IS NULL OR user = ?2) "
        "ORDER BY at_ms DESC, id DESC LIMIT ?3",
    };
    sqlite3_stmt *st;
    struct audit_rec r;
    int rc;

    if (sqlite3_prepare_v2(s->db, sql[newest_first ? 1 : 0], -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, since_ms);
    if (user != NULL)
        sqlite3_bind_text(st, 2, user, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 2);
    sqlite3_bind_int(st, 3, limit > 0 ? limit : -1);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        memset(&r, 0, sizeof r);
        r.id = sqlite3_column_int64(st, 0);
        r.at_ms = sqlite3_column_int64(st, 1);
        copy_col(st, 2, r.user, sizeof r.user);
        copy_col(st, 3, r.serial, sizeof r.serial);
        copy_col(st, 4, r.door, sizeof r.door);
        copy_col(st, 5, r.result, sizeof r.result);
        copy_col(st, 6, r.reason, sizeof r.reason);
        r.latency_ms = sqlite3_column_int64(st, 7);
        copy_col(st, 8, r.peer, sizeof r.peer);
        copy_col(st, 9, r.cmd_id, sizeof r.cmd_id);
        int stop = cb(arg, &r);
        if (stop != 0) {
            rc = stop < 0 ? SQLITE_ERROR : SQLITE_DONE;
            break;
        }
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}
