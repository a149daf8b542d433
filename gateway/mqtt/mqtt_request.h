/* mqtt_request.h - the request topics latchkey/<site>/<door>/request/<identity> (docs/protocol.md
 * "Requests from the house"): the identity comes from the topic, which the broker's ACL
 * lets only that certificate write; the payload is checked and the request queued for the
 * loop (core/request_queue.h), which decides it like a user's action. No Paho in it. */
#ifndef GW_MQTT_REQUEST_H
#define GW_MQTT_REQUEST_H

#include <stddef.h>

#include "attempts.h"

/* 1 if topic is a request topic of site (then handled: queued, or logged and dropped: a
 * retained one, a bad door or identity, a malformed payload, a full queue); 0 otherwise.
 * The loop is woken through the attempts table's wake-up when a request was queued. */
int mqtt_request_inbound(const char *site, struct attempts *attempts, const char *topic,
                         size_t topic_len, const char *payload, size_t len, int retained);

#endif
