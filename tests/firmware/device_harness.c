/* device_harness.c - the device under test for the firmware's device tests: see
 * device_harness.h. */
#include "device_harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <cjson/cJSON.h>

#include "fw_vectors.h"
#include "lk/mqtt_codec.h"

const char *vectors_path;
const char *ok_payload;
struct fake_net f;
struct lk_device dev;
uint16_t next_in_id = 100;
int auto_puback = 1;
const char *cfg_ha_prefix;
uint8_t cfg_local;
int (*cfg_door_read)(void *ctx);
struct ev_log evlog;

int group_setup(void **state)
{
    cJSON *item, *vec;
    (void)state;
    vec = fw_vectors_load(vectors_path);
    if (vec == NULL)
        return -1;
    cJSON_ArrayForEach(item, cJSON_GetObjectItem(vec, "verifier")) {
        if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(item, "name")), "ok-open") == 0)
            ok_payload = cJSON_GetStringValue(cJSON_GetObjectItem(item, "payload"));
    }
    if (ok_payload == NULL) {
        (void)fprintf(stderr, "vector ok-open not found\n");
        return -1;
    }
    return 0;
}

int group_teardown(void **state)
{
    (void)state;
    fw_vectors_free();
    return 0;
}

static void copy_payload(char *out, size_t cap, const struct lk_mqtt_publish *p)
{
    size_t n = p->payload_len < cap - 1 ? p->payload_len : cap - 1;
    memcpy(out, p->payload, n);
    out[n] = '\0';
}

static int topic_is(const struct lk_mqtt_publish *p, const char *t)
{
    return p->topic_len == strlen(t) && memcmp(p->topic, t, p->topic_len) == 0;
}

void collect(struct sent *s)
{
    const uint8_t *pkt;
    size_t len;
    memset(s, 0, sizeof *s);
    while (fake_next_sent(&f, &pkt, &len)) {
        struct lk_mqtt_publish p;
        s->last_type = pkt[0] >> 4;
        switch (pkt[0] >> 4) {
        case LK_MQTT_DISCONNECT:
            s->disconnects++;
            break;
        case LK_MQTT_PUBACK:
            assert_int_equal(lk_mqtt_decode_puback(pkt, len, &s->puback_id), LK_MQTT_OK);
            s->pubacks++;
            break;
        case LK_MQTT_SUBSCRIBE:
            s->subscribes++;
            break;
        case LK_MQTT_CONNECT:
            s->connects++;
            break;
        case LK_MQTT_PUBLISH:
            assert_int_equal(lk_mqtt_decode_publish(pkt, len, &p), LK_MQTT_OK);
            if (p.qos == 1 && auto_puback) { /* the broker acknowledges; read on the next poll */
                uint8_t b[4];
                fake_inject(&f, b, lk_mqtt_encode_puback(b, sizeof b, p.packet_id));
            }
            if (topic_is(&p, "latchkey/home/door1/ack")) {
                s->acks++;
                copy_payload(s->ack, sizeof s->ack, &p);
                s->ack_qos = p.qos;
                s->ack_retain = p.retain;
            } else if (topic_is(&p, "latchkey/home/door1/state")) {
                s->states++;
                copy_payload(s->state, sizeof s->state, &p);
                if (strstr(s->state, "\"active\"") != NULL)
                    s->states_active++;
                s->state_qos = p.qos;
                s->state_retain = p.retain;
            } else if (topic_is(&p, "latchkey/home/door1/availability")) {
                s->avails++;
                copy_payload(s->avail, sizeof s->avail, &p);
                s->avail_qos = p.qos;
                s->avail_retain = p.retain;
            } else if (p.topic_len > 14 && memcmp(p.topic, "homeassistant/", 14) == 0 && s->ha < 6) {
                memcpy(s->ha_topic[s->ha], p.topic, p.topic_len);
                s->ha_topic[s->ha][p.topic_len] = '\0';
                copy_payload(s->ha_payload[s->ha], sizeof s->ha_payload[0], &p);
                s->ha_qos[s->ha] = p.qos;
                s->ha_retain[s->ha] = p.retain;
                s->ha++;
            } else {
                s->others++;
            }
            break;
        default:
            s->others++;
        }
    }
}

static void copy_str(char *out, size_t cap, const char *s)
{
    size_t n = s != NULL ? strlen(s) : 0;
    if (n >= cap)
        n = cap - 1;
    if (n > 0)
        memcpy(out, s, n);
    out[n] = '\0';
}

/* The device's event callback: appends a copy to evlog. */
static void record_event(void *user, const struct lk_device_event *ev)
{
    struct ev_log *log = user;
    struct ev_rec *r;
    if (log->count >= EV_MAX) {
        log->lost++;
        return;
    }
    r = &log->ev[log->count++];
    memset(r, 0, sizeof *r);
    r->type = ev->type;
    switch (ev->type) {
    case LK_EVENT_CONNECTED:
        copy_str(r->s1, sizeof r->s1, ev->u.connected.client_id);
        copy_str(r->s2, sizeof r->s2, ev->u.connected.topic_cmd);
        break;
    case LK_EVENT_SUBSCRIBED:
        copy_str(r->s1, sizeof r->s1, ev->u.subscribed.topic);
        r->n = ev->u.subscribed.qos;
        break;
    case LK_EVENT_LINK_LOST:
        r->n = ev->u.link_lost.was_online;
        break;
    case LK_EVENT_DISCONNECTED:
        r->n = ev->u.disconnected.clean;
        break;
    case LK_EVENT_CMD_ACCEPTED:
    case LK_EVENT_CMD_REJECTED:
        copy_str(r->s1, sizeof r->s1, ev->u.cmd.id);
        copy_str(r->s2, sizeof r->s2, ev->u.cmd.by);
        copy_str(r->s3, sizeof r->s3, ev->u.cmd.reason);
        break;
    case LK_EVENT_LOCAL_ACCEPTED:
    case LK_EVENT_LOCAL_IGNORED:
        copy_str(r->s1, sizeof r->s1, ev->u.local.reason);
        break;
    case LK_EVENT_RELAY:
        r->n = ev->u.relay.on;
        break;
    case LK_EVENT_ACK_PUBLISHED:
    case LK_EVENT_ACK_DROPPED:
        copy_str(r->s1, sizeof r->s1, ev->u.ack.id);
        copy_str(r->s2, sizeof r->s2, ev->u.ack.result);
        r->n = ev->u.ack.qos;
        break;
    case LK_EVENT_STATE_PUBLISHED:
        r->n = ev->u.state.relay_active;
        break;
    case LK_EVENT_DISCOVERY_ERROR:
        r->n = ev->u.discovery.entity;
        break;
    case LK_EVENT_DOOR:
        copy_str(r->s1, sizeof r->s1, ev->u.door.door);
        copy_str(r->s2, sizeof r->s2, ev->u.door.entry);
        copy_str(r->s3, sizeof r->s3, ev->u.door.id);
        break;
    case LK_EVENT_TIME_REQUESTED:
    case LK_EVENT_TIME:
        copy_str(r->s1, sizeof r->s1, ev->u.time.result);
        r->n = ev->u.time.first | (unsigned)ev->u.time.persisted << 1;
        break;
    }
}

void ev_clear(void)
{
    memset(&evlog, 0, sizeof evlog);
}

unsigned ev_count(enum lk_event_type type)
{
    unsigned i, n = 0;
    for (i = 0; i < evlog.count; i++)
        if (evlog.ev[i].type == type)
            n++;
    return n;
}

const struct ev_rec *ev_find(enum lk_event_type type, unsigned nth)
{
    unsigned i;
    for (i = 0; i < evlog.count; i++)
        if (evlog.ev[i].type == type && nth-- == 0)
            return &evlog.ev[i];
    return NULL;
}

void make_cfg(struct lk_device_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    strcpy(cfg->site, "home");
    strcpy(cfg->door, "door1");
    memcpy(cfg->pubkey, fw_pub, 32);
    cfg->pulse_ms = 500;
    cfg->min_interval_ms = 1000;
    cfg->keepalive_s = 30;
    cfg->fw_version = "1.2.3";
    cfg->ha_prefix = cfg_ha_prefix;
    cfg->local_command = cfg_local;
    cfg->on_event = record_event;
    cfg->event_user = &evlog;
}

struct sent up_sent;

/* Fresh device, connected and subscribed. */
void device_up(void)
{
    struct lk_device_config cfg;
    const uint8_t *pkt;
    size_t len;
    struct lk_mqtt_connect_view v;
    struct sent s;
    uint8_t b[8];
    fake_init(&f);
    ev_clear();
    f.verify = fw_ed25519_verify;
    f.unix_now = NOW;
    f.plat.door_read = cfg_door_read;
    make_cfg(&cfg);
    assert_true(lk_device_config_valid(&cfg));
    lk_device_init(&dev, &cfg, &f.plat, &f.tr);
    lk_device_trust_time(&dev, 0);
    assert_int_equal(f.relay_on, 0); /* off at init */
    assert_int_equal(lk_device_poll(&dev), LK_DEV_NEED_CONNECT);
    assert_int_equal(lk_device_on_connected(&dev), 0);
    assert_true(fake_next_sent(&f, &pkt, &len));
    assert_int_equal(lk_mqtt_decode_connect(pkt, len, &v), LK_MQTT_OK);
    assert_int_equal(v.client_id_len, strlen("latchkey-home-door1"));
    assert_memory_equal(v.client_id, "latchkey-home-door1", v.client_id_len);
    assert_int_equal(v.clean_session, 1);
    assert_int_equal(v.keepalive_s, 30);
    assert_int_equal(v.will_flag, 1);
    assert_int_equal(v.will_qos, 1);
    assert_int_equal(v.will_retain, 1);
    assert_int_equal(v.will_topic_len, strlen("latchkey/home/door1/availability"));
    assert_memory_equal(v.will_topic, "latchkey/home/door1/availability", v.will_topic_len);
    assert_int_equal(v.will_payload_len, 7);
    assert_memory_equal(v.will_payload, "offline", 7);
    assert_false(lk_device_online(&dev));

    fake_inject(&f, b, lk_mqtt_encode_connack(b, sizeof b, 0, 0));
    assert_int_equal(lk_device_poll(&dev), LK_DEV_RUNNING);
    assert_true(lk_device_online(&dev));
    assert_true(fake_next_sent(&f, &pkt, &len));
    {
        uint16_t id, flen;
        const char *filter;
        uint8_t qos;
        assert_int_equal(lk_mqtt_decode_subscribe(pkt, len, &id, &filter, &flen, &qos), LK_MQTT_OK);
        assert_int_equal(flen, strlen("latchkey/home/door1/cmd"));
        assert_memory_equal(filter, "latchkey/home/door1/cmd", flen);
        assert_int_equal(qos, 1);
        fake_inject(&f, b, lk_mqtt_encode_suback(b, sizeof b, id, 1));
    }
    collect(&s);
    assert_int_equal(s.avails, 1);
    assert_string_equal(s.avail, "online");
    assert_int_equal(s.avail_qos, 1);
    assert_int_equal(s.avail_retain, 1);
    assert_int_equal(s.states, 1);
    assert_string_equal(s.state, cfg_door_read == NULL
                                     ? "{\"v\":1,\"relay\":\"idle\",\"fw\":\"1.2.3\",\"uptime\":0}"
                                     : "{\"v\":1,\"relay\":\"idle\",\"fw\":\"1.2.3\",\"uptime\":0,"
                                       "\"door\":\"closed\"}");
    assert_int_equal(s.state_qos, 1);
    assert_int_equal(s.state_retain, 1);
    assert_int_equal(s.others, 0);
    assert_int_equal(s.subscribes, cfg_local ? 1 : 0); /* .../local, QoS 0 */
    if (cfg_ha_prefix == NULL)
        assert_int_equal(s.ha, 0);
    memcpy(&up_sent, &s, sizeof s);
    assert_int_equal(lk_device_poll(&dev), LK_DEV_RUNNING); /* SUBACK */
    /* acknowledge the device's retained publishes so in-flight slots are free */
    {
        unsigned i;
        for (i = 0; i < LK_MQTT_INFLIGHT; i++)
            if (dev.mqtt.slots[i].used)
                fake_inject(&f, b, lk_mqtt_encode_puback(b, sizeof b, dev.mqtt.slots[i].packet_id));
    }
    assert_int_equal(lk_device_poll(&dev), LK_DEV_RUNNING);
    assert_int_equal(lk_mqtt_inflight(&dev.mqtt), 0);
    assert_int_equal(f.relay_on_count, 0);
}

void deliver_ex(const char *topic, const char *payload, uint8_t qos, uint8_t retain)
{
    assert_true(fake_inject_publish(&f, topic, payload, qos, retain, qos ? next_in_id++ : 0) > 0);
    assert_int_equal(lk_device_poll(&dev), LK_DEV_RUNNING);
}

void deliver(const char *topic, const char *payload)
{
    deliver_ex(topic, payload, 1, 0);
}

int reset_opts(void **state)
{
    (void)state;
    cfg_ha_prefix = NULL;
    cfg_local = 0;
    cfg_door_read = NULL;
    auto_puback = 1;
    return 0;
}