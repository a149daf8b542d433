/* mqtt_link.h - the gateway's MQTT connection (Paho async, mTLS, MQTT 3.1.1): publishes
 * signed commands and feeds device acks into the attempts table (core/attempts.h). Paho runs its own
 * threads; everything here is safe to call from the lws loop. */
#ifndef GW_MQTT_LINK_H
#define GW_MQTT_LINK_H

#include <stddef.h>

#include "conf.h"
#include "attempts.h"

struct mqtt_link;

/* Creates the client and starts connecting (Paho retries on its own, forever, with
 * back-off). NULL and err on failure to create. */
struct mqtt_link *mqtt_link_start(const struct conf *c, struct attempts *attempts,
                                  char *err, size_t errlen);

/* 1 if connected and subscribed to the acks, so a command can be sent now. */
int mqtt_link_ready(struct mqtt_link *m);

/* Publishes payload on topic, QoS 1, not retained. Failure after acceptance ends the
 * attempt h (attempts_fail). Returns 0 if handed to Paho, -1 if not connected or refused (nothing
 * was sent). */
int mqtt_link_publish(struct mqtt_link *m, const char *topic, const char *payload, size_t len,
                      struct attempt_handle h);

/* Publishes an event, a retained last result or a discovery config: QoS 1, nothing waits
 * for it. 0 if handed to Paho, -1 if not connected or refused (logged by the caller). */
int mqtt_link_publish_note(struct mqtt_link *m, const char *topic, const char *payload, size_t len,
                           int retained);

/* Disconnects (bounded) and frees. */
void mqtt_link_stop(struct mqtt_link *m);

#endif
