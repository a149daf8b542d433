/* action.c - the decision on one door action: who (certificate CN -> enabled user), which
 * door (configured, and one of the user's), lockout, PIN (peppered scrypt), then the audit
 * row, signing and publishing. Every attempt is written to the audit log before the answer;
 * when that write fails the action is refused (fail closed). The attempt is a slot of
 * app->attempts (attempts.h) from the start; outcome.c finishes it, whatever its end.
 * The PIN check: pin_cache.h for a PIN verified recently, else scrypt on pin_worker.h's
 * thread; the attempt then waits in CHECKING_PIN and goes on in action_collect() when the
 * verdict is in. Waiting for the device's ack is bounded per user and per door
 * ([mqtt] max_waiting_per_user / max_waiting_per_door) and in all: an attempt that would
 * pass a bound is answered "busy" with the bound as its reason, before its PIN is checked
 * and again before anything is sent. A door whose device says it is offline (door_status.h)
 * is answered "offline" at once, before its PIN is checked, and again before sending. The
 * broker and the clock are ports (ports.h). */
#include "action.h"

#include <openssl/crypto.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "admin_ops.h"
#include "cmd_sign.h"
#include "door_status.h"
#include "entry_hold.h"
#include "gw_log.h"
#include "lockout.h"
#include "metrics.h"
#include "outcome.h"
#include "pin_hash.h"
#include "request_queue.h"
#include "sched_store.h"
#include "sched_text.h"
#include "site_tz.h"

static int64_t wall_s(const struct gw_app *app)
{
    return app_wall_ms(app) / 1000;
}

static void attempt_init(struct gw_app *app, struct attempt *a, const struct action_request *req)
{
    a->owner = req->owner;
    a->unattended = req->via_broker;
    a->start_ms = app_now_ms(app);
    a->rec.at_ms = app_wall_ms(app);
    snprintf(a->rec.user, sizeof a->rec.user, "%s", req->user);
    snprintf(a->rec.serial, sizeof a->rec.serial, "%s", req->serial != NULL ? req->serial : "");
    snprintf(a->rec.peer, sizeof a->rec.peer, "%s", req->peer != NULL ? req->peer : "?");
    /* A door name that passed conf_find_door() is kept as it is: send_command uses it. */
    if (req->door != NULL && lk_name_valid(req->door, strlen(req->door)))
        snprintf(a->rec.door, sizeof a->rec.door, "%s", req->door);
    else
        strcpy(a->rec.door, "?");
}

static void set_detail(struct action_outcome *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void set_detail(struct action_outcome *out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out->detail, sizeof out->detail, fmt, ap);
    va_end(ap);
}

/* Ends an attempt that sends nothing (outcome.h). ACTION_ANSWERED. */
static int finish(struct gw_app *app, struct attempt *a, enum gw_result r, const char *why)
{
    outcome_finish(app, a, r, why);
    return ACTION_ANSWERED;
}

/* A lock until `until`: its end goes with the outcome (the web side writes it, in the
 * reader's time, after the detail: "... until <time> (about N minutes)."). */
static void locked_detail(struct action_outcome *out, int64_t until)
{
    out->locked_until = until;
    set_detail(out, "Locked after too many wrong PINs");
}

/* Whether the record's user may come in at all. 1 or 0 with the outcome set. */
static int user_admitted(struct gw_app *app, const char *name, struct user_rec *u,
                         struct action_outcome *out, const char **why)
{
    int rc = users_get(app->store, name, u);
    if (rc < 0) {
        gw_log("store: cannot read user %s: %s", name, store_errmsg(app->store));
        out->result = GW_AUDIT_UNAVAILABLE;
        *why = "store-read-failed";
        return 0;
    }
    if (rc == 0) {
        out->result = GW_FORBIDDEN;
        *why = "unknown-user";
        set_detail(out, "The certificate of \"%s\" is valid, but \"%s\" is not a Latchkey user "
                   "here. Ask the administrator to add you.", name, name);
        return 0;
    }
    if (!u->enabled) {
        out->result = GW_FORBIDDEN;
        *why = "user-disabled";
        set_detail(out, "The user \"%s\" is disabled. Ask the administrator.", name);
        return 0;
    }
    if (u->expires != 0 && wall_s(app) >= u->expires) {
        out->result = GW_FORBIDDEN;
        *why = "user-expired";
        set_detail(out, "The access of \"%s\" has ended.", name);
        return 0;
    }
    return 1;
}

int action_user_may_open(const struct gw_app *app, const struct user_rec *u, int door_index)
{
    return door_index >= 0 && door_index < app->conf->n_doors &&
           users_list_has(u->doors, app->conf->doors[door_index].name);
}

int action_user_doors(const struct gw_app *app, const struct user_rec *u, struct door_set *out)
{
    users_door_set(app->conf, u->doors, out);
    return door_set_count(out);
}

int action_schedule_line(struct gw_app *app, const char *user, int door_index, char *out,
                         size_t cap)
{
    const struct conf_door *d = &app->conf->doors[door_index];
    char text[SCHED_TEXT_MAX];
    struct schedule sc;

    if (sched_store_get(app->store, user, d->name, &sc) != 1)
        return 0;
    sched_text_summary(&sc, text, sizeof text);
    snprintf(out, cap, "%s: %s", d->label[0] ? d->label : d->name, text);
    return 1;
}

int action_page_user(struct gw_app *app, const char *name, struct user_rec *u,
                     struct action_outcome *out)
{
    const char *why = "-";
    memset(out, 0, sizeof *out);
    if (user_admitted(app, name, u, out, &why))
        return 1;
    snprintf(out->reason, sizeof out->reason, "%s", why);
    gw_log("page refused user=%s result=%s reason=%s", name, gw_result_name(out->result), why);
    return 0;
}

static struct attempt_limits limits(const struct gw_app *app)
{
    struct attempt_limits lim = {app->conf->mqtt.max_waiting_per_user,
                                 app->conf->mqtt.max_waiting_per_door};
    return lim;
}

/* Ends an attempt that found no room to wait (r != ROOM_FREE): busy, with the bound it
 * reached as the reason and a sentence that says so. ACTION_ANSWERED. */
static int refuse_no_room(struct gw_app *app, struct attempt *a, enum attempt_room r)
{
    const struct conf *c = app->conf;
    switch (r) {
    case ROOM_USER_FULL:
        set_detail(&a->out, "You already have %d door action%s waiting for an answer. Nothing "
                   "was sent; wait until they are answered.", c->mqtt.max_waiting_per_user,
                   c->mqtt.max_waiting_per_user == 1 ? "" : "s");
        return finish(app, a, GW_BUSY, "busy-user");
    case ROOM_DOOR_FULL:
        set_detail(&a->out, "The door \"%s\" already has %d action%s waiting for its answer "
                   "(it may be offline). Nothing was sent; try again later.", a->rec.door,
                   c->mqtt.max_waiting_per_door, c->mqtt.max_waiting_per_door == 1 ? "" : "s");
        return finish(app, a, GW_BUSY, "busy-door");
    case ROOM_GATEWAY_FULL:
    case ROOM_FREE:
        break;
    }
    set_detail(&a->out, "The gateway is waiting for many doors to answer right now. Nothing "
               "was sent; try again in a moment.");
    return finish(app, a, GW_BUSY, "busy-gateway");
}

/* Refuses at once, sending nothing, an attempt on a door that cannot be reached while the
 * broker is connected (without it that knowledge is stale: the attempt goes on to
 * broker-unavailable): the site's bridge link is down (its will on this broker), or the
 * door's device says it is offline (its retained availability). A door never heard of is
 * not: the ack timeout tells. Returns the stage, or -1 when the door may be reached. */
static int refuse_unreachable(struct gw_app *app, struct attempt *a)
{
    struct door_status st;
    if (!app->ports.broker_ready(app->ports.ctx))
        return -1;
    door_status_get(a->rec.door, &st);
    if (st.link == LINK_DOWN) { /* the bridge's will: nothing can reach the door now */
        set_detail(&a->out,
                   "The link to the house is down. Nothing was sent; try again "
                   "when the door is online.");
        return finish(app, a, GW_BROKER_UNAVAILABLE, "bridge-down");
    }
    if (st.avail == DOOR_OFFLINE)
        return finish(app, a, GW_OFFLINE, "door-offline");
    return -1;
}

/* Publishing part: the attempt passed every check. The user and door are the audit
 * row's (the door is a configured one by now). */
/* The door's configured ack key into the attempt (none: nothing can confirm it). */
static void ack_key_of(const struct conf *c, const char *door, struct attempt *a)
{
    int i = conf_find_door(c, door);
    a->has_ack_key = i >= 0 && c->doors[i].has_ack_key;
    if (a->has_ack_key)
        memcpy(a->ack_key, c->doors[i].ack_key, sizeof a->ack_key);
    a->entry_wait_ms = i >= 0 ? conf_entry_wait_ms(&c->doors[i].sensor) : 0; /* entry_hold.h */
}

/* A use taken for a command that did not leave goes back (logged if it cannot). */
static void give_back_use(struct gw_app *app, struct attempt *a)
{
    if (a->rec.has_uses && sched_store_give_back(app->store, a->rec.user, a->rec.door) != 0)
        gw_log("store: cannot give back a use of %s on %s: %s", a->rec.user, a->rec.door,
               store_errmsg(app->store));
}

static int send_command(struct gw_app *app, struct attempt *a)
{
    const struct conf *c = app->conf;
    struct audit_rec *rec = &a->rec;
    char id[LK_ID_HEX_LEN + 1], payload[CMD_PAYLOAD_MAX], topic[LK_TOPIC_MAX + 1];
    struct lk_cmd cmd;
    struct attempt_limits lim = limits(app);
    enum attempt_room room;
    size_t len;
    int64_t now;
    int rc;

    if (!app->ports.broker_ready(app->ports.ctx))
        return finish(app, a, GW_BROKER_UNAVAILABLE, "not-connected");
    rc = refuse_unreachable(app, a); /* went unreachable while its PIN was checked */
    if (rc >= 0)
        return rc;
    /* Checked before the row and the command: a refusal here sent nothing. */
    room = attempts_room(&app->attempts, rec->user, rec->door, &lim);
    if (room != ROOM_FREE)
        return refuse_no_room(app, a, room);
    now = wall_s(app);
    if (cmd_new_id(id) != 0)
        return finish(app, a, GW_BROKER_UNAVAILABLE, "rng-failed");
    len = cmd_build(app->cmd_key, id, c->command.site, rec->door, "open", rec->user, now,
                    now + c->command.ttl, &cmd, payload, sizeof payload);
    if (len == 0 || lk_topic(topic, sizeof topic, c->command.site, rec->door, "cmd") == 0)
        return finish(app, a, GW_BAD_REQUEST, "sign-failed");

    /* A counted use is taken now, in one statement (two taps cannot share the last one),
     * and given back if the command does not leave after all. */
    rc = sched_store_take_use(app->store, rec->user, rec->door, &rec->uses_left);
    if (rc < 0) {
        gw_log("store: cannot count a use of %s on %s: %s", rec->user, rec->door,
               store_errmsg(app->store));
        return finish(app, a, GW_AUDIT_UNAVAILABLE, "store-write-failed");
    }
    if (rc == 1) {
        set_detail(&a->out, "No uses left for this door. Ask the administrator.");
        return finish(app, a, GW_OUTSIDE_SCHEDULE, "no-uses-left");
    }
    rec->has_uses = rec->uses_left != SCHED_UNLIMITED;
    /* The attempt is on disk before the command can leave. */
    if (outcome_write_pending(app, a, id) != 0) {
        give_back_use(app, a);
        return ACTION_ANSWERED;
    }
    gw_log("action requested user=%s door=%s id=%s serial=%s peer=%s", rec->user, rec->door, id,
           rec->serial[0] ? rec->serial : "-", rec->peer);
    ack_key_of(c, rec->door, a); /* only the door's own key can confirm this command */
    /* Only this thread adds waiting attempts: the room found above is still there. */
    rc = attempts_await_ack(&app->attempts, a->self, a->start_ms + c->mqtt.ack_timeout_ms, &lim);
    if (rc != 0) {
        give_back_use(app, a);
        return refuse_no_room(app, a, rc > 0 ? (enum attempt_room)rc : ROOM_GATEWAY_FULL);
    }
    if (app->ports.publish(app->ports.ctx, topic, payload, len, a->self) != 0) {
        attempts_withdraw(&app->attempts, a->self); /* nothing was sent */
        give_back_use(app, a);
        return finish(app, a, GW_BROKER_UNAVAILABLE, "publish-refused");
    }
    app->ports.deadlines_changed(app->ports.ctx);
    return ACTION_AWAITING_ACK;
}

/* After the PIN verdict v for the user as read now (*u). mac: the pin_cache entry to keep
 * when the PIN was right (NULL: nothing to remember). */
static int after_pin(struct gw_app *app, struct attempt *a, const struct user_rec *u,
                     enum pin_verify v, const unsigned char *mac)
{
    int64_t now = wall_s(app), until = 0;
    int rc;

    switch (v) {
    case PIN_MATCH:
        break;
    case PIN_MISMATCH:
        pin_cache_forget(&app->pin_cache, u->name);
        rc = lockout_failure(app->store, u->name, now, &until);
        if (rc < 0) {
            gw_log("store: cannot record a wrong PIN of %s: %s", u->name, store_errmsg(app->store));
            return finish(app, a, GW_AUDIT_UNAVAILABLE, "store-write-failed");
        }
        if (rc == 1)
            return finish(app, a, GW_FORBIDDEN, "unknown-user");
        if (until > 0) {
            locked_detail(&a->out, until);
            return finish(app, a, GW_WRONG_PIN, "wrong-pin-locked");
        }
        /* u->failed was read by admit() just now; one PIN check per user runs at a time */
        a->out.tries_left = LOCKOUT_THRESHOLD - (u->failed + 1);
        if (a->out.tries_left < 1)
            a->out.tries_left = 1;
        return finish(app, a, GW_WRONG_PIN, "wrong-pin");
    case PIN_HASH_INVALID:
        return finish(app, a, GW_FORBIDDEN, "bad-pin-hash");
    }
    if ((u->failed != 0 || u->lockouts != 0 || u->locked_until != 0) &&
        lockout_success(app->store, u->name) < 0) {
        gw_log("store: cannot reset the lockout of %s: %s", u->name, store_errmsg(app->store));
        return finish(app, a, GW_AUDIT_UNAVAILABLE, "store-write-failed");
    }
    if (mac != NULL)
        pin_cache_store(&app->pin_cache, u->name, mac, app_now_ms(app));
    if (a->owner == NULL) /* nobody waits for this door any more: open nothing */
        return finish(app, a, GW_NOT_CONFIRMED, "client-gone");
    return send_command(app, a);
}

/* The PIN check is over (or never started): the PIN-derived value goes. */
static void forget_mac(struct attempt *a)
{
    OPENSSL_cleanse(a->mac, sizeof a->mac);
    a->have_mac = 0;
}

/* The PIN step of action_start: the cache, else a job for the worker. */
static int check_pin(struct gw_app *app, struct attempt *a, const struct user_rec *u,
                     const char *pin)
{
    unsigned char mac[PIN_CACHE_MAC_LEN];
    int have_mac = pin_cache_mac(&app->pin_cache, u->name, u->pin_hash, pin, mac) == 0;

    if (have_mac && pin_cache_match(&app->pin_cache, u->name, mac, app_now_ms(app))) {
        OPENSSL_cleanse(mac, sizeof mac);
        metrics_pin_check(1);
        return after_pin(app, a, u, PIN_MATCH, NULL);
    }
    if (attempts_check_pin(&app->attempts, a->self) != 0) {
        OPENSSL_cleanse(mac, sizeof mac);
        set_detail(&a->out, "The gateway is checking many PINs right now. Try again in a moment.");
        return finish(app, a, GW_BUSY, "pin-checks-full");
    }
    snprintf(a->phc, sizeof a->phc, "%s", u->pin_hash);
    memcpy(a->mac, mac, sizeof mac);
    a->have_mac = have_mac;
    OPENSSL_cleanse(mac, sizeof mac);
    switch (pin_worker_submit(&app->pins, u->name, pin, u->pin_hash, a)) {
    case PIN_SUBMITTED:
        return ACTION_CHECKING_PIN;
    case PIN_SUBMIT_USER_BUSY:
        attempts_decide(&app->attempts, a->self);
        forget_mac(a);
        set_detail(&a->out, "Your previous PIN is still being checked. Try again in a moment.");
        return finish(app, a, GW_BUSY, "pin-check-running");
    case PIN_SUBMIT_FULL:
        attempts_decide(&app->attempts, a->self);
        forget_mac(a);
        set_detail(&a->out, "The gateway is checking many PINs right now. Try again in a moment.");
        return finish(app, a, GW_BUSY, "pin-checks-full");
    case PIN_SUBMIT_INVALID:
        break;
    }
    /* A PIN too long for a job is no PIN: pin_hash_verify says so without the KDF. */
    attempts_decide(&app->attempts, a->self);
    forget_mac(a);
    return after_pin(app, a, u, pin_hash_verify(&app->pepper, pin, u->pin_hash), NULL);
}

/* The user's schedule for door index at now (schedule.h): 1 if it allows the action (or
 * there is none), 0 with the attempt finished outside-schedule (or audit-unavailable when
 * it cannot be read). Checked before the PIN: a refusal here is no wrong PIN. */
static int schedule_allows(struct gw_app *app, struct attempt *a, const char *user, int index,
                           int64_t now)
{
    const struct conf_door *d = &app->conf->doors[index];
    struct sched_answer ans;
    struct schedule sc;
    int rc = sched_store_get(app->store, user, d->name, &sc);

    if (rc < 0) {
        gw_log("store: cannot read the schedule of %s on %s: %s", user, d->name,
               store_errmsg(app->store));
        (void)finish(app, a, GW_AUDIT_UNAVAILABLE, "store-read-failed");
        return 0;
    }
    if (rc == 0)
        return 1;
    ans = sched_check(&sc, site_tz_local, now);
    if (ans.verdict == SCHED_OPEN)
        return 1;
    sched_text_refusal(&sc, &ans, d->label[0] ? d->label : d->name, a->out.detail,
                       sizeof a->out.detail);
    (void)finish(app, a, GW_OUTSIDE_SCHEDULE, sched_verdict_reason(ans.verdict));
    return 0;
}

/* What every attempt must pass before its PIN is tried, checked when it starts and again
 * when scrypt's verdict comes back (the administrator may have changed the user
 * meanwhile): an enabled user, a PIN and a door, the door configured and one of theirs,
 * no lock. 1 with *u; 0 when the attempt is finished (a->out set). */
static int admit(struct gw_app *app, struct attempt *a, const char *user, const char *door,
                 int have_pin, struct user_rec *u)
{
    const char *why = "-";
    int64_t now;
    int index;

    if (!user_admitted(app, user, u, &a->out, &why)) {
        (void)finish(app, a, a->out.result, why);
        return 0;
    }
    if (door == NULL || !have_pin) {
        set_detail(&a->out, "The form needs a PIN and a door.");
        (void)finish(app, a, GW_BAD_REQUEST, "missing-field");
        return 0;
    }
    index = conf_find_door(app->conf, door);
    if (index < 0) {
        set_detail(&a->out, "There is no such door.");
        (void)finish(app, a, GW_BAD_REQUEST, "unknown-door");
        return 0;
    }
    if (!action_user_may_open(app, u, index)) {
        set_detail(&a->out, "This door is not one of yours.");
        (void)finish(app, a, GW_FORBIDDEN, "door-not-allowed");
        return 0;
    }
    now = wall_s(app);
    if (!schedule_allows(app, a, u->name, index, now))
        return 0;
    if (lockout_remaining_s(u, now) > 0) {
        /* No PIN check while locked: the lock cannot be used to guess. */
        locked_detail(&a->out, u->locked_until);
        (void)finish(app, a, GW_LOCKED, "locked");
        return 0;
    }
    return 1;
}

/* The channel fits the identity: an MQTT request comes from the one identity the gateway
 * takes requests from, and is fresh (a request held up on the way, e.g. behind a
 * black-holed link, must not open later); that identity never acts through the HTTPS
 * page (its certificate stands in for a PIN on MQTT only). 1, or 0 with the attempt
 * finished. */
static int channel_admitted(struct gw_app *app, struct attempt *a, const struct action_request *req)
{
    const char *house = app->conf->ha.identity;
    int64_t skew = req->requested_at - wall_s(app);

    if (!req->via_broker) {
        if (house[0] == '\0' || strcmp(req->user, house) != 0)
            return 1;
        set_detail(&a->out,
                   "\"%s\" is the house's identity: it opens through its MQTT "
                   "requests only.",
                   house);
        (void)finish(app, a, GW_FORBIDDEN, "house-identity");
        return 0;
    }
    if (house[0] == '\0' || strcmp(req->user, house) != 0) {
        (void)finish(app, a, GW_FORBIDDEN, "not-request-identity");
        return 0;
    }
    if (skew > REQUEST_SKEW_S || skew < -REQUEST_SKEW_S) {
        (void)finish(app, a, GW_BAD_REQUEST, "stale-request");
        return 0;
    }
    return 1;
}

int action_start(struct gw_app *app, const struct action_request *req, struct attempt_handle *h,
                 struct action_outcome *out)
{
    struct attempt *a = attempts_new(&app->attempts);
    struct attempt_limits lim = limits(app);
    enum attempt_room room;
    struct user_rec u;
    int stage;

    h->slot = -1;
    if (a == NULL) { /* every stage keeps its bound, so this cannot happen: refuse, on record */
        static struct attempt spare; /* loop thread only */
        memset(&spare, 0, sizeof spare);
        attempt_init(app, &spare, req);
        set_detail(&spare.out, "The gateway is busy. Try again in a moment.");
        (void)finish(app, &spare, GW_BUSY, "attempts-full");
        *out = spare.out;
        return ACTION_ANSWERED;
    }
    attempt_init(app, a, req);
    /* An unreachable door is refused at once: no PIN check, nothing sent. */
    if (!channel_admitted(app, a, req) ||
        !admit(app, a, req->user, req->door, req->pin != NULL || req->via_broker, &u) ||
        refuse_unreachable(app, a) >= 0)
        stage = ACTION_ANSWERED;
    else if ((room = attempts_room(&app->attempts, a->rec.user, a->rec.door, &lim)) != ROOM_FREE)
        stage = refuse_no_room(app, a, room); /* no PIN check for an action that cannot wait */
    else if (req->via_broker)
        stage = send_command(app, a); /* the broker vouched for the identity: no PIN */
    else
        stage = check_pin(app, a, &u, req->pin);
    if (stage == ACTION_ANSWERED) {
        *out = a->out;
        attempts_free(&app->attempts, a->self);
    } else {
        *h = a->self;
    }
    return stage;
}

/* A finished attempt: its owner, if still there, is woken to take the outcome. */
static void settle(struct gw_app *app, struct attempt_handle h)
{
    void *owner = attempts_settle(&app->attempts, h);
    if (owner != NULL)
        app->ports.wake_owner(app->ports.ctx, owner);
}

/* A verdict from the worker: the attempt is admitted again with the user as it is now
 * (its door is the audit row's: a configured one), its PIN must still be the one checked,
 * then it goes on as after a synchronous check. */
static void on_verdict(void *arg, void *ctx, const char *user, enum pin_verify v)
{
    struct gw_app *app = arg;
    struct attempt *a = ctx;
    struct user_rec u;
    int stage;

    metrics_pin_check(0);
    if (admin_verdict(app, ctx, user, v))
        return; /* an admin page change's PIN (admin_ops.h) */
    attempts_decide(&app->attempts, a->self);
    if (!admit(app, a, user, a->rec.door, 1, &u)) {
        stage = ACTION_ANSWERED;
    } else if (strcmp(u.pin_hash, a->phc) != 0) {
        set_detail(&a->out, "Your PIN was changed meanwhile. Enter the new one.");
        stage = finish(app, a, GW_WRONG_PIN, "pin-changed");
    } else {
        stage = after_pin(app, a, &u, v, a->have_mac ? a->mac : NULL);
    }
    forget_mac(a);
    if (stage == ACTION_ANSWERED)
        settle(app, a->self);
}

void action_collect(struct gw_app *app)
{
    struct attempt_handle done[ATTEMPTS_MAX];
    int i, n;

    action_start_requests(app);
    (void)pin_worker_collect(&app->pins, on_verdict, app); /* verdicts first: they may publish */
    n = attempts_collect(&app->attempts, done, ATTEMPTS_MAX);
    for (i = 0; i < n; i++) {
        struct attempt *a = attempts_get(&app->attempts, done[i]);
        if (a == NULL || entry_hold(app, a)) /* an ok ack may wait for the door sensor */
            continue;
        outcome_finish(app, a, a->out.result, a->out.reason);
        settle(app, done[i]);
    }
    app->ports.deadlines_changed(app->ports.ctx);
}

void action_expire(struct gw_app *app)
{
    (void)attempts_expire(&app->attempts, app_now_ms(app));
    action_collect(app);
}

int action_take(struct gw_app *app, struct attempt_handle h, struct action_outcome *out)
{
    switch (attempts_take(&app->attempts, h, out)) {
    case ATTEMPT_FINISHED:
        return ACTION_ANSWERED;
    case ATTEMPT_CHECKING_PIN:
        return ACTION_CHECKING_PIN;
    case ATTEMPT_DECIDING:
    case ATTEMPT_AWAITING_ACK:
    case ATTEMPT_AWAITING_ENTRY:
    case ATTEMPT_DONE:
        return ACTION_AWAITING_ACK;
    case ATTEMPT_FREE:
        break;
    }
    return -1;
}

void action_detach(struct gw_app *app, struct attempt_handle h)
{
    attempts_detach(&app->attempts, h);
}
