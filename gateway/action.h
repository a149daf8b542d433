/* action.h - one door action from an authenticated user, independent of the transport
 * (HTTP form now, websocket later): identify, authorise, check lockout and PIN, audit,
 * sign, publish. Also the identity check of the page (who may see it). */
#ifndef GW_ACTION_H
#define GW_ACTION_H

#include <stdint.h>

#include "app.h"
#include "pending.h"
#include "result.h"
#include "users.h"

struct action_request {
    const char *user;   /* verified client certificate CN */
    const char *door;   /* as submitted, unchecked (may be NULL) */
    const char *pin;    /* as submitted, unchecked (may be NULL) */
    const char *serial; /* client certificate serial, hex ("" if unknown) */
    const char *peer;   /* peer IP address */
    void *owner;        /* who waits for the result (the HTTP connection) */
};

#define ACTION_DETAIL_MAX 160

struct action_outcome {
    enum gw_result result;
    const char *reason;               /* short token for the log and the audit */
    char detail[ACTION_DETAIL_MAX];   /* a sentence for the page, "" if none */
};

/* Starts the action. Returns 1 and sets *h when the command is published and waits for its
 * ack in the pending table; returns 0 with *out when it ended at once (forbidden, locked,
 * wrong PIN, broker or audit unavailable, ...). Every outcome is logged and written to the
 * audit log before this returns; if that write fails nothing is sent and the result is
 * GW_AUDIT_UNAVAILABLE. Blocks ~100 ms for the scrypt PIN check. */
int action_start(struct gw_app *app, const struct action_request *req, struct pending_handle *h,
                 struct action_outcome *out);

/* Logs the end of a waited-for action and completes its audit row (call before answering). */
void action_log_result(struct gw_app *app, const struct pending_info *info);

/* Who may see the page: 1 and *u for an existing, enabled user; 0 and *out (forbidden with
 * a message, or audit-unavailable when the database cannot be read) otherwise. */
int action_page_user(struct gw_app *app, const char *name, struct user_rec *u,
                     struct action_outcome *out);

/* 1 if u may open configured door door_index. */
int action_user_may_open(const struct gw_app *app, const struct user_rec *u, int door_index);

#endif
