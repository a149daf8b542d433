/* test_admin_ops.c - the admin page's PIN check (gateway/core/admin_ops.c) with fake ports
 * and the real store, PIN cache and scrypt PIN worker: a PIN the cache does not know goes to
 * the worker (the loop only submits it) and the change is applied when the owner takes the
 * verdict; the PIN then cached is answered at once; a wrong PIN whose requester went away
 * still counts toward the lockout and changes nothing; a stale handle is refused. Every
 * wait is bounded (10 s). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "action.h"
#include "admin_ops.h"
#include "fake_ports.h"
#include "users.h"

#define PIN "246802"

static char dir[] = "/tmp/lk-admin-ops-XXXXXX";
static struct conf conf;
static struct gw_app app;
static struct fake_ports fake;
static atomic_int worker_wakes;
static int owner; /* the requester (an HTTP connection in the gateway) */
static const struct admin_op disable = {"disable", "gina", NULL, NULL, NULL, NULL, NULL, NULL};

static void on_worker_wake(void *arg)
{
    (void)arg;
    atomic_fetch_add(&worker_wakes, 1);
}

static int group_setup(void **state)
{
    char path[128], err[512] = "";
    struct user_rec u;
    (void)state;
    if (mkdtemp(dir) == NULL)
        return -1;
    snprintf(conf.command.site, sizeof conf.command.site, "home");
    strcpy(conf.doors[0].name, "door1");
    conf.n_doors = 1;
    app.conf = &conf;
    memset(app.pepper.key, 0x33, sizeof app.pepper.key);
    snprintf(path, sizeof path, "%s/gw.sqlite", dir);
    app.store = store_open(path, 100, err, sizeof err);
    memset(&u, 0, sizeof u);
    if (app.store == NULL ||
        pin_hash_create(&app.pepper, PIN, u.pin_hash, sizeof u.pin_hash) != 0 ||
        pin_cache_init(&app.pin_cache, 300) != 0 ||
        attempts_init(&app.attempts, on_worker_wake, NULL) != 0 ||
        pin_worker_start(&app.pins, &app.pepper, on_worker_wake, NULL) != 0) {
        (void)fprintf(stderr, "setup: %s\n", err);
        return -1;
    }
    snprintf(u.doors, sizeof u.doors, "door1");
    u.enabled = 1;
    snprintf(u.name, sizeof u.name, "adele");
    u.admin = 1;
    if (users_add(app.store, &u, 1000) != 0)
        return -1;
    snprintf(u.name, sizeof u.name, "gina");
    u.admin = 0;
    return users_add(app.store, &u, 1000) == 0 ? 0 : -1;
}

static int group_teardown(void **state)
{
    char cmd[256];
    (void)state;
    pin_worker_stop(&app.pins);
    attempts_destroy(&app.attempts);
    store_close(app.store);
    snprintf(cmd, sizeof cmd, "rm -rf -- '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* The loop after the worker's wake-up: the job is done, the loop collects its verdict. */
static void await_verdict(void)
{
    struct timespec pause = {0, 5 * 1000 * 1000};
    int i;
    for (i = 0; i < 2000 && pin_worker_busy(&app.pins) > 0; i++)
        nanosleep(&pause, NULL);
    assert_int_equal(pin_worker_busy(&app.pins), 0);
    atomic_store(&worker_wakes, 0);
    action_collect(&app);
}

static int enabled(const char *name)
{
    struct user_rec u;
    assert_int_equal(users_get(app.store, name, &u), 1);
    return u.enabled;
}

static void test_pin_on_the_worker(void **state)
{
    struct admin_op enable = {"enable", "gina", NULL, NULL, NULL, NULL, NULL, NULL};
    struct admin_handle h, stale;
    enum gw_result r;
    char msg[256];
    int rc;
    (void)state;
    fake_ports_init(&fake, &app.ports);

    /* Not cached: the loop only hands the PIN to the worker; nothing is changed yet. */
    assert_int_equal(
        admin_start(&app, "adele", PIN, &disable, &owner, &h, &rc, &r, msg, sizeof msg),
        ADMIN_CHECKING_PIN);
    assert_int_equal(pin_worker_busy(&app.pins), 1);
    assert_int_equal(admin_take(&app, h, &disable, &rc, &r, msg, sizeof msg), ADMIN_CHECKING_PIN);
    assert_int_equal(enabled("gina"), 1);
    await_verdict();
    assert_int_equal(fake.owner_wakes, 1);
    assert_ptr_equal(fake.last_owner, &owner);
    assert_int_equal(admin_take(&app, h, &disable, &rc, &r, msg, sizeof msg), ADMIN_ANSWERED);
    assert_int_equal(rc, 0);
    assert_string_equal(msg, "gina is disabled.");
    assert_int_equal(enabled("gina"), 0);
    stale = h;
    assert_int_equal(admin_take(&app, stale, &disable, &rc, &r, msg, sizeof msg), ADMIN_ANSWERED);
    assert_int_equal(rc, -1);

    /* Now cached: answered at once, no job. */
    assert_int_equal(admin_start(&app, "adele", PIN, &enable, &owner, &h, &rc, &r, msg, sizeof msg),
                     ADMIN_ANSWERED);
    assert_int_equal(rc, 0);
    assert_int_equal(pin_worker_busy(&app.pins), 0);
    assert_int_equal(enabled("gina"), 1);
}

static void test_wrong_pin_requester_gone(void **state)
{
    struct admin_handle h;
    struct user_rec u;
    enum gw_result r;
    char msg[256];
    int rc;

    (void)state;
    fake_ports_init(&fake, &app.ports);
    assert_int_equal(
        admin_start(&app, "adele", "999999", &disable, &owner, &h, &rc, &r, msg, sizeof msg),
        ADMIN_CHECKING_PIN);
    admin_detach(&app, h);
    await_verdict();
    assert_int_equal(fake.owner_wakes, 0);
    assert_int_equal(users_get(app.store, "adele", &u), 1);
    assert_int_equal(u.failed, 1);
    assert_int_equal(enabled("gina"), 1);
    assert_int_equal(admin_take(&app, h, &disable, &rc, &r, msg, sizeof msg), ADMIN_ANSWERED);
    assert_int_equal(rc, -1);

    /* With the requester still there: wrong-pin, nothing changed. */
    assert_int_equal(
        admin_start(&app, "adele", "999998", &disable, &owner, &h, &rc, &r, msg, sizeof msg),
        ADMIN_CHECKING_PIN);
    await_verdict();
    assert_int_equal(admin_take(&app, h, &disable, &rc, &r, msg, sizeof msg), ADMIN_ANSWERED);
    assert_int_equal(rc, -1);
    assert_int_equal(r, GW_WRONG_PIN);
    assert_int_equal(enabled("gina"), 1);
    /* A non-admin changes nothing, before any PIN is tried. */
    assert_int_equal(admin_start(&app, "gina", PIN, &disable, &owner, &h, &rc, &r, msg, sizeof msg),
                     ADMIN_ANSWERED);
    assert_int_equal(r, GW_FORBIDDEN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pin_on_the_worker),
        cmocka_unit_test(test_wrong_pin_requester_gone),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
