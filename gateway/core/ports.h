/* ports.h - what the gateway's decisions (core/) need from the rooms around them: the
 * broker (mqtt/), the phones' connections (web/), the clock. core/ calls these and nothing
 * of web/ or mqtt/; main.c fills them (wiring.c), a unit test fills them with fakes
 * (tests/gateway/test_action.c). Every call comes from the lws loop thread. */
#ifndef GW_PORTS_H
#define GW_PORTS_H

#include <stddef.h>
#include <stdint.h>

#include "result.h"

struct attempt_handle;

struct gw_ports {
    void *ctx;
    /* 1 if a command can be published now (connected and subscribed to the acks). */
    int (*broker_ready)(void *ctx);
    /* Publishes a signed command (QoS 1, not retained) for attempt h. 0 if handed to the
     * broker link, -1 if refused (nothing was sent). A failure after that ends the attempt
     * through attempts_fail() (any thread). */
    int (*publish)(void *ctx, const char *topic, const char *payload, size_t len,
                   struct attempt_handle h);
    /* One finished action of user on door, for the user's live pages (websockets).
     * reason is never NULL; latency_ms since the request. */
    void (*notify_result)(void *ctx, const char *user, const char *door, enum gw_result r,
                          const char *reason, int64_t latency_ms);
    /* The attempt owner waits for (the HTTP connection) can take its outcome now. */
    void (*wake_owner)(void *ctx, void *owner);
    /* The earliest ack deadline may have changed: (re)arm the timer that calls
     * action_expire() (core/action.h). */
    void (*deadlines_changed)(void *ctx);
    /* The configured doors changed (SIGHUP): live pages get the new list. */
    void (*doors_changed)(void *ctx);
    /* Monotonic milliseconds (deadlines, latencies, the PIN cache). */
    int64_t (*now_ms)(void *ctx);
    /* Wall-clock UNIX milliseconds (audit rows, command time window, lockouts). */
    int64_t (*wall_ms)(void *ctx);
    /* The event of one finished attempt on configured door (core/door_event.h JSON): to
     * .../event, the retained .../last (and .../last_opened when opened != 0), and the
     * webhook. Never blocks; whatever cannot go out is logged and dropped. */
    void (*door_event)(void *ctx, const char *door, const char *json, size_t len, int opened);
    /* A signed time beacon (core/time_beacon.h) for door, to latchkey/<site>/<door>/time
     * (QoS 1, never retained). 0 if handed to the broker link, -1 otherwise. */
    int (*publish_time)(void *ctx, const char *door, const char *json, size_t len);
};

#endif
