/* audit.c - appending, completing, recovering and reading audit rows (SQLite, prepared
 * statements). Each query has its own statement, so that every one of them can use its
 * index (an optional filter such as "?2 IS NULL OR user = ?2" would keep SQLite from
 * using audit_user); gateway_store checks the plans. */
#include "audit.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <lkhost/iso_time.h>

#include "gw_log.h"
#include "store_flush.h"

#define RECOVER_LOG_MAX 32 /* rows logged one by one at start; the rest are counted */

#define COLS "id, at_ms, user, serial, door, result, reason, latency_ms, peer, cmd_id, uses_left"
#define OLDEST_FIRST " ORDER BY at_ms, id LIMIT ?3"
#define NEWEST_FIRST " ORDER BY at_ms DESC, id DESC LIMIT ?3"

/* Bind order: ?1 a time (since, or the key's at_ms), ?2 the user or the key's id, ?3 the
 * row limit (-1: none). */
static const char *const sql[AUDIT_N_STMT] = {
    [AUDIT_Q_SINCE] = "SELECT " COLS " FROM audit WHERE at_ms >= ?1" OLDEST_FIRST,
    [AUDIT_Q_USER_SINCE] =
        "SELECT " COLS " FROM audit WHERE user = ?2 AND at_ms >= ?1" OLDEST_FIRST,
    [AUDIT_Q_SINCE_DESC] = "SELECT " COLS " FROM audit WHERE at_ms >= ?1" NEWEST_FIRST,
    [AUDIT_Q_USER_SINCE_DESC] =
        "SELECT " COLS " FROM audit WHERE user = ?2 AND at_ms >= ?1" NEWEST_FIRST,
    [AUDIT_Q_LATEST] = "SELECT " COLS " FROM audit" NEWEST_FIRST,
    [AUDIT_Q_OLDER] =
        "SELECT " COLS " FROM audit WHERE at_ms <= ?1 AND (at_ms < ?1 OR id < ?2)" NEWEST_FIRST,
    [AUDIT_Q_NEWER] =
        "SELECT " COLS " FROM audit WHERE at_ms >= ?1 AND (at_ms > ?1 OR id > ?2)" OLDEST_FIRST,
    [AUDIT_Q_APPEND] =
        "INSERT INTO audit (at_ms, user, serial, door, result, reason, "
        "latency_ms, peer, cmd_id, uses_left) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    [AUDIT_Q_RESTORE] =
        "INSERT OR IGNORE INTO audit (id, at_ms, user, serial, door, result, reason, "
        "latency_ms, peer, cmd_id, uses_left) VALUES (?11, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
        "?10)",
    [AUDIT_Q_FINISH] =
        "UPDATE audit SET result = ?2, reason = ?3, latency_ms = ?4 "
        "WHERE result = '" AUDIT_PENDING "' AND cmd_id = ?1",
    [AUDIT_Q_PENDING] = "SELECT " COLS " FROM audit WHERE result = '" AUDIT_PENDING "'",
    [AUDIT_Q_RECOVER] = "UPDATE audit SET result = '" AUDIT_UNKNOWN
                        "', reason = '" AUDIT_REASON_STOPPED "' WHERE result = '" AUDIT_PENDING "'",
};

int64_t audit_now_ms(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
        return 0;
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static sqlite3_stmt *prepare(struct store *s, enum audit_stmt q)
{
    sqlite3_stmt *st;
    return sqlite3_prepare_v2(s->db, sql[q], -1, &st, NULL) == SQLITE_OK ? st : NULL;
}

/* Binds r to an AUDIT_Q_APPEND or AUDIT_Q_RESTORE statement, steps it. SQLite's code. */
static int insert_row(struct store *s, enum audit_stmt q, const struct audit_rec *r)
{
    sqlite3_stmt *st = prepare(s, q);
    int rc;
    if (st == NULL)
        return SQLITE_ERROR;
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
    if (r->has_uses)
        sqlite3_bind_int64(st, 10, r->uses_left);
    else
        sqlite3_bind_null(st, 10);
    if (q == AUDIT_Q_RESTORE)
        sqlite3_bind_int64(st, 11, r->id);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc;
}

/* The row must be on disk when this returns: a command may follow it. */
static int append_durable(struct store *s, struct audit_rec *r)
{
    if (store_set_sync(s, STORE_DURABLE) != 0 || insert_row(s, AUDIT_Q_APPEND, r) != SQLITE_DONE)
        return -1;
    r->id = sqlite3_last_insert_rowid(s->db);
    return 0;
}

/* The journal's path: the row in the WAL (lazy), then its record in the journal (the one
 * fdatasync). If the lazy commit fails, the durable path tries (and its error is the one
 * store_errmsg reports); if the journal fails, a durable commit makes the row durable. */
static int append_journaled(struct store *s, struct audit_rec *r)
{
    struct store_flush_counts fc;
    char touch[96];

    if (store_set_sync(s, STORE_LAZY) != 0 || insert_row(s, AUDIT_Q_APPEND, r) != SQLITE_DONE)
        return append_durable(s, r);
    if (store_set_sync(s, STORE_DURABLE) != 0)
        return -1; /* no command follows; recovery calls the lazy row unknown */
    r->id = sqlite3_last_insert_rowid(s->db);
    store_flusher_counts(s, &fc); /* fc.commits: this row's commit */
    if (s->journal.write(s, r, fc.commits) == 0)
        return 0;
    gw_log("audit: intent journal write failed (%s): a durable commit instead", strerror(errno));
    /* A durable commit syncs the WAL, and with it the lazy row. */
    snprintf(touch, sizeof touch, "UPDATE audit SET latency_ms = latency_ms WHERE id = %lld",
             (long long)r->id);
    return store_exec(s, touch);
}

int audit_append(struct store *s, struct audit_rec *r)
{
    return s->journal.ready != NULL && s->journal.ready(s) ? append_journaled(s, r)
                                                           : append_durable(s, r);
}

int audit_restore(struct store *s, const struct audit_rec *r)
{
    if (insert_row(s, AUDIT_Q_RESTORE, r) != SQLITE_DONE)
        return -1;
    return sqlite3_changes(s->db) > 0 ? 1 : 0;
}

int audit_finish(struct store *s, const char *cmd_id, const char *result, const char *reason,
                 int64_t latency_ms)
{
    sqlite3_stmt *st;
    int rc, changed;

    /* Lazy: the pending row is on disk already; if this completion is lost in a machine
     * crash, the recovery at start says so (unknown). */
    if (store_set_sync(s, STORE_LAZY) != 0 || (st = prepare(s, AUDIT_Q_FINISH)) == NULL) {
        store_set_sync(s, STORE_DURABLE);
        return -1;
    }
    sqlite3_bind_text(st, 1, cmd_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, result, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, reason, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, latency_ms);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    changed = sqlite3_changes(s->db);
    /* Every other writer of this connection expects durable commits. */
    if (store_set_sync(s, STORE_DURABLE) != 0)
        gw_log(
            "store: cannot switch back to durable commits: %s (the next audit row "
            "tries again)",
            store_errmsg(s));
    if (rc != SQLITE_DONE)
        return -1;
    return changed >= 1 ? 0 : 1;
}

static void copy_col(sqlite3_stmt *st, int col, char *out, size_t cap)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    size_t n = t != NULL ? (size_t)sqlite3_column_bytes(st, col) : 0;
    if (n >= cap)
        n = cap - 1; /* longer than any row the gateway writes */
    memcpy(out, t != NULL ? (const char *)t : "", n);
    out[n] = '\0';
}

static void read_row(sqlite3_stmt *st, struct audit_rec *r)
{
    memset(r, 0, sizeof *r);
    r->id = sqlite3_column_int64(st, 0);
    r->at_ms = sqlite3_column_int64(st, 1);
    copy_col(st, 2, r->user, sizeof r->user);
    copy_col(st, 3, r->serial, sizeof r->serial);
    copy_col(st, 4, r->door, sizeof r->door);
    copy_col(st, 5, r->result, sizeof r->result);
    copy_col(st, 6, r->reason, sizeof r->reason);
    r->latency_ms = sqlite3_column_int64(st, 7);
    copy_col(st, 8, r->peer, sizeof r->peer);
    copy_col(st, 9, r->cmd_id, sizeof r->cmd_id);
    r->has_uses = sqlite3_column_type(st, 10) != SQLITE_NULL;
    r->uses_left = sqlite3_column_int64(st, 10);
}

/* Steps st to the end, cb per row (as audit_query). 0 or -1; finalizes st. */
static int each_row(sqlite3_stmt *st, int (*cb)(void *arg, const struct audit_rec *r), void *arg)
{
    struct audit_rec r;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int stop;
        read_row(st, &r);
        stop = cb(arg, &r);
        if (stop != 0) {
            rc = stop < 0 ? SQLITE_ERROR : SQLITE_DONE;
            break;
        }
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

int audit_query(struct store *s, int64_t since_ms, const char *user, int newest_first, int limit,
                int (*cb)(void *arg, const struct audit_rec *r), void *arg)
{
    enum audit_stmt q = user != NULL ? (newest_first ? AUDIT_Q_USER_SINCE_DESC : AUDIT_Q_USER_SINCE)
                                     : (newest_first ? AUDIT_Q_SINCE_DESC : AUDIT_Q_SINCE);
    sqlite3_stmt *st = prepare(s, q);

    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, since_ms);
    if (user != NULL)
        sqlite3_bind_text(st, 2, user, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, limit > 0 ? limit : -1);
    return each_row(st, cb, arg);
}

/* Collects up to p->cap rows into p->rows; counts one more as p->older (a peek). */
struct page_fill {
    struct audit_page *p;
    int extra;
};

static int fill_row(void *arg, const struct audit_rec *r)
{
    struct page_fill *f = arg;
    if (f->p->n < f->p->cap)
        f->p->rows[f->p->n++] = *r;
    else
        f->extra = 1;
    return 0;
}

static int run_page(struct store *s, enum audit_stmt q, const struct audit_key *key,
                    struct audit_page *p, int *extra)
{
    struct page_fill f = {p, 0};
    sqlite3_stmt *st = prepare(s, q);

    if (st == NULL)
        return -1;
    if (key != NULL) {
        sqlite3_bind_int64(st, 1, key->at_ms);
        sqlite3_bind_int64(st, 2, key->id);
    }
    sqlite3_bind_int(st, 3, p->cap + 1);
    p->n = 0;
    if (each_row(st, fill_row, &f) != 0)
        return -1;
    *extra = f.extra;
    return 0;
}

int audit_page(struct store *s, enum audit_page_from from, const struct audit_key *key,
               struct audit_page *p)
{
    int extra, i;

    p->n = p->older = p->newer = 0;
    if (p->cap < 1 || (from != AUDIT_LATEST && key == NULL))
        return -1;
    if (from == AUDIT_NEWER) {
        if (run_page(s, AUDIT_Q_NEWER, key, p, &extra) != 0)
            return -1;
        if (extra) { /* a full page with newer rows still above it: oldest first, so turn it */
            for (i = 0; i < p->n / 2; i++) {
                struct audit_rec t = p->rows[i];
                p->rows[i] = p->rows[p->n - 1 - i];
                p->rows[p->n - 1 - i] = t;
            }
            p->older = p->newer = 1;
            return 0;
        }
        from = AUDIT_LATEST; /* nothing newer beyond one page: that is the latest page */
    }
    if (run_page(s, from == AUDIT_LATEST ? AUDIT_Q_LATEST : AUDIT_Q_OLDER,
                 from == AUDIT_LATEST ? NULL : key, p, &extra) != 0)
        return -1;
    p->older = extra;
    p->newer = from == AUDIT_OLDER; /* the page it came from */
    return 0;
}

static int log_recovered(void *arg, const struct audit_rec *r)
{
    int *n = arg;
    char when[LKH_ISO_MS_LEN + 1];
    if (++*n > RECOVER_LOG_MAX)
        return 0;
    if (lkh_iso_from_ms(r->at_ms, when) != 0)
        snprintf(when, sizeof when, "%lld", (long long)r->at_ms);
    gw_log(
        "audit: recovery: attempt id=%lld at=%s user=%s door=%s cmd=%s sent a command but "
        "its result is not on record (the gateway stopped): outcome " AUDIT_UNKNOWN,
        (long long)r->id, when, r->user, r->door, r->cmd_id);
    return 0;
}

int audit_recover(struct store *s)
{
    sqlite3_stmt *st;
    int n = 0, rc;

    if (store_set_sync(s, STORE_DURABLE) != 0 || store_exec(s, "BEGIN IMMEDIATE") != 0)
        return -1;
    if ((st = prepare(s, AUDIT_Q_PENDING)) == NULL || each_row(st, log_recovered, &n) != 0)
        goto fail;
    if (n > 0) {
        if ((st = prepare(s, AUDIT_Q_RECOVER)) == NULL)
            goto fail;
        rc = sqlite3_step(st);
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE)
            goto fail;
    }
    if (store_exec(s, "COMMIT") != 0)
        goto fail;
    if (n > RECOVER_LOG_MAX)
        gw_log("audit: recovery: %d more such attempts", n - RECOVER_LOG_MAX);
    if (n > 0)
        gw_log("audit: recovery: %d attempt%s marked result=" AUDIT_UNKNOWN
               " reason=" AUDIT_REASON_STOPPED,
               n, n == 1 ? "" : "s");
    return n;
fail:
    store_exec(s, "ROLLBACK");
    return -1;
}

int audit_query_plan(struct store *s, enum audit_stmt q, char *out, size_t cap)
{
    char text[1024];
    sqlite3_stmt *st;
    size_t len = 0;
    int rc;

    if ((unsigned)q >= AUDIT_N_STMT || cap == 0)
        return -1;
    snprintf(text, sizeof text, "EXPLAIN QUERY PLAN %s", sql[q]);
    if (sqlite3_prepare_v2(s->db, text, -1, &st, NULL) != SQLITE_OK)
        return -1;
    out[0] = '\0';
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const unsigned char *d = sqlite3_column_text(st, 3);
        int w = snprintf(out + len, cap - len, "%s%s", len > 0 ? "; " : "",
                         d != NULL ? (const char *)d : "");
        if (w < 0 || (size_t)w >= cap - len) {
            rc = SQLITE_TOOBIG;
            break;
        }
        len += (size_t)w;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}
