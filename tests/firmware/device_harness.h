/* device_harness.h - the device application under test (test_device.c,
 * test_device_events.c): one lk_device on the in-memory transport of fake_net.h,
 * brought up to a subscribed session by device_up, fed with deliver, its output
 * classified by collect, and every event it reports recorded in evlog. The globals are
 * the test's state, reset by device_up (and reset_opts for the options). */
#ifndef FW_DEVICE_HARNESS_H
#define FW_DEVICE_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#include "fake_net.h"
#include "lk/device.h"

#define ID "0123456789abcdef0123456789abcdef" /* id of the vector "ok-open" */
#define NOW 1790000001                         /* its wall-clock time */

/* What the device sent, classified. */
struct sent {
    int pubacks;
    uint16_t puback_id;
    int acks, states, avails, subscribes, connects, disconnects, others;
    int states_active;  /* states saying "active" */
    char ack[256], state[256], avail[32];
    uint8_t ack_qos, ack_retain, state_qos, state_retain, avail_qos, avail_retain;
    int ha;             /* discovery configs */
    char ha_topic[6][200];
    char ha_payload[6][600];
    uint8_t ha_qos[6], ha_retain[6];
    int last_type;      /* type of the last packet */
};

/* One event as the callback saw it, strings copied. */
struct ev_rec {
    enum lk_event_type type;
    char s1[80], s2[80], s3[80];  /* connected: client_id, topic_cmd; subscribed: topic;
                                   * cmd: id, by, reason; ack: id, result; local: reason */
    unsigned n;                   /* qos, was_online, clean, on, relay_active, entity */
};

#define EV_MAX 64
struct ev_log {
    struct ev_rec ev[EV_MAX];
    unsigned count;               /* events recorded (at most EV_MAX) */
    unsigned lost;                /* events after the log was full */
};

extern const char *vectors_path;  /* argv[1]: tests/vectors/commands.json */
extern const char *ok_payload;    /* verifier vector "ok-open" */
extern struct fake_net f;
extern struct lk_device dev;
extern uint16_t next_in_id;       /* packet id of the next inbound QoS 1 publish */
extern int auto_puback;           /* collect() answers the device's QoS 1 publishes */
extern const char *cfg_ha_prefix; /* make_cfg: Home Assistant discovery prefix */
extern uint8_t cfg_local;         /* make_cfg: local command path */
extern int (*cfg_door_read)(void *ctx); /* device_up: the platform's door contact (NULL: none) */
extern struct sent up_sent;       /* what device_up saw after CONNACK */
extern struct ev_log evlog;       /* filled by the callback make_cfg registers */

int group_setup(void **state);    /* loads the vectors (ok_payload) */
int group_teardown(void **state);
int reset_opts(void **state); /* cfg_ha_prefix, cfg_local, cfg_door_read, auto_puback */

/* Drains what the device sent into s (and PUBACKs its QoS 1 publishes if auto_puback). */
void collect(struct sent *s);
/* home/door1, the vectors' key, 500 ms pulse, 1 s interval, evlog's callback. */
void make_cfg(struct lk_device_config *cfg);
/* Fresh device, connected and subscribed (.../cmd acknowledged), evlog cleared. */
void device_up(void);
/* One inbound PUBLISH, then one poll. deliver: QoS 1, not retained. */
void deliver_ex(const char *topic, const char *payload, uint8_t qos, uint8_t retain);
void deliver(const char *topic, const char *payload);

void ev_clear(void);
/* Number of recorded events of that type. */
unsigned ev_count(enum lk_event_type type);
/* The nth (0-based) recorded event of that type, or NULL. */
const struct ev_rec *ev_find(enum lk_event_type type, unsigned nth);

#endif
