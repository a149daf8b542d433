/* action.h - one door action from an authenticated user, independent of the transport
 * (the HTTP form now, others later): identify, authorise, check lockout and PIN, audit,
 * sign, publish, wait for the ack. Also the identity check of the page (who may see it).
 * The attempt lives in app->attempts (attempts.h) from the start to the moment its owner
 * takes the outcome, under one handle; every outcome is finished by outcome.h. The PIN
 * check is asynchronous: a PIN remembered by pin_cache.h is checked at once, otherwise
 * scrypt runs on pin_worker.h's thread and the loop continues the attempt in
 * action_collect(). The broker, the owner's wake-up and the clock are ports (ports.h).
 * Everything here runs on the lws loop thread. */
#ifndef GW_ACTION_H
#define GW_ACTION_H

#include "app.h"
#include "attempts.h"
#include "result.h"
#include "users.h"

struct action_request {
    const char *user;   /* verified client certificate CN */
    const char *door;   /* as submitted, unchecked (may be NULL) */
    const char *pin;    /* as submitted, unchecked (may be NULL) */
    const char *serial; /* client certificate serial, hex ("" if unknown) */
    const char *peer;   /* peer IP address */
    void *owner;        /* who waits for the result (the HTTP connection) */
    /* 1: a request over MQTT (request_queue.h). user is the identity its topic names, which
     * the broker's ACL binds to that certificate; no PIN; owner NULL; requested_at is the
     * requester's clock. Admitted like a user's action (enabled user, the door one of
     * theirs) when user is [homeassistant] request_identity and requested_at is within
     * REQUEST_SKEW_S of the gateway's clock. */
    int via_broker;
    int64_t requested_at;
};

enum action_stage {
    ACTION_ANSWERED = 0,     /* *out holds the outcome (already finished: audited, logged) */
    ACTION_AWAITING_ACK = 1, /* published: the attempt waits for the device's ack */
    ACTION_CHECKING_PIN = 2  /* the PIN is being checked */
};

/* Starts the action. ACTION_ANSWERED with *out, or a stage to wait in with *h (an enum
 * action_stage, as an int like action_take's): the owner is woken (ports.h wake_owner)
 * when action_take has the outcome. */
int action_start(struct gw_app *app, const struct action_request *req, struct attempt_handle *h,
                 struct action_outcome *out);

/* After a wake-up (MQTT requests, PIN verdicts, acks, failed publishes): starts every
 * queued MQTT request (action_request.c), continues every attempt whose PIN was checked,
 * finishes every one that ended, wakes their owners. */
void action_collect(struct gw_app *app);

/* Starts every MQTT request waiting in request_queue.h (action_request.c). */
void action_start_requests(struct gw_app *app);

/* The ack timer fired: attempts past their deadline end (not-confirmed), then collect. */
void action_expire(struct gw_app *app);

/* The owner's turn: the stage while the attempt is under way; ACTION_ANSWERED with *out
 * once it finished (the attempt is then freed). -1 for a handle that is not live. */
int action_take(struct gw_app *app, struct attempt_handle h, struct action_outcome *out);

/* The owner went away: the attempt goes on and is finished; nothing is sent to it (a right
 * PIN of a gone requester opens nothing). */
void action_detach(struct gw_app *app, struct attempt_handle h);

/* Who may see the page: 1 and *u for an existing, enabled user; 0 and *out (forbidden with
 * a message, or audit-unavailable when the database cannot be read) otherwise. */
int action_page_user(struct gw_app *app, const char *name, struct user_rec *u,
                     struct action_outcome *out);

/* The line the phone shows under a door with a schedule ("Garage: Tue 09:00–12:00 · 2
 * uses left"): 1 and out, 0 when the user's door has none (or it cannot be read). */
int action_schedule_line(struct gw_app *app, const char *user, int door_index, char *out,
                         size_t cap);

/* 1 if u may open configured door door_index. */
int action_user_may_open(const struct gw_app *app, const struct user_rec *u, int door_index);

/* The configured doors u may open, for a page that lists them (one pass over u's list):
 * *out and how many. */
int action_user_doors(const struct gw_app *app, const struct user_rec *u, struct door_set *out);

#endif
