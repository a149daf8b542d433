/* action_request.c - MQTT requests (request_queue.h) into door actions: each queued
 * request starts as an action of the identity its topic named, with no PIN and nobody
 * waiting; action.c admits it (request_admitted, then the same checks as a user's action),
 * audits it by=<identity>, signs and publishes; its end is an event like every other. The
 * doors' time beacon requests, queued the same way, are answered here too. */
#include "action.h"

#include <string.h>

#include "request_queue.h"
#include "time_beacon.h"

void action_start_requests(struct gw_app *app)
{
    struct mqtt_request r;
    int n;

    /* Bounded: at most one queue's worth per wake-up, the rest waits for the next one. */
    for (n = 0; n < REQUEST_QUEUE_MAX && request_queue_pop(&r); n++) {
        struct action_request req;
        struct action_outcome out;
        struct attempt_handle h;

        memset(&req, 0, sizeof req);
        req.user = r.identity;
        req.door = r.door;
        req.serial = "";
        req.peer = "mqtt";
        req.via_broker = 1;
        req.requested_at = r.at;
        /* Answered at once, or waiting for the ack: either way outcome.c ends it. */
        (void)action_start(app, &req, &h, &out);
    }
    (void)time_beacon_answer_queued(app); /* and the doors' time requests (time_beacon.h) */
}
