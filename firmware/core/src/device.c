/* device.c - the Latchkey device application (device.h): MQTT topics of docs/protocol.md,
 * command handling (verify -> relay pulse -> ack), the retained state message, the
 * optional Home Assistant discovery / local command path, and the clean shutdown. */
#include "lk/device.h"

#include <string.h>

#include "lk/ack_writer.h"
#include "lk/json_writer.h"

static const char avail_online[] = "online";
static const char avail_offline[] = "offline";

static int fw_char_ok(char ch)
{
    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
           ch == '.' || ch == '-' || ch == '+' || ch == '_';
}

static void copy_fw(char *out, const char *fw)
{
    size_t n, i;
    if (fw != NULL) {
        n = lk_field_len(fw, LK_FW_VERSION_MAX + 1);
        for (i = 0; i < n && fw_char_ok(fw[i]); i++)
            ;
        if (n > 0 && n <= LK_FW_VERSION_MAX && i == n) {
            memcpy(out, fw, n);
            out[n] = '\0';
            return;
        }
    }
    memcpy(out, "unknown", sizeof "unknown");
}

int lk_device_config_valid(const struct lk_device_config *cfg)
{
    if (cfg == NULL)
        return 0;
    return lk_name_valid(cfg->site, lk_field_len(cfg->site, sizeof cfg->site)) &&
           lk_name_valid(cfg->door, lk_field_len(cfg->door, sizeof cfg->door)) &&
           (cfg->pulse_ms == 0 ||
            (cfg->pulse_ms >= LK_RELAY_PULSE_MIN_MS && cfg->pulse_ms <= LK_RELAY_PULSE_MAX_MS)) &&
           cfg->min_interval_ms <= LK_RELAY_INTERVAL_MAX_MS &&
           (cfg->time_beacon == 0 || LK_TIME_SYNC) &&
           (cfg->ha_prefix == NULL || cfg->ha_prefix[0] == '\0' ||
            lk_ha_prefix_valid(cfg->ha_prefix));
}

static uint32_t millis(const struct lk_device *dev)
{
    return dev->plat->millis(dev->plat->ctx);
}

/* Hands ev (type set, payload filled) to the port's callback, if there is one. */
static void emit(const struct lk_device *dev, struct lk_device_event *ev)
{
    if (dev->on_event != NULL)
        dev->on_event(dev->event_user, ev);
}

/* A zeroed event of that type, for the caller to fill in its payload. */
static struct lk_device_event event_of(enum lk_event_type type)
{
    struct lk_device_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = type;
    return ev;
}

static void emit_relay(const struct lk_device *dev, uint8_t on)
{
    struct lk_device_event ev = event_of(LK_EVENT_RELAY);
    ev.u.relay.on = on;
    emit(dev, &ev);
}

/* Time ends a pulse: the output went off if lk_relay_tick says it changed. */
static void tick_relay(struct lk_device *dev, uint32_t now)
{
    if (lk_relay_tick(&dev->relay, now)) {
        dev->state_dirty = 1;
        emit_relay(dev, 0);
    }
}

/* Starts a pulse for command id ("" for the local path); LK_EVENT_RELAY (on) when it did,
 * and the door sensor's window for it starts. */
static enum lk_relay_status pulse_relay(struct lk_device *dev, const char *id)
{
    uint32_t now = millis(dev);
    enum lk_relay_status st = lk_relay_pulse(&dev->relay, now);
    (void)id;
    if (st == LK_RELAY_OK) {
        emit_relay(dev, 1);
#if LK_DOOR_SENSOR
        if (dev->has_door)
            lk_door_watch(&dev->contact, id, now);
#endif
    }
    return st;
}

#if LK_DOOR_SENSOR
static void emit_door(struct lk_device *dev, enum lk_entry e)
{
    struct lk_device_event ev = event_of(LK_EVENT_DOOR);
    ev.u.door.door = lk_door_name((enum lk_door)dev->contact.state);
    ev.u.door.entry = lk_entry_name(e);
    ev.u.door.id = e != LK_ENTRY_NONE ? dev->contact.entry_id : "";
    emit(dev, &ev);
}

/* Reads the door contact and decides a running window; the state follows any change. */
static void poll_door(struct lk_device *dev, uint32_t now)
{
    enum lk_entry e;
    if (!dev->has_door)
        return;
    if (lk_door_sample(&dev->contact, dev->plat->door_read(dev->plat->ctx), now)) {
        dev->state_dirty = 1;
        emit_door(dev, LK_ENTRY_NONE);
    }
    e = lk_door_tick(&dev->contact, now);
    if (e != LK_ENTRY_NONE) {
        dev->state_dirty = 1;
        emit_door(dev, e);
    }
}
#else
static void poll_door(struct lk_device *dev, uint32_t now)
{
    (void)dev;
    (void)now;
}
#endif

/* Publishes {"v":1,"relay":"idle"|"active","fw":"…","uptime":<s>} retained QoS 1, with a
 * door sensor also "door":"open"|"closed" and, once a command's window was decided,
 * "entry":"opened"|"not-opened","entry_id":"<its id>"; on failure it is retried from
 * lk_device_poll. */
static void publish_state(struct lk_device *dev)
{
    char buf[LK_DEVICE_MSG_MAX];
    struct lk_jw w;
    struct lk_device_event ev;
    size_t n;
    int active = lk_relay_active(&dev->relay);
    lk_jw_begin(&w, buf, sizeof buf);
    lk_jw_int(&w, "v", 1);
    lk_jw_str(&w, "relay", active ? "active" : "idle");
    lk_jw_str(&w, "fw", dev->fw);
    lk_jw_int(&w, "uptime", (int64_t)(dev->uptime_ms / 1000u));
#if LK_DOOR_SENSOR
    if (dev->has_door && dev->contact.state != LK_DOOR_UNKNOWN)
        lk_jw_str(&w, "door", lk_door_name((enum lk_door)dev->contact.state));
    if (dev->has_door && dev->contact.entry != LK_ENTRY_NONE) {
        lk_jw_str(&w, "entry", lk_entry_name((enum lk_entry)dev->contact.entry));
        lk_jw_str(&w, "entry_id", dev->contact.entry_id);
    }
#endif
    n = lk_jw_end(&w);
    dev->state_dirty = 1;
    if (n == 0 || !lk_mqtt_connected(&dev->mqtt))
        return;
    if (lk_mqtt_publish(&dev->mqtt, dev->topic_state, (const uint8_t *)buf, n, 1, 1) == 0) {
        /* The older state must never be retransmitted after this one: it would become
         * the retained state again (e.g. "active" after the pulse ended). */
        if (dev->state_packet_id != 0)
            lk_mqtt_cancel(&dev->mqtt, dev->state_packet_id);
        dev->state_packet_id = lk_mqtt_last_packet_id(&dev->mqtt);
        dev->state_dirty = 0;
        ev = event_of(LK_EVENT_STATE_PUBLISHED);
        ev.u.state.relay_active = (uint8_t)active;
        emit(dev, &ev);
    }
}

/* Publishes the pending Home Assistant discovery configs (retained, QoS 0: they are too
 * big for a retransmit slot and are sent again on every connect anyway). Stops at the
 * first one the TX buffer cannot take; the next poll continues. */
static void discovery_error(struct lk_device *dev, unsigned entity)
{
    struct lk_device_event ev = event_of(LK_EVENT_DISCOVERY_ERROR);
    dev->stats.ha_errors++;
    ev.u.discovery.entity = entity;
    emit(dev, &ev);
}

static void publish_discovery(struct lk_device *dev)
{
    char topic[LK_HA_TOPIC_MAX];
    char payload[LK_HA_MSG_MAX];
    struct lk_ha_device d;
    unsigned e;
    d.prefix = dev->ha_prefix;
    d.site = dev->site;
    d.door = dev->door;
    d.fw = dev->fw;
    d.topic_avail = dev->topic_avail;
    d.topic_state = dev->topic_state;
    d.topic_ack = dev->topic_ack;
    d.topic_local = dev->topic_local[0] != '\0' ? dev->topic_local : NULL;
    d.has_door = dev->has_door;
    for (e = 0; e < LK_HA_COUNT && dev->ha_pending != 0; e++) {
        size_t n;
        int r;
        if ((dev->ha_pending & (1u << e)) == 0)
            continue;
        n = lk_ha_config(&d, (enum lk_ha_entity)e, topic, sizeof topic, payload, sizeof payload);
        if (n == 0 || n == (size_t)-1) {
            if (n != 0)
                discovery_error(dev, e);
            dev->ha_pending &= (uint8_t)~(1u << e);
            continue;
        }
        r = lk_mqtt_publish(&dev->mqtt, topic, (const uint8_t *)payload, n, 0, 1);
        if (r == LK_MQTT_ERR_BUSY)
            return;
        if (r != 0)
            discovery_error(dev, e);
        dev->ha_pending &= (uint8_t)~(1u << e);
    }
}

/* Publishes the signed ack (ack_writer.h) at QoS 1 (QoS 0 when every slot is busy);
 * LK_EVENT_ACK_PUBLISHED or LK_EVENT_ACK_DROPPED. */
static void send_ack(struct lk_device *dev, const char *id, const char *reason, int64_t at)
{
    char buf[LK_DEVICE_MSG_MAX];
    struct lk_device_event ev = event_of(LK_EVENT_ACK_DROPPED);
    int r = LK_MQTT_ERR_PARAM, is_signed;
    size_t n =
        lk_ack_write(dev->plat, dev->site, dev->door, id, reason, at, buf, sizeof buf, &is_signed);
    ev.u.ack.id = id;
    ev.u.ack.result = reason[0] == '\0' ? "ok" : "rejected";
    ev.u.ack.qos = 1;
    ev.u.ack.is_signed = (uint8_t)is_signed;
    if (n != 0 && !is_signed)
        dev->stats.acks_unsigned++;
    if (n != 0) {
        r = lk_mqtt_publish(&dev->mqtt, dev->topic_ack, (const uint8_t *)buf, n, 1, 0);
        if (r == LK_MQTT_ERR_BUSY) {
            /* Every QoS 1 slot is waiting for a PUBACK: an ack at QoS 0 is better than none. */
            dev->stats.acks_qos0++;
            ev.u.ack.qos = 0;
            r = lk_mqtt_publish(&dev->mqtt, dev->topic_ack, (const uint8_t *)buf, n, 0, 0);
        }
    }
    if (r != 0)
        dev->stats.acks_dropped++;
    else
        ev.type = LK_EVENT_ACK_PUBLISHED;
    emit(dev, &ev);
}

#if LK_TIME_SYNC
/* latchkey/<site>/<door>/time (req 0) or .../time/req (req 1) into out; its length or 0. */
static size_t time_topic(const struct lk_device *dev, int req, char *out, size_t cap)
{
    return lk_topic(out, cap, dev->site, dev->door, req ? "time/req" : "time");
}

static void emit_time(struct lk_device *dev, enum lk_event_type type, const char *result, int64_t t,
                      uint8_t first, uint8_t persisted)
{
    struct lk_device_event ev = event_of(type);
    ev.u.time.result = result;
    ev.u.time.time = t;
    ev.u.time.first = first;
    ev.u.time.persisted = persisted;
    emit(dev, &ev);
}

/* The port makes the raised high-water mark durable when it is due (time_sync.h); 1 if
 * it was written now. */
static uint8_t persist_time(struct lk_device *dev, uint32_t now)
{
    int ok;
    if (dev->plat->time_persist == NULL || !lk_time_sync_persist_due(&dev->time, now))
        return 0;
    ok = dev->plat->time_persist(dev->plat->ctx, dev->time.high_water) == 0;
    lk_time_sync_persisted(&dev->time, now, ok);
    return (uint8_t)ok;
}

/* After CONNACK: subscribes to .../time (QoS 1) and makes a request due. 0, or -1. */
static int time_link_up(struct lk_device *dev)
{
    char topic[LK_TOPIC_MAX];
    dev->sub_time_id = 0;
    if (!dev->time_beacon)
        return 0;
    if (time_topic(dev, 0, topic, sizeof topic) == 0 ||
        lk_mqtt_subscribe(&dev->mqtt, topic, 1) != 0)
        return -1;
    dev->sub_time_id = lk_mqtt_last_packet_id(&dev->mqtt);
    lk_time_sync_link_up(&dev->time);
    return 0;
}

static void time_link_down(struct lk_device *dev)
{
    if (dev->time_beacon)
        lk_time_sync_link_down(&dev->time);
}

/* 1 (and the topic in out) if packet_id is the SUBSCRIBE of .../time. */
static int time_subscribed(const struct lk_device *dev, uint16_t packet_id, char *out, size_t cap)
{
    return dev->time_beacon && packet_id == dev->sub_time_id && time_topic(dev, 0, out, cap) != 0;
}

/* Sends a due request (fresh nonce, QoS 1, never retained) and writes a due mark. */
static void poll_time(struct lk_device *dev)
{
    char topic[LK_TOPIC_MAX], req[LK_TIME_REQ_LEN + 1];
    uint32_t now = millis(dev);
    size_t n;
    if (!dev->time_beacon)
        return;
    (void)persist_time(dev, now);
    if (!lk_time_sync_due(&dev->time, now) || time_topic(dev, 1, topic, sizeof topic) == 0)
        return;
    n = lk_time_sync_request(&dev->time, dev->plat, req, sizeof req);
    if (n == 0 || lk_mqtt_publish(&dev->mqtt, topic, (const uint8_t *)req, n, 1, 0) != 0)
        return; /* no random bytes, or no room now: tried again at the next poll */
    lk_time_sync_sent(&dev->time, now);
    emit_time(dev, LK_EVENT_TIME_REQUESTED, "", 0, 0, 0);
}

/* 1 if msg is on .../time (then checked: time_sync.h). A retained message is never an
 * answer to this request: unsolicited. The first accepted beacon trusts the clock. */
static int time_message(struct lk_device *dev, const struct lk_mqtt_publish *msg)
{
    char topic[LK_TOPIC_MAX];
    size_t tl;
    enum lk_time_verdict v = LK_TIME_UNSOLICITED;
    int64_t t = 0;
    uint8_t first = 0, persisted = 0;
    uint32_t now = millis(dev);
    if (!dev->time_beacon)
        return 0;
    tl = time_topic(dev, 0, topic, sizeof topic);
    if (tl == 0 || msg->topic_len != tl || memcmp(msg->topic, topic, tl) != 0)
        return 0;
    if (!msg->retain)
        v = lk_time_sync_check(&dev->time, dev->plat, dev->verifier.pubkey, msg->payload,
                               msg->payload_len, now, dev->uptime_ms, &t);
    if (v == LK_TIME_ACCEPTED) {
        first = !dev->verifier.time_trusted;
        if (first)
            lk_verifier_trust_time(&dev->verifier, dev->verifier.not_before);
        persisted = persist_time(dev, now);
    } else {
        dev->stats.time_rejected++;
    }
    emit_time(dev, LK_EVENT_TIME, lk_time_verdict_name(v), t, first, persisted);
    return 1;
}
#else
static int time_link_up(struct lk_device *dev)
{
    (void)dev;
    return 0;
}
static void time_link_down(struct lk_device *dev)
{
    (void)dev;
}
static int time_subscribed(const struct lk_device *dev, uint16_t packet_id, char *out, size_t cap)
{
    (void)dev, (void)packet_id, (void)out, (void)cap;
    return 0;
}
static void poll_time(struct lk_device *dev)
{
    (void)dev;
}
static int time_message(struct lk_device *dev, const struct lk_mqtt_publish *msg)
{
    (void)dev, (void)msg;
    return 0;
}
#endif

static void on_connected(void *user)
{
    struct lk_device *dev = user;
    struct lk_device_event ev;
    dev->sub_cmd_id = 0;
    dev->sub_local_id = 0;
    if (lk_mqtt_subscribe(&dev->mqtt, dev->topic_cmd, 1) == 0)
        dev->sub_cmd_id = lk_mqtt_last_packet_id(&dev->mqtt);
    if (dev->sub_cmd_id == 0 ||
        lk_mqtt_publish(&dev->mqtt, dev->topic_avail, (const uint8_t *)avail_online,
                        sizeof avail_online - 1, 1, 1) != 0) {
        /* Without the subscription the device is useless: start over. */
        lk_mqtt_on_link_down(&dev->mqtt);
        return;
    }
    if (dev->topic_local[0] != '\0') {
        if (lk_mqtt_subscribe(&dev->mqtt, dev->topic_local, 0) != 0) {
            lk_mqtt_on_link_down(&dev->mqtt);
            return;
        }
        dev->sub_local_id = lk_mqtt_last_packet_id(&dev->mqtt);
    }
    if (time_link_up(dev) != 0) {
        lk_mqtt_on_link_down(&dev->mqtt); /* without the beacon no command can act */
        return;
    }
    dev->online = 1;
    ev = event_of(LK_EVENT_CONNECTED);
    ev.u.connected.client_id = dev->client_id;
    ev.u.connected.topic_cmd = dev->topic_cmd;
    emit(dev, &ev);
    dev->state_packet_id = 0; /* slots were resent before this callback: keep them */
    publish_state(dev);
    if (dev->ha_prefix[0] != '\0') {
        dev->ha_pending = (uint8_t)((1u << LK_HA_COUNT) - 1u);
        publish_discovery(dev);
    }
}

static void on_subscribed(void *user, uint16_t packet_id, uint8_t granted_qos)
{
    struct lk_device *dev = user;
    struct lk_device_event ev = event_of(LK_EVENT_SUBSCRIBED);
    char topic[LK_TOPIC_MAX];
    ev.u.subscribed.qos = granted_qos;
    if (packet_id == 0)
        return;
    if (packet_id == dev->sub_cmd_id)
        ev.u.subscribed.topic = dev->topic_cmd;
    else if (packet_id == dev->sub_local_id)
        ev.u.subscribed.topic = dev->topic_local;
    else if (time_subscribed(dev, packet_id, topic, sizeof topic))
        ev.u.subscribed.topic = topic;
    else
        return; /* a SUBACK of an earlier session's packet id: nothing to report */
    emit(dev, &ev);
}

static void on_link_lost(void *user)
{
    struct lk_device *dev = user;
    struct lk_device_event ev = event_of(LK_EVENT_LINK_LOST);
    ev.u.link_lost.was_online = dev->online;
    dev->online = 0;
    time_link_down(dev);
    emit(dev, &ev);
}

/* The unsigned local command path (device.h: local_command). Never acts on a retained
 * message: one left on the topic would open the door at every reconnect. */
static void on_local(struct lk_device *dev, const struct lk_mqtt_publish *msg)
{
    static const char want[] = LK_HA_LOCAL_PAYLOAD;
    struct lk_device_event ev;
    const char *why = NULL;
    if (msg->retain)
        why = "retained";
    else if (msg->payload_len != sizeof want - 1 || memcmp(msg->payload, want, sizeof want - 1) != 0)
        why = "payload";
    else if (dev->stopping)
        why = "stopping";
    else
        switch (pulse_relay(dev, "")) {
        case LK_RELAY_OK:
            break;
        case LK_RELAY_BUSY:
            why = "busy";
            break;
        case LK_RELAY_FAULT:
        default:
            why = "fault";
            break;
        }
    ev = event_of(why != NULL ? LK_EVENT_LOCAL_IGNORED : LK_EVENT_LOCAL_ACCEPTED);
    ev.u.local.reason = why != NULL ? why : "";
    emit(dev, &ev);
    if (why != NULL) {
        dev->stats.local_ignored++;
        return;
    }
    dev->stats.local_cmds++;
    publish_state(dev); /* relay went active */
}

/* Why a verified command is not acted on now ("" if the relay pulses). The acceptance is
 * made durable first (port.h accept_record), so a restart cannot reopen its window. */
static const char *act(struct lk_device *dev, const struct lk_cmd *cmd, int64_t now)
{
    if (dev->stopping)
        return "busy"; /* shutting down: the relay is latched off */
    if (lk_relay_active(&dev->relay))
        return "busy"; /* within the pulse: nothing to persist */
    if (dev->plat->accept_record != NULL &&
        dev->plat->accept_record(dev->plat->ctx, cmd->id, cmd->exp, now) != 0)
        return "fault"; /* not durable: acting could be replayed after a restart */
    switch (pulse_relay(dev, cmd->id)) {
    case LK_RELAY_OK:
        return "";
    case LK_RELAY_BUSY:
        return "busy"; /* within the pulse or the minimum interval: see relay.h */
    case LK_RELAY_FAULT:
    default:
        return "fault"; /* relay latched off after a fault */
    }
}

static void on_message(void *user, const struct lk_mqtt_publish *msg)
{
    struct lk_device *dev = user;
    struct lk_device_event ev;
    struct lk_cmd cmd;
    enum lk_reason r;
    const char *reason;
    int64_t now;
    size_t tl = strlen(dev->topic_cmd);
    if (msg->topic_len != tl || memcmp(msg->topic, dev->topic_cmd, tl) != 0) {
        tl = strlen(dev->topic_local);
        if (tl > 0 && msg->topic_len == tl && memcmp(msg->topic, dev->topic_local, tl) == 0)
            on_local(dev, msg);
        else if (!time_message(dev, msg))
            dev->stats.msgs_ignored++;
        return;
    }
    now = lk_device_time(dev);
    if (msg->retain) {
        /* Delivered from the broker's store at subscribe time, not sent now: a command is
         * never retained by the gateway, so one there was planted. Never acted on. */
        (void)lk_cmd_parse(msg->payload, msg->payload_len, &cmd); /* the id, for the ack */
        r = LK_MALFORMED;
        reason = "retained";
    } else {
        r = lk_cmd_verify(&dev->verifier, msg->payload, msg->payload_len, now, &cmd);
        reason = r != LK_OK ? lk_reason_name(r) : act(dev, &cmd, now);
    }
    if (reason[0] == '\0')
        dev->stats.cmds_ok++;
    else
        dev->stats.cmds_rejected++;
    ev = event_of(reason[0] == '\0' ? LK_EVENT_CMD_ACCEPTED : LK_EVENT_CMD_REJECTED);
    ev.u.cmd.id = cmd.id;
    /* The user name only when the signature verified (every later check passed it). */
    ev.u.cmd.by = r != LK_MALFORMED && r != LK_BAD_SIGNATURE ? cmd.by : "";
    ev.u.cmd.reason = reason;
    emit(dev, &ev);
    send_ack(dev, cmd.id, reason, now);
    if (reason[0] == '\0')
        publish_state(dev); /* relay went active */
}

void lk_device_remember(struct lk_device *dev, const char *id)
{
    if (dev->config_ok && lk_id_valid(id, lk_field_len(id, LK_ID_HEX_LEN + 1)) &&
        !lk_replay_seen(&dev->verifier.replay, id))
        lk_replay_add(&dev->verifier.replay, id);
}

void lk_device_trust_time(struct lk_device *dev, int64_t not_before)
{
    if (dev->config_ok)
        lk_verifier_trust_time(&dev->verifier, not_before);
}

void lk_device_init(struct lk_device *dev, const struct lk_device_config *cfg,
                    const struct lk_platform *plat, const struct lk_transport *tr)
{
    struct lk_mqtt_session sess;
    struct lk_mqtt_callbacks cb;
    size_t sl, dl;
    memset(dev, 0, sizeof *dev);
    dev->plat = plat;
    if (cfg != NULL) {
        dev->on_event = cfg->on_event;
        dev->event_user = cfg->event_user;
    }
    dev->last_ms = millis(dev);
    copy_fw(dev->fw, cfg != NULL ? cfg->fw_version : NULL);
    /* Relay off first, whatever else happens. */
    lk_relay_init(&dev->relay, plat, cfg != NULL ? cfg->pulse_ms : 0,
                  cfg != NULL ? cfg->min_interval_ms : 0);
    if (!lk_device_config_valid(cfg)) {
        lk_relay_fault(&dev->relay);
        return;
    }
    sl = strlen(cfg->site);
    dl = strlen(cfg->door);
    memcpy(dev->site, cfg->site, sl + 1);
    memcpy(dev->door, cfg->door, dl + 1);
    memcpy(dev->client_id, "latchkey-", 9);
    memcpy(dev->client_id + 9, dev->site, sl);
    dev->client_id[9 + sl] = '-';
    memcpy(dev->client_id + 10 + sl, dev->door, dl + 1);
    if (lk_topic(dev->topic_cmd, sizeof dev->topic_cmd, dev->site, dev->door, "cmd") == 0 ||
        lk_topic(dev->topic_ack, sizeof dev->topic_ack, dev->site, dev->door, "ack") == 0 ||
        lk_topic(dev->topic_state, sizeof dev->topic_state, dev->site, dev->door, "state") == 0 ||
        lk_topic(dev->topic_avail, sizeof dev->topic_avail, dev->site, dev->door, "availability") == 0) {
        lk_relay_fault(&dev->relay);
        return;
    }
    if (cfg->local_command &&
        lk_topic(dev->topic_local, sizeof dev->topic_local, dev->site, dev->door, "local") == 0) {
        lk_relay_fault(&dev->relay);
        return;
    }
    if (cfg->ha_prefix != NULL)
        memcpy(dev->ha_prefix, cfg->ha_prefix, strlen(cfg->ha_prefix) + 1); /* validated */
#if LK_DOOR_SENSOR
    dev->has_door = plat->door_read != NULL;
    lk_door_init(&dev->contact, cfg->door_debounce_ms, cfg->door_window_ms);
#endif
    lk_verifier_init(&dev->verifier, plat, cfg->pubkey, dev->site, dev->door);
#if LK_TIME_SYNC
    dev->time_beacon = cfg->time_beacon != 0;
    dev->verifier.not_before = cfg->time_not_before; /* applies once the clock is trusted */
    lk_time_sync_init(&dev->time, cfg->time_high_water);
#endif

    memset(&sess, 0, sizeof sess);
    sess.client_id = dev->client_id;
    sess.keepalive_s = cfg->keepalive_s != 0 ? cfg->keepalive_s : LK_DEVICE_KEEPALIVE_DEFAULT_S;
    sess.will_topic = dev->topic_avail;
    sess.will_payload = (const uint8_t *)avail_offline;
    sess.will_payload_len = (uint16_t)(sizeof avail_offline - 1);
    sess.will_qos = 1;
    sess.will_retain = 1;
    memset(&cb, 0, sizeof cb);
    cb.user = dev;
    cb.on_connected = on_connected;
    cb.on_message = on_message;
    cb.on_subscribed = on_subscribed;
    cb.on_link_lost = on_link_lost;
    lk_mqtt_init(&dev->mqtt, &sess, &cb, plat, tr);
    dev->config_ok = 1;
}

int lk_device_on_connected(struct lk_device *dev)
{
    if (!dev->config_ok)
        return -1;
    return lk_mqtt_on_link_up(&dev->mqtt) == 0 ? 0 : -1;
}

void lk_device_on_transport_lost(struct lk_device *dev)
{
    if (dev->config_ok)
        lk_mqtt_on_link_down(&dev->mqtt);
}

/* Shutdown steps after lk_device_shutdown (stopping 1 -> 2 -> 3). */
static enum lk_dev_status poll_stopping(struct lk_device *dev, uint32_t now)
{
    int late = (uint32_t)(now - dev->stop_ms) >= LK_DEVICE_SHUTDOWN_MS;
    int clean;
    if (dev->stopping == 1) {
        if (lk_mqtt_connected(&dev->mqtt) && dev->state_dirty)
            publish_state(dev);
        if (lk_mqtt_connected(&dev->mqtt) && lk_mqtt_inflight(&dev->mqtt) > 0 && !late)
            return LK_DEV_RUNNING; /* waiting for the PUBACKs of state and "offline" */
        /* Also closes a client that is not connected. */
        clean = lk_mqtt_disconnect(&dev->mqtt) == 0;
        if (dev->online) {
            struct lk_device_event ev = event_of(LK_EVENT_DISCONNECTED);
            ev.u.disconnected.clean = (uint8_t)clean;
            dev->online = 0;
            emit(dev, &ev);
        }
        dev->stopping = 2;
        (void)lk_mqtt_poll(&dev->mqtt);
    }
    if (dev->stopping == 2 && (lk_mqtt_pending_tx(&dev->mqtt) == 0 || late))
        dev->stopping = 3;
    return dev->stopping == 3 ? LK_DEV_STOPPED : LK_DEV_RUNNING;
}

enum lk_dev_status lk_device_poll(struct lk_device *dev)
{
    uint32_t now = millis(dev);
    enum lk_mqtt_poll_result r;
    dev->uptime_ms += (uint32_t)(now - dev->last_ms);
    dev->last_ms = now;
    /* Time ends a pulse, before and after any network work. */
    tick_relay(dev, now);
    if (dev->config_ok)
        poll_door(dev, now);
    if (!dev->config_ok)
        return dev->stopping ? LK_DEV_STOPPED : LK_DEV_RUNNING;
    r = lk_mqtt_poll(&dev->mqtt);
    tick_relay(dev, millis(dev));
    if (dev->stopping)
        return poll_stopping(dev, millis(dev));
    if (dev->state_dirty && lk_mqtt_connected(&dev->mqtt))
        publish_state(dev);
    if (dev->ha_pending != 0 && lk_mqtt_connected(&dev->mqtt))
        publish_discovery(dev);
    if (lk_mqtt_connected(&dev->mqtt))
        poll_time(dev);
    return r == LK_MQTT_POLL_NEED_LINK ? LK_DEV_NEED_CONNECT : LK_DEV_RUNNING;
}

void lk_device_shutdown(struct lk_device *dev)
{
    int was_active = lk_relay_active(&dev->relay);
    lk_relay_fault(&dev->relay); /* off now, and no pulse until the next init */
    if (was_active)
        emit_relay(dev, 0);
    if (dev->stopping)
        return;
    dev->stopping = 1;
    dev->stop_ms = millis(dev);
    dev->ha_pending = 0;
    if (was_active)
        dev->state_dirty = 1;
    if (!dev->config_ok || !lk_mqtt_connected(&dev->mqtt))
        return;
    if (dev->state_dirty)
        publish_state(dev);
    if (lk_mqtt_publish(&dev->mqtt, dev->topic_avail, (const uint8_t *)avail_offline,
                        sizeof avail_offline - 1, 1, 1) == LK_MQTT_ERR_BUSY)
        (void)lk_mqtt_publish(&dev->mqtt, dev->topic_avail, (const uint8_t *)avail_offline,
                              sizeof avail_offline - 1, 0, 1);
}

int lk_device_online(const struct lk_device *dev)
{
    return dev->config_ok && lk_mqtt_connected(&dev->mqtt);
}

int lk_device_link_in_use(const struct lk_device *dev)
{
    return dev->config_ok && lk_mqtt_link_active(&dev->mqtt);
}

int lk_device_relay_active(const struct lk_device *dev)
{
    return lk_relay_active(&dev->relay);
}

uint32_t lk_device_pulse_ms(const struct lk_device *dev)
{
    return dev->relay.pulse_ms;
}

int64_t lk_device_time(const struct lk_device *dev)
{
#if LK_TIME_SYNC
    if (dev->time_beacon)
        return lk_time_sync_now(&dev->time, dev->uptime_ms);
#endif
    return dev->plat->unix_time(dev->plat->ctx);
}

const char *lk_device_client_id(const struct lk_device *dev)
{
    return dev->client_id;
}

const char *lk_device_topic(const struct lk_device *dev, enum lk_device_topic which)
{
    switch (which) {
    case LK_TOPIC_CMD:
        return dev->topic_cmd;
    case LK_TOPIC_ACK:
        return dev->topic_ack;
    case LK_TOPIC_STATE:
        return dev->topic_state;
    case LK_TOPIC_AVAILABILITY:
        return dev->topic_avail;
    case LK_TOPIC_LOCAL:
        return dev->topic_local;
    }
    return "";
}
