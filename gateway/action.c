/* action.c - the decision on one door action: who (certificate CN -> enabled user), which
 * door (configured, and one of the user's), lockout, PIN (peppered scrypt), then the audit
 * row, signing and publishing. Every attempt is written to the audit log before the answer;
 * when that write fails the action is refused (fail closed).
 * The PIN check: pin_cache.h for a PIN verified recently, else scrypt on pin_worker.h's
 * thread; the attempt then waits in app->checks (action_check.h) and goes on in
 * action_collect() when the verdict is in. */
#include "action.h"

#include <openssl/crypto.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "cmd_sign.h"
#include "gw_log.h"
#include "lockout.h"
#include "metrics.h"
#include "mqtt_link.h"
#include "pin_hash.h"
#include "ws_status.h"

/* An attempt in progress: the app it belongs to and its state (action_check.h). */
struct attempt {
    struct gw_app *app;
    struct action_attempt *s;
};

static void attempt_init(struct action_attempt *a, const struct action_request *req)
{
    memset(a, 0, sizeof *a);
    a->owner = req->owner;
    a->start_ms = gw_now_ms();
    a->rec.at_ms = audit_now_ms();
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

static void refuse_for_audit(struct attempt *a, struct action_outcome *out, const char *what)
{
    gw_log("audit: cannot write (%s): refusing the action of user=%s door=%s",
           store_errmsg(a->app->store), a->s->rec.user, a->s->rec.door);
    out->result = GW_AUDIT_UNAVAILABLE;
    out->reason = what;
    out->detail[0] = '\0';
}

/* Ends an attempt that sends nothing: audit row, log line, outcome. ACTION_ANSWERED. */
static int finish(struct attempt *a, enum gw_result r, const char *why, struct action_outcome *out)
{
    struct audit_rec *rec = &a->s->rec;
    out->result = r;
    out->reason = why;
    snprintf(out->door, sizeof out->door, "%s", rec->door);
    snprintf(rec->result, sizeof rec->result, "%s", gw_result_name(r));
    snprintf(rec->reason, sizeof rec->reason, "%s", why);
    rec->latency_ms = gw_now_ms() - a->s->start_ms;
    if (audit_append(a->app->store, rec) != 0)
        refuse_for_audit(a, out, "audit-write-failed");
    gw_log("action result user=%s door=%s id=- result=%s reason=%s latency_ms=%lld serial=%s "
           "peer=%s", rec->user, rec->door, gw_result_name(out->result), out->reason,
           (long long)(gw_now_ms() - a->s->start_ms), rec->serial[0] ? rec->serial : "-",
           rec->peer);
    return ACTION_ANSWERED;
}

/* "2026-11-01 12:34:56 UTC" */
static void format_utc(int64_t t, char *out, size_t cap)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (gmtime_r(&tt, &tm) == NULL || strftime(out, cap, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
        snprintf(out, cap, "%lld", (long long)t);
}

static void locked_detail(struct action_outcome *out, const char *prefix, int64_t until,
                          int64_t now)
{
    char when[40];
    long long mins = (long long)((until - now + 59) / 60);
    format_utc(until, when, sizeof when);
    set_detail(out, "%sLocked after too many wrong PINs until %s (about %lld minute%s).",
               prefix, when, mins, mins == 1 ? "" : "s");
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
    return 1;
}

int action_user_may_open(const struct gw_app *app, const struct user_rec *u, int door_index)
{
    uint32_t mask = users_door_mask(app->conf, u->doors);
    return door_index >= 0 && door_index < CONF_MAX_DOORS && ((mask >> door_index) & 1u);
}

int action_page_user(struct gw_app *app, const char *name, struct user_rec *u,
                     struct action_outcome *out)
{
    const char *why = "-";
    memset(out, 0, sizeof *out);
    if (user_admitted(app, name, u, out, &why))
        return 1;
    out->reason = why;
    gw_log("page refused user=%s result=%s reason=%s", name, gw_result_name(out->result), why);
    return 0;
}

/* Publishing part: the attempt passed every check. The user and door are the audit
 * row's (the door is a configured one by now). */
static int send_command(struct attempt *a, struct pending_handle *h, struct action_outcome *out)
{
    struct gw_app *app = a->app;
    const struct conf *c = app->conf;
    struct audit_rec *rec = &a->s->rec;
    char id[LK_ID_HEX_LEN + 1], payload[CMD_PAYLOAD_MAX], topic[LK_TOPIC_MAX + 1];
    const char *fail_why;
    struct lk_cmd cmd;
    size_t len;
    time_t now;

    snprintf(out->door, sizeof out->door, "%s", rec->door);
    if (!mqtt_link_ready(app->mqtt))
        return finish(a, GW_BROKER_UNAVAILABLE, "not-connected", out);
    now = time(NULL);
    if (cmd_new_id(id) != 0)
        return finish(a, GW_BROKER_UNAVAILABLE, "rng-failed", out);
    len = cmd_build(app->cmd_key, id, c->command.site, rec->door, "open", rec->user,
                    (int64_t)now, (int64_t)now + c->command.ttl, &cmd, payload, sizeof payload);
    if (len == 0 || lk_topic(topic, sizeof topic, c->command.site, rec->door, "cmd") == 0)
        return finish(a, GW_BAD_REQUEST, "sign-failed", out);

    /* The attempt is on disk before the command can leave. */
    strcpy(rec->result, "pending");
    strcpy(rec->reason, "awaiting-ack");
    strcpy(rec->cmd_id, id);
    rec->latency_ms = gw_now_ms() - a->s->start_ms;
    if (audit_append(app->store, rec) != 0) {
        refuse_for_audit(a, out, "audit-write-failed");
        gw_log("action result user=%s door=%s id=- result=%s reason=%s latency_ms=%lld",
               rec->user, rec->door, gw_result_name(out->result), out->reason,
               (long long)(gw_now_ms() - a->s->start_ms));
        return ACTION_ANSWERED;
    }

    gw_log("action requested user=%s door=%s id=%s serial=%s peer=%s", rec->user, rec->door, id,
           rec->serial[0] ? rec->serial : "-", rec->peer);
    fail_why = NULL;
    if (pending_add(&app->pending, id, rec->user, rec->door, a->s->start_ms,
                    a->s->start_ms + c->mqtt.ack_timeout_ms, a->s->owner, h) != 0) {
        fail_why = "too-many-in-flight";
    } else if (mqtt_link_publish(app->mqtt, topic, payload, len, *h) != 0) {
        struct pending_info dropped;
        pending_fail(&app->pending, *h, GW_BROKER_UNAVAILABLE, "publish-refused");
        (void)pending_take(&app->pending, *h, &dropped);
        h->slot = -1;
        fail_why = "publish-refused";
    }
    if (fail_why != NULL) {
        int64_t ms = gw_now_ms() - a->s->start_ms;
        if (audit_finish(app->store, id, gw_result_name(GW_BROKER_UNAVAILABLE), fail_why, ms) != 0)
            gw_log("audit: cannot complete the row of command %s: %s", id, store_errmsg(app->store));
        gw_log("action result user=%s door=%s id=%s result=broker-unavailable reason=%s "
               "latency_ms=%lld", rec->user, rec->door, id, fail_why, (long long)ms);
        out->result = GW_BROKER_UNAVAILABLE;
        out->reason = fail_why;
        return ACTION_ANSWERED;
    }
    return ACTION_AWAITING_ACK;
}

/* After the PIN verdict v for the user as read now (*u). mac: the pin_cache entry to keep
 * when the PIN was right (NULL: nothing to remember). */
static int after_pin(struct attempt *a, const struct user_rec *u, enum pin_verify v,
                     const unsigned char *mac, struct pending_handle *h,
                     struct action_outcome *out)
{
    struct gw_app *app = a->app;
    int64_t now = (int64_t)time(NULL), until = 0;
    int rc;

    switch (v) {
    case PIN_MATCH:
        break;
    case PIN_MISMATCH:
        pin_cache_forget(&app->pin_cache, u->name);
        rc = lockout_failure(app->store, u->name, now, &until);
        if (rc < 0) {
            gw_log("store: cannot record a wrong PIN of %s: %s", u->name, store_errmsg(app->store));
            return finish(a, GW_AUDIT_UNAVAILABLE, "store-write-failed", out);
        }
        if (rc == 1)
            return finish(a, GW_FORBIDDEN, "unknown-user", out);
        if (until > 0) {
            locked_detail(out, "Wrong PIN. ", until, now);
            return finish(a, GW_WRONG_PIN, "wrong-pin-locked", out);
        }
        return finish(a, GW_WRONG_PIN, "wrong-pin", out);
    case PIN_HASH_INVALID:
        return finish(a, GW_FORBIDDEN, "bad-pin-hash", out);
    }
    if ((u->failed != 0 || u->lockouts != 0 || u->locked_until != 0) &&
        lockout_success(app->store, u->name) < 0) {
        gw_log("store: cannot reset the lockout of %s: %s", u->name, store_errmsg(app->store));
        return finish(a, GW_AUDIT_UNAVAILABLE, "store-write-failed", out);
    }
    if (mac != NULL)
        pin_cache_store(&app->pin_cache, u->name, mac, gw_now_ms());
    if (a->s->owner == NULL) /* nobody waits for this door any more: open nothing */
        return finish(a, GW_NOT_CONFIRMED, "client-gone", out);
    return send_command(a, h, out);
}

static struct action_check *check_alloc(struct action_checks *t, struct action_check_handle *h)
{
    int i;
    for (i = 0; i < ACTION_CHECKS_MAX; i++) {
        struct action_check *c = &t->c[i];
        if (c->state == CHECK_FREE) {
            memset(c, 0, sizeof *c);
            c->state = CHECK_RUNNING;
            c->gen = ++t->next_gen;
            h->slot = i;
            h->gen = c->gen;
            return c;
        }
    }
    return NULL;
}

static struct action_check *check_get(struct action_checks *t, struct action_check_handle h)
{
    if (h.slot < 0 || h.slot >= ACTION_CHECKS_MAX || t->c[h.slot].state == CHECK_FREE ||
        t->c[h.slot].gen != h.gen)
        return NULL;
    return &t->c[h.slot];
}

static void check_free(struct action_check *c)
{
    OPENSSL_cleanse(c, sizeof *c); /* the cache value is PIN-derived */
    c->state = CHECK_FREE;
}

/* The PIN step of action_start: the cache, else a job for the worker. */
static int check_pin(struct attempt *a, const struct user_rec *u, const char *pin,
                     struct action_check_handle *check, struct pending_handle *h,
                     struct action_outcome *out)
{
    struct gw_app *app = a->app;
    unsigned char mac[PIN_CACHE_MAC_LEN];
    int have_mac = pin_cache_mac(&app->pin_cache, u->name, u->pin_hash, pin, mac) == 0;
    struct action_check *c;

    if (have_mac && pin_cache_match(&app->pin_cache, u->name, mac, gw_now_ms())) {
        OPENSSL_cleanse(mac, sizeof mac);
        metrics_pin_check(1);
        return after_pin(a, u, PIN_MATCH, NULL, h, out);
    }
    c = check_alloc(&app->checks, check);
    if (c == NULL) {
        OPENSSL_cleanse(mac, sizeof mac);
        set_detail(out, "The gateway is checking many PINs right now. Try again in a moment.");
        return finish(a, GW_BUSY, "pin-checks-full", out);
    }
    c->a = *a->s;
    snprintf(c->phc, sizeof c->phc, "%s", u->pin_hash);
    memcpy(c->mac, mac, sizeof mac);
    c->have_mac = have_mac;
    OPENSSL_cleanse(mac, sizeof mac);
    switch (pin_worker_submit(&app->pins, u->name, pin, u->pin_hash, c)) {
    case PIN_SUBMITTED:
        return ACTION_CHECKING_PIN;
    case PIN_SUBMIT_USER_BUSY:
        check_free(c);
        set_detail(out, "Your previous PIN is still being checked. Try again in a moment.");
        return finish(a, GW_BUSY, "pin-check-running", out);
    case PIN_SUBMIT_FULL:
        check_free(c);
        set_detail(out, "The gateway is checking many PINs right now. Try again in a moment.");
        return finish(a, GW_BUSY, "pin-checks-full", out);
    case PIN_SUBMIT_INVALID:
        break;
    }
    /* A PIN too long for a job is no PIN: pin_hash_verify says so without the KDF. */
    check_free(c);
    return after_pin(a, u, pin_hash_verify(&app->pepper, pin, u->pin_hash), NULL, h, out);
}

/* What every attempt must pass before its PIN is tried, checked when it starts and again
 * when scrypt's verdict comes back (the administrator may have changed the user
 * meanwhile): an enabled user, a PIN and a door, the door configured and one of theirs,
 * no lock. 1 with *u; 0 when the attempt is finished (ACTION_ANSWERED, *out set). */
static int admit(struct attempt *a, const char *user, const char *door, int have_pin,
                 struct user_rec *u, struct action_outcome *out)
{
    const char *why = "-";
    int64_t now;
    int index;

    if (!user_admitted(a->app, user, u, out, &why)) {
        (void)finish(a, out->result, why, out);
        return 0;
    }
    if (door == NULL || !have_pin) {
        set_detail(out, "The form needs a PIN and a door.");
        (void)finish(a, GW_BAD_REQUEST, "missing-field", out);
        return 0;
    }
    index = conf_find_door(a->app->conf, door);
    if (index < 0) {
        set_detail(out, "There is no such door.");
        (void)finish(a, GW_BAD_REQUEST, "unknown-door", out);
        return 0;
    }
    if (!action_user_may_open(a->app, u, index)) {
        set_detail(out, "This door is not one of yours.");
        (void)finish(a, GW_FORBIDDEN, "door-not-allowed", out);
        return 0;
    }
    now = (int64_t)time(NULL);
    if (lockout_remaining_s(u, now) > 0) {
        /* No PIN check while locked: the lock cannot be used to guess. */
        locked_detail(out, "", u->locked_until, now);
        (void)finish(a, GW_LOCKED, "locked", out);
        return 0;
    }
    return 1;
}

int action_start(struct gw_app *app, const struct action_request *req,
                 struct action_check_handle *check, struct pending_handle *ack,
                 struct action_outcome *out)
{
    struct action_attempt state;
    struct attempt a = {app, &state};
    struct user_rec u;

    memset(out, 0, sizeof *out);
    check->slot = -1;
    attempt_init(&state, req);
    if (!admit(&a, req->user, req->door, req->pin != NULL, &u, out))
        return ACTION_ANSWERED;
    return check_pin(&a, &u, req->pin, check, ack, out);
}

struct collect_ctx {
    struct gw_app *app;
    void (*wake_owner)(void *arg, void *owner);
    void *arg;
};

/* A verdict from the worker: the attempt is admitted again with the user as it is now
 * (its door is the audit row's: a configured one), its PIN must still be the one checked,
 * then it goes on as after a synchronous check. Its owner is woken to answer; without
 * one it ends here. */
static void on_verdict(void *arg, void *ctx, const char *user, enum pin_verify v)
{
    struct collect_ctx *cc = arg;
    struct action_check *c = ctx;
    struct attempt a = {cc->app, &c->a};
    struct user_rec u;

    if (c == NULL) /* the worker hands back the context it was given: never NULL */
        return;
    metrics_pin_check(0);
    if (!admit(&a, user, c->a.rec.door, 1, &u, &c->out)) {
        c->stage = ACTION_ANSWERED;
    } else if (strcmp(u.pin_hash, c->phc) != 0) {
        set_detail(&c->out, "Your PIN was changed meanwhile. Enter the new one.");
        c->stage = finish(&a, GW_WRONG_PIN, "pin-changed", &c->out);
    } else {
        c->stage = after_pin(&a, &u, v, c->have_mac ? c->mac : NULL, &c->ack, &c->out);
    }
    c->state = CHECK_DECIDED;
    if (c->a.owner != NULL) {
        cc->wake_owner(cc->arg, c->a.owner);
        return;
    }
    /* Nobody to answer: the result still reaches the user's other pages. */
    ws_status_action_result(c->a.rec.user, c->a.rec.door, c->out.result,
                            c->out.reason != NULL ? c->out.reason : "-",
                            gw_now_ms() - c->a.start_ms);
    check_free(c);
}

void action_collect(struct gw_app *app, void (*wake_owner)(void *arg, void *owner), void *arg)
{
    struct collect_ctx cc = {app, wake_owner, arg};
    (void)pin_worker_collect(&app->pins, on_verdict, &cc);
}

int action_take(struct gw_app *app, struct action_check_handle check, struct pending_handle *ack,
                struct action_outcome *out)
{
    struct action_check *c = check_get(&app->checks, check);
    int stage;

    if (c == NULL)
        return -1;
    if (c->state != CHECK_DECIDED)
        return ACTION_CHECKING_PIN;
    stage = c->stage;
    *ack = c->ack;
    *out = c->out;
    check_free(c);
    return stage;
}

void action_detach(struct gw_app *app, struct action_check_handle check)
{
    struct action_check *c = check_get(&app->checks, check);

    if (c == NULL)
        return;
    if (c->state == CHECK_RUNNING) {
        c->a.owner = NULL; /* on_verdict finishes it */
        return;
    }
    if (c->stage == ACTION_AWAITING_ACK) /* decided and published, never taken */
        pending_detach(&app->pending, c->ack);
    check_free(c);
}

void action_log_result(struct gw_app *app, const struct pending_info *info)
{
    int64_t ms = gw_now_ms() - info->started_ms;
    const char *reason = info->reason[0] != '\0' ? info->reason : "-";
    gw_log("action result user=%s door=%s id=%s result=%s reason=%s latency_ms=%lld%s",
           info->user, info->door, info->id, gw_result_name(info->result), reason, (long long)ms,
           info->owner == NULL ? " (client gone)" : "");
    if (app->store != NULL &&
        audit_finish(app->store, info->id, gw_result_name(info->result), reason, ms) != 0)
        gw_log("audit: cannot complete the row of command %s: %s", info->id,
               store_errmsg(app->store));
}
