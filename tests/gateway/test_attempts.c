/* test_attempts.c - the table of attempts under way: ack matching (id and door), timeout,
 * early failure, owners that went away, stale handles, the bound of each stage, the bounds
 * of waiting per user and per door (and that a finished attempt gives its place back), the owners
 * still waiting (the HTTP/2 hold timer's list), and the states one handle runs through. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "attempts.h"
#include "signed_ack.h"

static int wakes;
static void on_wake(void *arg) { (void)arg; wakes++; }

#define ID1 "0123456789abcdef0123456789abcdef"
#define ID2 "ffffffffffffffffffffffffffffffff"

/* A fresh attempt of user on door, published as id and waiting until deadline. */
static int add(struct attempts *t, const char *id, const char *user, const char *door,
               int64_t deadline, void *owner, struct attempt_handle *h)
{
    struct attempt *a = attempts_new(t);
    if (a == NULL)
        return -1;
    strcpy(a->rec.cmd_id, id);
    strcpy(a->rec.user, user);
    strcpy(a->rec.door, door);
    a->owner = owner;
    a->has_ack_key = 1;
    memcpy(a->ack_key, test_ack_pub, sizeof a->ack_key);
    *h = a->self;
    if (attempts_await_ack(t, a->self, deadline, NULL) != 0) {
        attempts_free(t, a->self);
        return -1;
    }
    return 0;
}

/* The loop's turn after a wake-up: every done attempt is handed over (the finisher would
 * run here) and settled; returns how many, the last one's owner in *owner. */
static int collect(struct attempts *t, void **owner)
{
    struct attempt_handle done[ATTEMPTS_MAX];
    int i, n = attempts_collect(t, done, ATTEMPTS_MAX);
    for (i = 0; i < n; i++) {
        assert_int_equal(attempts_state(t, done[i]), ATTEMPT_DECIDING);
        *owner = attempts_settle(t, done[i]);
    }
    return n;
}

static void test_ack_flow(void **state)
{
    struct attempts t;
    struct attempt_handle h1 = {-1, 0}, h2 = {-1, 0};
    struct action_outcome out;
    int owner1, owner2;
    void *owner = NULL;
    (void)state;
    wakes = 0;
    assert_int_equal(attempts_init(&t, on_wake, NULL), 0);
    assert_int_equal(add(&t, ID1, "alice", "door1", 2500, &owner1, &h1), 0);
    assert_int_equal(add(&t, ID2, "bob", "door2", 2000, &owner2, &h2), 0);
    assert_int_equal(attempts_next_deadline(&t), 2000);
    assert_int_equal(attempts_take(&t, h1, &out), ATTEMPT_AWAITING_ACK); /* still waiting */
    assert_int_equal(signed_ack(&t, ID1, "door2", 1, NULL), -1);         /* wrong door */
    assert_int_equal(signed_ack(&t, ID1, "door1", 1, NULL), 0);
    assert_int_equal(signed_ack(&t, ID1, "door1", 1, NULL), -1); /* duplicate */
    assert_int_equal(wakes, 1);
    assert_int_equal(collect(&t, &owner), 1);
    assert_ptr_equal(owner, &owner1);
    assert_string_equal(attempts_get(&t, h1)->rec.user, "alice");
    assert_int_equal(attempts_take(&t, h1, &out), ATTEMPT_FINISHED);
    assert_int_equal(out.result, GW_OPENED);
    assert_int_equal(attempts_take(&t, h1, &out), ATTEMPT_FREE);         /* gone */

    assert_int_equal(attempts_expire(&t, 1999), 0);
    assert_int_equal(attempts_expire(&t, 2000), 1);
    assert_int_equal(collect(&t, &owner), 1);
    assert_int_equal(attempts_take(&t, h2, &out), ATTEMPT_FINISHED);
    assert_int_equal(out.result, GW_NOT_CONFIRMED);
    assert_string_equal(out.reason, "timeout");
    assert_int_equal(attempts_next_deadline(&t), -1);
    attempts_destroy(&t);
}

static void test_rejected_and_fail(void **state)
{
    struct attempts t;
    struct attempt_handle h = {-1, 0};
    struct action_outcome out;
    int owner;
    void *got = NULL;
    (void)state;
    assert_int_equal(attempts_init(&t, on_wake, NULL), 0);
    assert_int_equal(add(&t, ID1, "alice", "door1", 100, &owner, &h), 0);
    assert_int_equal(signed_ack(&t, ID1, "door1", 0, "expired"), 0);
    assert_int_equal(collect(&t, &got), 1);
    assert_int_equal(attempts_take(&t, h, &out), ATTEMPT_FINISHED);
    assert_int_equal(out.result, GW_REJECTED);
    assert_string_equal(out.reason, "expired");

    assert_int_equal(add(&t, ID1, "alice", "door1", 100, &owner, &h), 0);
    attempts_fail(&t, h, GW_BROKER_UNAVAILABLE, "publish-refused");
    assert_int_equal(signed_ack(&t, ID1, "door1", 1, NULL), -1); /* too late */
    assert_int_equal(collect(&t, &got), 1);
    assert_int_equal(attempts_take(&t, h, &out), ATTEMPT_FINISHED);
    assert_int_equal(out.result, GW_BROKER_UNAVAILABLE);
    attempts_destroy(&t);
}

static void test_orphan_and_stale(void **state)
{
    struct attempts t;
    struct attempt_handle h = {-1, 0}, h2 = {-1, 0}, done = {-1, 0};
    struct action_outcome out;
    int owner;
    void *got = &owner;
    (void)state;
    assert_int_equal(attempts_init(&t, NULL, NULL), 0);
    assert_int_equal(add(&t, ID1, "alice", "door1", 100, &owner, &h), 0);
    attempts_detach(&t, h);
    assert_int_equal(signed_ack(&t, ID1, "door1", 1, NULL), 0);
    assert_int_equal(attempts_collect(&t, &done, 1), 1);
    assert_null(attempts_get(&t, done)->owner);
    assert_string_equal(attempts_get(&t, done)->rec.cmd_id, ID1);
    assert_null(attempts_settle(&t, done)); /* nobody waits: freed */
    assert_int_equal(attempts_state(&t, h), ATTEMPT_FREE);
    /* the slot is reused: the old handle must not reach the new attempt */
    assert_int_equal(add(&t, ID2, "bob", "door1", 100, &owner, &h2), 0);
    assert_int_equal(h2.slot, h.slot);
    assert_int_equal(attempts_take(&t, h, &out), ATTEMPT_FREE);
    attempts_detach(&t, h); /* no effect on the new attempt */
    assert_int_equal(signed_ack(&t, ID2, "door1", 1, NULL), 0);
    assert_int_equal(collect(&t, &got), 1);
    assert_ptr_equal(got, &owner);
    attempts_destroy(&t);
}

static void test_waiting_owners(void **state)
{
    struct attempts t;
    struct attempt_handle h1 = {-1, 0}, h2 = {-1, 0}, h3 = {-1, 0};
    void *owners[ATTEMPTS_MAX];
    int owner1, owner2, owner3;
    (void)state;
    assert_int_equal(attempts_init(&t, on_wake, NULL), 0);
    assert_int_equal(attempts_waiting_owners(&t, owners, ATTEMPTS_MAX), 0);
    assert_int_equal(add(&t, ID1, "alice", "door1", 100, &owner1, &h1), 0);
    assert_int_equal(add(&t, ID2, "bob", "door2", 100, &owner2, &h2), 0);
    assert_int_equal(add(&t, "0000000000000000000000000000000a", "carol", "door1", 100, &owner3,
                         &h3), 0);
    attempts_detach(&t, h2);                                      /* gone: not held */
    assert_int_equal(signed_ack(&t, ID1, "door1", 1, NULL), 0);   /* done: not waiting */
    assert_int_equal(attempts_waiting_owners(&t, owners, ATTEMPTS_MAX), 1);
    assert_ptr_equal(owners[0], &owner3);
    assert_int_equal(attempts_waiting_owners(&t, owners, 0), 0);  /* cap respected */
    attempts_destroy(&t);
}

/* Each stage has its bound; a new attempt still finds a slot when both are full. */
static void test_full(void **state)
{
    struct attempts t;
    struct attempt_handle h = {-1, 0};
    struct attempt *a;
    int i, owner;
    (void)state;
    assert_int_equal(attempts_init(&t, NULL, NULL), 0);
    for (i = 0; i < ATTEMPTS_ACK_MAX; i++)
        assert_int_equal(add(&t, ID1, "a", "d", 10, &owner, &h), 0);
    assert_int_equal(add(&t, ID1, "a", "d", 10, &owner, &h), -1);
    assert_int_equal(attempts_room(&t, "b", "e", NULL), ROOM_GATEWAY_FULL);
    for (i = 0; i < ATTEMPTS_PIN_MAX; i++) {
        a = attempts_new(&t);
        assert_non_null(a);
        assert_int_equal(attempts_check_pin(&t, a->self), 0);
    }
    a = attempts_new(&t);
    assert_non_null(a);
    assert_int_equal(attempts_check_pin(&t, a->self), -1);
    assert_int_equal(attempts_state(&t, a->self), ATTEMPT_DECIDING);
    assert_null(attempts_new(&t));
    attempts_destroy(&t);
}

/* A fresh attempt of user on door, waiting under lim: what attempts_await_ack answered. */
static int add_limited(struct attempts *t, const char *user, const char *door,
                       const struct attempt_limits *lim, struct attempt_handle *h)
{
    struct attempt *a = attempts_new(t);
    int rc;
    assert_non_null(a);
    strcpy(a->rec.cmd_id, ID1);
    strcpy(a->rec.user, user);
    strcpy(a->rec.door, door);
    *h = a->self;
    rc = attempts_await_ack(t, a->self, 10, lim);
    if (rc != 0) {
        assert_int_equal(attempts_state(t, a->self), ATTEMPT_DECIDING); /* unchanged */
        attempts_free(t, a->self);
    }
    return rc;
}

/* Waiting is bounded per user and per door; the user's bound is named first; a place comes
 * back when an attempt ends; the table's bound still holds under large limits. */
static void test_user_and_door_bounds(void **state)
{
    struct attempt_limits lim = {2, 3}, wide = {ATTEMPTS_ACK_MAX, ATTEMPTS_ACK_MAX};
    struct attempts t;
    struct attempt_handle h, first;
    int i;
    (void)state;
    assert_int_equal(attempts_init(&t, NULL, NULL), 0);

    assert_int_equal(attempts_room(&t, "guest", "shed", &lim), ROOM_FREE);
    assert_int_equal(add_limited(&t, "guest", "shed", &lim, &first), 0);
    assert_int_equal(add_limited(&t, "guest", "shed", &lim, &h), 0);
    assert_int_equal(attempts_room(&t, "guest", "shed", &lim), ROOM_USER_FULL);
    assert_int_equal(add_limited(&t, "guest", "shed", &lim, &h), ROOM_USER_FULL);
    assert_int_equal(add_limited(&t, "guest", "front", &lim, &h), ROOM_USER_FULL); /* any door */
    /* Others still get in, on the same door up to its bound, elsewhere freely. */
    assert_int_equal(attempts_room(&t, "owner", "front", &lim), ROOM_FREE);
    assert_int_equal(add_limited(&t, "gina", "shed", &lim, &h), 0);
    assert_int_equal(add_limited(&t, "owner", "shed", &lim, &h), ROOM_DOOR_FULL);
    assert_int_equal(attempts_room(&t, "guest", "shed", &lim), ROOM_USER_FULL); /* user first */
    assert_int_equal(add_limited(&t, "owner", "front", &lim, &h), 0);
    /* NULL: only the table's bound. */
    assert_int_equal(attempts_room(&t, "guest", "shed", NULL), ROOM_FREE);

    /* The guest's first attempt ends (timeout) and is finished: its place is free again. */
    assert_int_equal(attempts_expire(&t, 5), 0);
    attempts_fail(&t, first, GW_NOT_CONFIRMED, "timeout");
    assert_int_equal(attempts_room(&t, "guest", "front", &lim), ROOM_FREE); /* DONE: not waiting */
    {
        struct attempt_handle done[ATTEMPTS_MAX];
        assert_int_equal(attempts_collect(&t, done, ATTEMPTS_MAX), 1);
        attempts_free(&t, done[0]);
    }
    assert_int_equal(add_limited(&t, "guest", "front", &lim, &h), 0);
    assert_int_equal(add_limited(&t, "guest", "front", &lim, &h), ROOM_USER_FULL);

    /* Limits as large as the table: the table's bound answers. */
    for (i = 0; attempts_room(&t, "many", "many", &wide) == ROOM_FREE && i < ATTEMPTS_ACK_MAX; i++)
        assert_int_equal(add_limited(&t, "many", "many", &wide, &h), 0);
    assert_int_equal(i, ATTEMPTS_ACK_MAX - 4);
    assert_int_equal(add_limited(&t, "many", "many", &wide, &h), ROOM_GATEWAY_FULL);
    attempts_destroy(&t);
}

/* One handle from the PIN check to the owner's take; a refused publish goes back. */
static void test_states(void **state)
{
    struct attempts t;
    struct action_outcome out;
    struct attempt *a;
    struct attempt_handle h;
    int owner;
    void *got = NULL;
    (void)state;
    assert_int_equal(attempts_init(&t, NULL, NULL), 0);
    a = attempts_new(&t);
    h = a->self;
    a->owner = &owner;
    strcpy(a->rec.door, "door1");
    strcpy(a->rec.cmd_id, ID1);
    a->has_ack_key = 1;
    memcpy(a->ack_key, test_ack_pub, sizeof a->ack_key);
    assert_int_equal(attempts_state(&t, h), ATTEMPT_DECIDING);
    assert_int_equal(attempts_check_pin(&t, h), 0);
    assert_int_equal(attempts_take(&t, h, &out), ATTEMPT_CHECKING_PIN);
    assert_int_equal(attempts_await_ack(&t, h, 100, NULL), -1); /* not while the PIN is checked */
    attempts_decide(&t, h);
    assert_int_equal(attempts_await_ack(&t, h, 100, NULL), 0);
    attempts_withdraw(&t, h);
    assert_int_equal(attempts_state(&t, h), ATTEMPT_DECIDING);
    assert_int_equal(signed_ack(&t, ID1, "door1", 1, NULL), -1); /* withdrawn: not waiting */
    assert_int_equal(attempts_await_ack(&t, h, 100, NULL), 0);
    assert_int_equal(signed_ack(&t, ID1, "door1", 1, NULL), 0);
    assert_int_equal(attempts_state(&t, h), ATTEMPT_DONE);
    assert_int_equal(collect(&t, &got), 1);
    assert_ptr_equal(got, &owner);
    assert_int_equal(attempts_state(&t, h), ATTEMPT_FINISHED);
    attempts_detach(&t, h); /* a finished attempt nobody takes is freed */
    assert_int_equal(attempts_state(&t, h), ATTEMPT_FREE);
    attempts_destroy(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ack_flow),
        cmocka_unit_test(test_rejected_and_fail),
        cmocka_unit_test(test_orphan_and_stale),
        cmocka_unit_test(test_waiting_owners),
        cmocka_unit_test(test_full),
        cmocka_unit_test(test_user_and_door_bounds),
        cmocka_unit_test(test_states),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
