/* mqtt_diag.h - noticing a broker connection that another client keeps taking over: the
 * broker ends an MQTT session when a new one with the same client id arrives (and a
 * broker made by broker-config names every session by its certificate's CN), so two
 * gateways with one configuration or certificate knock each other off, each reconnecting
 * within a second. Pure logic on times; the caller (mqtt_link.c) logs. */
#ifndef GW_MQTT_DIAG_H
#define GW_MQTT_DIAG_H

#include <stdint.h>

#define MQTT_TAKEOVER_QUICK_MS 10000 /* a loss this soon after connecting counts */
#define MQTT_TAKEOVER_LOSSES 3       /* this many quick losses in a row: said once */

struct mqtt_diag {
    int64_t connected_ms; /* when the last session came up, 0 while none */
    int quick_losses;     /* quick losses in a row */
    int said;             /* the takeover has been logged for this run of losses */
};

void mqtt_diag_connected(struct mqtt_diag *d, int64_t now_ms);

/* A connection lost at now_ms: 1 if this makes MQTT_TAKEOVER_LOSSES quick losses in a row
 * (say it, once per run); a session that lasted longer starts the count again. */
int mqtt_diag_lost(struct mqtt_diag *d, int64_t now_ms);

#endif
