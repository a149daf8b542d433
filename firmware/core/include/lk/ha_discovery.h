/* ha_discovery.h - Home Assistant MQTT discovery messages of the device: retained config
 * messages under <prefix>/<component>/latchkey_<site>_<door>/<object>/config that describe
 * the door's entities (connectivity, relay and, only when the local command path is
 * enabled, an "open" button). The last result, the last opener, every attempt and the
 * signed "open" come from the gateway, which announces them for the same device
 * (gateway/core/ha_config.h): only it knows who asked and how it ended. Keys use Home Assistant's documented
 * abbreviations to keep each message small enough for a microcontroller's TX buffer. */
#ifndef LK_HA_DISCOVERY_H
#define LK_HA_DISCOVERY_H

#include <stddef.h>

#include "lk/config_defaults.h"

/* <prefix>/binary_sensor/latchkey_<site>_<door>/<object>/config */
#define LK_HA_TOPIC_MAX (LK_HA_PREFIX_MAX + 15u + 10u + 32u + 1u + 32u + 13u + 8u)

/* The door's entities, in publishing order. */
enum lk_ha_entity {
    LK_HA_ONLINE = 0,  /* binary_sensor, device_class connectivity, from availability */
    LK_HA_RELAY,       /* binary_sensor: state.relay active / idle */
    LK_HA_OPEN_BUTTON, /* button publishing "open" to .../local (only with local_command) */
    LK_HA_DOOR,        /* binary_sensor, device_class door: state.door (only with a sensor) */
    LK_HA_COUNT
};

/* The payload the button sends and the device accepts on .../local. */
#define LK_HA_LOCAL_PAYLOAD "open"

struct lk_ha_device {
    const char *prefix;       /* validated with lk_ha_prefix_valid */
    const char *site, *door, *fw;
    const char *topic_avail, *topic_state, *topic_ack;
    const char *topic_local;  /* NULL: local command path off (no button) */
    int has_door;             /* 0: no door sensor (no door entity) */
};

/* 1 if p is a usable discovery prefix: 1..LK_HA_PREFIX_MAX characters of [A-Za-z0-9_-/],
 * no empty level (no leading, trailing or double '/'). */
int lk_ha_prefix_valid(const char *p);

/* Builds the config message of one entity. Returns the payload length (> 0) with topic
 * and payload NUL-terminated; 0 if the entity does not apply (the button without the
 * local path, the door without a sensor); (size_t)-1 if something does not fit. */
size_t lk_ha_config(const struct lk_ha_device *d, enum lk_ha_entity e, char *topic,
                    size_t topic_cap, char *payload, size_t payload_cap);

#endif
