/* test_action.c - the decision on a door action (gateway/core/action.c) with fake ports
 * (fake_ports.h) and the real rest of the core: a SQLite store on a temporary file, the
 * scrypt PIN worker thread, the PIN cache, an Ed25519 command key. Every path out of
 * action_start: refusals (unknown user, door not configured or not the user's, missing
 * field, lockout), wrong PIN (and the lockout it leads to), busy, broker down or refusing,
 * the device's ack (opened, rejected), the timeout, a requester gone during the PIN check,
 * audit failures (nothing sent), and the bounds of waiting actions per user, per door and in
 * all (busy-user, busy-door, busy-gateway: answered at once, before the PIN, or after it). Each outcome is finished exactly once: one audit row,
 * one notification. Every wait is bounded (10 s). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "action.h"
#include "audit.h"
#include "door_status.h"
#include "fake_ports.h"
#include "signed_ack.h"
#include "lockout.h"
#include "metrics.h"
#include "sched_store.h"
#include "site_tz.h"
#include "users.h"

#define PIN "135790"

static char dir[] = "/tmp/lk-action-XXXXXX";
static struct conf conf;
static struct gw_app app;
static struct fake_ports fake;
static atomic_int worker_wakes;
static int owner; /* the requester's identity (an HTTP connection in the gateway) */

static void on_worker_wake(void *arg)
{
    (void)arg;
    atomic_fetch_add(&worker_wakes, 1);
}

static void add_user(const char *name, const char *doors, const char *phc)
{
    struct user_rec u;
    memset(&u, 0, sizeof u);
    snprintf(u.name, sizeof u.name, "%s", name);
    snprintf(u.pin_hash, sizeof u.pin_hash, "%s", phc);
    snprintf(u.doors, sizeof u.doors, "%s", doors);
    u.enabled = 1;
    assert_int_equal(users_add(app.store, &u, 1000), 0);
}

static int group_setup(void **state)
{
    char path[128], err[512] = "", phc[PIN_HASH_MAX];
    (void)state;
    if (mkdtemp(dir) == NULL)
        return -1;
    snprintf(conf.command.site, sizeof conf.command.site, "home");
    conf.command.ttl = 30;
    conf.mqtt.ack_timeout_ms = 5000;
    conf.mqtt.max_waiting_per_user = CONF_WAITING_DEFAULT;
    conf.mqtt.max_waiting_per_door = CONF_WAITING_DEFAULT;
    strcpy(conf.doors[0].name, "door1");
    strcpy(conf.doors[1].name, "door2");
    conf.n_doors = 2;
    conf.doors[0].has_ack_key = conf.doors[1].has_ack_key = 1;
    memcpy(conf.doors[0].ack_key, test_ack_pub, sizeof conf.doors[0].ack_key);
    memcpy(conf.doors[1].ack_key, test_ack_pub, sizeof conf.doors[1].ack_key);
    app.conf = &conf;
    memset(app.pepper.key, 0x5a, sizeof app.pepper.key);
    snprintf(path, sizeof path, "%s/gw.sqlite", dir);
    app.store = store_open(path, 100, err, sizeof err);
    app.cmd_key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    if (app.store == NULL || app.cmd_key == NULL ||
        pin_hash_create(&app.pepper, PIN, phc, sizeof phc) != 0 ||
        pin_cache_init(&app.pin_cache, 300) != 0 ||
        attempts_init(&app.attempts, on_worker_wake, NULL) != 0 ||
        pin_worker_start(&app.pins, &app.pepper, on_worker_wake, NULL) != 0) {
        (void)fprintf(stderr, "setup: %s\n", err);
        return -1;
    }
    add_user("alice", "door1", phc);
    add_user("bob", "door1", phc);
    add_user("carol", "door1", phc);
    add_user("dave", "door1", phc);
    add_user("erin", "door1", phc);
    add_user("guest", "door2", phc);
    add_user("gina", "door2", phc);
    add_user("owner", "door1,door2", phc);
    add_user("house", "door1", phc);
    snprintf(conf.ha.identity, sizeof conf.ha.identity, "house");
    add_user("sara", "door1", phc);
    add_user("tess", "door1", phc);
    add_user("sam", "door1", phc);
    return 0;
}

static int group_teardown(void **state)
{
    char cmd[256];
    (void)state;
    pin_worker_stop(&app.pins);
    attempts_destroy(&app.attempts);
    store_close(app.store);
    EVP_PKEY_free(app.cmd_key);
    snprintf(cmd, sizeof cmd, "rm -rf -- '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static int setup(void **state)
{
    (void)state;
    fake_ports_init(&fake, &app.ports);
    return 0;
}

static int start(const char *user, const char *door, const char *pin, struct attempt_handle *h,
                 struct action_outcome *out)
{
    struct action_request req = {user, door, pin, "1ABA", "127.0.0.1", &owner, 0, 0};
    return action_start(&app, &req, h, out);
}

/* The loop after the PIN worker's wake-up: collects until the attempt left the PIN stage. */
static void await_verdict(struct attempt_handle h)
{
    struct timespec pause = {0, 5 * 1000 * 1000};
    int i;
    for (i = 0; i < 2000 && attempts_state(&app.attempts, h) == ATTEMPT_CHECKING_PIN; i++) {
        if (atomic_load(&worker_wakes) > 0) {
            atomic_store(&worker_wakes, 0);
            action_collect(&app);
        } else {
            nanosleep(&pause, NULL);
        }
    }
    assert_true(attempts_state(&app.attempts, h) != ATTEMPT_CHECKING_PIN);
}

/* The owner's take after a wake-up: the attempt is finished with result r. */
static void expect_taken(struct attempt_handle h, enum gw_result r, const char *reason,
                         struct action_outcome *out)
{
    assert_ptr_equal(fake.last_owner, &owner);
    assert_int_equal(action_take(&app, h, out), ACTION_ANSWERED);
    assert_int_equal(out->result, r);
    assert_string_equal(out->reason, reason);
    assert_int_equal(action_take(&app, h, out), -1); /* freed */
}

/* The attempt h waits on for ms - 1 and ends with r and reason at ms (its deadline). */
static void expire_after(struct attempt_handle h, int64_t ms, enum gw_result r, const char *reason,
                         struct action_outcome *out)
{
    fake.now_ms += ms - 1;
    action_expire(&app);
    assert_int_equal(action_take(&app, h, out), ACTION_AWAITING_ACK);
    fake.now_ms += 1;
    action_expire(&app);
    expect_taken(h, r, reason, out);
}

struct rows {
    int n;
    struct audit_rec last;
};

static int count_row(void *arg, const struct audit_rec *r)
{
    struct rows *rows = arg;
    rows->n++;
    rows->last = *r;
    return 0;
}

/* How many audit rows user has; *last is the newest. */
static int rows_of(const char *user, struct audit_rec *last)
{
    struct rows rows = {0};
    assert_int_equal(audit_query(app.store, 0, user, 0, 1000, count_row, &rows), 0);
    if (last != NULL)
        *last = rows.last;
    return rows.n;
}

/* A right PIN through scrypt: alice's is then remembered by the cache. */
static void right_pin_checked(const char *user, struct attempt_handle *h)
{
    struct action_outcome out;
    assert_int_equal(start(user, "door1", PIN, h, &out), ACTION_CHECKING_PIN);
    assert_int_equal(fake.results, 0);
    await_verdict(*h);
}

static void test_refusals(void **state)
{
    struct attempt_handle h;
    struct action_outcome out;
    struct audit_rec rec;
    int before = rows_of("alice", NULL);
    (void)state;

    assert_int_equal(start("mallory", "door1", PIN, &h, &out), ACTION_ANSWERED);
    assert_int_equal(out.result, GW_FORBIDDEN);
    assert_string_equal(out.reason, "unknown-user");
    assert_int_equal(start("alice", "door2", PIN, &h, &out), ACTION_ANSWERED);
    assert_int_equal(out.result, GW_FORBIDDEN);
    assert_string_equal(out.reason, "door-not-allowed");
    assert_string_equal(out.detail, "This door is not one of yours.");
    assert_int_equal(start("alice", "door9", PIN, &h, &out), ACTION_ANSWERED);
    assert_int_equal(out.result, GW_BAD_REQUEST);
    assert_string_equal(out.reason, "unknown-door");
    assert_int_equal(start("alice", NULL, PIN, &h, &out), ACTION_ANSWERED);
    assert_string_equal(out.reason, "missing-field");
    assert_string_equal(out.door, "?");
    assert_int_equal(fake.results, 4);
    assert_int_equal(fake.published, 0);
    assert_int_equal(h.slot, -1);
    assert_int_equal(rows_of("alice", &rec), before + 3);
    assert_string_equal(rec.result, "bad-request");
    assert_string_equal(rec.reason, "missing-field");
    assert_string_equal(rec.peer, "127.0.0.1");
}

static void test_wrong_pin_then_lockout(void **state)
{
    struct attempt_handle h;
    struct action_outcome out;
    struct audit_rec rec;
    struct user_rec u;
    int64_t until = 0;
    int i;
    (void)state;

    assert_int_equal(start("bob", "door1", "000000", &h, &out), ACTION_CHECKING_PIN);
    await_verdict(h);
    assert_int_equal(fake.owner_wakes, 1);
    expect_taken(h, GW_WRONG_PIN, "wrong-pin", &out);
    assert_int_equal(out.tries_left, LOCKOUT_THRESHOLD - 1); /* the page says how many */
    assert_int_equal(out.locked_until, 0);
    assert_int_equal(fake.results, 1);
    assert_int_equal(fake.last_result, GW_WRONG_PIN);
    assert_string_equal(fake.last_user, "bob");
    assert_int_equal(rows_of("bob", &rec), 1);
    assert_string_equal(rec.result, "wrong-pin");
    assert_int_equal(users_get(app.store, "bob", &u), 1);
    assert_int_equal(u.failed, 1);

    /* The wrong PIN that reaches the threshold locks, and says until when. */
    for (i = 1; i < LOCKOUT_THRESHOLD - 1; i++)
        assert_true(lockout_failure(app.store, "bob", fake.wall_ms / 1000, &until) >= 0);
    assert_int_equal(start("bob", "door1", "000000", &h, &out), ACTION_CHECKING_PIN);
    await_verdict(h);
    expect_taken(h, GW_WRONG_PIN, "wrong-pin-locked", &out);
    assert_string_equal(out.detail, "Locked after too many wrong PINs");
    assert_true(out.locked_until > fake.wall_ms / 1000); /* the page writes it in local time */
    assert_int_equal(out.tries_left, 0);

    /* Locked: refused before any PIN check, even with the right PIN. */
    assert_int_equal(start("bob", "door1", PIN, &h, &out), ACTION_ANSWERED);
    assert_int_equal(out.result, GW_LOCKED);
    assert_string_equal(out.reason, "locked");
    assert_true(out.locked_until > fake.wall_ms / 1000);
    assert_int_equal(pin_worker_busy(&app.pins), 0);
    assert_int_equal(fake.published, 0);
    assert_int_equal(fake.results, 3);
}

static void test_ack_ok_rejected_timeout(void **state)
{
    struct attempt_handle h;
    struct action_outcome out;
    struct audit_rec rec;
    struct attempt *a;
    char id[LK_ID_HEX_LEN + 1];
    (void)state;

    /* Through scrypt, published, acked ok. */
    right_pin_checked("alice", &h);
    assert_int_equal(fake.published, 1);
    assert_string_equal(fake.topic, "latchkey/home/door1/cmd");
    assert_ptr_not_equal(strstr(fake.payload, "\"by\":\"alice\""), NULL);
    assert_int_equal(fake.last_h.slot, h.slot);
    assert_int_equal(action_take(&app, h, &out), ACTION_AWAITING_ACK);
    assert_int_equal(fake.results, 0);
    a = attempts_get(&app.attempts, h);
    snprintf(id, sizeof id, "%s", a->rec.cmd_id);
    assert_int_equal(rows_of("alice", &rec), 1 + 3); /* test_refusals' three, then this */
    assert_string_equal(rec.result, "pending");
    assert_string_equal(rec.cmd_id, id);
    fake.now_ms += 300;
    assert_int_equal(signed_ack(&app.attempts, id, "door1", 1, NULL), 0); /* Paho's thread */
    action_collect(&app);
    expect_taken(h, GW_OPENED, "-", &out);
    assert_int_equal(fake.results, 1);
    assert_int_equal(fake.last_latency_ms, 300);
    assert_int_equal(rows_of("alice", &rec), 4); /* completed, not appended */
    assert_string_equal(rec.result, "opened");
    assert_int_equal(rec.latency_ms, 300);

    /* The PIN is remembered: published at once; the device refuses. */
    assert_int_equal(start("alice", "door1", PIN, &h, &out), ACTION_AWAITING_ACK);
    assert_int_equal(fake.published, 2);
    a = attempts_get(&app.attempts, h);
    assert_int_equal(signed_ack(&app.attempts, a->rec.cmd_id, "door1", 0, "expired"), 0);
    action_collect(&app);
    expect_taken(h, GW_REJECTED, "expired", &out);
    assert_string_equal(out.detail, "expired");
    assert_string_equal(fake.last_reason, "expired");

    /* No ack: the deadline ends it. */
    assert_int_equal(start("alice", "door1", PIN, &h, &out), ACTION_AWAITING_ACK);
    expire_after(h, conf.mqtt.ack_timeout_ms, GW_NOT_CONFIRMED, "timeout", &out);
    assert_int_equal(rows_of("alice", &rec), 6);
    assert_string_equal(rec.reason, "timeout");
    assert_int_equal(fake.results, 3);
    assert_true(fake.deadline_calls > 0);
}

static void test_broker_down(void **state)
{
    struct attempt_handle h;
    struct action_outcome out;
    struct audit_rec rec;
    (void)state;

    right_pin_checked("carol", &h); /* published */
    attempts_fail(&app.attempts, h, GW_NOT_CONFIRMED, "publish-failed"); /* after acceptance */
    action_collect(&app);
    expect_taken(h, GW_NOT_CONFIRMED, "publish-failed", &out);

    fake.ready = 0;
    assert_int_equal(start("carol", "door1", PIN, &h, &out), ACTION_ANSWERED);
    assert_int_equal(out.result, GW_BROKER_UNAVAILABLE);
    assert_string_equal(out.reason, "not-connected");
    assert_int_equal(rows_of("carol", &rec), 2);
    assert_string_equal(rec.cmd_id, ""); /* nothing was sent */

    fake.ready = 1;
    fake.refuse = 1;
    assert_int_equal(start("carol", "door1", PIN, &h, &out), ACTION_ANSWERED);
    assert_int_equal(out.result, GW_BROKER_UNAVAILABLE);
    assert_string_equal(out.reason, "publish-refused");
    assert_int_equal(rows_of("carol", &rec), 3);
    assert_string_equal(rec.result, "broker-unavailable"); /* the pending row, completed */
    assert_int_equal(attempts_next_deadline(&app.attempts), -1);
    assert_int_equal(fake.results, 3);
}

/* A door whose device said offline is answered at once: no PIN check, nothing signed or
 * sent, on record; back online, it opens again. */
static void test_offline_door(void **state)
{
    struct attempt_handle h;
    struct action_outcome out;
    struct audit_rec rec;
    int before = rows_of("carol", NULL);
    (void)state;

    assert_int_equal(door_status_availability("door1", "offline", 7), 0);
    assert_int_equal(start("carol", "door1", PIN, &h, &out), ACTION_ANSWERED);
    assert_int_equal(out.result, GW_OFFLINE);
    assert_string_equal(out.reason, "door-offline");
    assert_string_equal(out.door, "door1");
    assert_int_equal(pin_worker_busy(&app.pins), 0);
    assert_int_equal(fake.published, 0);
    assert_int_equal(rows_of("carol", &rec), before + 1);
    assert_string_equal(rec.result, "offline");
    assert_string_equal(gw_result_name(GW_OFFLINE), "offline");
    assert_int_equal(gw_result_http_status(GW_OFFLINE), 503);

    assert_int_equal(door_status_availability("door1", "online", 6), 0);
    if (start("carol", "door1", PIN, &h, &out) == ACTION_CHECKING_PIN) /* or cached */
        await_verdict(h);
    assert_int_equal(fake.published, 1);
}

static void test_busy_and_gone(void **state)
{
    struct attempt_handle h, h2;
    struct action_outcome out;
    struct audit_rec rec;
    struct pin_worker running = app.pins, parked;
    (void)state;

    /* A worker whose thread never runs: the first check stays queued. */
    memset(&parked, 0, sizeof parked);
    assert_int_equal(pthread_mutex_init(&parked.lock, NULL), 0);
    assert_int_equal(pthread_cond_init(&parked.cond, NULL), 0);
    app.pins = parked;
    assert_int_equal(start("dave", "door1", PIN, &h, &out), ACTION_CHECKING_PIN);
    assert_int_equal(start("dave", "door1", PIN, &h2, &out), ACTION_ANSWERED);
    assert_int_equal(out.result, GW_BUSY);
    assert_string_equal(out.reason, "pin-check-running");
    assert_int_equal(attempts_state(&app.attempts, h), ATTEMPT_CHECKING_PIN);
    attempts_free(&app.attempts, h); /* dropped with the parked worker */
    pthread_mutex_destroy(&app.pins.lock);
    pthread_cond_destroy(&app.pins.cond);
    app.pins = running;

    /* The requester goes away during the check: a right PIN opens nothing. */
    assert_int_equal(start("dave", "door1", PIN, &h, &out), ACTION_CHECKING_PIN);
    action_detach(&app, h);
    await_verdict(h);
    assert_int_equal(attempts_state(&app.attempts, h), ATTEMPT_FREE);
    assert_int_equal(fake.owner_wakes, 0);
    assert_int_equal(fake.published, 0);
    assert_int_equal(fake.last_result, GW_NOT_CONFIRMED);
    assert_int_equal(rows_of("dave", &rec), 2);
    assert_string_equal(rec.reason, "client-gone");
}

static void test_audit_failure(void **state)
{
    struct attempt_handle h;
    struct action_outcome out;
    (void)state;

    right_pin_checked("erin", &h); /* the PIN is remembered from here on */
    assert_int_equal(
        signed_ack(&app.attempts, attempts_get(&app.attempts, h)->rec.cmd_id, "door1", 1, NULL), 0);
    action_collect(&app);
    expect_taken(h, GW_OPENED, "-", &out);
    assert_int_equal(rows_of("erin", NULL), 1);
    fake.results = 0;

    assert_int_equal(store_exec(app.store, "CREATE TRIGGER full BEFORE INSERT ON audit "
                                           "BEGIN SELECT RAISE(ABORT, 'disk full'); END"), 0);
    /* The pending row cannot be written: nothing leaves. */
    assert_int_equal(start("erin", "door1", PIN, &h, &out), ACTION_ANSWERED);
    assert_int_equal(out.result, GW_AUDIT_UNAVAILABLE);
    assert_string_equal(out.reason, "audit-write-failed");
    assert_int_equal(fake.published, 1);
    /* A refusal that cannot be recorded says so too. */
    assert_int_equal(start("erin", "door2", PIN, &h, &out), ACTION_ANSWERED);
    assert_int_equal(out.result, GW_AUDIT_UNAVAILABLE);
    assert_string_equal(out.detail, "");
    assert_int_equal(fake.results, 2);
    assert_int_equal(fake.last_result, GW_AUDIT_UNAVAILABLE);
    assert_int_equal(store_exec(app.store, "DROP TRIGGER full"), 0);
    assert_int_equal(rows_of("erin", NULL), 1);
}

/* user's open of door, its PIN not remembered: checked by scrypt, then published. */
static void published_after_scrypt(const char *user, const char *door, struct attempt_handle *h)
{
    struct action_outcome out;
    int before = fake.published;
    assert_int_equal(start(user, door, PIN, h, &out), ACTION_CHECKING_PIN);
    await_verdict(*h);
    assert_int_equal(attempts_state(&app.attempts, *h), ATTEMPT_AWAITING_ACK);
    assert_int_equal(fake.published, before + 1);
}

static unsigned long long busy_count(const char *reason)
{
    struct metrics_snapshot m;
    int i;
    metrics_read(&m);
    for (i = 0; i < METRICS_BUSY_REASONS; i++)
        if (strcmp(metrics_busy_reasons[i], reason) == 0)
            return m.busy[i];
    fail_msg("no busy reason %s", reason);
    return 0;
}

/* An answer at once: busy for reason, nothing published, on record without a command id. */
static void expect_busy_now(const char *user, const char *door, const char *pin,
                            const char *reason, const char *detail_part)
{
    struct attempt_handle h;
    struct action_outcome out;
    struct audit_rec rec;
    int published = fake.published, rows = rows_of(user, NULL);
    unsigned long long counted = busy_count(reason);
    assert_int_equal(start(user, door, pin, &h, &out), ACTION_ANSWERED);
    assert_int_equal(out.result, GW_BUSY);
    assert_string_equal(out.reason, reason);
    assert_non_null(strstr(out.detail, detail_part));
    assert_int_equal(fake.published, published);
    assert_int_equal(fake.last_result, GW_BUSY);
    assert_string_equal(fake.last_reason, reason);
    assert_int_equal(rows_of(user, &rec), rows + 1);
    assert_string_equal(rec.result, "busy");
    assert_string_equal(rec.reason, reason);
    assert_string_equal(rec.cmd_id, "");
    assert_int_equal(busy_count(reason), counted + 1);
}

/* Every waiting attempt times out and its owner takes the outcome. */
static void expire_all(struct attempt_handle *hs, int n)
{
    struct action_outcome out;
    int i;
    fake.now_ms += conf.mqtt.ack_timeout_ms;
    action_expire(&app);
    for (i = 0; i < n; i++) {
        assert_int_equal(action_take(&app, hs[i], &out), ACTION_ANSWERED);
        assert_int_equal(out.result, GW_NOT_CONFIRMED);
    }
    assert_int_equal(attempts_next_deadline(&app.attempts), -1);
}

static void test_waiting_bounds(void **state)
{
    struct attempt_handle h, waiting[ATTEMPTS_ACK_MAX + 1];
    struct action_outcome out;
    struct audit_rec rec;
    struct user_rec u;
    int n = 0, i;
    (void)state;
    conf.mqtt.max_waiting_per_user = 2;
    conf.mqtt.max_waiting_per_door = 3;

    /* The owner's PIN is remembered from here on (door1 opened). */
    published_after_scrypt("owner", "door1", &h);
    assert_int_equal(
        signed_ack(&app.attempts, attempts_get(&app.attempts, h)->rec.cmd_id, "door1", 1, NULL), 0);
    action_collect(&app);
    expect_taken(h, GW_OPENED, "-", &out);

    /* The guest's door2 has no device: two opens wait, the third is busy-user at once,
     * before its PIN is looked at (a wrong one is not counted). */
    published_after_scrypt("guest", "door2", &waiting[n++]);
    assert_int_equal(start("guest", "door2", PIN, &waiting[n++], &out), ACTION_AWAITING_ACK);
    expect_busy_now("guest", "door2", PIN, "busy-user", "You already have 2 door actions waiting");
    expect_busy_now("guest", "door2", "000000", "busy-user", "Nothing was sent");
    assert_int_equal(users_get(app.store, "guest", &u), 1);
    assert_int_equal(u.failed, 0);
    assert_int_equal(pin_worker_busy(&app.pins), 0);

    /* gina's PIN is being checked while the owner's open fills door2: her verdict finds the
     * door full, so nothing is sent (the PIN was right: remembered, no failure). */
    assert_int_equal(start("gina", "door2", PIN, &h, &out), ACTION_CHECKING_PIN);
    assert_int_equal(start("owner", "door2", PIN, &waiting[n++], &out), ACTION_AWAITING_ACK);
    i = fake.published;
    await_verdict(h);
    expect_taken(h, GW_BUSY, "busy-door", &out);
    assert_non_null(strstr(out.detail, "The door \"door2\" already has 3 actions waiting"));
    assert_int_equal(fake.published, i);
    assert_int_equal(rows_of("gina", &rec), 1);
    assert_string_equal(rec.reason, "busy-door");
    assert_string_equal(rec.cmd_id, "");
    /* ... and anyone's next open of door2 is busy-door at once; door1 is not affected. */
    expect_busy_now("owner", "door2", PIN, "busy-door", "(it may be offline)");
    expect_busy_now("gina", "door2", PIN, "busy-door", "already has 3 actions");
    assert_int_equal(start("owner", "door1", PIN, &waiting[n++], &out), ACTION_AWAITING_ACK);

    /* The waits end: every place is free again. */
    expire_all(waiting, n);
    n = 0;
    assert_int_equal(start("guest", "door2", PIN, &waiting[n++], &out), ACTION_AWAITING_ACK);
    assert_int_equal(start("guest", "door2", PIN, &waiting[n++], &out), ACTION_AWAITING_ACK);
    expire_all(waiting, n);

    /* Bounds as large as the table: the table's own bound answers busy-gateway. */
    conf.mqtt.max_waiting_per_user = CONF_WAITING_MAX;
    conf.mqtt.max_waiting_per_door = CONF_WAITING_MAX;
    for (n = 0; n < ATTEMPTS_ACK_MAX; n++)
        assert_int_equal(start("owner", "door1", PIN, &waiting[n], &out), ACTION_AWAITING_ACK);
    expect_busy_now("gina", "door2", PIN, "busy-gateway", "waiting for many doors");
    expire_all(waiting, n);
    conf.mqtt.max_waiting_per_user = CONF_WAITING_DEFAULT;
    conf.mqtt.max_waiting_per_door = CONF_WAITING_DEFAULT;
}

/* An MQTT request (request_queue.h) as action_start_requests makes it. */
static int start_request(const char *identity, const char *door, int64_t at,
                         struct attempt_handle *h, struct action_outcome *out)
{
    struct action_request req = {identity, door, NULL, "", "mqtt", NULL, 1, at};
    return action_start(&app, &req, h, out);
}

/* Requests over MQTT: only from the configured identity, only fresh, then like a user's
 * action without a PIN (the door must be one of its own), audited by=<identity>, signed,
 * and ended with an event; nobody waits for it. */
static void test_mqtt_request(void **state)
{
    struct attempt_handle h;
    struct action_outcome out;
    struct audit_rec rec;
    int64_t now = fake.wall_ms / 1000;
    (void)state;

    assert_int_equal(start("house", "door1", PIN, &h, &out), ACTION_ANSWERED);
    assert_int_equal(out.result, GW_FORBIDDEN);
    assert_string_equal(out.reason, "house-identity"); /* never through the page */
    fake.events = 0;
    assert_int_equal(start_request("alice", "door1", now, &h, &out), ACTION_ANSWERED);
    assert_int_equal(out.result, GW_FORBIDDEN);
    assert_string_equal(out.reason, "not-request-identity"); /* a phone user's name: no */
    assert_int_equal(start_request("house", "door1", now - 31, &h, &out), ACTION_ANSWERED);
    assert_string_equal(out.reason, "stale-request");
    assert_int_equal(start_request("house", "door1", now + 31, &h, &out), ACTION_ANSWERED);
    assert_string_equal(out.reason, "stale-request");
    assert_int_equal(start_request("house", "door2", now, &h, &out), ACTION_ANSWERED);
    assert_string_equal(out.reason, "door-not-allowed");
    assert_int_equal(fake.published, 0);
    assert_int_equal(fake.events, 4); /* every attempt on a configured door tells the house */
    assert_non_null(strstr(fake.event_json, "\"by\":\"house\""));
    assert_non_null(strstr(fake.event_json, "\"event_type\":\"forbidden\""));

    assert_int_equal(start_request("house", "door1", now - 30, &h, &out), ACTION_AWAITING_ACK);
    assert_int_equal(fake.published, 1);
    assert_non_null(strstr(fake.payload, "\"by\":\"house\"")); /* signed in its name */
    assert_int_equal(rows_of("house", &rec), 5); /* the page's refusal too; alice's as alice */
    assert_string_equal(rec.peer, "mqtt");
    action_expire(&app); /* nothing is due yet */
    assert_int_equal(attempts_state(&app.attempts, h), ATTEMPT_AWAITING_ACK);
    fake.now_ms += 6000;
    action_expire(&app);
    assert_int_equal(attempts_state(&app.attempts, h), ATTEMPT_FREE); /* nobody to take it */
    assert_int_equal(fake.owner_wakes, 0);
    assert_int_equal(fake.events, 5);
    assert_non_null(strstr(fake.event_json, "\"event_type\":\"not-confirmed\""));
    assert_int_equal(fake.events_opened, 0);
}

/* The bridge's will says the link is down: refused at once, nothing sent, and back. */
static void test_bridge_down(void **state)
{
    struct attempt_handle h;
    struct action_outcome out;
    int64_t now = fake.wall_ms / 1000;
    (void)state;
    assert_int_equal(door_status_bridge("0", 1), 0);
    assert_int_equal(start_request("house", "door1", now, &h, &out), ACTION_ANSWERED);
    assert_int_equal(out.result, GW_BROKER_UNAVAILABLE);
    assert_string_equal(out.reason, "bridge-down");
    assert_int_equal(fake.published, 0);
    assert_int_equal(door_status_bridge("1", 1), 0);
    assert_int_equal(start_request("house", "door1", now, &h, &out), ACTION_AWAITING_ACK);
    assert_int_equal(fake.published, 1);
    fake.now_ms += 6000;
    action_expire(&app);
}

/* The id of the command attempt h sent. */
static const char *cmd_of(struct attempt_handle h)
{
    struct attempt *a = attempts_get(&app.attempts, h);
    assert_non_null(a);
    return a->rec.cmd_id;
}

/* A door with a sensor ([door] sensor = yes): the signed ok ack does not end the action;
 * the device's entry verdict for that command does (opened, unlocked-not-opened), or the
 * bounded wait (unlocked, no-entry-report). A verdict that comes before the ack counts, one
 * for another command or door does not, a refusal ends at once, and an entry wait holds
 * its place among the waiting. The audit row, the notification and the house's event say
 * the real outcome. */
static void test_door_sensor(void **state)
{
    struct attempt_handle h, h2;
    struct action_outcome out;
    struct audit_rec rec;
    char id[LK_ID_HEX_LEN + 1];
    int64_t now = fake.wall_ms / 1000;
    int wait = 4000, events;
    (void)state;

    conf.doors[0].sensor.said = 1;
    conf.doors[0].sensor.entry_wait_ms = wait;
    conf.ha.prefix[0] = '\0';

    /* Opened: the ack, then the device's "opened" for this command. */
    right_pin_checked("sam", &h);
    snprintf(id, sizeof id, "%s", cmd_of(h));
    fake.now_ms += 200;
    assert_int_equal(signed_ack(&app.attempts, id, "door1", 1, NULL), 0);
    action_collect(&app);
    assert_int_equal(action_take(&app, h, &out), ACTION_AWAITING_ACK); /* not yet */
    assert_int_equal(attempts_state(&app.attempts, h), ATTEMPT_AWAITING_ENTRY);
    assert_int_equal(fake.results, 0);
    assert_int_equal(rows_of("sam", &rec), 1);
    assert_string_equal(rec.result, "pending");
    assert_true(attempts_next_deadline(&app.attempts) == fake.now_ms + wait);
    /* another command's verdict, or another door's, changes nothing */
    assert_int_equal(
        attempts_entry(&app.attempts, "door1", "0123456789abcdef0123456789abcdef", ENTRY_OPENED),
        0);
    assert_int_equal(attempts_entry(&app.attempts, "door2", id, ENTRY_OPENED), 0);
    action_collect(&app);
    assert_int_equal(attempts_state(&app.attempts, h), ATTEMPT_AWAITING_ENTRY);
    fake.now_ms += 1500;
    assert_int_equal(attempts_entry(&app.attempts, "door1", id, ENTRY_OPENED), 1); /* Paho */
    action_collect(&app);
    expect_taken(h, GW_OPENED, "door-sensor", &out);
    assert_int_equal(fake.results, 1);
    assert_int_equal(fake.last_latency_ms, 1700);
    assert_int_equal(rows_of("sam", &rec), 1);
    assert_string_equal(rec.result, "opened");
    assert_string_equal(rec.reason, "door-sensor");
    assert_int_equal(fake.events_opened, 1);
    assert_ptr_not_equal(strstr(fake.event_json, "\"event_type\":\"opened\""), NULL);

    /* Not opened: the device's window passed with the door shut. */
    assert_int_equal(start("sam", "door1", PIN, &h, &out), ACTION_AWAITING_ACK); /* cached */
    snprintf(id, sizeof id, "%s", cmd_of(h));
    assert_int_equal(signed_ack(&app.attempts, id, "door1", 1, NULL), 0);
    action_collect(&app);
    assert_int_equal(attempts_entry(&app.attempts, "door1", id, ENTRY_NOT_OPENED), 1);
    action_collect(&app);
    expect_taken(h, GW_UNLOCKED_NOT_OPENED, "door-sensor", &out);
    assert_int_equal(rows_of("sam", &rec), 2);
    assert_string_equal(rec.result, "unlocked-not-opened");
    assert_int_equal(fake.events_opened, 1); /* not a last opener */
    assert_ptr_not_equal(strstr(fake.event_json, "\"event_type\":\"unlocked-not-opened\""), NULL);
    assert_string_equal(gw_result_name(GW_UNLOCKED_NOT_OPENED), "unlocked-not-opened");
    assert_int_equal(gw_result_http_status(GW_UNLOCKED_NOT_OPENED), 200);
    assert_string_equal(gw_result_message(GW_UNLOCKED_NOT_OPENED),
                        "Unlocked, but the door was not opened.");

    /* No verdict: the bounded wait ends it "unlocked". */
    assert_int_equal(start("sam", "door1", PIN, &h, &out), ACTION_AWAITING_ACK);
    assert_int_equal(signed_ack(&app.attempts, cmd_of(h), "door1", 1, NULL), 0);
    action_collect(&app);
    expire_after(h, wait, GW_UNLOCKED, "no-entry-report", &out);
    assert_int_equal(rows_of("sam", &rec), 3);
    assert_string_equal(rec.result, "unlocked");
    assert_string_equal(rec.reason, "no-entry-report");
    assert_int_equal(gw_result_http_status(GW_UNLOCKED), 200);

    /* The verdict before the ack (the state overtook it): ended at the ack. */
    assert_int_equal(start_request("house", "door1", now, &h, &out), ACTION_AWAITING_ACK);
    snprintf(id, sizeof id, "%s", cmd_of(h));
    events = fake.events;
    assert_int_equal(attempts_entry(&app.attempts, "door1", id, ENTRY_NOT_OPENED), 1);
    action_collect(&app);
    assert_int_equal(attempts_state(&app.attempts, h), ATTEMPT_AWAITING_ACK); /* the ack decides */
    assert_int_equal(signed_ack(&app.attempts, id, "door1", 1, NULL), 0);
    action_collect(&app);
    assert_int_equal(attempts_state(&app.attempts, h), ATTEMPT_FREE); /* nobody waits */
    assert_int_equal(fake.events, events + 1);
    assert_int_equal(fake.last_result, GW_UNLOCKED_NOT_OPENED);
    assert_int_equal(rows_of("house", &rec) > 0, 1);
    assert_string_equal(rec.result, "unlocked-not-opened");

    /* A refusal ends at once; no ack at all is still not-confirmed after the ack timeout. */
    assert_int_equal(start("sam", "door1", PIN, &h, &out), ACTION_AWAITING_ACK);
    assert_int_equal(signed_ack(&app.attempts, cmd_of(h), "door1", 0, "busy"), 0);
    action_collect(&app);
    expect_taken(h, GW_REJECTED, "busy", &out);
    assert_int_equal(start("sam", "door1", PIN, &h, &out), ACTION_AWAITING_ACK);
    fake.now_ms += conf.mqtt.ack_timeout_ms;
    action_expire(&app);
    expect_taken(h, GW_NOT_CONFIRMED, "timeout", &out);

    /* An entry wait holds its place: with max_waiting_per_user of them, the next is busy. */
    conf.mqtt.max_waiting_per_user = 1;
    assert_int_equal(start("sam", "door1", PIN, &h, &out), ACTION_AWAITING_ACK);
    assert_int_equal(signed_ack(&app.attempts, cmd_of(h), "door1", 1, NULL), 0);
    action_collect(&app);
    assert_int_equal(start("sam", "door1", PIN, &h2, &out), ACTION_ANSWERED);
    assert_int_equal(out.result, GW_BUSY);
    assert_string_equal(out.reason, "busy-user");
    conf.mqtt.max_waiting_per_user = CONF_WAITING_DEFAULT;
    fake.now_ms += wait;
    action_expire(&app);
    expect_taken(h, GW_UNLOCKED, "no-entry-report", &out);

    /* Without a sensor the ack ends it, as before. */
    conf.doors[0].sensor.said = 0;
    assert_int_equal(start("sam", "door1", PIN, &h, &out), ACTION_AWAITING_ACK);
    assert_int_equal(signed_ack(&app.attempts, cmd_of(h), "door1", 1, NULL), 0);
    action_collect(&app);
    expect_taken(h, GW_OPENED, "-", &out);
    assert_int_equal(attempts_next_deadline(&app.attempts), -1);
}

/* Schedules: outside one the answer comes before any PIN check (no wrong PIN, no lock);
 * a counted use is taken when the command leaves, so of two taps on the last use only
 * one opens, and the refused one uses nothing; the row of the one that went says how
 * many are left; a publish the broker refuses gives the use back. */
static void test_schedules(void **state)
{
    struct attempt_handle h, h2;
    struct action_outcome out;
    struct audit_rec rec;
    struct schedule sc;
    struct user_rec u;
    char err[128];
    int64_t now = fake.wall_ms / 1000;
    (void)state;

    assert_int_equal(site_tz_apply("Europe/Berlin"), 0);
    memset(&sc, 0, sizeof sc);
    assert_int_equal(sched_parse_windows("daily 00:00-24:00", &sc, err, sizeof err), 0);
    sc.from = now + 3600;
    sc.uses_left = SCHED_UNLIMITED;
    assert_int_equal(sched_store_set(app.store, "sara", "door1", &sc), 0);
    assert_int_equal(start("sara", "door1", "000000", &h, &out), ACTION_ANSWERED);
    assert_int_equal(out.result, GW_OUTSIDE_SCHEDULE);
    assert_string_equal(out.reason, "not-yet-valid");
    assert_non_null(strstr(out.detail, "door1: your access has not started yet. Next: "));
    assert_int_equal(pin_worker_busy(&app.pins), 0);
    assert_int_equal(users_get(app.store, "sara", &u), 1);
    assert_int_equal(u.failed, 0);
    assert_int_equal(rows_of("sara", &rec), 1);
    assert_string_equal(rec.result, "outside-schedule");
    assert_int_equal(rec.has_uses, 0);
    assert_int_equal(fake.published, 0);
    sc.from = 0;
    sc.until = now;
    assert_int_equal(sched_store_set(app.store, "sara", "door1", &sc), 0);
    assert_int_equal(start("sara", "door1", PIN, &h, &out), ACTION_ANSWERED);
    assert_string_equal(out.reason, "expired");

    /* tess: the PIN is checked (and remembered) first, then one use is left */
    fake.results = 0;
    right_pin_checked("tess", &h);
    attempts_fail(&app.attempts, h, GW_NOT_CONFIRMED, "publish-failed");
    action_collect(&app);
    expect_taken(h, GW_NOT_CONFIRMED, "publish-failed", &out);
    assert_int_equal(sched_store_set_uses(app.store, "tess", "door1", 1), 0);
    fake.refuse = 1; /* refused by the broker: the use comes back */
    assert_int_equal(start("tess", "door1", PIN, &h, &out), ACTION_ANSWERED);
    assert_string_equal(out.reason, "publish-refused");
    fake.refuse = 0;
    assert_int_equal(sched_store_get(app.store, "tess", "door1", &sc), 1);
    assert_int_equal(sc.uses_left, 1);
    assert_int_equal(start("tess", "door1", PIN, &h, &out), ACTION_AWAITING_ACK);
    assert_int_equal(start("tess", "door1", PIN, &h2, &out), ACTION_ANSWERED);
    assert_int_equal(out.result, GW_OUTSIDE_SCHEDULE);
    assert_string_equal(out.reason, "no-uses-left");
    assert_int_equal(rows_of("tess", &rec), 4);
    assert_string_equal(rec.reason, "no-uses-left");
    assert_int_equal(
        signed_ack(&app.attempts, attempts_get(&app.attempts, h)->rec.cmd_id, "door1", 1, NULL), 0);
    action_collect(&app);
    expect_taken(h, GW_OPENED, "-", &out);
    assert_int_equal(rows_of("tess", &rec), 4);
    assert_int_equal(sched_store_get(app.store, "tess", "door1", &sc), 1);
    assert_int_equal(sc.uses_left, 0);
    /* 0 left: refused at once, before the PIN */
    assert_int_equal(start("tess", "door1", "000000", &h, &out), ACTION_ANSWERED);
    assert_string_equal(out.reason, "no-uses-left");
    assert_int_equal(users_get(app.store, "tess", &u), 1);
    assert_int_equal(u.failed, 0);
}

static int opened_row(void *arg, const struct audit_rec *r)
{
    if (strcmp(r->result, "opened") == 0)
        *(struct audit_rec *)arg = *r;
    return 0;
}

/* The opened row of tess carries the uses left after it. */
static void test_schedule_audit(void **state)
{
    struct audit_rec r;
    (void)state;
    memset(&r, 0, sizeof r);
    assert_int_equal(audit_query(app.store, 0, "tess", 0, 100, opened_row, &r), 0);
    assert_string_equal(r.result, "opened");
    assert_int_equal(r.has_uses, 1);
    assert_int_equal(r.uses_left, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_refusals, setup),
        cmocka_unit_test_setup(test_wrong_pin_then_lockout, setup),
        cmocka_unit_test_setup(test_ack_ok_rejected_timeout, setup),
        cmocka_unit_test_setup(test_broker_down, setup),
        cmocka_unit_test_setup(test_offline_door, setup),
        cmocka_unit_test_setup(test_busy_and_gone, setup),
        cmocka_unit_test_setup(test_audit_failure, setup),
        cmocka_unit_test_setup(test_waiting_bounds, setup),
        cmocka_unit_test_setup(test_mqtt_request, setup),
        cmocka_unit_test_setup(test_bridge_down, setup),
        cmocka_unit_test_setup(test_door_sensor, setup),
        cmocka_unit_test_setup(test_schedules, setup),
        cmocka_unit_test_setup(test_schedule_audit, setup),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
