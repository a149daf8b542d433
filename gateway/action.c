/* action.c - the decision on one door action: who (certificate CN -> enabled user), which
 * door (configured, and one of the user's), lockout, PIN (peppered scrypt), then the audit
 * row, signing and publishing. Every attempt is written to the audit log before the answer;
 * when that write fails the action is refused (fail closed).
 * The scrypt PIN check runs in the caller's thread (the lws loop): ~100 ms of CPU during
 * which the loop serves nobody else. Accepted for a door gateway's load; noted in
 * docs/gateway.md. */
#include "action.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "cmd_sign.h"
#include "gw_log.h"
#include "lockout.h"
#include "mqtt_link.h"
#include "pin_hash.h"

struct attempt {
    struct gw_app *app;
    const struct action_request *req;
    struct audit_rec rec;
    int64_t start_ms;   /* monotonic */
};

static void attempt_init(struct attempt *a, struct gw_app *app, const struct action_request *req)
{
    memset(a, 0, sizeof *a);
    a->app = app;
    a->req = req;
    a->start_ms = gw_now_ms();
    a->rec.at_ms = audit_now_ms();
    snprintf(a->rec.user, sizeof a->rec.user, "%s", req->user);
    snprintf(a->rec.serial, sizeof a->rec.serial, "%s", req->serial != NULL ? req->serial : "");
    snprintf(a->rec.peer, sizeof a->rec.peer, "%s", req->peer != NULL ? req->peer : "?");
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
           store_errmsg(a->app->store), a->rec.user, a->rec.door);
    out->result = GW_AUDIT_UNAVAILABLE;
    out->reason = what;
    out->detail[0] = '\0';
}

/* Ends an attempt that sends nothing: audit row, log line, outcome. Returns 0. */
static int finish(struct attempt *a, enum gw_result r, const char *why, struct action_outcome *out)
{
    out->result = r;
    out->reason = why;
    snprintf(a->rec.result, sizeof a->rec.result, "%s", gw_result_name(r));
    snprintf(a->rec.reason, sizeof a->rec.reason, "%s", why);
    a->rec.latency_ms = gw_now_ms() - a->start_ms;
    if (audit_append(a->app->store, &a->rec) != 0)
        refuse_for_audit(a, out, "audit-write-failed");
    gw_log("action result user=%s door=%s id=- result=%s reason=%s latency_ms=%lld serial=%s "
           "peer=%s", a->rec.user, a->rec.door, gw_result_name(out->result), out->reason,
           (long long)(gw_now_ms() - a->start_ms), a->rec.serial[0] ? a->rec.serial : "-",
           a->rec.peer);
    return 0;
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

/* Publishing part: the attempt passed every check. */
static int send_command(struct attempt *a, struct pending_handle *h, struct action_outcome *out)
{
    struct gw_app *app = a->app;
    const struct conf *c = app->conf;
    const struct action_request *req = a->req;
    char id[LK_ID_HEX_LEN + 1], payload[CMD_PAYLOAD_MAX], topic[LK_TOPIC_MAX + 1];
    const char *fail_why;
    struct lk_cmd cmd;
    size_t len;
    time_t now;

    if (!mqtt_link_ready(app->mqtt))
        return finish(a, GW_BROKER_UNAVAILABLE, "not-connected", out);
    now = time(NULL);
    if (cmd_new_id(id) != 0)
        return finish(a, GW_BROKER_UNAVAILABLE, "rng-failed", out);
    len = cmd_build(app->cmd_key, id, c->command.site, req->door, "open", req->user,
                    (int64_t)now, (int64_t)now + c->command.ttl, &cmd, payload, sizeof payload);
    if (len == 0 || lk_topic(topic, sizeof topic, c->command.site, req->door, "cmd") == 0)
        return finish(a, GW_BAD_REQUEST, "sign-failed", out);

    /* The attempt is on disk before the command can leave. */
    strcpy(a->rec.result, "pending");
    strcpy(a->rec.reason, "awaiting-ack");
    strcpy(a->rec.cmd_id, id);
    a->rec.latency_ms = gw_now_ms() - a->start_ms;
    if (audit_append(app->store, &a->rec) != 0) {
        refuse_for_audit(a, out, "audit-write-failed");
        gw_log("action result user=%s door=%s id=- result=%s reason=%s latency_ms=%lld",
               a->rec.user, a->rec.door, gw_result_name(out->result), out->reason,
               (long long)(gw_now_ms() - a->start_ms));
        return 0;
    }

    gw_log("action requested user=%s door=%s id=%s serial=%s peer=%s", req->user, req->door, id,
           a->rec.serial[0] ? a->rec.serial : "-", a->rec.peer);
    fail_why = NULL;
    if (pending_add(&app->pending, id, req->user, req->door, a->start_ms,
                    a->start_ms + c->mqtt.ack_timeout_ms, req->owner, h) != 0) {
        fail_why = "too-many-in-flight";
    } else if (mqtt_link_publish(app->mqtt, topic, payload, len, *h) != 0) {
        struct pending_info dropped;
        pending_fail(&app->pending, *h, GW_BROKER_UNAVAILABLE, "publish-refused");
        (void)pending_take(&app->pending, *h, &dropped);
        h->slot = -1;
        fail_why = "publish-refused";
    }
    if (fail_why != NULL) {
        int64_t ms = gw_now_ms() - a->start_ms;
        if (audit_finish(app->store, id, gw_result_name(GW_BROKER_UNAVAILABLE), fail_why, ms) != 0)
            gw_log("audit: cannot complete the row of command %s: %s", id, store_errmsg(app->store));
        gw_log("action result user=%s door=%s id=%s result=broker-unavailable reason=%s "
               "latency_ms=%lld", req->user, req->door, id, fail_why, (long long)ms);
        out->result = GW_BROKER_UNAVAILABLE;
        out->reason = fail_why;
        return 0;
    }
    return 1;
}

int action_start(struct gw_app *app, const struct action_request *req, struct pending_handle *h,
                 struct action_outcome *out)
{
    const struct conf *c = app->conf;
    struct attempt a;
    struct user_rec u;
    const char *why = "-";
    int64_t now, until = 0;
    int door, rc;

    memset(out, 0, sizeof *out);
    attempt_init(&a, app, req);
    if (!user_admitted(app, req->user, &u, out, &why))
        return finish(&a, out->result, why, out);
    if (req->door == NULL || req->pin == NULL) {
        set_detail(out, "The form needs a PIN and a door.");
        return finish(&a, GW_BAD_REQUEST, "missing-field", out);
    }
    door = conf_find_door(c, req->door);
    if (door < 0) {
        set_detail(out, "There is no such door.");
        return finish(&a, GW_BAD_REQUEST, "unknown-door", out);
    }
    if (!action_user_may_open(app, &u, door)) {
        set_detail(out, "This door is not one of yours.");
        return finish(&a, GW_FORBIDDEN, "door-not-allowed", out);
    }
    now = (int64_t)time(NULL);
    if (lockout_remaining_s(&u, now) > 0) {
        /* No PIN check while locked: the lock cannot be used to guess. */
        locked_detail(out, "", u.locked_until, now);
        return finish(&a, GW_LOCKED, "locked", out);
    }
    switch (pin_hash_verify(&app->pepper, req->pin, u.pin_hash)) {
    case PIN_MATCH:
        break;
    case PIN_MISMATCH:
        rc = lockout_failure(app->store, u.name, now, &until);
        if (rc < 0) {
            gw_log("store: cannot record a wrong PIN of %s: %s", u.name, store_errmsg(app->store));
            return finish(&a, GW_AUDIT_UNAVAILABLE, "store-write-failed", out);
        }
        if (rc == 1)
            return finish(&a, GW_FORBIDDEN, "unknown-user", out);
        if (until > 0) {
            locked_detail(out, "Wrong PIN. ", until, now);
            return finish(&a, GW_WRONG_PIN, "wrong-pin-locked", out);
        }
        return finish(&a, GW_WRONG_PIN, "wrong-pin", out);
    case PIN_HASH_INVALID:
        return finish(&a, GW_FORBIDDEN, "bad-pin-hash", out);
    }
    if ((u.failed != 0 || u.lockouts != 0 || u.locked_until != 0) &&
        lockout_success(app->store, u.name) < 0) {
        gw_log("store: cannot reset the lockout of %s: %s", u.name, store_errmsg(app->store));
        return finish(&a, GW_AUDIT_UNAVAILABLE, "store-write-failed", out);
    }
    return send_command(&a, h, out);
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
