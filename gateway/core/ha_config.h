/* ha_config.h - the Home Assistant MQTT discovery configs the gateway announces for each
 * door (docs/firmware.md "Home Assistant"): what only the gateway knows, joined to the
 * device's own entities by the same device identifier latchkey_<site>_<door>:
 *   event   <prefix>/event/latchkey_<site>_<door>/attempt/config      every attempt (.../event)
 *   sensor  <prefix>/sensor/latchkey_<site>_<door>/last_result/config the retained .../last
 *   sensor  <prefix>/sensor/latchkey_<site>_<door>/last_opener/config the retained .../last_opened
 *   button  <prefix>/button/latchkey_<site>_<door>/request/config     the signed open, only
 *           with a request identity: publishes on .../request/<identity> (docs/protocol.md) */
#ifndef GW_HA_CONFIG_H
#define GW_HA_CONFIG_H

#include <stddef.h>

enum gw_ha_entity {
    GW_HA_EVENT = 0,
    GW_HA_LAST_RESULT,
    GW_HA_LAST_OPENER,
    GW_HA_REQUEST,
    GW_HA_COUNT
};

#define GW_HA_TOPIC_MAX 256
#define GW_HA_PAYLOAD_MAX 1024 /* LK_MQTT_PAYLOAD_MAX: every config stays below it */

/* The button's payload: the request of docs/protocol.md with Home Assistant's clock. */
#define GW_HA_REQUEST_TEMPLATE "{\"v\":1,\"action\":\"open\",\"at\":{{ now().timestamp() | int }}}"

/* Builds entity e of door (site, prefix validated by the caller; identity "" = no
 * requests). 1 with topic and payload NUL-terminated; 0 if e does not apply (the button
 * without an identity); -1 if something does not fit. */
int gw_ha_config(const char *prefix, const char *site, const char *door, const char *identity,
                 enum gw_ha_entity e, char *topic, size_t topic_cap, char *payload,
                 size_t payload_cap);

#endif
