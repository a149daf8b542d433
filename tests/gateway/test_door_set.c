/* test_door_set.c - the gateway's door set and door name index at the door limit
 * (LATCHKEY_MAX_DOORS, 256 by default): every index in and out of range, a set of every
 * door, the name index over all the names with misses and a stale array, and a user's door
 * list read into a set and searched for one door (gateway/core/door_set.h, door_index.h,
 * users.h), and the doors of a user that have a schedule, read in one query
 * (sched_doors.h). No timing: the cost curve is in scripts/bench.sh --only doors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "door_index.h"
#include "door_set.h"
#include "sched_doors.h"
#include "sched_store.h"
#include "store.h"
#include "users.h"

static void test_set_bounds(void **state)
{
    struct door_set s;
    int i;
    (void)state;
    door_set_clear(&s);
    assert_int_equal(door_set_count(&s), 0);
    assert_int_equal(door_set_add(&s, -1), -1);
    assert_int_equal(door_set_add(&s, DOOR_SET_MAX), -1);
    assert_int_equal(door_set_count(&s), 0);
    assert_int_equal(door_set_has(&s, -1), 0);
    assert_int_equal(door_set_has(&s, DOOR_SET_MAX), 0);
    assert_true(DOOR_SET_MAX >= 256);
    /* Each word's edges: 0, 31, 32, 63, 64, 200, the last. */
    assert_int_equal(door_set_add(&s, 0), 0);
    assert_int_equal(door_set_add(&s, 31), 0);
    assert_int_equal(door_set_add(&s, 32), 0);
    assert_int_equal(door_set_add(&s, 63), 0);
    assert_int_equal(door_set_add(&s, 64), 0);
    assert_int_equal(door_set_add(&s, 200), 0);
    assert_int_equal(door_set_add(&s, DOOR_SET_MAX - 1), 0);
    assert_int_equal(door_set_add(&s, 200), 0); /* twice: still one */
    assert_int_equal(door_set_count(&s), 7);
    for (i = 0; i < DOOR_SET_MAX; i++)
        assert_int_equal(door_set_has(&s, i), i == 0 || i == 31 || i == 32 || i == 63 || i == 64 ||
                                                  i == 200 || i == DOOR_SET_MAX - 1);
}

static void test_set_first(void **state)
{
    struct door_set s;
    int i;
    (void)state;
    door_set_first(&s, 0);
    assert_int_equal(door_set_count(&s), 0);
    door_set_first(&s, 65);
    assert_int_equal(door_set_count(&s), 65);
    assert_int_equal(door_set_has(&s, 64), 1);
    assert_int_equal(door_set_has(&s, 65), 0);
    door_set_first(&s, DOOR_SET_MAX + 5); /* clamped */
    assert_int_equal(door_set_count(&s), DOOR_SET_MAX);
    for (i = 0; i < DOOR_SET_MAX; i++)
        assert_int_equal(door_set_has(&s, i), 1);
    door_set_first(&s, -3);
    assert_int_equal(door_set_count(&s), 0);
}

/* A conf with n doors door0 .. door<n-1>, indexed as conf_load does. */
static void many_doors(struct conf *c, int n)
{
    int i;
    memset(c, 0, sizeof *c);
    for (i = 0; i < n; i++) {
        snprintf(c->doors[i].name, sizeof c->doors[i].name, "door%d", i);
        assert_int_equal(door_index_add(&c->door_index, c->doors[i].name, i), 0);
    }
    c->n_doors = n;
}

static void test_index(void **state)
{
    static struct conf c;
    struct door_index x;
    int i;
    (void)state;
    many_doors(&c, CONF_MAX_DOORS);
    for (i = 0; i < CONF_MAX_DOORS; i++)
        assert_int_equal(conf_find_door(&c, c.doors[i].name), i);
    assert_int_equal(conf_find_door(&c, "door"), -1);
    assert_int_equal(conf_find_door(&c, "door256x"), -1);
    assert_int_equal(conf_find_door(&c, ""), -1);
    assert_int_equal(conf_find_door(&c, "Door1"), -1);
    /* Fewer live names than indexed: the ones past n are never found. */
    assert_int_equal(
        door_index_find(&c.door_index, "door200", c.doors[0].name, sizeof c.doors[0], 200), -1);
    assert_int_equal(
        door_index_find(&c.door_index, "door199", c.doors[0].name, sizeof c.doors[0], 200), 199);
    /* A renamed entry behind the index's back: a miss, never another door. */
    strcpy(c.doors[7].name, "cellar");
    assert_int_equal(
        door_index_find(&c.door_index, "door7", c.doors[0].name, sizeof c.doors[0], c.n_doors), -1);
    assert_int_equal(
        door_index_find(&c.door_index, "cellar", c.doors[0].name, sizeof c.doors[0], c.n_doors),
        -1);
    /* Full at DOOR_INDEX_CAP names; out-of-range indexes refused. */
    door_index_clear(&x);
    assert_int_equal(door_index_add(&x, "a", -1), -1);
    assert_int_equal(door_index_add(&x, "a", DOOR_INDEX_CAP), -1);
    for (i = 0; i < DOOR_INDEX_CAP; i++)
        assert_int_equal(door_index_add(&x, "same", i), 0); /* the worst case: one chain */
    assert_int_equal(door_index_add(&x, "more", 0), -1);
    assert_int_equal(x.n, DOOR_INDEX_CAP);
}

/* A conf written by hand (no index): conf_find_door still finds every door. */
static void test_unindexed(void **state)
{
    static struct conf c;
    (void)state;
    memset(&c, 0, sizeof c);
    strcpy(c.doors[0].name, "door1");
    strcpy(c.doors[1].name, "garage");
    c.n_doors = 2;
    assert_int_equal(conf_find_door(&c, "garage"), 1);
    assert_int_equal(conf_find_door(&c, "cellar"), -1);
}

static void test_user_lists(void **state)
{
    static struct conf c;
    static char all[USER_DOORS_MAX], out[USER_DOORS_MAX];
    char err[256];
    struct door_set s;
    int i;
    (void)state;
    many_doors(&c, CONF_MAX_DOORS);

    users_door_set(&c, "door200", &s);
    assert_int_equal(door_set_count(&s), 1);
    assert_int_equal(door_set_has(&s, 200), 1);
    users_door_set(&c, " door255 , door0,gone,door31,door32", &s);
    assert_int_equal(door_set_count(&s), 4); /* gone: no longer configured, ignored */
    assert_true(door_set_has(&s, 255) && door_set_has(&s, 0) && door_set_has(&s, 31) &&
                door_set_has(&s, 32));
    users_door_set(&c, "door1, ,door2", &s); /* a blank item spoils the list */
    assert_int_equal(door_set_count(&s), 0);

    /* Every door: the longest list fits and reads back whole. */
    assert_int_equal(users_doors_all(&c, all, sizeof all, err, sizeof err), 0);
    users_door_set(&c, all, &s);
    assert_int_equal(door_set_count(&s), CONF_MAX_DOORS);
    assert_int_equal(users_doors_canonical(&c, all, out, sizeof out, err, sizeof err), 0);
    assert_string_equal(out, all);
    assert_int_equal(
        users_doors_canonical(&c, "door200,door3,door200", out, sizeof out, err, sizeof err), 0);
    assert_string_equal(out, "door3,door200");

    /* One door in a list, as the tap checks it: the same answer as the set. */
    for (i = 0; i < CONF_MAX_DOORS; i++)
        assert_int_equal(users_list_has(all, c.doors[i].name), 1);
    assert_int_equal(users_list_has("door200", "door200"), 1);
    assert_int_equal(users_list_has("door200", "door20"), 0);
    assert_int_equal(users_list_has("door20", "door200"), 0);
    assert_int_equal(users_list_has("door1,door200", "door1"), 1);
    assert_int_equal(users_list_has(" door1 ,\tdoor200 ", "door200"), 1);
    assert_int_equal(users_list_has("door1,,door200", "door200"), 1);  /* as each_name: skipped */
    assert_int_equal(users_list_has("door1, ,door200", "door200"), 0); /* as the set: spoilt */
    assert_int_equal(users_list_has("", "door1"), 0);
    assert_int_equal(users_list_has("door1", ""), 0);
    users_door_set(&c, "door1,,door200", &s);
    assert_int_equal(door_set_count(&s), 2);
}

/* Schedules on doors 1, 200 and 256 of 256 (and on a door since removed): exactly those. */
static void test_sched_doors(void **state)
{
    static struct conf c;
    static struct user_rec u;
    char dir[] = "/tmp/lk-doors-XXXXXX", path[64], err[256] = "";
    struct schedule sc;
    struct door_set s;
    struct store *st;
    (void)state;
    many_doors(&c, CONF_MAX_DOORS);
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/gw.db", dir);
    st = store_open(path, 100, err, sizeof err);
    assert_non_null(st);
    memset(&u, 0, sizeof u);
    strcpy(u.name, "alice");
    strcpy(u.pin_hash,
           "$scrypt$v=1$ln=15,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$"
           "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    assert_int_equal(users_doors_all(&c, u.doors, sizeof u.doors, err, sizeof err), 0);
    u.enabled = 1;
    assert_int_equal(users_add(st, &u, 1000), 0);
    assert_int_equal(sched_doors_of(st, &c, "alice", &s), 0);
    assert_int_equal(door_set_count(&s), 0);
    memset(&sc, 0, sizeof sc);
    sc.uses_left = 3;
    assert_int_equal(sched_store_set(st, "alice", "door0", &sc), 0);
    assert_int_equal(sched_store_set(st, "alice", "door199", &sc), 0);
    assert_int_equal(sched_store_set(st, "alice", "door255", &sc), 0);
    assert_int_equal(sched_store_set(st, "alice", "cellar", &sc), 0); /* not configured */
    assert_int_equal(sched_doors_of(st, &c, "alice", &s), 0);
    assert_int_equal(door_set_count(&s), 3);
    assert_true(door_set_has(&s, 0) && door_set_has(&s, 199) && door_set_has(&s, 255));
    assert_int_equal(sched_doors_of(st, &c, "bob", &s), 0);
    assert_int_equal(door_set_count(&s), 0);
    store_close(st);
    assert_int_equal(unlink(path), 0);
    snprintf(path, sizeof path, "%s/gw.db-wal", dir);
    (void)unlink(path); /* may be gone with the last connection */
    snprintf(path, sizeof path, "%s/gw.db-shm", dir);
    (void)unlink(path);
    assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_set_bounds), cmocka_unit_test(test_set_first),
        cmocka_unit_test(test_index),      cmocka_unit_test(test_unindexed),
        cmocka_unit_test(test_user_lists), cmocka_unit_test(test_sched_doors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
