/* test_audit.c - the audit log (gateway/core/audit.c, store.c, store_flush.c) on temporary
 * files: what each commit costs in fsyncs (a counting VFS, sync_vfs.h): one for a pending
 * row, none for its result, none for a checkpoint on the committing thread while the
 * flusher runs; the flusher making lazy results durable; recovery at start (pending ->
 * unknown, logged); the migration of a schema-1 database (rows and ids kept, no
 * AUTOINCREMENT, the new index set); the query plans (each query on its index, no table
 * scan, no sort); keyset pages (edges, ties, both directions) and filters against a brute
 * force; and the streamed JSON export of `audit --json` (valid, complete, escaped). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "cli.h"
#include "store.h"
#include "store_flush.h"
#include "sync_vfs.h"

static char dir[] = "/tmp/lk-audit-XXXXXX";
static char db_path[128];
static int n_db;

static int group_setup(void **state)
{
    (void)state;
    if (sync_vfs_install() != 0)
        return -1;
    return mkdtemp(dir) != NULL ? 0 : -1;
}

static int group_teardown(void **state)
{
    char cmd[256];
    (void)state;
    snprintf(cmd, sizeof cmd, "rm -rf -- '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void next_path(void)
{
    snprintf(db_path, sizeof db_path, "%s/db%d.sqlite", dir, n_db++);
}

static struct store *open_path(void)
{
    char err[512] = "";
    struct store *s = store_open(db_path, 200, err, sizeof err);
    if (s == NULL)
        fail_msg("store_open: %s", err);
    return s;
}

static struct store *fresh(void)
{
    next_path();
    return open_path();
}

static void rec(struct audit_rec *r, int64_t at, const char *user, const char *result,
                const char *cmd_id)
{
    memset(r, 0, sizeof *r);
    r->at_ms = at;
    snprintf(r->user, sizeof r->user, "%s", user);
    strcpy(r->serial, "0A1B");
    strcpy(r->door, "door1");
    snprintf(r->result, sizeof r->result, "%s", result);
    strcpy(r->reason, "-");
    r->latency_ms = 3;
    strcpy(r->peer, "127.0.0.1");
    snprintf(r->cmd_id, sizeof r->cmd_id, "%s", cmd_id);
}

static void cmd_id(int i, char out[LK_ID_HEX_LEN + 1])
{
    snprintf(out, LK_ID_HEX_LEN + 1, "%032x", i);
}

/* A pending row with command id i (returns its row id). */
static int64_t pending(struct store *s, int64_t at, int i)
{
    struct audit_rec r;
    char id[LK_ID_HEX_LEN + 1];
    cmd_id(i, id);
    rec(&r, at, "alice", AUDIT_PENDING, id);
    strcpy(r.reason, "awaiting-ack");
    assert_int_equal(audit_append(s, &r), 0);
    assert_true(r.id > 0);
    return r.id;
}

static int int_query(struct store *s, const char *sql)
{
    sqlite3_stmt *st;
    int v = -1;
    assert_int_equal(sqlite3_prepare_v2(s->db, sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* ---------------------------------------------------------------- durability */

static void test_syncs_per_commit(void **state)
{
    struct store *s = fresh();
    struct sync_counts a, b;
    char id[LK_ID_HEX_LEN + 1];
    int i;
    (void)state;

    pending(s, 1000, 0); /* the WAL's first frames (its header is synced once) */
    for (i = 1; i <= 5; i++) {
        sync_vfs_counts_here(&a);
        pending(s, 1000 + i, i);
        sync_vfs_counts_here(&b);
        assert_int_equal(b.wal - a.wal, 1); /* the pending row: one fsync, on disk */
        assert_int_equal(b.db - a.db, 0);
        cmd_id(i, id);
        assert_int_equal(audit_finish(s, id, "opened", "-", 9), 0);
        sync_vfs_counts_here(&a);
        assert_int_equal(a.wal - b.wal, 0); /* its result: lazy, no fsync */
        assert_int_equal(a.db - b.db, 0);
        assert_int_equal(s->sync, STORE_DURABLE);
        assert_int_equal(int_query(s, "PRAGMA synchronous"), 2); /* FULL again */
    }
    assert_int_equal(audit_finish(s, id, "opened", "-", 9), 1); /* no longer pending */
    store_close(s);
}

/* The loop's connection never checkpoints while the flusher runs; without it (the
 * command line) SQLite's auto-checkpoint does, on the committing thread. */
static int appends_db_syncs(int with_flusher, struct store_flush_counts *fc)
{
    struct store *s = fresh();
    struct sync_counts a, b;
    char err[256];
    int i;

    if (with_flusher)
        assert_int_equal(store_flusher_start(s, 5, err, sizeof err), 0);
    sync_vfs_counts_here(&a);
    for (i = 0; i < 400; i++) /* ~4 WAL pages each: past the 1000-page checkpoint mark */
        pending(s, 5000 + i, i);
    sync_vfs_counts_here(&b);
    if (with_flusher) {
        for (i = 0; i < 1000; i++) { /* bounded: 10 s */
            store_flusher_counts(s, fc);
            if (fc->checkpoints >= 1)
                break;
            sleep_ms(10);
        }
    }
    store_close(s);
    /* on this thread: one fsync per row, plus one WAL header after each restart */
    assert_true(b.wal - a.wal >= 400);
    assert_true(b.wal - a.wal <= 400 + (with_flusher ? (int)fc->checkpoints + 1 : 4));
    return b.db - a.db;
}

static void test_checkpoints_off_the_path(void **state)
{
    struct store_flush_counts fc;
    (void)state;
    assert_true(appends_db_syncs(0, &fc) >= 1); /* auto-checkpoint: on the path */
    assert_int_equal(appends_db_syncs(1, &fc), 0);
    assert_true(fc.checkpoints >= 1); /* done by the flusher instead */
    assert_int_equal(fc.failures, 0);
}

static void test_flusher_syncs_lazy_results(void **state)
{
    struct store *s = fresh();
    struct store_flush_counts fc;
    char err[256], id[LK_ID_HEX_LEN + 1];
    int i;
    (void)state;

    assert_int_equal(store_flusher_start(s, 20, err, sizeof err), 0);
    assert_int_equal(store_flusher_start(s, 20, err, sizeof err), -1);
    pending(s, 1000, 1);
    sleep_ms(100);
    store_flusher_counts(s, &fc);
    assert_int_equal(fc.syncs, 0); /* a durable commit needs nothing more */
    cmd_id(1, id);
    assert_int_equal(audit_finish(s, id, "opened", "-", 5), 0);
    for (i = 0; i < 500; i++) { /* bounded: 5 s */
        store_flusher_counts(s, &fc);
        if (fc.syncs >= 1)
            break;
        sleep_ms(10);
    }
    assert_int_equal(fc.syncs, 1);
    assert_int_equal(fc.failures, 0);
    store_flusher_stop(s);
    store_flusher_counts(s, &fc);
    assert_int_equal(fc.syncs, 0); /* gone */
    store_close(s);
}

/* ---------------------------------------------------------------- recovery */

/* What a piece of the test writes to stdout (1) or stderr (2): capture(fd) sends that
 * descriptor to a file, captured() puts it back and returns the text. */
static struct {
    int fd, saved, file;
    char path[160];
} cap;

static void capture(int fd)
{
    snprintf(cap.path, sizeof cap.path, "%s/captured%d.txt", dir, n_db);
    assert_int_equal(fflush(fd == 1 ? stdout : stderr), 0);
    cap.fd = fd;
    cap.saved = dup(fd);
    cap.file = open(cap.path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(cap.saved >= 0 && cap.file >= 0);
    dup2(cap.file, fd);
}

static char *captured(void)
{
    static char text[1 << 16];
    FILE *f;
    size_t n;
    assert_int_equal(fflush(cap.fd == 1 ? stdout : stderr), 0);
    dup2(cap.saved, cap.fd);
    close(cap.saved);
    close(cap.file);
    f = fopen(cap.path, "r");
    assert_non_null(f);
    n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    assert_int_equal(fclose(f), 0);
    return text;
}

struct rows {
    struct audit_rec r[16];
    int n;
};

static int collect(void *arg, const struct audit_rec *r)
{
    struct rows *rows = arg;
    if (rows->n < 16)
        rows->r[rows->n++] = *r;
    return 0;
}

static void test_recover(void **state)
{
    struct store *s = fresh();
    struct audit_rec r;
    struct rows rows;
    char id[LK_ID_HEX_LEN + 1], *log;
    int64_t lost;
    (void)state;

    rec(&r, 1000, "bob", "wrong-pin", "");
    assert_int_equal(audit_append(s, &r), 0);
    pending(s, 2000, 1);
    cmd_id(1, id);
    assert_int_equal(audit_finish(s, id, "opened", "-", 40), 0);
    lost = pending(s, 3000, 2); /* the gateway stops here: no result */
    store_close(s);

    s = open_path();
    capture(2);
    assert_int_equal(audit_recover(s), 1);
    log = captured();
    assert_non_null(strstr(log, "audit: recovery: attempt id="));
    assert_non_null(strstr(log, "user=alice door=door1 cmd=00000000000000000000000000000002"));
    assert_non_null(strstr(log, "outcome unknown"));
    assert_non_null(strstr(log, "1 attempt marked result=unknown reason=gateway-stopped"));
    assert_int_equal(audit_recover(s), 0); /* once */
    store_close(s);

    s = open_path();
    memset(&rows, 0, sizeof rows);
    assert_int_equal(audit_query(s, 0, NULL, 0, 0, collect, &rows), 0);
    assert_int_equal(rows.n, 3);
    assert_string_equal(rows.r[0].result, "wrong-pin");
    assert_string_equal(rows.r[1].result, "opened"); /* a recorded result is kept */
    assert_int_equal(rows.r[2].id, lost);
    assert_string_equal(rows.r[2].result, AUDIT_UNKNOWN);
    assert_string_equal(rows.r[2].reason, AUDIT_REASON_STOPPED);
    assert_string_equal(rows.r[2].cmd_id, "00000000000000000000000000000002");
    cmd_id(2, id); /* a late answer finds no pending row */
    assert_int_equal(audit_finish(s, id, "opened", "-", 1), 1);
    store_close(s);
}

/* ---------------------------------------------------------------- migration */

/* The released schema 1 exactly as a gateway of that version created it. */
static const char schema_v1[] =
    "CREATE TABLE schema_version (version INTEGER NOT NULL);"
    "INSERT INTO schema_version VALUES (1);"
    "CREATE TABLE users (name TEXT PRIMARY KEY NOT NULL, pin_hash TEXT NOT NULL, doors TEXT "
    "NOT NULL, enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)), role TEXT NOT "
    "NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')), failed INTEGER NOT NULL DEFAULT "
    "0, lockouts INTEGER NOT NULL DEFAULT 0, locked_until INTEGER NOT NULL DEFAULT 0, "
    "created INTEGER NOT NULL);"
    "CREATE TABLE audit (id INTEGER PRIMARY KEY AUTOINCREMENT, at_ms INTEGER NOT NULL, user "
    "TEXT NOT NULL, serial TEXT NOT NULL, door TEXT NOT NULL, result TEXT NOT NULL, reason "
    "TEXT NOT NULL, latency_ms INTEGER NOT NULL, peer TEXT NOT NULL, cmd_id TEXT);"
    "CREATE INDEX audit_at ON audit (at_ms);"
    "CREATE INDEX audit_user ON audit (user, at_ms);"
    "CREATE UNIQUE INDEX audit_cmd ON audit (cmd_id) WHERE cmd_id IS NOT NULL;"
    "INSERT INTO users VALUES ('alice', 'h', 'door1', 1, 'admin', 0, 0, 0, 1);"
    "INSERT INTO audit VALUES (1, 1000, 'alice', '0A', 'door1', 'opened', '-', 12, "
    "'127.0.0.1', '00000000000000000000000000000001');"
    "INSERT INTO audit VALUES (2, 2000, 'bob', '0B', '?', 'forbidden', 'unknown-user', 0, "
    "'127.0.0.2', NULL);"
    "INSERT INTO audit VALUES (7, 3000, 'alice', '0A', 'door1', 'pending', 'awaiting-ack', 5, "
    "'127.0.0.1', '00000000000000000000000000000007');";

static void test_migration_from_v1(void **state)
{
    struct store *s;
    struct audit_rec r;
    struct rows rows;
    sqlite3 *raw;
    char *log;
    (void)state;

    next_path();
    assert_int_equal(sqlite3_open(db_path, &raw), SQLITE_OK);
    assert_int_equal(sqlite3_exec(raw, "PRAGMA journal_mode=WAL", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(raw, schema_v1, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(raw);

    s = open_path(); /* the upgraded gateway */
    assert_int_equal(store_schema_version(s), STORE_SCHEMA_VERSION);
    /* schema 3: the users keep their rows, with no end of access, no schedules */
    assert_int_equal(int_query(s, "SELECT count(*) FROM users WHERE expires = 0 AND guest = 0"), 1);
    assert_int_equal(int_query(s, "SELECT count(*) FROM schedules"), 0);
    assert_int_equal(int_query(s, "SELECT count(*) FROM audit WHERE uses_left IS NULL"), 3);
    assert_int_equal(int_query(s,
                               "SELECT count(*) FROM pragma_integrity_check WHERE "
                               "integrity_check = 'ok'"),
                     1);
    assert_int_equal(int_query(s,
                               "SELECT count(*) FROM sqlite_master WHERE name = 'audit' "
                               "AND sql LIKE '%AUTOINCREMENT%'"),
                     0);
    assert_int_equal(int_query(s, "SELECT count(*) FROM sqlite_sequence WHERE name = 'audit'"), 0);
    assert_int_equal(int_query(s,
                               "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND "
                               "tbl_name = 'audit' AND name IN ('audit_at', 'audit_user', "
                               "'audit_pending')"),
                     3);
    assert_int_equal(int_query(s,
                               "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND "
                               "tbl_name = 'audit' AND name NOT LIKE 'sqlite_%'"),
                     3);
    assert_int_equal(int_query(s, "SELECT count(*) FROM users"), 1);

    memset(&rows, 0, sizeof rows);
    assert_int_equal(audit_query(s, 0, NULL, 0, 0, collect, &rows), 0);
    assert_int_equal(rows.n, 3);
    assert_int_equal(rows.r[0].id, 1);
    assert_string_equal(rows.r[0].cmd_id, "00000000000000000000000000000001");
    assert_int_equal(rows.r[0].latency_ms, 12);
    assert_int_equal(rows.r[1].id, 2);
    assert_string_equal(rows.r[1].reason, "unknown-user");
    assert_string_equal(rows.r[1].cmd_id, "");
    assert_int_equal(rows.r[2].id, 7);
    assert_string_equal(rows.r[2].result, "pending");

    /* The old gateway's pending row is recovered like any other; new rows follow on. */
    capture(2);
    assert_int_equal(audit_recover(s), 1);
    log = captured();
    assert_non_null(strstr(log, "id=7 "));
    rec(&r, 4000, "alice", "wrong-pin", "");
    assert_int_equal(audit_append(s, &r), 0);
    assert_int_equal(r.id, 8);
    store_close(s);
    s = open_path(); /* no second migration */
    assert_int_equal(store_schema_version(s), STORE_SCHEMA_VERSION);
    assert_int_equal(int_query(s, "SELECT count(*) FROM audit"), 4);
    store_close(s);
}

/* ---------------------------------------------------------------- query plans */

static void expect_plan(struct store *s, enum audit_stmt q, const char *index)
{
    char plan[512];
    assert_int_equal(audit_query_plan(s, q, plan, sizeof plan), 0);
    if (strstr(plan, index) == NULL || strstr(plan, "TEMP B-TREE") != NULL ||
        (strstr(plan, "SCAN audit") != NULL && strstr(plan, "SCAN audit USING") == NULL))
        fail_msg("statement %d: plan '%s', wanted %s without a sort or a table scan", (int)q, plan,
                 index);
}

static void test_query_plans(void **state)
{
    struct store *s = fresh();
    struct audit_rec r;
    char plan[16];
    int i;
    (void)state;

    for (i = 0; i < 300; i++) {
        rec(&r, 1000 + i, i % 3 ? "alice" : "bob", "opened", "");
        assert_int_equal(audit_append(s, &r), 0);
    }
    expect_plan(s, AUDIT_Q_SINCE, "SEARCH audit USING INDEX audit_at (at_ms>?)");
    expect_plan(s, AUDIT_Q_USER_SINCE, "SEARCH audit USING INDEX audit_user (user=? AND at_ms>?)");
    expect_plan(s, AUDIT_Q_SINCE_DESC, "USING INDEX audit_at");
    expect_plan(s, AUDIT_Q_USER_SINCE_DESC,
                "SEARCH audit USING INDEX audit_user (user=? AND at_ms>?)");
    expect_plan(s, AUDIT_Q_LATEST, "SCAN audit USING INDEX audit_at"); /* LIMIT: one page */
    expect_plan(s, AUDIT_Q_OLDER, "SEARCH audit USING INDEX audit_at (at_ms<?)");
    expect_plan(s, AUDIT_Q_NEWER, "SEARCH audit USING INDEX audit_at (at_ms>?)");
    expect_plan(s, AUDIT_Q_FINISH, "SEARCH audit USING INDEX audit_pending (cmd_id=?)");
    expect_plan(s, AUDIT_Q_PENDING, "USING INDEX audit_pending");
    expect_plan(s, AUDIT_Q_RECOVER, "USING INDEX audit_pending");
    assert_int_equal(audit_query_plan(s, AUDIT_N_STMT, plan, sizeof plan), -1);
    assert_int_equal(audit_query_plan(s, AUDIT_Q_OLDER, plan, 4), -1); /* too small: no cut */
    store_close(s);
}

/* ---------------------------------------------------------------- pages and filters */

#define N_ROWS 250
#define PAGE 100

/* Rows of at_ms 1000 + i / 3 (three per millisecond: a page edge falls inside a tie). */
static struct store *paged_store(void)
{
    struct store *s = fresh();
    struct audit_rec r;
    int i;
    assert_int_equal(store_exec(s, "BEGIN"), 0);
    for (i = 0; i < N_ROWS; i++) {
        rec(&r, 1000 + i / 3, i % 4 == 0 ? "bob" : "alice", "opened", "");
        assert_int_equal(audit_append(s, &r), 0);
    }
    assert_int_equal(store_exec(s, "COMMIT"), 0);
    return s;
}

static int before(const struct audit_rec *a, const struct audit_rec *b) /* a newer than b */
{
    return a->at_ms > b->at_ms || (a->at_ms == b->at_ms && a->id > b->id);
}

static void test_pages(void **state)
{
    static struct audit_rec buf[PAGE], first[PAGE];
    struct audit_page p = {buf, PAGE, 0, 0, 0};
    struct audit_rec prev;
    struct audit_key k;
    struct store *s;
    int seen = 0, pages = 0, i, n_first;
    (void)state;

    memset(&prev, 0, sizeof prev);

    s = fresh(); /* empty */
    assert_int_equal(audit_page(s, AUDIT_LATEST, NULL, &p), 0);
    assert_true(p.n == 0 && !p.older && !p.newer);
    assert_int_equal(audit_page(s, AUDIT_OLDER, NULL, &p), -1);
    store_close(s);

    s = paged_store();
    assert_int_equal(audit_page(s, AUDIT_LATEST, NULL, &p), 0);
    assert_int_equal(p.n, PAGE);
    assert_true(p.older && !p.newer);
    assert_int_equal(p.rows[0].id, N_ROWS); /* the newest */
    memcpy(first, buf, sizeof first);
    n_first = p.n;
    /* Walk to the oldest: every row once, strictly newest first across the pages. */
    for (;;) {
        for (i = 0; i < p.n; i++) {
            if (seen + i > 0 && !before(&prev, &p.rows[i]))
                fail_msg("page %d row %d is not older than the row before it", pages, i);
            prev = p.rows[i];
        }
        seen += p.n;
        pages++;
        if (!p.older)
            break;
        assert_true(pages < 10);
        k.at_ms = prev.at_ms;
        k.id = prev.id;
        assert_int_equal(audit_page(s, AUDIT_OLDER, &k, &p), 0);
        assert_true(p.newer);
    }
    assert_int_equal(seen, N_ROWS);
    assert_int_equal(pages, 3);
    assert_int_equal(p.n, N_ROWS - 2 * PAGE);
    assert_int_equal(p.rows[p.n - 1].id, 1);

    /* Back up from the last page: the middle page, then the latest page again. */
    k.at_ms = p.rows[0].at_ms;
    k.id = p.rows[0].id;
    assert_int_equal(audit_page(s, AUDIT_NEWER, &k, &p), 0);
    assert_true(p.older && p.newer);
    assert_int_equal(p.n, PAGE);
    assert_int_equal(p.rows[PAGE - 1].id, k.id + 1);
    assert_true(before(&p.rows[0], &p.rows[1]));
    k.at_ms = p.rows[0].at_ms;
    k.id = p.rows[0].id;
    assert_int_equal(audit_page(s, AUDIT_NEWER, &k, &p), 0);
    assert_true(p.older && !p.newer); /* fewer than a page above: the latest page */
    assert_int_equal(p.n, n_first);
    assert_memory_equal(p.rows, first, sizeof first);

    /* Keys outside the log. */
    k.at_ms = 0;
    k.id = 0;
    assert_int_equal(audit_page(s, AUDIT_OLDER, &k, &p), 0);
    assert_true(p.n == 0 && !p.older && p.newer);
    k.at_ms = INT64_MAX;
    assert_int_equal(audit_page(s, AUDIT_OLDER, &k, &p), 0);
    assert_true(p.n == PAGE && p.older);
    assert_int_equal(audit_page(s, AUDIT_NEWER, &k, &p), 0);
    assert_true(p.n == PAGE && !p.newer);
    store_close(s);
}

struct check {
    int64_t since;
    const char *user;
    int n;
    int64_t prev_at, prev_id;
    int bad;
};

static int check_row(void *arg, const struct audit_rec *r)
{
    struct check *c = arg;
    if (r->at_ms < c->since || (c->user != NULL && strcmp(r->user, c->user) != 0) ||
        r->at_ms < c->prev_at || (r->at_ms == c->prev_at && r->id <= c->prev_id))
        c->bad++;
    c->prev_at = r->at_ms;
    c->prev_id = r->id;
    c->n++;
    return 0;
}

static void test_filters(void **state)
{
    static const struct {
        int64_t since;
        const char *user;
        int n;
    } cases[] = {
        {0, NULL, N_ROWS},
        {0, "bob", (N_ROWS + 3) / 4},
        {0, "alice", N_ROWS - (N_ROWS + 3) / 4},
        {0, "carol", 0},
        {1000 + 200 / 3, NULL, N_ROWS - 198}, /* from the first row of that millisecond */
        {1000 + 200 / 3, "bob", 13},
        {INT64_MAX, NULL, 0},
    };
    struct store *s = paged_store();
    size_t i;
    (void)state;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct check c = {cases[i].since, cases[i].user, 0, INT64_MIN, 0, 0};
        assert_int_equal(audit_query(s, c.since, c.user, 0, 0, check_row, &c), 0);
        if (c.n != cases[i].n || c.bad != 0)
            fail_msg("case %zu: %d rows (%d wrong), wanted %d", i, c.n, c.bad, cases[i].n);
    }
    store_close(s);
}

/* ---------------------------------------------------------------- audit --json */

static char *run_json(struct store *s, int argc, char **argv)
{
    struct cli_ctx ctx = {NULL, s};
    int rc;
    capture(1);
    rc = cli_audit(&ctx, argc, argv);
    assert_int_equal(rc, CLI_OK);
    return captured();
}

static void test_json_export(void **state)
{
    struct store *s = fresh();
    struct audit_rec r;
    char *argv[] = {"audit", "--json", "--user", "x", NULL};
    char *out;
    cJSON *arr, *o;
    (void)state;

    out = run_json(s, 2, argv);
    assert_string_equal(out, "[]\n");
    rec(&r, 1767225600123, "al\"i\\ce\n\x01", "opened", "0123456789abcdef0123456789abcdef");
    strcpy(r.reason, "t\tab");
    assert_int_equal(audit_append(s, &r), 0);
    rec(&r, 1767225601000, "bob", "forbidden", "");
    assert_int_equal(audit_append(s, &r), 0);

    out = run_json(s, 2, argv);
    arr = cJSON_Parse(out);
    if (arr == NULL)
        fail_msg("not JSON: %s", out);
    assert_true(cJSON_IsArray(arr));
    assert_int_equal(cJSON_GetArraySize(arr), 2);
    o = cJSON_GetArrayItem(arr, 0);
    assert_string_equal(cJSON_GetObjectItem(o, "user")->valuestring, "al\"i\\ce\n\x01");
    assert_string_equal(cJSON_GetObjectItem(o, "reason")->valuestring, "t\tab");
    assert_string_equal(cJSON_GetObjectItem(o, "time")->valuestring, "2026-01-01T00:00:00.123Z");
    assert_true(cJSON_GetObjectItem(o, "at_ms")->valuedouble == 1767225600123.0);
    assert_string_equal(cJSON_GetObjectItem(o, "cmd_id")->valuestring,
                        "0123456789abcdef0123456789abcdef");
    assert_int_equal(cJSON_GetObjectItem(o, "latency_ms")->valueint, 3);
    assert_string_equal(cJSON_GetObjectItem(o, "door")->valuestring, "door1");
    assert_string_equal(cJSON_GetObjectItem(o, "serial")->valuestring, "0A1B");
    assert_string_equal(cJSON_GetObjectItem(o, "peer")->valuestring, "127.0.0.1");
    o = cJSON_GetArrayItem(arr, 1);
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(o, "cmd_id")));
    assert_string_equal(cJSON_GetObjectItem(o, "result")->valuestring, "forbidden");
    cJSON_Delete(arr);

    argv[3] = "bob";
    out = run_json(s, 4, argv);
    arr = cJSON_Parse(out);
    assert_non_null(arr);
    assert_int_equal(cJSON_GetArraySize(arr), 1);
    cJSON_Delete(arr);
    store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_syncs_per_commit),
        cmocka_unit_test(test_checkpoints_off_the_path),
        cmocka_unit_test(test_flusher_syncs_lazy_results),
        cmocka_unit_test(test_recover),
        cmocka_unit_test(test_migration_from_v1),
        cmocka_unit_test(test_query_plans),
        cmocka_unit_test(test_pages),
        cmocka_unit_test(test_filters),
        cmocka_unit_test(test_json_export),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
