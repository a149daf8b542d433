/* test_pending.c - the in-flight action table: ack matching (id and door), timeout,
 * early failure, owners that went away, stale handles, a full table, the owners still
 * waiting (the HTTP/2 hold timer's list). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "pending.h"

static int wakes;
static void on_wake(void *arg) { (void)arg; wakes++; }

static void *done_owners[PENDING_MAX];
static int n_done, n_orphans;
static struct pending_info last_orphan;
static void on_done(void *arg, void *owner) { (void)arg; done_owners[n_done++] = owner; }
static void on_orphan(void *arg, const struct pending_info *i) { (void)arg; last_orphan = *i; n_orphans++; }

#define ID1 "0123456789abcdef0123456789abcdef"
#define ID2 "ffffffffffffffffffffffffffffffff"

static void test_ack_flow(void **state)
{
    struct pending_table t;
    struct pending_handle h1, h2;
    struct pending_info info;
    int owner1, owner2;
    (void)state;
    wakes = n_done = 0;
    assert_int_equal(pending_init(&t, on_wake, NULL), 0);
    assert_int_equal(pending_add(&t, ID1, "alice", "door1", 1000, 2500, &owner1, &h1), 0);
    assert_int_equal(pending_add(&t, ID2, "bob", "door2", 1000, 2000, &owner2, &h2), 0);
    assert_int_equal(pending_next_deadline(&t), 2000);
    assert_int_equal(pending_take(&t, h1, &info), 0);            /* still waiting */
    assert_int_equal(pending_ack(&t, ID1, "door2", 1, NULL), -1); /* wrong door */
    assert_int_equal(pending_ack(&t, ID1, "door1", 1, NULL), 0);
    assert_int_equal(pending_ack(&t, ID1, "door1", 1, NULL), -1); /* duplicate */
    assert_int_equal(wakes, 1);
    pending_collect(&t, on_done, on_orphan, NULL);
    assert_int_equal(n_done, 1);
    assert_ptr_equal(done_owners[0], &owner1);
    assert_int_equal(pending_take(&t, h1, &info), 1);
    assert_int_equal(info.result, GW_OPENED);
    assert_string_equal(info.user, "alice");
    assert_int_equal(pending_take(&t, h1, &info), -1);           /* gone */

    assert_int_equal(pending_expire(&t, 1999), 0);
    assert_int_equal(pending_expire(&t, 2000), 1);
    assert_int_equal(pending_take(&t, h2, &info), 1);
    assert_int_equal(info.result, GW_NOT_CONFIRMED);
    assert_int_equal(pending_next_deadline(&t), -1);
    pending_destroy(&t);
}

static void test_rejected_and_fail(void **state)
{
    struct pending_table t;
    struct pending_handle h;
    struct pending_info info;
    int owner;
    (void)state;
    assert_int_equal(pending_init(&t, on_wake, NULL), 0);
    assert_int_equal(pending_add(&t, ID1, "alice", "door1", 0, 100, &owner, &h), 0);
    assert_int_equal(pending_ack(&t, ID1, "door1", 0, "expired"), 0);
    assert_int_equal(pending_take(&t, h, &info), 1);
    assert_int_equal(info.result, GW_REJECTED);
    assert_string_equal(info.reason, "expired");

    assert_int_equal(pending_add(&t, ID1, "alice", "door1", 0, 100, &owner, &h), 0);
    pending_fail(&t, h, GW_BROKER_UNAVAILABLE, "publish-refused");
    assert_int_equal(pending_ack(&t, ID1, "door1", 1, NULL), -1); /* too late */
    assert_int_equal(pending_take(&t, h, &info), 1);
    assert_int_equal(info.result, GW_BROKER_UNAVAILABLE);
    pending_destroy(&t);
}

static void test_orphan_and_stale(void **state)
{
    struct pending_table t;
    struct pending_handle h, h2;
    struct pending_info info;
    int owner;
    (void)state;
    n_done = n_orphans = 0;
    assert_int_equal(pending_init(&t, NULL, NULL), 0);
    assert_int_equal(pending_add(&t, ID1, "alice", "door1", 0, 100, &owner, &h), 0);
    pending_detach(&t, h);
    assert_int_equal(pending_ack(&t, ID1, "door1", 1, NULL), 0);
    pending_collect(&t, on_done, on_orphan, NULL);
    assert_int_equal(n_done, 0);
    assert_int_equal(n_orphans, 1);
    assert_null(last_orphan.owner);
    assert_string_equal(last_orphan.id, ID1);
    /* the slot is reused: the old handle must not reach the new entry */
    assert_int_equal(pending_add(&t, ID2, "bob", "door1", 0, 100, &owner, &h2), 0);
    assert_int_equal(h2.slot, h.slot);
    assert_int_equal(pending_take(&t, h, &info), -1);
    pending_detach(&t, h); /* no effect on the new entry */
    assert_int_equal(pending_ack(&t, ID2, "door1", 1, NULL), 0);
    n_done = 0;
    pending_collect(&t, on_done, on_orphan, NULL);
    assert_int_equal(n_done, 1);
    pending_destroy(&t);
}

static void test_waiting_owners(void **state)
{
    struct pending_table t;
    struct pending_handle h1, h2, h3;
    void *owners[PENDING_MAX];
    int owner1, owner2, owner3;
    (void)state;
    assert_int_equal(pending_init(&t, on_wake, NULL), 0);
    assert_int_equal(pending_waiting_owners(&t, owners, PENDING_MAX), 0);
    assert_int_equal(pending_add(&t, ID1, "alice", "door1", 0, 100, &owner1, &h1), 0);
    assert_int_equal(pending_add(&t, ID2, "bob", "door2", 0, 100, &owner2, &h2), 0);
    assert_int_equal(pending_add(&t, "0000000000000000000000000000000a", "carol", "door1", 0, 100,
                                 &owner3, &h3), 0);
    pending_detach(&t, h2);                                      /* gone: not held */
    assert_int_equal(pending_ack(&t, ID1, "door1", 1, NULL), 0); /* done: not waiting */
    assert_int_equal(pending_waiting_owners(&t, owners, PENDING_MAX), 1);
    assert_ptr_equal(owners[0], &owner3);
    assert_int_equal(pending_waiting_owners(&t, owners, 0), 0);  /* cap respected */
    pending_destroy(&t);
}

static void test_full(void **state)
{
    struct pending_table t;
    struct pending_handle h;
    int i, owner;
    (void)state;
    assert_int_equal(pending_init(&t, NULL, NULL), 0);
    for (i = 0; i < PENDING_MAX; i++)
        assert_int_equal(pending_add(&t, ID1, "a", "d", 0, 10, &owner, &h), 0);
    assert_int_equal(pending_add(&t, ID1, "a", "d", 0, 10, &owner, &h), -1);
    pending_destroy(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ack_flow),
        cmocka_unit_test(test_rejected_and_fail),
        cmocka_unit_test(test_orphan_and_stale),
        cmocka_unit_test(test_waiting_owners),
        cmocka_unit_test(test_full),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
