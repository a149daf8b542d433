/* test_store.c - the gateway's SQLite store on temporary files: schema creation and
 * versioning, user records and door lists, the lockout schedule and its persistence across
 * a reopen, audit rows (append, completion by command id, queries) and the fail-closed
 * signal: a write that cannot get the database lock fails instead of waiting forever. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"
#include "lockout.h"
#include "store.h"
#include "users.h"

static char dir[] = "/tmp/lk-store-XXXXXX";
static char db_path[128];
static int n_db;

static int group_setup(void **state)
{
    (void)state;
    return mkdtemp(dir) != NULL ? 0 : -1;
}

static int group_teardown(void **state)
{
    char cmd[256];
    (void)state;
    snprintf(cmd, sizeof cmd, "rm -rf -- '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* A fresh database file for each test. */
static struct store *fresh(int busy_ms)
{
    char err[512] = "";
    struct store *s;
    snprintf(db_path, sizeof db_path, "%s/db%d.sqlite", dir, n_db++);
    s = store_open(db_path, busy_ms, err, sizeof err);
    if (s == NULL)
        fail_msg("store_open: %s", err);
    return s;
}

static struct store *reopen(int busy_ms)
{
    char err[512] = "";
    struct store *s = store_open(db_path, busy_ms, err, sizeof err);
    if (s == NULL)
        fail_msg("store_open again: %s", err);
    return s;
}

static const char hash[] = "$scrypt$v=1$ln=15,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$"
                           "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

static void add_user(struct store *s, const char *name, const char *doors, int admin)
{
    struct user_rec u;
    memset(&u, 0, sizeof u);
    strcpy(u.name, name);
    strcpy(u.pin_hash, hash);
    strcpy(u.doors, doors);
    u.enabled = 1;
    u.admin = admin;
    assert_int_equal(users_add(s, &u, 1000), 0);
}

static void test_schema(void **state)
{
    struct store *s = fresh(100);
    char err[512] = "";
    struct stat st;
    (void)state;

    assert_int_equal(store_schema_version(s), STORE_SCHEMA_VERSION);
    assert_int_equal(stat(db_path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    store_close(s);
    s = reopen(100); /* no second migration */
    assert_int_equal(store_schema_version(s), STORE_SCHEMA_VERSION);
    assert_int_equal(store_exec(s, "UPDATE schema_version SET version = 99"), 0);
    store_close(s);
    assert_null(store_open(db_path, 100, err, sizeof err));
    assert_non_null(strstr(err, "schema version 99 is newer"));
    assert_null(strchr(err, '\n'));
    assert_null(store_open("/nonexistent-dir/x.db", 100, err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent-dir/x.db: cannot open the database"));
}

struct collect {
    char names[8][LK_BY_MAX + 1];
    int n;
};

static int collect_user(void *arg, const struct user_rec *u)
{
    struct collect *c = arg;
    if (c->n < 8)
        strcpy(c->names[c->n++], u->name);
    return 0;
}

static void test_users(void **state)
{
    struct store *s = fresh(100);
    struct user_rec u;
    struct collect c;
    (void)state;

    assert_int_equal(users_get(s, "alice", &u), 0);
    add_user(s, "alice", "door1,door2", 0);
    add_user(s, "bob.smith@example-org", "door2", 1);
    memset(&u, 0, sizeof u);
    strcpy(u.name, "alice");
    strcpy(u.pin_hash, hash);
    assert_int_equal(users_add(s, &u, 1), 1); /* exists */
    strcpy(u.name, "al!ce");
    assert_int_equal(users_add(s, &u, 1), -1); /* not a CN we accept */
    strcpy(u.name, "carol");
    strcpy(u.pin_hash, "1234");
    assert_int_equal(users_add(s, &u, 1), -1); /* not a hash */

    assert_int_equal(users_get(s, "alice", &u), 1);
    assert_string_equal(u.pin_hash, hash);
    assert_string_equal(u.doors, "door1,door2");
    assert_true(u.enabled);
    assert_false(u.admin);
    assert_int_equal(u.failed, 0);
    assert_int_equal(u.locked_until, 0);
    assert_int_equal(u.created, 1000);
    assert_int_equal(users_get(s, "bob.smith@example-org", &u), 1);
    assert_true(u.admin);
    assert_int_equal(users_get(s, "ALICE", &u), 0); /* names are exact */

    assert_int_equal(users_set_doors(s, "alice", "door2"), 0);
    assert_int_equal(users_set_enabled(s, "alice", 0), 0);
    assert_int_equal(users_get(s, "alice", &u), 1);
    assert_string_equal(u.doors, "door2");
    assert_false(u.enabled);
    assert_int_equal(users_set_enabled(s, "alice", 1), 0);
    assert_int_equal(users_set_admin(s, "alice", 1), 0);
    assert_int_equal(users_get(s, "alice", &u), 1);
    assert_true(u.enabled && u.admin);
    assert_int_equal(users_set_pin(s, "alice", "nope"), -1);
    assert_int_equal(users_set_pin(s, "alice", hash), 0);

    memset(&c, 0, sizeof c);
    assert_int_equal(users_list(s, collect_user, &c), 0);
    assert_int_equal(c.n, 2);
    assert_string_equal(c.names[0], "alice");
    assert_string_equal(c.names[1], "bob.smith@example-org");

    assert_int_equal(users_delete(s, "alice"), 0);
    assert_int_equal(users_delete(s, "alice"), 1);
    assert_int_equal(users_set_doors(s, "nobody", "door1"), 1);
    assert_int_equal(users_set_enabled(s, "nobody", 1), 1);
    assert_int_equal(users_unlock(s, "nobody"), 1);
    assert_int_equal(users_get(s, "alice", &u), 0);
    store_close(s);
}

static void test_door_lists(void **state)
{
    static struct conf c;
    char out[USER_DOORS_MAX], err[256];
    struct door_set set;
    (void)state;
    memset(&c, 0, sizeof c);
    strcpy(c.doors[0].name, "door1");
    strcpy(c.doors[1].name, "garage");
    strcpy(c.doors[2].name, "back_door");
    c.n_doors = 3;

    assert_int_equal(users_doors_canonical(&c, " back_door , door1,door1", out, sizeof out, err,
                                           sizeof err), 0);
    assert_string_equal(out, "door1,back_door");
    assert_int_equal(users_doors_canonical(&c, "garage", out, sizeof out, err, sizeof err), 0);
    assert_string_equal(out, "garage");
    assert_int_equal(users_doors_canonical(&c, "door1,cellar", out, sizeof out, err, sizeof err), -1);
    assert_string_equal(err, "no door 'cellar' in the configuration");
    assert_int_equal(users_doors_canonical(&c, "", out, sizeof out, err, sizeof err), -1);
    assert_int_equal(users_doors_canonical(&c, "door1,,garage", out, sizeof out, err, sizeof err), 0);
    assert_string_equal(out, "door1,garage");
    assert_int_equal(users_doors_canonical(&c, " , ", out, sizeof out, err, sizeof err), -1);

    users_door_set(&c, "door1,back_door", &set);
    assert_true(door_set_count(&set) == 2 && door_set_has(&set, 0) && door_set_has(&set, 2));
    users_door_set(&c, "cellar,garage", &set); /* cellar: gone from the config */
    assert_true(door_set_count(&set) == 1 && door_set_has(&set, 1));
    users_door_set(&c, "", &set);
    assert_int_equal(door_set_count(&set), 0);
}

static void test_lockout(void **state)
{
    struct store *s = fresh(100);
    struct user_rec u;
    int64_t until, now = 1000000;
    int i;
    (void)state;

    assert_int_equal(lockout_backoff_s(1), 60);
    assert_int_equal(lockout_backoff_s(2), 300);
    assert_int_equal(lockout_backoff_s(3), 900);
    assert_int_equal(lockout_backoff_s(4), 3600);
    assert_int_equal(lockout_backoff_s(5), 4 * 3600);
    assert_int_equal(lockout_backoff_s(6), 86400);
    assert_int_equal(lockout_backoff_s(50), 86400);

    add_user(s, "alice", "door1", 0);
    assert_int_equal(lockout_failure(s, "nobody", now, &until), 1);
    for (i = 1; i < LOCKOUT_THRESHOLD; i++) {
        assert_int_equal(lockout_failure(s, "alice", now, &until), 0);
        assert_int_equal(until, 0);
    }
    assert_int_equal(users_get(s, "alice", &u), 1);
    assert_int_equal(u.failed, LOCKOUT_THRESHOLD - 1);
    assert_int_equal(lockout_remaining_s(&u, now), 0);
    assert_int_equal(lockout_failure(s, "alice", now, &until), 0); /* the 5th */
    assert_int_equal(until, now + 60);

    /* persisted: a restart does not lift the lock */
    store_close(s);
    s = reopen(100);
    assert_int_equal(users_get(s, "alice", &u), 1);
    assert_int_equal(u.failed, 0);
    assert_int_equal(u.lockouts, 1);
    assert_int_equal(u.locked_until, now + 60);
    assert_int_equal(lockout_remaining_s(&u, now + 1), 59);
    assert_int_equal(lockout_remaining_s(&u, now + 60), 0);

    /* after the lock: five more wrong PINs lock for longer */
    now += 61;
    for (i = 0; i < LOCKOUT_THRESHOLD; i++)
        assert_int_equal(lockout_failure(s, "alice", now, &until), 0);
    assert_int_equal(until, now + 300);

    /* a right PIN (outside a lock) clears everything */
    assert_int_equal(lockout_success(s, "alice"), 0);
    assert_int_equal(users_get(s, "alice", &u), 1);
    assert_int_equal(u.failed + u.lockouts, 0);
    assert_int_equal(u.locked_until, 0);
    for (i = 0; i < LOCKOUT_THRESHOLD; i++)
        assert_int_equal(lockout_failure(s, "alice", now, &until), 0);
    assert_int_equal(until, now + 60); /* back to the first step */

    /* the admin unlock */
    assert_int_equal(users_unlock(s, "alice"), 0);
    assert_int_equal(users_get(s, "alice", &u), 1);
    assert_int_equal(lockout_remaining_s(&u, now), 0);
    assert_int_equal(u.failed + u.lockouts, 0);
    store_close(s);
}

static void rec(struct audit_rec *r, int64_t at, const char *user, const char *door,
                const char *result, const char *cmd_id)
{
    memset(r, 0, sizeof *r);
    r->at_ms = at;
    strcpy(r->user, user);
    strcpy(r->serial, "1A2B3C");
    strcpy(r->door, door);
    strcpy(r->result, result);
    strcpy(r->reason, "-");
    r->latency_ms = 7;
    strcpy(r->peer, "127.0.0.1");
    strcpy(r->cmd_id, cmd_id);
}

struct rows {
    struct audit_rec r[8];
    int n;
};

static int collect_row(void *arg, const struct audit_rec *r)
{
    struct rows *rows = arg;
    if (rows->n < 8)
        rows->r[rows->n++] = *r;
    return 0;
}

static void test_audit(void **state)
{
    static const char id1[] = "0123456789abcdef0123456789abcdef";
    struct store *s = fresh(100);
    struct audit_rec r;
    struct rows rows;
    (void)state;

    rec(&r, 1000, "alice", "door1", "wrong-pin", "");
    assert_int_equal(audit_append(s, &r), 0);
    rec(&r, 2000, "alice", "door1", "pending", id1);
    strcpy(r.reason, "awaiting-ack");
    assert_int_equal(audit_append(s, &r), 0);
    rec(&r, 3000, "mallory", "?", "forbidden", "");
    strcpy(r.reason, "unknown-user");
    assert_int_equal(audit_append(s, &r), 0);

    assert_int_equal(audit_finish(s, id1, "opened", "-", 123), 0);
    assert_int_equal(audit_finish(s, "ffffffffffffffffffffffffffffffff", "opened", "-", 1), 1);

    store_close(s); /* durable: read back through a new connection */
    s = reopen(100);
    memset(&rows, 0, sizeof rows);
    assert_int_equal(audit_query(s, 0, NULL, 0, 0, collect_row, &rows), 0);
    assert_int_equal(rows.n, 3);
    assert_string_equal(rows.r[0].result, "wrong-pin");
    assert_string_equal(rows.r[0].cmd_id, "");
    assert_string_equal(rows.r[1].result, "opened");
    assert_int_equal(rows.r[1].latency_ms, 123);
    assert_string_equal(rows.r[1].cmd_id, id1);
    assert_string_equal(rows.r[1].serial, "1A2B3C");
    assert_string_equal(rows.r[1].peer, "127.0.0.1");
    assert_string_equal(rows.r[2].user, "mallory");
    assert_string_equal(rows.r[2].reason, "unknown-user");

    memset(&rows, 0, sizeof rows);
    assert_int_equal(audit_query(s, 1500, "alice", 0, 0, collect_row, &rows), 0);
    assert_int_equal(rows.n, 1);
    assert_int_equal(rows.r[0].at_ms, 2000);
    memset(&rows, 0, sizeof rows);
    assert_int_equal(audit_query(s, 0, NULL, 1, 2, collect_row, &rows), 0);
    assert_int_equal(rows.n, 2);
    assert_int_equal(rows.r[0].at_ms, 3000); /* newest first, limited */
    assert_int_equal(rows.r[1].at_ms, 2000);
    store_close(s);
}

/* Another writer holds the lock (what the integration test does with the sqlite3 shell):
 * the append fails after the busy timeout instead of succeeding or hanging. */
static void test_audit_unwritable(void **state)
{
    struct store *s = fresh(50), *other;
    struct audit_rec r;
    (void)state;

    add_user(s, "alice", "door1", 0);
    other = reopen(50);
    assert_int_equal(store_exec(other, "BEGIN IMMEDIATE"), 0);
    rec(&r, 1000, "alice", "door1", "pending", "");
    assert_int_equal(audit_append(s, &r), -1);
    {
        int64_t until;
        assert_int_equal(lockout_failure(s, "alice", 1, &until), -1);
    }
    assert_int_equal(store_exec(other, "ROLLBACK"), 0);
    assert_int_equal(audit_append(s, &r), 0);
    store_close(other);
    store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schema),
        cmocka_unit_test(test_users),
        cmocka_unit_test(test_door_lists),
        cmocka_unit_test(test_lockout),
        cmocka_unit_test(test_audit),
        cmocka_unit_test(test_audit_unwritable),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
