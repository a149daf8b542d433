/* fake_ports.h - test doubles for the gateway core's ports (gateway/core/ports.h): a broker
 * link that records what it was asked to publish (ready or not, accepting or refusing), a
 * recorder of result notifications, door events and owner wake-ups, and settable clocks. */
#ifndef GW_FAKE_PORTS_H
#define GW_FAKE_PORTS_H

#include <stdint.h>

#include "attempts.h"
#include "ports.h"

struct fake_ports {
    /* broker */
    int ready;                      /* broker_ready() answers this */
    int refuse;                     /* publish() returns -1 */
    int published;                  /* commands handed over */
    char topic[LK_TOPIC_MAX + 1];   /* the last one's */
    char payload[512];
    struct attempt_handle last_h;
    /* notifications */
    int results;                    /* notify_result() calls */
    enum gw_result last_result;
    char last_user[LK_BY_MAX + 1], last_door[LK_NAME_MAX + 1], last_reason[64];
    int64_t last_latency_ms;
    int owner_wakes;
    void *last_owner;
    int deadline_calls, doors_calls;
    /* door events (door_event.h) */
    int events, events_opened;
    char event_door[LK_NAME_MAX + 1], event_json[512];
    /* time beacons (time_beacon.h) */
    int beacons;
    char beacon_door[LK_NAME_MAX + 1], beacon_json[256];
    /* clocks */
    int64_t now_ms, wall_ms;
};

/* Zeroes f (broker ready, clocks at a fixed time) and fills p with f's functions. */
void fake_ports_init(struct fake_ports *f, struct gw_ports *p);

#endif
