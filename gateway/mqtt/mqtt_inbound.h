/* mqtt_inbound.h - what the gateway accepts from the broker: device acks (fed to the
 * attempts table) and door availability / state (fed to door_status). Pure input handling
 * with no Paho in it, so it can be unit-tested and fuzzed (tests/fuzz/fuzz_gateway_ack.c). */
#ifndef GW_MQTT_INBOUND_H
#define GW_MQTT_INBOUND_H

#include <stddef.h>

#include "attempts.h"
#include "latchkey/cmd_format.h"

/* Handles one message of topic latchkey/<site>/<door>/ack|availability|state or
 * latchkey/<site>/bridge (the bridge link's "1"/"0"); anything
 * else, another site, a bad door name or a malformed payload is logged and ignored. A
 * payload over LK_MQTT_PAYLOAD_MAX (latchkey/mqtt_limits.h) is dropped unparsed and counted
 * (metrics_mqtt_oversize). */
/* latchkey/<site>/<door><suffix> (suffix with its '/', e.g. "/ack") of our site: 0 with
 * the door (a valid name) copied, else -1. */
int mqtt_door_of_topic(const char *site, const char *topic, size_t len, const char *suffix,
                       char door[LK_NAME_MAX + 1]);

void mqtt_inbound(const char *site, struct attempts *attempts, const char *topic,
                  size_t topic_len, const char *payload, size_t len);

#endif
