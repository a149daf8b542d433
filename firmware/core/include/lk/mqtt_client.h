/* mqtt_client.h - MQTT 3.1.1 client state machine of the firmware core, over a
 * non-blocking struct lk_transport (port.h). Connect / CONNACK timeout, one-topic
 * subscribe, QoS 0/1 publish with bounded in-flight slots and DUP retransmit, inbound
 * QoS 1 acknowledgement, keep-alive, and reconnect back-off with jitter.
 * Fixed buffers only: every size is a compile-time setting of config_defaults.h. */
#ifndef LK_MQTT_CLIENT_H
#define LK_MQTT_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "lk/config_defaults.h"
#include "lk/mqtt_codec.h"
#include "lk/port.h"

/* Errors of the calls below (0 = success). */
#define LK_MQTT_ERR_STATE (-1)    /* not connected / wrong state */
#define LK_MQTT_ERR_PARAM (-2)    /* invalid argument or packet does not fit its buffer */
#define LK_MQTT_ERR_BUSY (-3)     /* TX buffer or in-flight slots full: try later */
#define LK_MQTT_ERR_LINK (-4)     /* the transport failed; the client is reconnecting */

enum lk_mqtt_state {
    LK_MQTT_ST_BACKOFF = 0,   /* disconnected, waiting for the back-off to expire */
    LK_MQTT_ST_WANT_LINK,     /* waiting for the port to open a transport */
    LK_MQTT_ST_CONNECTING,    /* CONNECT sent, waiting for CONNACK */
    LK_MQTT_ST_CONNECTED,
    LK_MQTT_ST_CLOSED         /* DISCONNECT queued by lk_mqtt_disconnect(): no reconnect */
};

enum lk_mqtt_poll_result {
    LK_MQTT_POLL_OK = 0,
    LK_MQTT_POLL_NEED_LINK = 1  /* open a fresh transport, then lk_mqtt_on_link_up() */
};

/* Callbacks run from inside lk_mqtt_poll(); they may call lk_mqtt_publish/subscribe. */
struct lk_mqtt_callbacks {
    void *user;
    /* The broker accepted CONNECT (session is fresh). */
    void (*on_connected)(void *user);
    /* An application message arrived (topic/payload valid during the call only).
     * For QoS 1 the PUBACK is sent after this returns. */
    void (*on_message)(void *user, const struct lk_mqtt_publish *msg);
    /* The broker granted the SUBSCRIBE with this packet id (a refused one drops the link). */
    void (*on_subscribed)(void *user, uint16_t packet_id, uint8_t granted_qos);
    /* The client gave the link up (error, timeout, refused session, or the port reported
     * it lost) and entered the back-off. Not called by lk_mqtt_disconnect. */
    void (*on_link_lost)(void *user);
};

/* Static session parameters. Pointed-to strings must outlive the client. */
struct lk_mqtt_session {
    const char *client_id;
    uint16_t keepalive_s;     /* 0 disables keep-alive */
    const char *will_topic;   /* NULL: no will */
    const uint8_t *will_payload;
    uint16_t will_payload_len;
    uint8_t will_qos;
    uint8_t will_retain;
};

struct lk_mqtt_slot {
    uint8_t used;
    uint16_t packet_id;
    uint32_t sent_ms;
    uint16_t len;
    uint8_t pkt[LK_MQTT_SLOT_BUF];
};

/* Counters for diagnostics and tests. */
struct lk_mqtt_stats {
    uint32_t connects;        /* CONNACKs accepted */
    uint32_t link_losses;     /* transports given up (error, timeout, protocol) */
    uint32_t retransmits;     /* PUBLISH resent with DUP */
    uint32_t skipped_packets; /* inbound packets larger than LK_MQTT_RX_BUF */
    uint32_t pings;
};

struct lk_mqtt_client {
    const struct lk_platform *plat;
    const struct lk_transport *tr;
    struct lk_mqtt_session sess;
    struct lk_mqtt_callbacks cb;

    enum lk_mqtt_state state;
    uint32_t state_ms;        /* millis() when the current state began */
    uint32_t backoff_ms;      /* chosen delay of the current BACKOFF state */
    uint32_t attempts;        /* consecutive failed connection attempts */

    uint8_t rx[LK_MQTT_RX_BUF];
    size_t rx_len;
    size_t rx_skip;           /* bytes of an oversized packet still to discard */

    uint8_t tx[LK_MQTT_TX_BUF];
    size_t tx_len;

    struct lk_mqtt_slot slots[LK_MQTT_INFLIGHT];
    uint16_t next_packet_id;
    uint16_t last_packet_id;  /* of the last SUBSCRIBE or QoS 1 PUBLISH queued */

    uint32_t last_tx_ms;      /* last packet queued for the transport */
    uint32_t last_rx_ms;      /* last complete packet received */
    uint8_t ping_outstanding;
    uint32_t ping_ms;

    struct lk_mqtt_stats stats;
};

/* Prepares the client; the first poll asks for a link at once. No I/O. */
void lk_mqtt_init(struct lk_mqtt_client *c, const struct lk_mqtt_session *sess,
                  const struct lk_mqtt_callbacks *cb, const struct lk_platform *plat,
                  const struct lk_transport *tr);

/* The port has opened a fresh transport: clears buffers, queues CONNECT (clean session)
 * and starts the CONNACK timer. 0, or LK_MQTT_ERR_* (then the link is treated as lost). */
int lk_mqtt_on_link_up(struct lk_mqtt_client *c);

/* The port could not open the transport or it dropped: start the back-off. */
void lk_mqtt_on_link_down(struct lk_mqtt_client *c);

/* Moves bytes, dispatches packets, runs the timers. Returns LK_MQTT_POLL_NEED_LINK on
 * every call while the client waits for a transport (back-off already elapsed); when the
 * client gives a link up itself (error, timeout, malformed packet) the port should close
 * the old transport before opening the next one. */
enum lk_mqtt_poll_result lk_mqtt_poll(struct lk_mqtt_client *c);

/* Queues SUBSCRIBE for one filter (only while connected; the SUBACK is checked: a refused
 * subscription drops the link). */
int lk_mqtt_subscribe(struct lk_mqtt_client *c, const char *filter, uint8_t qos);

/* Queues PUBLISH. qos 0 or 1. QoS 1 takes an in-flight slot until its PUBACK; it is
 * resent with DUP after LK_MQTT_RETRY_MS and after a reconnect. */
int lk_mqtt_publish(struct lk_mqtt_client *c, const char *topic, const uint8_t *payload,
                    size_t len, uint8_t qos, uint8_t retain);

/* Forgets an outbound QoS 1 publish (it is no longer retransmitted; a late PUBACK for it
 * is ignored). Used when a newer retained message supersedes it. */
void lk_mqtt_cancel(struct lk_mqtt_client *c, uint16_t packet_id);

/* Clean end of the session: queues DISCONNECT (so the broker discards the will) and
 * enters LK_MQTT_ST_CLOSED, where poll only flushes what is queued and never asks for a
 * link again. 0 if DISCONNECT was queued, LK_MQTT_ERR_STATE if not connected (the client
 * is closed all the same). */
int lk_mqtt_disconnect(struct lk_mqtt_client *c);

/* Bytes still waiting for the transport. */
size_t lk_mqtt_pending_tx(const struct lk_mqtt_client *c);

int lk_mqtt_connected(const struct lk_mqtt_client *c);
/* 1 while the client uses the transport (CONNECT sent, or connected). */
int lk_mqtt_link_active(const struct lk_mqtt_client *c);
/* Packet id of the last SUBSCRIBE or QoS 1 PUBLISH queued (0: none yet). */
uint16_t lk_mqtt_last_packet_id(const struct lk_mqtt_client *c);
/* Number of QoS 1 publishes still waiting for their PUBACK. */
unsigned lk_mqtt_inflight(const struct lk_mqtt_client *c);

#endif
