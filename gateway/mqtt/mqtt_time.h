/* mqtt_time.h - the time beacon requests latchkey/<site>/<door>/time/req from the broker
 * into the loop's queue (core/time_beacon.h, docs/protocol.md "Time beacon"): the door
 * comes from the topic, which the broker's ACL lets only that door's identity write; the
 * payload's size is bounded before it is parsed. No Paho in it. */
#ifndef GW_MQTT_TIME_H
#define GW_MQTT_TIME_H

#include <stddef.h>

#include "attempts.h"

/* 1 if topic is a time request topic of site (then handled: queued and the loop woken
 * through the attempts table's wake-up, or logged and dropped: retained, oversized,
 * malformed, a full queue); 0 otherwise. */
int mqtt_time_inbound(const char *site, struct attempts *attempts, const char *topic,
                      size_t topic_len, const char *payload, size_t len, int retained);

#endif
