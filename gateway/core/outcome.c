/* outcome.c - the finisher of door actions (see outcome.h). */
#include "outcome.h"

#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "door_event.h"
#include "gw_log.h"
#include "metrics.h"

/* The one "action result" line: who, which door and command, from where, the result. */
static void log_result(const char *user, const char *door, const char *id, const char *serial,
                       const char *peer, enum gw_result r, const char *reason,
                       long long latency_ms, int gone)
{
    gw_log("action result user=%s door=%s id=%s serial=%s peer=%s result=%s reason=%s "
           "latency_ms=%lld%s", user, door, id, serial, peer, gw_result_name(r), reason,
           latency_ms, gone ? " (client gone)" : "");
}

/* A row cannot be written: nothing is sent, the requester learns the attempt is not on
 * record (fail closed). */
static void refuse_for_audit(struct gw_app *app, struct attempt *a)
{
    gw_log("audit: cannot write (%s): refusing the action of user=%s door=%s",
           store_errmsg(app->store), a->rec.user, a->rec.door);
    a->row = ROW_FAILED;
    a->out.detail[0] = '\0';
}

int outcome_write_pending(struct gw_app *app, struct attempt *a, const char *cmd_id)
{
    struct audit_rec *rec = &a->rec;

    strcpy(rec->result, "pending");
    strcpy(rec->reason, "awaiting-ack");
    snprintf(rec->cmd_id, sizeof rec->cmd_id, "%s", cmd_id);
    rec->latency_ms = app_now_ms(app) - a->start_ms;
    if (audit_append(app->store, rec) == 0) {
        a->row = ROW_PENDING;
        return 0;
    }
    rec->cmd_id[0] = '\0'; /* never sent */
    refuse_for_audit(app, a);
    outcome_finish(app, a, GW_AUDIT_UNAVAILABLE, "audit-write-failed");
    return -1;
}

static void write_audit(struct gw_app *app, struct attempt *a, int64_t latency_ms)
{
    struct audit_rec *rec = &a->rec;

    if (a->row == ROW_PENDING) {
        if (audit_finish(app->store, rec->cmd_id, gw_result_name(a->out.result), a->out.reason,
                         latency_ms) != 0)
            gw_log("audit: cannot complete the row of command %s: %s", rec->cmd_id,
                   store_errmsg(app->store));
        return;
    }
    if (a->row == ROW_FAILED)
        return;
    snprintf(rec->result, sizeof rec->result, "%s", gw_result_name(a->out.result));
    snprintf(rec->reason, sizeof rec->reason, "%s", a->out.reason);
    rec->latency_ms = latency_ms;
    if (audit_append(app->store, rec) == 0)
        return;
    refuse_for_audit(app, a);
    a->out.result = GW_AUDIT_UNAVAILABLE;
    snprintf(a->out.reason, sizeof a->out.reason, "%s", "audit-write-failed");
}

/* The event of the attempt, for an attempt on a configured door (docs/protocol.md "Events"). */
static void tell_house(struct gw_app *app, const struct attempt *a, enum gw_result shown)
{
    char json[DOOR_EVENT_MAX];
    size_t n;
    if (app->ports.door_event == NULL || conf_find_door(app->conf, a->rec.door) < 0)
        return;
    n = door_event_json(a->rec.door, a->rec.user, shown, a->out.reason, app_wall_ms(app) / 1000,
                        json, sizeof json);
    if (n == 0) {
        gw_log("event: cannot write the event of user=%s door=%s", a->rec.user, a->rec.door);
        return;
    }
    app->ports.door_event(app->ports.ctx, a->rec.door, json, n, shown == GW_OPENED);
}

void outcome_finish(struct gw_app *app, struct attempt *a, enum gw_result r, const char *reason)
{
    const struct audit_rec *rec = &a->rec;
    char why[ATTEMPT_REASON_MAX + 1];
    enum gw_result shown;
    int64_t latency_ms;

    /* reason may point into a->out (an ack's): copied before a->out is written */
    snprintf(why, sizeof why, "%s", reason != NULL ? reason : "");
    a->out.result = r;
    snprintf(a->out.reason, sizeof a->out.reason, "%s", why[0] != '\0' ? why : "-");
    snprintf(a->out.door, sizeof a->out.door, "%s", rec->door);
    /* The device's reason for a refusal is the page's detail. */
    if (r == GW_REJECTED && why[0] != '\0')
        snprintf(a->out.detail, sizeof a->out.detail, "%s", why);
    latency_ms = app_now_ms(app) - a->start_ms;
    write_audit(app, a, latency_ms);
    shown = a->out.result;
    log_result(rec->user, rec->door, rec->cmd_id[0] ? rec->cmd_id : "-",
               rec->serial[0] ? rec->serial : "-", rec->peer, shown, a->out.reason,
               (long long)latency_ms, a->owner == NULL && !a->unattended);
    /* Latency is counted for the results that waited for the device: to its ack (a door
     * sensor's wait after it is not the device's answer time). */
    metrics_result(shown, shown == GW_OPENED || shown == GW_REJECTED || shown == GW_NOT_CONFIRMED ||
                                  shown == GW_UNCONFIRMED || shown == GW_UNLOCKED_NOT_OPENED ||
                                  shown == GW_UNLOCKED
                              ? (a->acked_ms != 0 ? a->acked_ms - a->start_ms : latency_ms)
                              : -1);
    if (shown == GW_BUSY)
        metrics_busy(a->out.reason);
    app->ports.notify_result(app->ports.ctx, rec->user, rec->door, shown, a->out.reason,
                             latency_ms);
    tell_house(app, a, shown);
}

void outcome_lost(const char *user, const char *what)
{
    log_result(user, "?", "-", "-", "?", GW_NOT_CONFIRMED, what, -1, 0);
}
