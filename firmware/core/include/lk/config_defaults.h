/* config_defaults.h - every compile-time setting of the firmware core, in one place, each
 * with its default. A board overrides any of them with -DNAME=value, or in its own header
 * named by LK_CONFIG_FILE (read first, so its values win):
 *
 *     cc -DLK_CONFIG_FILE='"board_config.h"' ...      board_config.h: #define LK_MQTT_RX_BUF 512u
 *
 * Buffer sizes decide the size of struct lk_device (all of the core's RAM); see
 * docs/firmware.md "Buffer sizes". The checks at the end refuse inconsistent values at
 * compile time. Every core header includes this file: include nothing else for settings. */
#ifndef LK_CONFIG_DEFAULTS_H
#define LK_CONFIG_DEFAULTS_H

#ifdef LK_CONFIG_FILE
#include LK_CONFIG_FILE
#endif

/* ---- MQTT client (mqtt_client.h) ------------------------------------------------------ */
#ifndef LK_MQTT_RX_BUF
#define LK_MQTT_RX_BUF 1024u          /* largest inbound packet; bigger ones are skipped */
#endif
#ifndef LK_MQTT_TX_BUF
#define LK_MQTT_TX_BUF 1024u          /* bytes queued for the transport */
#endif
#ifndef LK_MQTT_INFLIGHT
#define LK_MQTT_INFLIGHT 6u           /* outbound QoS 1 publishes awaiting PUBACK */
#endif
#ifndef LK_MQTT_SLOT_BUF
#define LK_MQTT_SLOT_BUF 320u         /* one stored QoS 1 PUBLISH packet (for retransmit) */
#endif
#ifndef LK_MQTT_READS_PER_POLL
#define LK_MQTT_READS_PER_POLL 8u     /* transport reads per lk_mqtt_poll (bounded work) */
#endif
#ifndef LK_MQTT_CONNACK_TIMEOUT_MS
#define LK_MQTT_CONNACK_TIMEOUT_MS 10000u /* CONNECT sent, no CONNACK: give the link up */
#endif
#ifndef LK_MQTT_RETRY_MS
#define LK_MQTT_RETRY_MS 5000u        /* resend an unacknowledged QoS 1 PUBLISH with DUP */
#endif
#ifndef LK_MQTT_PINGRESP_TIMEOUT_MS
#define LK_MQTT_PINGRESP_TIMEOUT_MS 10000u /* PINGREQ sent, no PINGRESP: give the link up */
#endif
#ifndef LK_MQTT_BACKOFF_MIN_MS
#define LK_MQTT_BACKOFF_MIN_MS 1000u  /* first reconnect delay (doubles per failed attempt) */
#endif
/* The back-off doubles up to this cap (half of it random jitter). 1.5 s keeps a door back
 * within 2 s of its broker's return after an outage of any length (tests/faults/
 * broker_kill.sh); a large fleet on one broker may raise it. */
#ifndef LK_MQTT_BACKOFF_MAX_MS
#define LK_MQTT_BACKOFF_MAX_MS 1500u  /* reconnect delay cap */
#endif

/* ---- command verifier (cmd_verify.h) -------------------------------------------------- */
#ifndef LK_REPLAY_SLOTS
#define LK_REPLAY_SLOTS 64u           /* ids remembered (ring: the oldest is forgotten) */
#endif
#ifndef LK_CMD_PAYLOAD_MAX
#define LK_CMD_PAYLOAD_MAX 1024u      /* longer command payloads are malformed */
#endif
#ifndef LK_CMD_JSON_TOKENS
#define LK_CMD_JSON_TOKENS 24u        /* 1 object + 9 keys + 9 values, with room to spare */
#endif

/* ---- relay controller (relay.h) ------------------------------------------------------- */
#ifndef LK_RELAY_PULSE_MIN_MS
#define LK_RELAY_PULSE_MIN_MS 50u     /* shortest pulse a config may ask for */
#endif
#ifndef LK_RELAY_PULSE_MAX_MS
#define LK_RELAY_PULSE_MAX_MS 10000u  /* longest pulse a config may ask for */
#endif
#ifndef LK_RELAY_DEFAULT_PULSE_MS
#define LK_RELAY_DEFAULT_PULSE_MS 500u /* pulse when the config says 0 */
#endif
#ifndef LK_RELAY_INTERVAL_MAX_MS
#define LK_RELAY_INTERVAL_MAX_MS 600000u /* longest minimum interval between two pulses */
#endif

/* ---- device application (device.h) ---------------------------------------------------- */
#ifndef LK_FW_VERSION_MAX
#define LK_FW_VERSION_MAX 32u         /* longer or non-printable versions are reported "unknown" */
#endif
#ifndef LK_DEVICE_MSG_MAX
#define LK_DEVICE_MSG_MAX 256u /* one signed ack (<= 232 B) or state JSON */
#endif
#ifndef LK_DEVICE_SHUTDOWN_MS
#define LK_DEVICE_SHUTDOWN_MS 2000u   /* longest wait for the broker's PUBACK of "offline" */
#endif
#ifndef LK_DEVICE_KEEPALIVE_DEFAULT_S
#define LK_DEVICE_KEEPALIVE_DEFAULT_S 30u /* MQTT keep-alive when the config says 0 */
#endif

/* ---- Home Assistant discovery (ha_discovery.h) ---------------------------------------- */
#ifndef LK_HA_PREFIX_MAX
#define LK_HA_PREFIX_MAX 48u          /* discovery prefix, e.g. "homeassistant" */
#endif
#ifndef LK_HA_MSG_MAX
#define LK_HA_MSG_MAX 800u            /* one config payload (longest names: 741 B) */
#endif

/* ---- door sensor (door_sensor.h) ---------------------------------------------------- */
#ifndef LK_DOOR_SENSOR
#define LK_DOOR_SENSOR 1u /* 0: no door contact support (saves ~90 B of RAM) */
#endif

/* ---- signed time beacon (time_sync.h, docs/protocol.md "Time beacon") ---------------- */
#ifndef LK_TIME_SYNC
#define LK_TIME_SYNC 1u /* 0: no beacon support (a port with its own trusted clock) */
#endif
#ifndef LK_TIME_OPEN_MS
#define LK_TIME_OPEN_MS 10000u /* a request's nonce stays open this long */
#endif
#ifndef LK_TIME_RETRY_MS
#define LK_TIME_RETRY_MS 15000u /* an unanswered request is asked again after this */
#endif
#ifndef LK_TIME_RESYNC_MS
#define LK_TIME_RESYNC_MS 21600000u /* re-sync while connected: every 6 h */
#endif
#ifndef LK_TIME_PERSIST_MS
#define LK_TIME_PERSIST_MS 3600000u /* the high-water mark is written at most this often */
#endif
#ifndef LK_TIME_PAYLOAD_MAX
#define LK_TIME_PAYLOAD_MAX 256u /* longer beacon payloads are malformed (a valid one: ~170 B) */
#endif

/* ---- consistency checks --------------------------------------------------------------- */
#if LK_RELAY_PULSE_MIN_MS < 1u || LK_RELAY_PULSE_MIN_MS > LK_RELAY_PULSE_MAX_MS
#error "LK_RELAY_PULSE_MIN_MS must be 1..LK_RELAY_PULSE_MAX_MS"
#endif
#if LK_RELAY_DEFAULT_PULSE_MS < LK_RELAY_PULSE_MIN_MS || LK_RELAY_DEFAULT_PULSE_MS > LK_RELAY_PULSE_MAX_MS
#error "LK_RELAY_DEFAULT_PULSE_MS must lie within LK_RELAY_PULSE_MIN_MS..LK_RELAY_PULSE_MAX_MS"
#endif
#if LK_MQTT_BACKOFF_MIN_MS < 2u || LK_MQTT_BACKOFF_MIN_MS > LK_MQTT_BACKOFF_MAX_MS
#error "LK_MQTT_BACKOFF_MIN_MS must be 2..LK_MQTT_BACKOFF_MAX_MS"
#endif
#if LK_MQTT_INFLIGHT < 1u || LK_MQTT_READS_PER_POLL < 1u || LK_REPLAY_SLOTS < 1u
#error "LK_MQTT_INFLIGHT, LK_MQTT_READS_PER_POLL and LK_REPLAY_SLOTS must be at least 1"
#endif
#if LK_MQTT_SLOT_BUF > 65535u || LK_MQTT_SLOT_BUF > LK_MQTT_TX_BUF
#error "LK_MQTT_SLOT_BUF must fit in LK_MQTT_TX_BUF (and 16 bits)"
#endif
#if LK_TIME_OPEN_MS < 1u || LK_TIME_OPEN_MS > LK_TIME_RETRY_MS ||                                  \
    LK_TIME_RETRY_MS > LK_TIME_RESYNC_MS
#error "LK_TIME_OPEN_MS <= LK_TIME_RETRY_MS <= LK_TIME_RESYNC_MS must hold"
#endif
#if LK_CMD_JSON_TOKENS < 19u
#error "LK_CMD_JSON_TOKENS must hold a command's 19 tokens"
#endif

#endif
