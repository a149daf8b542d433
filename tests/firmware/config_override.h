/* config_override.h - a board configuration header for firmware_config_override, named by
 * -DLK_CONFIG_FILE: it must win over config_defaults.h's defaults. */
#ifndef FW_CONFIG_OVERRIDE_H
#define FW_CONFIG_OVERRIDE_H

#define LK_MQTT_RX_BUF 333u
#define LK_REPLAY_SLOTS 7u
#define LK_RELAY_DEFAULT_PULSE_MS 750u

#endif
