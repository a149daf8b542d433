/* action.h - one door action from an authenticated user, independent of the transport
 * (HTTP form now, websocket later): identify, authorise, check lockout and PIN, audit,
 * sign, publish. Also the identity check of the page (who may see it).
 * The PIN check is asynchronous: a PIN remembered by pin_cache.h is checked at once;
 * otherwise scrypt runs on pin_worker.h's thread and the attempt waits in a fixed table of
 * checks until the loop collects the verdict (action_collect), then goes on exactly as a
 * synchronous one would. Everything here runs on the lws loop thread. */
#ifndef GW_ACTION_H
#define GW_ACTION_H

#include <stdint.h>

#include "action_check.h"
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

enum action_stage {
    ACTION_ANSWERED = 0,     /* *out holds the outcome (already logged and audited) */
    ACTION_AWAITING_ACK = 1, /* published: the pending handle waits for the device's ack */
    ACTION_CHECKING_PIN = 2  /* the PIN is being checked: the check handle waits */
};

/* Starts the action: fills in *check, *ack or *out according to the stage (an
 * enum action_stage, as an int like action_take's) it returns.
 * Every outcome is logged and written to the audit log before it is given out; if that
 * write fails nothing is sent and the result is GW_AUDIT_UNAVAILABLE. */
int action_start(struct gw_app *app, const struct action_request *req,
                 struct action_check_handle *check, struct pending_handle *ack,
                 struct action_outcome *out);

/* Loop thread, after pin_worker woke it: continues every attempt whose PIN was checked.
 * An attempt whose owner is still there is then decided and wake_owner(arg, owner) is
 * called (the owner then calls action_take); one whose owner went away is finished here
 * (a right PIN of a gone requester opens nothing). */
void action_collect(struct gw_app *app, void (*wake_owner)(void *arg, void *owner), void *arg);

/* The owner's turn: ACTION_CHECKING_PIN while the check runs; else the stage it ended in,
 * with *ack or *out, and the check is freed. -1 for a handle that is not live. */
int action_take(struct gw_app *app, struct action_check_handle check, struct pending_handle *ack,
                struct action_outcome *out);

/* The owner went away: the check goes on; its outcome is audited, nothing is sent. */
void action_detach(struct gw_app *app, struct action_check_handle check);

/* Logs the end of a waited-for action and completes its audit row (call before answering). */
void action_log_result(struct gw_app *app, const struct pending_info *info);

/* Who may see the page: 1 and *u for an existing, enabled user; 0 and *out (forbidden with
 * a message, or audit-unavailable when the database cannot be read) otherwise. */
int action_page_user(struct gw_app *app, const char *name, struct user_rec *u,
                     struct action_outcome *out);

/* 1 if u may open configured door door_index. */
int action_user_may_open(const struct gw_app *app, const struct user_rec *u, int door_index);

#endif
