/* action.h - one door action from an authenticated user, independent of the transport
 * (HTTP form now, websocket later): authorise, check the PIN, sign, publish. */
#ifndef GW_ACTION_H
#define GW_ACTION_H

#include "app.h"
#include "pending.h"
#include "result.h"

struct action_request {
    const char *user;   /* verified client certificate CN */
    const char *door;   /* as submitted, unchecked */
    const char *pin;    /* as submitted, unchecked */
    void *owner;        /* who waits for the result (the HTTP connection) */
};

/* Starts the action. Returns 1 and sets *h when the command is published and waits for its
 * ack in the pending table; returns 0 with *result (and a short reason) when it ended at
 * once (forbidden, wrong PIN, broker unavailable, ...). Every outcome is logged. */
int action_start(struct gw_app *app, const struct action_request *req, struct pending_handle *h,
                 enum gw_result *result, const char **reason);

/* Logs the end of a waited-for action. */
void action_log_result(const struct pending_info *info);

#endif
