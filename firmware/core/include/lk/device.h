/* device.h - the Latchkey device application on top of the portable core: MQTT session
 * (availability / state / cmd / ack topics of docs/protocol.md), command verification and
 * the relay. This is the API a port (firmware/port/posix, a bare-metal port later) drives:
 *
 *     cfg.on_event = log_event;                               // optional: device_event.h
 *     lk_device_init(&dev, &cfg, &platform, &transport);      // relay off, nothing sent
 *     lk_device_trust_time(&dev, not_before);   // once the wall clock is trusted (below)
 *     for (;;) {                                              // at least every 50 ms
 *         if (lk_device_poll(&dev) == LK_DEV_NEED_CONNECT) {
 *             close the previous transport if one is open;
 *             if (open a fresh transport (TCP + TLS) succeeded)
 *                 lk_device_on_connected(&dev);
 *             else
 *                 lk_device_on_transport_lost(&dev);
 *         }
 *         if the transport reports a dropped link: lk_device_on_transport_lost(&dev);
 *         if (!lk_device_link_in_use(&dev)) close the transport if one is open;
 *     }
 *     // clean stop (SIGTERM, power-fail warning, ...):
 *     lk_device_shutdown(&dev);                  // relay off, "offline" retained, DISCONNECT
 *     while (lk_device_poll(&dev) != LK_DEV_STOPPED)
 *         wait for the socket (<= 50 ms);        // ends within LK_DEVICE_SHUTDOWN_MS
 *     close the transport;
 *
 * The core never allocates and never blocks. struct lk_device is large (a few KB of fixed
 * buffers): give it static storage. A port reads it only through the functions below; its
 * fields are the core's own. */
#ifndef LK_DEVICE_H
#define LK_DEVICE_H

#include <stdint.h>

#include "latchkey/cmd_format.h"
#include "lk/cmd_verify.h"
#include "lk/config_defaults.h"
#include "lk/device_event.h"
#include "lk/door_sensor.h"
#include "lk/ha_discovery.h"
#include "lk/mqtt_client.h"
#include "lk/port.h"
#include "lk/relay.h"
#include "lk/time_sync.h"

/* "latchkey-" + site + "-" + door */
#define LK_CLIENT_ID_MAX (9u + LK_NAME_MAX + 1u + LK_NAME_MAX)

struct lk_device_config {
    char site[LK_NAME_MAX + 1];
    char door[LK_NAME_MAX + 1];
    uint8_t pubkey[LK_PUBKEY_LEN];  /* gateway's Ed25519 command key, raw */
    uint32_t pulse_ms;              /* 0: LK_RELAY_DEFAULT_PULSE_MS */
    uint32_t min_interval_ms;       /* between the end of a pulse and the next one */
    uint16_t keepalive_s;           /* 0: LK_DEVICE_KEEPALIVE_DEFAULT_S */
    const char *fw_version;         /* "x.y.z"; copied at init */
    /* Home Assistant MQTT discovery: NULL or "" = off, else the prefix (usually
     * "homeassistant", see lk_ha_prefix_valid); copied at init. */
    const char *ha_prefix;
    /* 1: also obey "open" on latchkey/<site>/<door>/local. UNSIGNED: anyone who may
     * publish there opens the door without the gateway's PIN and signature. Default 0. */
    uint8_t local_command;
    /* Door sensor (only when the platform has door_read): 0 = defaults, door_sensor.h. */
    uint32_t door_debounce_ms;
    uint32_t door_window_ms; /* how long an "open" may take to open the door */
    /* NULL, or called with every event (device_event.h); event_user is its first argument. */
    lk_device_event_cb on_event;
    void *event_user;
    /* 1: the device has no trusted clock of its own and takes its wall clock from the
     * gateway's signed time beacon (time_sync.h, docs/protocol.md "Time beacon"): commands
     * are refused as not-yet-valid until the first accepted beacon, which calls
     * lk_device_trust_time(time_not_before) itself; the core's clock is then the beacon's
     * time + monotonic ms since, and plat->unix_time is not used. Needs LK_TIME_SYNC. */
    uint8_t time_beacon;
    int64_t time_high_water; /* the mark the port persisted (time_persist), 0: none */
    int64_t time_not_before; /* see lk_device_trust_time */
};

enum lk_dev_status {
    LK_DEV_RUNNING = 0,
    LK_DEV_NEED_CONNECT = 1,  /* (re)open the transport now; back-off already applied */
    LK_DEV_STOPPED = 2        /* after lk_device_shutdown: done, close the transport */
};

/* Counters for diagnostics and tests (the port logs from events, device_event.h). */
struct lk_device_stats {
    uint32_t cmds_ok;          /* commands acted on */
    uint32_t cmds_rejected;    /* commands refused (any reason, including busy) */
    uint32_t acks_qos0;        /* acks sent at QoS 0 because every QoS 1 slot was busy */
    uint32_t acks_dropped;     /* acks that could not be sent at all */
    uint32_t acks_unsigned;    /* acks sent without a signature (no signer, or it failed) */
    uint32_t msgs_ignored;     /* messages on topics other than .../cmd (and .../local) */
    uint32_t local_cmds;       /* pulses started by the unsigned local command path */
    uint32_t local_ignored;    /* local messages refused (retained, wrong payload, busy) */
    uint32_t ha_errors;        /* discovery messages that could not be built */
    uint32_t time_rejected;    /* time beacons refused (any verdict but accepted) */
};

struct lk_device {
    const struct lk_platform *plat;
    uint8_t config_ok;         /* 0: invalid config, the device stays idle, relay off */
    uint8_t state_dirty;       /* state must be (re)published when possible */
    uint8_t ha_pending;        /* bit per enum lk_ha_entity still to publish */
    uint8_t online;            /* LK_EVENT_CONNECTED given, no link loss / end since */
    uint8_t stopping;          /* 0 running, 1 draining after shutdown, 2 DISCONNECT sent,
                                * 3 stopped */
    char site[LK_NAME_MAX + 1];
    char door[LK_NAME_MAX + 1];
    char fw[LK_FW_VERSION_MAX + 1];
    char client_id[LK_CLIENT_ID_MAX + 1];
    char topic_cmd[LK_TOPIC_MAX];
    char topic_ack[LK_TOPIC_MAX];
    char topic_state[LK_TOPIC_MAX];
    char topic_avail[LK_TOPIC_MAX];
    char topic_local[LK_TOPIC_MAX];   /* "" unless the local command path is on */
    char ha_prefix[LK_HA_PREFIX_MAX + 1]; /* "" = no discovery */

    struct lk_mqtt_client mqtt;
    struct lk_relay relay;
    struct lk_verifier verifier;
#if LK_DOOR_SENSOR
    struct lk_door_sensor contact; /* the door sensor (door_sensor.h) */
#endif
    uint8_t has_door; /* the platform reads a door contact (and LK_DOOR_SENSOR) */
#if LK_TIME_SYNC
    struct lk_time_sync time; /* the beacon's state (time_beacon on); the config's
                                * time_not_before waits in verifier.not_before */
    uint16_t sub_time_id;     /* packet id of the SUBSCRIBE of .../time */
#endif
    uint8_t time_beacon; /* config time_beacon (and LK_TIME_SYNC) */

    uint64_t uptime_ms;
    uint32_t last_ms;
    uint32_t stop_ms;          /* millis() when lk_device_shutdown was called */
    lk_device_event_cb on_event;
    void *event_user;
    uint16_t state_packet_id;  /* in-flight state publish (0: none), superseded by newer */
    uint16_t sub_cmd_id;       /* packet ids of the SUBSCRIBEs of .../cmd and .../local */
    uint16_t sub_local_id;

    struct lk_device_stats stats;
};

/* 1 if cfg can run a device (valid site/door names, sane timings), else 0. Ports should
 * check this and report a clear error before calling lk_device_init. */
int lk_device_config_valid(const struct lk_device_config *cfg);

/* Copies cfg, switches the relay off. With an invalid cfg the device never asks for a
 * connection and the relay stays off. plat and tr must outlive dev. */
void lk_device_init(struct lk_device *dev, const struct lk_device_config *cfg,
                    const struct lk_platform *plat, const struct lk_transport *tr);

/* The port trusts its wall clock (unix_time) from now on: commands may act. not_before is
 * the earliest start of a command's window (iat - LK_CMD_CLOCK_SKEW) the device can vouch
 * for with its replay cache: 0 if the port restored every still-valid id of the previous
 * run (lk_device_remember), the time after its last accepted command if only that was
 * persisted, or the wall time at boot without persistence. Until this is
 * called every command is refused as not-yet-valid (docs/protocol.md "After a restart"). */
void lk_device_trust_time(struct lk_device *dev, int64_t not_before);

/* After lk_device_init: the id of a command the previous run accepted whose exp has not
 * passed (persisted by the port's accept_record) goes back into the replay cache, so its
 * replay is refused as "replay". Invalid ids are ignored. */
void lk_device_remember(struct lk_device *dev, const char *id);

/* The port opened a fresh transport: sends CONNECT (client id latchkey-<site>-<door>,
 * will "offline" retained QoS 1 on latchkey/<site>/<door>/availability, clean session).
 * 0 on success; < 0 if it could not be sent (the core then treats the link as lost:
 * close it, poll will ask again after the back-off). */
int lk_device_on_connected(struct lk_device *dev);

/* Call at least every 50 ms: moves MQTT bytes, handles commands, ends relay pulses on
 * time. After CONNACK: subscribes to .../cmd QoS 1, publishes "online" and the state
 * (retained QoS 1). Returns LK_DEV_NEED_CONNECT on every call while the core wants a
 * transport (see the loop above), LK_DEV_RUNNING otherwise. */
enum lk_dev_status lk_device_poll(struct lk_device *dev);

/* The port's connect attempt failed or the link dropped: back-off, then NEED_CONNECT. */
void lk_device_on_transport_lost(struct lk_device *dev);

/* Clean stop, bounded in time: the relay is switched off and latched off, then (when
 * online) the state and availability "offline" are published retained QoS 1; once the
 * broker acknowledged them, or LK_DEVICE_SHUTDOWN_MS passed, DISCONNECT is sent (so the
 * broker drops the will). Keep calling lk_device_poll until it returns LK_DEV_STOPPED.
 * A crash or power loss is still covered by the will. */
void lk_device_shutdown(struct lk_device *dev);

/* 1 while the MQTT session is up (CONNACK received). */
int lk_device_online(const struct lk_device *dev);

/* 1 while the core uses the transport the port opened (CONNECT sent or session up). When
 * it turns 0 the core has given the link up: the port closes the transport. */
int lk_device_link_in_use(const struct lk_device *dev);

/* 1 while a relay pulse runs (a port never starts a blocking connect then). */
int lk_device_relay_active(const struct lk_device *dev);

/* The pulse length in effect: the config's pulse_ms clamped to the relay's range, or
 * LK_RELAY_DEFAULT_PULSE_MS for 0 (a board's hardware cut-off is set from it). */
uint32_t lk_device_pulse_ms(const struct lk_device *dev);

/* The wall clock the core checks commands at (UNIX s): with time_beacon the beacon's
 * clock (0 until the first accepted beacon), else the platform's unix_time. A bare-metal
 * port reads it for its certificate checks. */
int64_t lk_device_time(const struct lk_device *dev);

/* "latchkey-<site>-<door>", the MQTT client id ("" with an invalid config). */
const char *lk_device_client_id(const struct lk_device *dev);

enum lk_device_topic {
    LK_TOPIC_CMD = 0,
    LK_TOPIC_ACK,
    LK_TOPIC_STATE,
    LK_TOPIC_AVAILABILITY,
    LK_TOPIC_LOCAL          /* "" unless the local command path is on */
};
/* The device's topic of that kind, latchkey/<site>/<door>/... ("" with an invalid config). */
const char *lk_device_topic(const struct lk_device *dev, enum lk_device_topic which);

#endif
