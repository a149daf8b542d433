/* test_pin_worker.c - the PIN-check thread: verdicts for right, wrong and malformed PINs
 * come back with their context after a wake-up; one check per user at a time; a full
 * table refuses; stop() returns with jobs still queued and wipes them. Every wait is
 * bounded (10 s). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "pin_worker.h"

static struct pepper pep;
static char good[PIN_HASH_MAX];
static atomic_int wakes;

struct got {
    int n;
    void *ctx[PIN_WORKER_SLOTS];
    char user[PIN_WORKER_SLOTS][LK_BY_MAX + 1];
    enum pin_verify v[PIN_WORKER_SLOTS];
};

static void on_wake(void *arg)
{
    (void)arg;
    atomic_fetch_add(&wakes, 1);
}

static void on_done(void *arg, void *ctx, const char *user, enum pin_verify v)
{
    struct got *g = arg;
    assert_true(g->n < PIN_WORKER_SLOTS);
    g->ctx[g->n] = ctx;
    snprintf(g->user[g->n], sizeof g->user[0], "%s", user);
    g->v[g->n] = v;
    g->n++;
}

/* Collects until want verdicts are in; fails after 10 s. */
static void collect(struct pin_worker *w, struct got *g, int want)
{
    struct timespec pause = {0, 5 * 1000 * 1000};
    int i;
    for (i = 0; i < 2000 && g->n < want; i++) {
        (void)pin_worker_collect(w, on_done, g);
        if (g->n < want)
            nanosleep(&pause, NULL);
    }
    assert_int_equal(g->n, want);
}

static int setup(void **state)
{
    size_t i;
    (void)state;
    for (i = 0; i < PEPPER_LEN; i++)
        pep.key[i] = (unsigned char)(i * 5 + 3);
    return pin_hash_create(&pep, "246810", good, sizeof good);
}

static void test_verdicts(void **state)
{
    struct pin_worker w;
    struct got g;
    int a = 1, b = 2, c = 3;
    (void)state;
    memset(&g, 0, sizeof g);
    atomic_store(&wakes, 0);
    assert_int_equal(pin_worker_start(&w, &pep, on_wake, NULL), 0);
    assert_int_equal(pin_worker_submit(&w, "alice", "246810", good, &a), PIN_SUBMITTED);
    assert_int_equal(pin_worker_submit(&w, "bob", "246811", good, &b), PIN_SUBMITTED);
    assert_int_equal(pin_worker_submit(&w, "carol", "1234", "$scrypt$nonsense", &c), PIN_SUBMITTED);
    collect(&w, &g, 3);
    /* the table is scanned by slot, and jobs run oldest first: both orders give slot order */
    assert_ptr_equal(g.ctx[0], &a);
    assert_string_equal(g.user[0], "alice");
    assert_int_equal(g.v[0], PIN_MATCH);
    assert_ptr_equal(g.ctx[1], &b);
    assert_int_equal(g.v[1], PIN_MISMATCH);
    assert_ptr_equal(g.ctx[2], &c);
    assert_int_equal(g.v[2], PIN_HASH_INVALID);
    assert_true(atomic_load(&wakes) >= 1);
    assert_int_equal(pin_worker_busy(&w), 0);
    assert_int_equal(pin_worker_collect(&w, on_done, &g), 0); /* each verdict once */
    pin_worker_stop(&w);
}

static void test_one_per_user_and_full(void **state)
{
    struct pin_worker w;
    struct got g;
    char name[16];
    int i, ctx[PIN_WORKER_SLOTS + 1];
    (void)state;
    memset(&g, 0, sizeof g);
    assert_int_equal(pin_worker_start(&w, &pep, on_wake, NULL), 0);
    assert_int_equal(pin_worker_submit(&w, "u0", "246810", good, &ctx[0]), PIN_SUBMITTED);
    /* a second check of u0 while the first is queued or running */
    assert_int_equal(pin_worker_submit(&w, "u0", "246811", good, &ctx[0]), PIN_SUBMIT_USER_BUSY);
    for (i = 1; i < PIN_WORKER_SLOTS; i++) {
        snprintf(name, sizeof name, "u%d", i);
        assert_int_equal(pin_worker_submit(&w, name, "246811", good, &ctx[i]), PIN_SUBMITTED);
    }
    assert_int_equal(pin_worker_submit(&w, "late", "246810", good, &ctx[PIN_WORKER_SLOTS]),
                     PIN_SUBMIT_FULL);
    assert_true(pin_worker_busy(&w) > 0);
    /* Strings that do not fit a slot are refused, not truncated. */
    assert_int_equal(pin_worker_submit(&w, "x", "1234567890123", good, NULL), PIN_SUBMIT_INVALID);
    assert_int_equal(pin_worker_submit(&w, NULL, "1234", good, NULL), PIN_SUBMIT_INVALID);
    /* Stop with most jobs still queued: returns after at most the check under way. */
    pin_worker_stop(&w);
    for (i = 0; i < PIN_WORKER_SLOTS; i++)
        assert_int_equal(w.jobs[i].state, PIN_JOB_FREE);
    pin_worker_stop(&w); /* twice is harmless */
}

static void test_user_free_again_after_verdict(void **state)
{
    struct pin_worker w;
    struct got g;
    int a = 1;
    (void)state;
    memset(&g, 0, sizeof g);
    assert_int_equal(pin_worker_start(&w, &pep, NULL, NULL), 0);
    assert_int_equal(pin_worker_submit(&w, "dave", "000000", good, &a), PIN_SUBMITTED);
    collect(&w, &g, 1);
    assert_int_equal(g.v[0], PIN_MISMATCH);
    assert_int_equal(pin_worker_submit(&w, "dave", "246810", good, &a), PIN_SUBMITTED);
    collect(&w, &g, 2);
    assert_int_equal(g.v[1], PIN_MATCH);
    pin_worker_stop(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verdicts),
        cmocka_unit_test(test_one_per_user_and_full),
        cmocka_unit_test(test_user_free_again_after_verdict),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
