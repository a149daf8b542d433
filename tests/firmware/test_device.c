/* test_device.c - the device application end to end over the in-memory transport: the
 * MQTT session it sets up (CONNECT with will, subscribe, online + state), a signed
 * command producing exactly one relay pulse and the right ack JSON, rejections that never
 * move the relay, relay timing that does not depend on the network, the retained state
 * (a superseded state is never retransmitted), the clean shutdown (offline, DISCONNECT,
 * bounded), Home Assistant discovery and the opt-in local command path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <cjson/cJSON.h>

#include "device_harness.h"
#include "fake_net.h"
#include "fw_vectors.h"
#include "lk/device.h"
#include "lk/mqtt_codec.h"

static void test_command_pulses_once_and_acks(void **state)
{
    struct sent s;
    (void)state;
    device_up();
    deliver("latchkey/home/door1/cmd", ok_payload);
    assert_int_equal(f.relay_on, 1);
    assert_int_equal(f.relay_on_count, 1);
    collect(&s);
    assert_int_equal(s.pubacks, 1);
    assert_int_equal(s.puback_id, next_in_id - 1);
    assert_int_equal(s.acks, 1);
    assert_string_equal(s.ack, "{\"v\":1,\"id\":\"" ID "\",\"result\":\"ok\",\"reason\":\"\",\"at\":1790000001}");
    assert_int_equal(s.ack_qos, 1);
    assert_int_equal(s.ack_retain, 0);
    assert_int_equal(s.states, 1);
    assert_string_equal(s.state, "{\"v\":1,\"relay\":\"active\",\"fw\":\"1.2.3\",\"uptime\":0}");
    assert_int_equal(dev.stats.cmds_ok, 1);

    /* the pulse ends on time, not earlier */
    f.now_ms += 499;
    assert_int_equal(lk_device_poll(&dev), LK_DEV_RUNNING);
    assert_int_equal(f.relay_on, 1);
    f.now_ms += 1;
    assert_int_equal(lk_device_poll(&dev), LK_DEV_RUNNING);
    assert_int_equal(f.relay_on, 0);
    collect(&s);
    assert_int_equal(s.states, 1);
    assert_string_equal(s.state, "{\"v\":1,\"relay\":\"idle\",\"fw\":\"1.2.3\",\"uptime\":0}");
    assert_int_equal(s.acks, 0);

    /* the same command again: replay, relay untouched */
    f.now_ms += 5000;
    deliver("latchkey/home/door1/cmd", ok_payload);
    collect(&s);
    assert_int_equal(s.acks, 1);
    assert_string_equal(s.ack, "{\"v\":1,\"id\":\"" ID "\",\"result\":\"rejected\",\"reason\":\"replay\",\"at\":1790000001}");
    assert_int_equal(s.states, 0);
    assert_int_equal(f.relay_on_count, 1);
    assert_int_equal(f.relay_on, 0);
}

static void test_rejections_never_move_relay(void **state)
{
    struct sent s;
    char payload[512];
    (void)state;
    device_up();
    deliver("latchkey/home/door1/cmd", "open the door");
    collect(&s);
    assert_int_equal(s.acks, 1);
    assert_string_equal(s.ack, "{\"v\":1,\"id\":\"\",\"result\":\"rejected\",\"reason\":\"malformed\",\"at\":1790000001}");
    assert_int_equal(s.pubacks, 1);

    /* expired */
    f.unix_now = NOW + 3600;
    deliver("latchkey/home/door1/cmd", ok_payload);
    collect(&s);
    assert_string_equal(s.ack, "{\"v\":1,\"id\":\"" ID "\",\"result\":\"rejected\",\"reason\":\"expired\",\"at\":1790003601}");
    f.unix_now = NOW;

    /* wrong target, signed correctly */
    assert_true(fw_make_cmd(payload, sizeof payload, "11111111111111111111111111111111", "home", "door2",
                            "open", "alice", NOW, NOW + 30) > 0);
    deliver("latchkey/home/door1/cmd", payload);
    collect(&s);
    assert_string_equal(s.ack, "{\"v\":1,\"id\":\"11111111111111111111111111111111\",\"result\":\"rejected\","
                               "\"reason\":\"wrong-target\",\"at\":1790000001}");
    assert_int_equal(f.relay_on_count, 0);
    assert_int_equal(f.relay_on, 0);
    assert_int_equal(dev.stats.cmds_rejected, 3);

    /* another topic: acknowledged at the MQTT level, otherwise ignored */
    deliver("latchkey/home/door1/other", ok_payload);
    collect(&s);
    assert_int_equal(s.acks, 0);
    assert_int_equal(s.pubacks, 1);
    assert_int_equal(dev.stats.msgs_ignored, 1);
    assert_int_equal(f.relay_on_count, 0);
}

static void test_busy_within_min_interval(void **state)
{
    struct sent s;
    char p1[512], p2[512], p3[512];
    (void)state;
    device_up();
    assert_true(fw_make_cmd(p1, sizeof p1, "a0000000000000000000000000000001", "home", "door1", "open",
                            "alice", NOW, NOW + 30) > 0);
    assert_true(fw_make_cmd(p2, sizeof p2, "a0000000000000000000000000000002", "home", "door1", "open",
                            "alice", NOW, NOW + 30) > 0);
    assert_true(fw_make_cmd(p3, sizeof p3, "a0000000000000000000000000000003", "home", "door1", "open",
                            "alice", NOW, NOW + 30) > 0);
    deliver("latchkey/home/door1/cmd", p1);
    collect(&s);
    assert_int_equal(f.relay_on_count, 1);
    /* during the pulse */
    deliver("latchkey/home/door1/cmd", p2);
    collect(&s);
    assert_string_equal(s.ack, "{\"v\":1,\"id\":\"a0000000000000000000000000000002\",\"result\":\"rejected\","
                               "\"reason\":\"busy\",\"at\":1790000001}");
    f.now_ms += 500;
    assert_int_equal(lk_device_poll(&dev), LK_DEV_RUNNING);
    assert_int_equal(f.relay_on, 0);
    /* 999 ms after the end: still inside the minimum interval */
    f.now_ms += 999;
    deliver("latchkey/home/door1/cmd", p3);
    collect(&s);
    assert_string_equal(s.ack, "{\"v\":1,\"id\":\"a0000000000000000000000000000003\",\"result\":\"rejected\","
                               "\"reason\":\"busy\",\"at\":1790000001}");
    assert_int_equal(f.relay_on_count, 1);
    /* a busy command was verified: its id is spent and cannot open later */
    f.now_ms += 5000;
    deliver("latchkey/home/door1/cmd", p3);
    collect(&s);
    assert_string_equal(s.ack, "{\"v\":1,\"id\":\"a0000000000000000000000000000003\",\"result\":\"rejected\","
                               "\"reason\":\"replay\",\"at\":1790000001}");
    assert_int_equal(f.relay_on_count, 1);
}

static void test_pulse_ends_without_network(void **state)
{
    struct sent s;
    int i;
    (void)state;
    device_up();
    deliver("latchkey/home/door1/cmd", ok_payload);
    assert_int_equal(f.relay_on, 1);
    f.fail = 1; /* link dies mid-pulse */
    f.now_ms += 10;
    assert_int_equal(lk_device_poll(&dev), LK_DEV_RUNNING);
    assert_false(lk_device_online(&dev));
    lk_device_on_transport_lost(&dev);
    f.now_ms += 490;
    assert_int_equal(lk_device_poll(&dev), LK_DEV_RUNNING);
    assert_int_equal(f.relay_on, 0);
    assert_int_equal(f.relay_on_count, 1);

    /* reconnect after the back-off: online and the idle state are published again */
    f.fail = 0;
    fake_clear_sent(&f);
    for (i = 0; i < 1000 && lk_device_poll(&dev) != LK_DEV_NEED_CONNECT; i++)
        f.now_ms += 50;
    assert_true(i < 1000);
    assert_int_equal(lk_device_on_connected(&dev), 0);
    {
        uint8_t b[4];
        fake_inject(&f, b, lk_mqtt_encode_connack(b, sizeof b, 0, 0));
    }
    assert_int_equal(lk_device_poll(&dev), LK_DEV_RUNNING);
    collect(&s);
    assert_int_equal(s.connects, 1);
    assert_int_equal(s.subscribes, 1);
    assert_int_equal(s.avails, 1);
    assert_string_equal(s.avail, "online");
    assert_true(s.states >= 1);
    assert_non_null(strstr(s.state, "\"relay\":\"idle\""));
}

static void test_invalid_config_stays_idle(void **state)
{
    struct lk_device_config cfg;
    int i;
    (void)state;
    fake_init(&f);
    make_cfg(&cfg);
    strcpy(cfg.site, "Home");
    assert_false(lk_device_config_valid(&cfg));
    lk_device_init(&dev, &cfg, &f.plat, &f.tr);
    assert_int_equal(f.relay_on, 0);
    for (i = 0; i < 5; i++) {
        f.now_ms += 100000;
        assert_int_equal(lk_device_poll(&dev), LK_DEV_RUNNING);
    }
    assert_int_equal(lk_device_on_connected(&dev), -1);
    assert_int_equal(f.from_dev_len, 0);
    make_cfg(&cfg);
    cfg.pulse_ms = 1;
    assert_false(lk_device_config_valid(&cfg));
    make_cfg(&cfg);
    cfg.pulse_ms = 0; /* default */
    assert_true(lk_device_config_valid(&cfg));
}

static void test_fw_version_sanitised(void **state)
{
    struct lk_device_config cfg;
    (void)state;
    fake_init(&f);
    make_cfg(&cfg);
    cfg.fw_version = "1.0\"}";
    lk_device_init(&dev, &cfg, &f.plat, &f.tr);
    assert_string_equal(dev.fw, "unknown");
    cfg.fw_version = NULL;
    lk_device_init(&dev, &cfg, &f.plat, &f.tr);
    assert_string_equal(dev.fw, "unknown");
    cfg.fw_version = "0.1.0-rc1";
    lk_device_init(&dev, &cfg, &f.plat, &f.tr);
    assert_string_equal(dev.fw, "0.1.0-rc1");
}

/* A broker that never sends PUBACK: once the in-flight slots are full, acks still go
 * out (QoS 0) and nothing overflows. */
static void test_acks_when_inflight_full(void **state)
{
    struct sent s;
    char p[512];
    int i;
    (void)state;
    device_up();
    auto_puback = 0;
    for (i = 0; i < (int)LK_MQTT_INFLIGHT + 3; i++) {
        char id[40];
        snprintf(id, sizeof id, "b%031d", i);
        assert_true(fw_make_cmd(p, sizeof p, id, "home", "door1", "open", "alice", NOW, NOW + 30) > 0);
        deliver("latchkey/home/door1/cmd", p);
        collect(&s);
        assert_true(s.acks >= 1); /* the new ack, plus DUP resends of unacknowledged ones */
        f.now_ms += 600; /* pulse over */
        assert_int_equal(lk_device_poll(&dev), LK_DEV_RUNNING);
        f.now_ms += 1500; /* minimum interval passed: every command opens */
        fake_clear_sent(&f);
    }
    auto_puback = 1;
    assert_int_equal(lk_mqtt_inflight(&dev.mqtt), LK_MQTT_INFLIGHT);
    assert_true(dev.stats.acks_qos0 > 0);
    assert_int_equal(dev.stats.acks_dropped, 0);
    assert_int_equal(f.relay_on_count, LK_MQTT_INFLIGHT + 3);
}

/* The retained state follows the relay, and a superseded state publish is never
 * retransmitted: "active" must not become the retained state again after "idle". */
static void test_state_superseded_never_resent(void **state)
{
    struct sent s;
    int i;
    (void)state;
    device_up();
    auto_puback = 0; /* the broker is slow to acknowledge */
    deliver("latchkey/home/door1/cmd", ok_payload);
    collect(&s);
    assert_int_equal(s.states_active, 1);
    f.now_ms += 500;
    assert_int_equal(lk_device_poll(&dev), LK_DEV_RUNNING);
    assert_int_equal(f.relay_on, 0);
    collect(&s);
    assert_int_equal(s.states, 1);
    assert_non_null(strstr(s.state, "\"relay\":\"idle\""));
    assert_int_equal(s.state_retain, 1);
    assert_int_equal(s.state_qos, 1);
    /* retransmit timers fire: only the ack and the idle state come again */
    for (i = 0; i < 3; i++) {
        f.now_ms += LK_MQTT_RETRY_MS + 1;
        assert_int_equal(lk_device_poll(&dev), LK_DEV_RUNNING);
        collect(&s);
        assert_int_equal(s.states_active, 0);
        assert_int_equal(s.states, 1);
        assert_non_null(strstr(s.state, "\"relay\":\"idle\""));
    }
    assert_true(dev.mqtt.stats.retransmits >= 6);
}

/* Clean shutdown: relay off at once, state idle + "offline" retained QoS 1, then
 * DISCONNECT once the broker acknowledged them; commands meanwhile are refused. */
static void test_shutdown_offline_then_disconnect(void **state)
{
    struct sent s;
    (void)state;
    device_up();
    deliver("latchkey/home/door1/cmd", ok_payload);
    assert_int_equal(f.relay_on, 1);
    collect(&s);
    assert_int_equal(lk_device_poll(&dev), LK_DEV_RUNNING); /* PUBACKs of ack + state */
    lk_device_shutdown(&dev);
    assert_int_equal(f.relay_on, 0); /* before anything is sent */
    collect(&s); /* injects the PUBACKs */
    assert_int_equal(s.states, 1);
    assert_non_null(strstr(s.state, "\"relay\":\"idle\""));
    assert_int_equal(s.avails, 1);
    assert_string_equal(s.avail, "offline");
    assert_int_equal(s.avail_qos, 1);
    assert_int_equal(s.avail_retain, 1);
    assert_int_equal(s.disconnects, 0);
    assert_int_equal(lk_device_poll(&dev), LK_DEV_STOPPED);
    collect(&s);
    assert_int_equal(s.disconnects, 1);
    assert_int_equal(s.last_type, LK_MQTT_DISCONNECT);
    /* stays stopped: never asks for a link again, never moves the relay */
    f.now_ms += 120000;
    assert_int_equal(lk_device_poll(&dev), LK_DEV_STOPPED);
    lk_device_shutdown(&dev); /* idempotent */
    assert_int_equal(lk_device_poll(&dev), LK_DEV_STOPPED);
    assert_int_equal(f.relay_on_count, 1);
}

/* Without PUBACKs the shutdown still ends after LK_DEVICE_SHUTDOWN_MS. */
static void test_shutdown_bounded(void **state)
{
    struct sent s;
    (void)state;
    device_up();
    auto_puback = 0;
    lk_device_shutdown(&dev);
    collect(&s);
    assert_int_equal(s.avails, 1);
    assert_string_equal(s.avail, "offline");
    /* a command arriving while stopping is refused and never pulses */
    f.now_ms += 10;
    deliver("latchkey/home/door1/cmd", ok_payload);
    collect(&s);
    assert_int_equal(s.acks, 1);
    assert_non_null(strstr(s.ack, "\"reason\":\"busy\""));
    assert_int_equal(f.relay_on_count, 0);
    f.now_ms += LK_DEVICE_SHUTDOWN_MS - 20;
    assert_int_equal(lk_device_poll(&dev), LK_DEV_RUNNING);
    f.now_ms += 10;
    assert_int_equal(lk_device_poll(&dev), LK_DEV_STOPPED);
    collect(&s);
    assert_int_equal(s.disconnects, 1);
    /* never connected: stops at once, sends nothing */
    {
        struct lk_device_config cfg;
        fake_init(&f);
        make_cfg(&cfg);
        lk_device_init(&dev, &cfg, &f.plat, &f.tr);
        lk_device_shutdown(&dev);
        assert_int_equal(lk_device_poll(&dev), LK_DEV_STOPPED);
        collect(&s);
        assert_int_equal(s.connects + s.disconnects + s.avails, 0);
    }
}

static cJSON *ha_find(const struct sent *s, const char *topic)
{
    int i;
    for (i = 0; i < s->ha; i++)
        if (strcmp(s->ha_topic[i], topic) == 0)
            return cJSON_Parse(s->ha_payload[i]);
    fail_msg("no discovery config on %s", topic);
    return NULL;
}

static const char *js(const cJSON *o, const char *k)
{
    const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, k));
    if (v == NULL)
        fail_msg("key %s missing", k);
    return v;
}

/* Discovery on: retained configs for connectivity, relay and last result (no button),
 * with the availability topic and the device block. */
static void test_ha_discovery(void **state)
{
    cJSON *c, *d;
    int i;
    (void)state;
    cfg_ha_prefix = "homeassistant";
    device_up();
    assert_int_equal(up_sent.ha, 2);
    for (i = 0; i < 2; i++) {
        assert_int_equal(up_sent.ha_retain[i], 1);
        assert_int_equal(up_sent.ha_qos[i], 0);
    }
    c = ha_find(&up_sent, "homeassistant/binary_sensor/latchkey_home_door1/online/config");
    assert_non_null(c);
    assert_string_equal(js(c, "stat_t"), "latchkey/home/door1/availability");
    assert_string_equal(js(c, "pl_on"), "online");
    assert_string_equal(js(c, "pl_off"), "offline");
    assert_string_equal(js(c, "dev_cla"), "connectivity");
    cJSON_Delete(c);
    c = ha_find(&up_sent, "homeassistant/binary_sensor/latchkey_home_door1/relay/config");
    assert_non_null(c);
    assert_string_equal(js(c, "stat_t"), "latchkey/home/door1/state");
    assert_string_equal(js(c, "val_tpl"), "{{ value_json.relay }}");
    assert_string_equal(js(c, "pl_on"), "active");
    assert_string_equal(js(c, "avty_t"), "latchkey/home/door1/availability");
    assert_string_equal(js(c, "pl_avail"), "online");
    assert_string_equal(js(c, "pl_not_avail"), "offline");
    assert_string_equal(js(c, "uniq_id"), "latchkey_home_door1_relay");
    d = cJSON_GetObjectItemCaseSensitive(c, "dev");
    assert_non_null(d);
    assert_string_equal(js(d, "ids"), "latchkey_home_door1");
    assert_string_equal(js(d, "name"), "Latchkey home/door1");
    assert_string_equal(js(d, "sw"), "1.2.3");
    cJSON_Delete(c);
    /* The last result is the gateway's (gateway/core/ha_config.h): the device leaves it. */
    for (i = 0; i < up_sent.ha; i++)
        assert_null(strstr(up_sent.ha_topic[i], "last_result"));
    /* no subscription to .../local and a local "open" is ignored */
    deliver_ex("latchkey/home/door1/local", "open", 0, 0);
    assert_int_equal(f.relay_on_count, 0);
    assert_int_equal(dev.stats.msgs_ignored, 1);
}

/* A TX buffer that takes nothing delays discovery; it goes out once the link moves. */
static void test_ha_discovery_when_tx_busy(void **state)
{
    struct sent s;
    uint8_t b[8];
    (void)state;
    cfg_ha_prefix = "homeassistant";
    cfg_local = 1; /* three configs: more than the TX buffer takes at once */
    fake_init(&f);
    {
        struct lk_device_config cfg;
        f.verify = fw_ed25519_verify;
        make_cfg(&cfg);
        lk_device_init(&dev, &cfg, &f.plat, &f.tr);
    }
    assert_int_equal(lk_device_poll(&dev), LK_DEV_NEED_CONNECT);
    assert_int_equal(lk_device_on_connected(&dev), 0);
    f.send_blocked = 1;
    fake_inject(&f, b, lk_mqtt_encode_connack(b, sizeof b, 0, 0));
    assert_int_equal(lk_device_poll(&dev), LK_DEV_RUNNING);
    assert_true(dev.ha_pending != 0);
    f.send_blocked = 0;
    f.send_limit = 100;
    for (int i = 0; i < 20; i++)
        (void)lk_device_poll(&dev);
    assert_int_equal(dev.ha_pending, 0);
    collect(&s);
    assert_int_equal(s.ha, 3);
    assert_int_equal(dev.stats.ha_errors, 0);
}

/* Longest names and prefix still fit the topic and payload buffers. */
static void test_ha_config_sizes(void **state)
{
    static const char n32[] = "abcdefghijklmnopqrstuvwxyz012345";
    char prefix[LK_HA_PREFIX_MAX + 1], topic[LK_HA_TOPIC_MAX], payload[LK_HA_MSG_MAX];
    char avail[LK_TOPIC_MAX], st[LK_TOPIC_MAX], ack[LK_TOPIC_MAX], local[LK_TOPIC_MAX];
    struct lk_ha_device d;
    unsigned e;
    (void)state;
    memset(prefix, 'p', sizeof prefix - 1);
    prefix[sizeof prefix - 1] = '\0';
    assert_true(lk_ha_prefix_valid(prefix));
    assert_true(lk_topic(avail, sizeof avail, n32, n32, "availability") > 0);
    assert_true(lk_topic(st, sizeof st, n32, n32, "state") > 0);
    assert_true(lk_topic(ack, sizeof ack, n32, n32, "ack") > 0);
    assert_true(lk_topic(local, sizeof local, n32, n32, "local") > 0);
    d.prefix = prefix;
    d.site = n32;
    d.door = n32;
    d.fw = "12345678901234567890123456789012";
    d.topic_avail = avail;
    d.topic_state = st;
    d.topic_ack = ack;
    d.topic_local = local;
    d.has_door = 1; /* every entity, the door sensor's too: the largest configs */
    for (e = 0; e < LK_HA_COUNT; e++) {
        size_t n = lk_ha_config(&d, (enum lk_ha_entity)e, topic, sizeof topic, payload, sizeof payload);
        cJSON *c;
        assert_true(n > 0 && n != (size_t)-1);
        print_message("discovery config %u, longest names: %zu bytes\n", e, n);
        c = cJSON_Parse(payload);
        assert_non_null(c);
        cJSON_Delete(c);
    }
    d.topic_local = NULL;
    assert_int_equal(lk_ha_config(&d, LK_HA_OPEN_BUTTON, topic, sizeof topic, payload, sizeof payload), 0);
    assert_int_equal(lk_ha_config(&d, LK_HA_RELAY, topic, sizeof topic, payload, 100), (size_t)-1);
    assert_false(lk_ha_prefix_valid(""));
    assert_false(lk_ha_prefix_valid("a//b"));
    assert_false(lk_ha_prefix_valid("a/"));
    assert_false(lk_ha_prefix_valid("a#"));
    assert_true(lk_ha_prefix_valid("home-assistant/x_1"));
}

/* local_command = true: a button config, a QoS 0 subscription to .../local, and "open"
 * there pulses the relay; retained or other payloads never do. */
static void test_local_command(void **state)
{
    cJSON *c;
    (void)state;
    cfg_ha_prefix = "homeassistant";
    cfg_local = 1;
    device_up();
    assert_int_equal(up_sent.ha, 3);
    c = ha_find(&up_sent, "homeassistant/button/latchkey_home_door1/open/config");
    assert_non_null(c);
    assert_string_equal(js(c, "cmd_t"), "latchkey/home/door1/local");
    assert_string_equal(js(c, "pl_prs"), "open");
    assert_string_equal(js(c, "avty_t"), "latchkey/home/door1/availability");
    cJSON_Delete(c);

    deliver_ex("latchkey/home/door1/local", "open", 0, 1); /* retained: never acted on */
    deliver_ex("latchkey/home/door1/local", "PRESS", 0, 0);
    assert_int_equal(f.relay_on_count, 0);
    assert_int_equal(dev.stats.local_ignored, 2);
    deliver_ex("latchkey/home/door1/local", "open", 0, 0);
    assert_int_equal(f.relay_on, 1);
    assert_int_equal(dev.stats.local_cmds, 1);
    deliver_ex("latchkey/home/door1/local", "open", 1, 0); /* busy: ignored */
    assert_int_equal(f.relay_on_count, 1);
    f.now_ms += 500;
    assert_int_equal(lk_device_poll(&dev), LK_DEV_RUNNING);
    assert_int_equal(f.relay_on, 0);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_command_pulses_once_and_acks),
        cmocka_unit_test(test_rejections_never_move_relay),
        cmocka_unit_test(test_busy_within_min_interval),
        cmocka_unit_test(test_pulse_ends_without_network),
        cmocka_unit_test(test_invalid_config_stays_idle),
        cmocka_unit_test(test_fw_version_sanitised),
        cmocka_unit_test(test_acks_when_inflight_full),
        cmocka_unit_test_setup(test_state_superseded_never_resent, reset_opts),
        cmocka_unit_test_setup(test_shutdown_offline_then_disconnect, reset_opts),
        cmocka_unit_test_setup(test_shutdown_bounded, reset_opts),
        cmocka_unit_test_setup(test_ha_discovery, reset_opts),
        cmocka_unit_test_setup(test_ha_discovery_when_tx_busy, reset_opts),
        cmocka_unit_test_setup(test_ha_config_sizes, reset_opts),
        cmocka_unit_test_setup(test_local_command, reset_opts),
    };
    if (argc != 2) {
        (void)fprintf(stderr, "usage: %s tests/vectors/commands.json\n", argv[0]);
        return 2;
    }
    vectors_path = argv[1];
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
