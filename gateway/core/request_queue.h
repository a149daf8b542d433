/* request_queue.h - requests to open that arrive over MQTT from an identity the broker
 * vouches for (latchkey/<site>/<door>/request/<identity>, docs/protocol.md "Requests from
 * the house"): the strict payload parser, and a small bounded queue that hands them from
 * Paho's thread to the lws loop, where action.c treats each like a user's action. */
#ifndef GW_REQUEST_QUEUE_H
#define GW_REQUEST_QUEUE_H

#include <stddef.h>
#include <stdint.h>

#include "latchkey/cmd_format.h"

#define REQUEST_QUEUE_MAX 16 /* more waiting requests are dropped (logged) */
#define REQUEST_SKEW_S 30    /* a request's "at" must be within this of the gateway's clock */

struct mqtt_request {
    char identity[LK_BY_MAX + 1]; /* from the topic, which the broker's ACL binds to it */
    char door[LK_NAME_MAX + 1];
    int64_t at; /* the requester's clock, unix s */
};

/* {"v":1,"action":"open","at":<unix s>}: exactly these keys, each once, at a positive
 * integer. 0 with *at, -1 otherwise. */
int request_parse(const char *payload, size_t len, int64_t *at);

/* Any thread: queues r. 0, or -1 if REQUEST_QUEUE_MAX wait already. */
int request_queue_push(const struct mqtt_request *r);

/* Loop: the oldest waiting request into *r: 1, or 0 if none waits. */
int request_queue_pop(struct mqtt_request *r);

#endif
