/* device_event.h - what the device core tells its port as it happens: the event types and
 * their payloads. A port registers one callback in struct lk_device_config (on_event);
 * the core calls it from inside lk_device_poll / lk_device_on_connected /
 * lk_device_on_transport_lost / lk_device_shutdown, once per event, in order. Pointers in
 * a payload are valid during the call only. The callback must not block and must not
 * call the lk_device_* functions that act (poll, on_connected, on_transport_lost,
 * shutdown); the read-only accessors of device.h are fine. */
#ifndef LK_DEVICE_EVENT_H
#define LK_DEVICE_EVENT_H

#include <stdint.h>

enum lk_event_type {
    LK_EVENT_CONNECTED = 1,   /* session up: CONNACK accepted, SUBSCRIBE and "online" queued */
    LK_EVENT_SUBSCRIBED,      /* the broker granted a subscription (SUBACK) */
    LK_EVENT_LINK_LOST,       /* the link was given up (by the core or the port); the core
                              * asks for a new one after the back-off */
    LK_EVENT_DISCONNECTED,    /* after lk_device_shutdown: the session that was up ended */
    LK_EVENT_CMD_ACCEPTED,    /* a signed command passed every check: the relay pulses */
    LK_EVENT_CMD_REJECTED,    /* a command on .../cmd was refused (its ack says why) */
    LK_EVENT_LOCAL_ACCEPTED,  /* the unsigned local command started a pulse */
    LK_EVENT_LOCAL_IGNORED,   /* a message on .../local was not obeyed */
    LK_EVENT_RELAY,           /* the relay output changed */
    LK_EVENT_ACK_PUBLISHED,   /* an ack was queued for the broker */
    LK_EVENT_ACK_DROPPED,     /* an ack could not be queued at all */
    LK_EVENT_STATE_PUBLISHED, /* the retained state was queued (QoS 1) */
    LK_EVENT_DISCOVERY_ERROR, /* a Home Assistant discovery config could not be built or sent */
    LK_EVENT_DOOR,            /* the door contact changed, or a command's window was decided */
    LK_EVENT_TIME_REQUESTED,  /* a time beacon was asked for with a fresh nonce */
    LK_EVENT_TIME             /* a time beacon was accepted or refused */
};

struct lk_device_event {
    enum lk_event_type type;
    union {
        struct {                 /* LK_EVENT_CONNECTED */
            const char *client_id;
            const char *topic_cmd;
        } connected;
        struct {                 /* LK_EVENT_SUBSCRIBED */
            const char *topic;
            uint8_t qos;         /* granted by the broker */
        } subscribed;
        struct {                 /* LK_EVENT_LINK_LOST */
            uint8_t was_online;  /* 1: the session had been up (LK_EVENT_CONNECTED) */
        } link_lost;
        struct {                 /* LK_EVENT_DISCONNECTED */
            uint8_t clean;       /* 1: DISCONNECT queued after "offline"; 0: the link was
                                  * closed without it (the broker publishes the will) */
        } disconnected;
        struct {                 /* LK_EVENT_CMD_ACCEPTED, LK_EVENT_CMD_REJECTED */
            const char *id;      /* the command's id; "" if it could not be read */
            const char *by;      /* the signed user name; "" unless the signature verified */
            const char *reason;  /* rejected: the ack's reason ("replay", "busy", "retained",
                                  * ...); "" */
        } cmd;
        struct {                 /* LK_EVENT_LOCAL_IGNORED */
            const char *reason;  /* "retained", "payload", "stopping", "busy" or "fault" */
        } local;
        struct {                 /* LK_EVENT_RELAY */
            uint8_t on;
        } relay;
        struct {                 /* LK_EVENT_ACK_PUBLISHED, LK_EVENT_ACK_DROPPED */
            const char *id;
            const char *result;  /* "ok" or "rejected" */
            uint8_t qos;         /* 1, or 0 when every QoS 1 slot was busy */
            uint8_t is_signed;   /* 0: sent without a signature (no signer, or it failed) */
        } ack;
        struct {                 /* LK_EVENT_STATE_PUBLISHED */
            uint8_t relay_active;
        } state;
        struct {                 /* LK_EVENT_DISCOVERY_ERROR */
            unsigned entity;     /* enum lk_ha_entity */
        } discovery;
        struct {               /* LK_EVENT_DOOR */
            const char *door;  /* "open" / "closed" (the debounced state) */
            const char *entry; /* "opened" / "not-opened" when a window was decided, else "" */
            const char *id;    /* that command's id ("" for the local path) */
        } door;
        struct {                /* LK_EVENT_TIME_REQUESTED, LK_EVENT_TIME */
            const char *result; /* "accepted", "malformed", "unsolicited", "bad-signature",
                                  * "rollback" (time_sync.h); "" for a request */
            int64_t time;       /* accepted: the beacon's time; else 0 */
            uint8_t first;      /* accepted: the first since boot (commands may act now) */
            uint8_t persisted;  /* accepted: the high-water mark was written */
        } time;
    } u;
};

/* The port's callback; user is lk_device_config.event_user. */
typedef void (*lk_device_event_cb)(void *user, const struct lk_device_event *ev);

#endif
