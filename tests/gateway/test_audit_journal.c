/* test_audit_journal.c - the audit's intent journal (gateway/core/audit_journal.c) on
 * temporary files: with it an appended row costs no WAL sync on the committing thread and
 * one journal sync (a counting VFS, sync_vfs.h); the journal file is allocated in full at
 * creation (0600); a crash that loses the lazy commits (the database copied without its
 * WAL while the store is open) loses no row: the next start restores every one, ids and
 * fields kept, pending ones then unknown; a torn record and a damaged head; a clean stop
 * and a start end the generation (nothing is restored twice or into another database);
 * a ring whose next slot holds a row not yet synced falls back to a durable commit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"
#include "audit_journal.h"
#include "store.h"
#include "store_flush.h"
#include "sync_vfs.h"

static char dir[] = "/tmp/lk-journal-XXXXXX";
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

static void new_path(char out[128])
{
    snprintf(out, 128, "%s/db%d.sqlite", dir, n_db++);
}

static void journal_of(const char *db, char out[160])
{
    snprintf(out, 160, "%s%s", db, AUDIT_JOURNAL_SUFFIX);
}

static struct store *open_db(const char *path)
{
    char err[512] = "";
    struct store *s = store_open(path, 200, err, sizeof err);
    if (s == NULL)
        fail_msg("store_open: %s", err);
    return s;
}

/* The gateway's start: journal (restore, recovery, new generation), then the flusher with
 * a delay of delay_ms. Returns the rows restored. */
static int start(struct store *s, int delay_ms)
{
    char err[512] = "";
    int n = audit_journal_start(s, err, sizeof err);
    if (n < 0)
        fail_msg("audit_journal_start: %s", err);
    if (store_flusher_start(s, delay_ms, err, sizeof err) != 0)
        fail_msg("store_flusher_start: %s", err);
    return n;
}

static void copy_file(const char *from, const char *to)
{
    char buf[8192];
    ssize_t n;
    int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(in >= 0 && out >= 0);
    while ((n = read(in, buf, sizeof buf)) > 0)
        assert_int_equal(write(out, buf, (size_t)n), n);
    assert_int_equal(n, 0);
    close(in);
    close(out);
}

/* What a machine crash that lost every lazy commit leaves: the database file without its
 * WAL (nothing was checkpointed meanwhile), and the journal. Copied to a new path. */
static void crash_copy(const char *db, char out[128])
{
    char from[160], to[160];
    new_path(out);
    copy_file(db, out);
    journal_of(db, from);
    journal_of(out, to);
    copy_file(from, to);
}

static void rec(struct audit_rec *r, int64_t at, const char *result, int cmd)
{
    memset(r, 0, sizeof *r);
    r->at_ms = at;
    strcpy(r->user, "alice");
    strcpy(r->serial, "0A1B2C");
    strcpy(r->door, "door1");
    snprintf(r->result, sizeof r->result, "%s", result);
    strcpy(r->reason, cmd ? "awaiting-ack" : "-");
    r->latency_ms = 7;
    strcpy(r->peer, "192.0.2.7");
    if (cmd)
        snprintf(r->cmd_id, sizeof r->cmd_id, "%032x", cmd);
    r->has_uses = cmd == 2;
    r->uses_left = cmd == 2 ? 4 : 0;
}

static int count(struct store *s, const char *sql)
{
    sqlite3_stmt *st;
    int v = -1;
    assert_int_equal(sqlite3_prepare_v2(s->db, sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* The database's checkpointed state: schema and users in the file, an empty WAL. */
static void checkpoint(struct store *s)
{
    assert_int_equal(store_exec(s, "PRAGMA wal_checkpoint(TRUNCATE)"), 0);
}

static void test_one_journal_sync_per_row(void **state)
{
    char path[128], jpath[160];
    struct audit_journal_counts jc;
    struct sync_counts a, b;
    struct audit_rec r;
    struct stat st;
    struct store *s;
    unsigned long synced;
    int i;
    (void)state;

    new_path(path);
    s = open_db(path);
    assert_int_equal(start(s, 20), 0);
    journal_of(path, jpath);
    assert_int_equal(stat(jpath, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(st.st_size, AUDIT_JOURNAL_SLOT * (AUDIT_JOURNAL_SLOTS + 1));
    assert_true(st.st_blocks * 512 >= st.st_size); /* written, not a sparse file */
    for (i = 1; i <= 5; i++) {
        audit_journal_counts(s, &jc);
        sync_vfs_counts_here(&a);
        rec(&r, 1000 + i, AUDIT_PENDING, i);
        assert_int_equal(audit_append(s, &r), 0);
        assert_true(r.id > 0);
        sync_vfs_counts_here(&b);
        assert_int_equal(b.wal - a.wal, 0); /* the row is lazy in the WAL ... */
        assert_int_equal(b.db - a.db, 0);
        assert_int_equal(s->sync, STORE_DURABLE);
        synced = jc.syncs;
        audit_journal_counts(s, &jc);
        assert_int_equal(jc.syncs, synced + 1); /* ... and journaled: one sync */
        assert_int_equal(jc.records, (unsigned long)i);
        assert_int_equal(audit_finish(s, r.cmd_id, "opened", "-", 9), 0);
        sync_vfs_counts_here(&a);
        assert_int_equal(a.wal - b.wal, 0); /* its result: lazy */
    }
    assert_int_equal(jc.full, 0);
    store_close(s);
}

static void test_crash_restores_rows(void **state)
{
    char path[128], lost[128];
    struct audit_rec r[3], got;
    struct store *s;
    sqlite3_stmt *st;
    int i;
    (void)state;

    new_path(path);
    s = open_db(path);
    checkpoint(s);
    start(s, 60000); /* the flusher would sync only after the crash */
    rec(&r[0], 1000, "wrong-pin", 0);
    rec(&r[1], 2000, AUDIT_PENDING, 1);
    rec(&r[2], 3000, AUDIT_PENDING, 2);
    for (i = 0; i < 3; i++)
        assert_int_equal(audit_append(s, &r[i]), 0);
    assert_int_equal(audit_finish(s, r[1].cmd_id, "opened", "-", 30), 0);
    crash_copy(path, lost);
    store_close(s);

    s = open_db(lost);
    assert_int_equal(count(s, "SELECT count(*) FROM audit"), 0); /* the WAL is gone */
    assert_int_equal(start(s, 20), 3);
    assert_int_equal(count(s, "SELECT count(*) FROM audit"), 3);
    /* the result of command 1 was lost with the WAL: unknown, like command 2's */
    assert_int_equal(count(s,
                           "SELECT count(*) FROM audit WHERE result = 'unknown' AND "
                           "reason = 'gateway-stopped'"),
                     2);
    assert_int_equal(sqlite3_prepare_v2(s->db,
                                        "SELECT id, at_ms, user, serial, door, result, "
                                        "latency_ms, peer, ifnull(cmd_id, ''), uses_left "
                                        "FROM audit ORDER BY id",
                                        -1, &st, NULL),
                     SQLITE_OK);
    for (i = 0; i < 3; i++) {
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        memset(&got, 0, sizeof got);
        assert_int_equal(sqlite3_column_int64(st, 0), r[i].id);
        assert_int_equal(sqlite3_column_int64(st, 1), r[i].at_ms);
        assert_string_equal((const char *)sqlite3_column_text(st, 2), r[i].user);
        assert_string_equal((const char *)sqlite3_column_text(st, 3), r[i].serial);
        assert_string_equal((const char *)sqlite3_column_text(st, 4), r[i].door);
        assert_string_equal((const char *)sqlite3_column_text(st, 5),
                            i == 0 ? "wrong-pin" : AUDIT_UNKNOWN);
        assert_int_equal(sqlite3_column_int64(st, 6), 7);
        assert_string_equal((const char *)sqlite3_column_text(st, 7), r[i].peer);
        assert_string_equal((const char *)sqlite3_column_text(st, 8), r[i].cmd_id);
        assert_int_equal(sqlite3_column_type(st, 9) != SQLITE_NULL, r[i].has_uses);
        if (r[i].has_uses)
            assert_int_equal(sqlite3_column_int64(st, 9), 4);
    }
    sqlite3_finalize(st);
    /* the next row follows them */
    rec(&got, 4000, "wrong-pin", 0);
    assert_int_equal(audit_append(s, &got), 0);
    assert_int_equal(got.id, r[2].id + 1);
    store_close(s);

    s = open_db(lost); /* a clean stop: nothing more to restore */
    assert_int_equal(start(s, 20), 0);
    assert_int_equal(count(s, "SELECT count(*) FROM audit"), 4);
    store_close(s);
}

/* Flips one byte of slot i of the journal of db. */
static void damage(const char *db, int slot, int at)
{
    char jpath[160];
    unsigned char c;
    int fd;
    journal_of(db, jpath);
    fd = open(jpath, O_RDWR);
    assert_true(fd >= 0);
    assert_int_equal(pread(fd, &c, 1, (off_t)slot * AUDIT_JOURNAL_SLOT + at), 1);
    c ^= 0x5a;
    assert_int_equal(pwrite(fd, &c, 1, (off_t)slot * AUDIT_JOURNAL_SLOT + at), 1);
    close(fd);
}

static void test_torn_record_and_damaged_head(void **state)
{
    char path[128], lost[128];
    struct audit_rec r;
    struct store *s;
    int i;
    (void)state;

    new_path(path);
    s = open_db(path);
    checkpoint(s);
    start(s, 60000);
    for (i = 1; i <= 4; i++) {
        rec(&r, 1000 * i, "wrong-pin", 0);
        assert_int_equal(audit_append(s, &r), 0);
    }
    crash_copy(path, lost);
    store_close(s);
    damage(lost, 2, 40); /* the second record: its checksum no longer matches */
    damage(lost, 0, 0);  /* the head */

    s = open_db(lost);
    assert_int_equal(start(s, 20), 3);
    assert_int_equal(count(s, "SELECT count(*) FROM audit WHERE at_ms = 2000"), 0);
    assert_int_equal(count(s, "SELECT count(*) FROM audit"), 3);
    store_close(s);
}

static void test_generations(void **state)
{
    char path[128], other[128];
    struct audit_rec r;
    struct store *s;
    (void)state;

    new_path(path);
    s = open_db(path);
    checkpoint(s);
    start(s, 20);
    rec(&r, 1000, "wrong-pin", 0);
    assert_int_equal(audit_append(s, &r), 0);
    store_close(s); /* clean: the flusher synced, the generation ends */

    /* the journal beside a database that lacks the row (replaced by an empty one) */
    new_path(other);
    s = open_db(other);
    store_close(s);
    {
        char from[160], to[160];
        journal_of(path, from);
        journal_of(other, to);
        copy_file(from, to);
    }
    s = open_db(other);
    assert_int_equal(start(s, 20), 0);
    assert_int_equal(count(s, "SELECT count(*) FROM audit"), 0);
    store_close(s);

    s = open_db(path); /* the row is there; a second start restores nothing either */
    assert_int_equal(start(s, 20), 0);
    assert_int_equal(count(s, "SELECT count(*) FROM audit"), 1);
    store_close(s);
}

static void test_wrong_size_rewritten(void **state)
{
    char path[128], jpath[160];
    struct store *s;
    struct stat st;
    int fd;
    (void)state;

    new_path(path);
    journal_of(path, jpath);
    fd = open(jpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "not a journal\n", 14), 14);
    close(fd);
    s = open_db(path);
    assert_int_equal(start(s, 20), 0);
    assert_int_equal(stat(jpath, &st), 0);
    assert_int_equal(st.st_size, AUDIT_JOURNAL_SLOT * (AUDIT_JOURNAL_SLOTS + 1));
    store_close(s);
}

static void test_full_ring_falls_back(void **state)
{
    char path[128];
    struct audit_journal_counts jc;
    struct sync_counts a, b;
    struct audit_rec r;
    struct store *s;
    int i;
    (void)state;

    new_path(path);
    s = open_db(path);
    start(s, 600000); /* no background sync within the test: no slot becomes free */
    for (i = 0; i < AUDIT_JOURNAL_SLOTS; i++) {
        rec(&r, 1000 + i, "wrong-pin", 0);
        assert_int_equal(audit_append(s, &r), 0);
    }
    audit_journal_counts(s, &jc);
    assert_int_equal(jc.records, AUDIT_JOURNAL_SLOTS);
    assert_int_equal(jc.full, 0);
    sync_vfs_counts_here(&a);
    rec(&r, 9000, "wrong-pin", 0);
    assert_int_equal(audit_append(s, &r), 0);
    sync_vfs_counts_here(&b);
    audit_journal_counts(s, &jc);
    assert_int_equal(jc.full, 1);
    assert_int_equal(jc.records, AUDIT_JOURNAL_SLOTS);
    assert_true(b.wal - a.wal >= 1); /* a durable commit instead, which synced every row */
    rec(&r, 9001, "wrong-pin", 0);
    assert_int_equal(audit_append(s, &r), 0);
    audit_journal_counts(s, &jc);
    assert_int_equal(jc.records, AUDIT_JOURNAL_SLOTS + 1); /* so the ring is free again */
    store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_journal_sync_per_row),
        cmocka_unit_test(test_crash_restores_rows),
        cmocka_unit_test(test_torn_record_and_damaged_head),
        cmocka_unit_test(test_generations),
        cmocka_unit_test(test_wrong_size_rewritten),
        cmocka_unit_test(test_full_ring_falls_back),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
