/* test_device_events.c - the events the device core reports to its port
 * (lk/device_event.h), in order and with their payloads: the session coming up, commands
 * accepted and rejected (the user name only once the signature verified), relay on/off,
 * acks and states published, link losses before and after CONNACK, the clean end of the
 * session, and the local command path. Same in-memory broker as test_device.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "device_harness.h"
#include "fw_vectors.h"
#include "lk/device.h"
#include "lk/mqtt_codec.h"

#define CMD_TOPIC "latchkey/home/door1/cmd"
#define LOCAL_TOPIC "latchkey/home/door1/local"

/* The recorded event types, in order, are exactly want[0..n). */
static void expect_sequence(const enum lk_event_type *want, unsigned n)
{
    unsigned i;
    assert_int_equal(evlog.lost, 0);
    for (i = 0; i < n && i < evlog.count; i++) {
        if (evlog.ev[i].type != want[i])
            (void)fprintf(stderr, "event %u: got %d, want %d\n", i, (int)evlog.ev[i].type,
                          (int)want[i]);
        assert_int_equal(evlog.ev[i].type, want[i]);
    }
    assert_int_equal(evlog.count, n);
}

/* A signed command with this id (by alice, valid now). */
static void signed_cmd(char *out, size_t cap, const char *id)
{
    assert_true(fw_make_cmd(out, cap, id, "home", "door1", "open", "alice", NOW, NOW + 30) > 0);
}

static void test_session_up(void **state)
{
    static const enum lk_event_type want[] = {LK_EVENT_CONNECTED, LK_EVENT_STATE_PUBLISHED,
                                              LK_EVENT_SUBSCRIBED};
    const struct ev_rec *e;
    (void)state;
    device_up();
    expect_sequence(want, 3);
    e = ev_find(LK_EVENT_CONNECTED, 0);
    assert_string_equal(e->s1, "latchkey-home-door1");
    assert_string_equal(e->s2, CMD_TOPIC);
    assert_int_equal(ev_find(LK_EVENT_STATE_PUBLISHED, 0)->n, 0); /* idle */
    e = ev_find(LK_EVENT_SUBSCRIBED, 0);
    assert_string_equal(e->s1, CMD_TOPIC);
    assert_int_equal(e->n, 1);
    /* the accessors a port uses instead of the struct */
    assert_string_equal(lk_device_client_id(&dev), "latchkey-home-door1");
    assert_string_equal(lk_device_topic(&dev, LK_TOPIC_CMD), CMD_TOPIC);
    assert_string_equal(lk_device_topic(&dev, LK_TOPIC_ACK), "latchkey/home/door1/ack");
    assert_string_equal(lk_device_topic(&dev, LK_TOPIC_STATE), "latchkey/home/door1/state");
    assert_string_equal(lk_device_topic(&dev, LK_TOPIC_AVAILABILITY),
                        "latchkey/home/door1/availability");
    assert_string_equal(lk_device_topic(&dev, LK_TOPIC_LOCAL), "");
    assert_true(lk_device_link_in_use(&dev));
    assert_false(lk_device_relay_active(&dev));
}

static void test_command_accepted(void **state)
{
    static const enum lk_event_type want[] = {LK_EVENT_RELAY, LK_EVENT_CMD_ACCEPTED,
                                              LK_EVENT_ACK_PUBLISHED, LK_EVENT_STATE_PUBLISHED};
    static const enum lk_event_type end[] = {LK_EVENT_RELAY, LK_EVENT_STATE_PUBLISHED};
    struct sent s;
    const struct ev_rec *e;
    (void)state;
    device_up();
    ev_clear();
    deliver(CMD_TOPIC, ok_payload);
    expect_sequence(want, 4);
    assert_int_equal(ev_find(LK_EVENT_RELAY, 0)->n, 1);
    e = ev_find(LK_EVENT_CMD_ACCEPTED, 0);
    assert_string_equal(e->s1, ID);
    assert_string_equal(e->s2, "alice");
    assert_string_equal(e->s3, "");
    e = ev_find(LK_EVENT_ACK_PUBLISHED, 0);
    assert_string_equal(e->s1, ID);
    assert_string_equal(e->s2, "ok");
    assert_int_equal(e->n, 1);
    assert_int_equal(ev_find(LK_EVENT_STATE_PUBLISHED, 0)->n, 1); /* active */
    assert_true(lk_device_relay_active(&dev));
    collect(&s);

    /* time ends the pulse: relay off, then the idle state */
    ev_clear();
    f.now_ms += 500;
    assert_int_equal(lk_device_poll(&dev), LK_DEV_RUNNING);
    expect_sequence(end, 2);
    assert_int_equal(ev_find(LK_EVENT_RELAY, 0)->n, 0);
    assert_int_equal(ev_find(LK_EVENT_STATE_PUBLISHED, 0)->n, 0);
    assert_false(lk_device_relay_active(&dev));
}

/* Each refusal: one CMD_REJECTED with the ack's reason, one ACK_PUBLISHED "rejected",
 * no relay event. */
static void expect_rejected(const char *id, const char *by, const char *reason)
{
    static const enum lk_event_type want[] = {LK_EVENT_CMD_REJECTED, LK_EVENT_ACK_PUBLISHED};
    const struct ev_rec *e;
    expect_sequence(want, 2);
    e = ev_find(LK_EVENT_CMD_REJECTED, 0);
    assert_string_equal(e->s1, id);
    assert_string_equal(e->s2, by);
    assert_string_equal(e->s3, reason);
    e = ev_find(LK_EVENT_ACK_PUBLISHED, 0);
    assert_string_equal(e->s1, id);
    assert_string_equal(e->s2, "rejected");
    ev_clear();
}

static void test_commands_rejected(void **state)
{
    struct sent s;
    char p[512], *by;
    (void)state;
    device_up();
    ev_clear();
    deliver(CMD_TOPIC, "open the door");
    expect_rejected("", "", "malformed");

    /* signed by someone else's hand: the claimed user name is not reported */
    signed_cmd(p, sizeof p, "c0000000000000000000000000000001");
    by = strstr(p, "\"alice\"");
    assert_non_null(by);
    by[5] = 'f'; /* "alicf": still well-formed, the signature no longer matches */
    deliver(CMD_TOPIC, p);
    expect_rejected("c0000000000000000000000000000001", "", "bad-signature");

    /* verified, then refused: the user name is known */
    assert_true(fw_make_cmd(p, sizeof p, "c0000000000000000000000000000002", "home", "door2",
                            "open", "alice", NOW, NOW + 30) > 0);
    deliver(CMD_TOPIC, p);
    expect_rejected("c0000000000000000000000000000002", "alice", "wrong-target");

    deliver(CMD_TOPIC, ok_payload);
    collect(&s);
    ev_clear();
    signed_cmd(p, sizeof p, "c0000000000000000000000000000003");
    deliver(CMD_TOPIC, p); /* during the pulse */
    expect_rejected("c0000000000000000000000000000003", "alice", "busy");
    f.now_ms += 5000;
    assert_int_equal(lk_device_poll(&dev), LK_DEV_RUNNING);
    ev_clear();
    deliver(CMD_TOPIC, ok_payload);
    expect_rejected(ID, "alice", "replay");
    assert_int_equal(f.relay_on_count, 1);

    /* another topic: no event at all */
    deliver("latchkey/home/door1/other", ok_payload);
    assert_int_equal(evlog.count, 0);
}

/* A broker that never sends PUBACK: acks fall back to QoS 0, and the event says so. */
static void test_ack_qos0_when_slots_full(void **state)
{
    char p[512], id[40];
    int i;
    const struct ev_rec *e = NULL;
    (void)state;
    device_up();
    auto_puback = 0;
    for (i = 0; i < (int)LK_MQTT_INFLIGHT + 2; i++) {
        snprintf(id, sizeof id, "d%031d", i);
        signed_cmd(p, sizeof p, id);
        ev_clear();
        deliver(CMD_TOPIC, p);
        e = ev_find(LK_EVENT_ACK_PUBLISHED, 0);
        assert_non_null(e);
        assert_string_equal(e->s1, id);
        f.now_ms += 2100; /* pulse and minimum interval over */
        assert_int_equal(lk_device_poll(&dev), LK_DEV_RUNNING);
        fake_clear_sent(&f);
    }
    assert_int_equal(e->n, 0);
    assert_int_equal(ev_count(LK_EVENT_ACK_DROPPED), 0);
}

/* The link dies after CONNACK (was_online 1), the port's own report of it adds nothing,
 * and a reconnect that never gets its CONNACK is a loss before the session (was_online 0). */
static void test_link_lost(void **state)
{
    int i;
    (void)state;
    device_up();
    ev_clear();
    f.fail = 1;
    f.now_ms += 10;
    assert_int_equal(lk_device_poll(&dev), LK_DEV_RUNNING);
    assert_int_equal(ev_count(LK_EVENT_LINK_LOST), 1);
    assert_int_equal(ev_find(LK_EVENT_LINK_LOST, 0)->n, 1);
    assert_false(lk_device_link_in_use(&dev)); /* the port closes its transport */
    lk_device_on_transport_lost(&dev);
    assert_int_equal(evlog.count, 1);

    f.fail = 0;
    ev_clear();
    for (i = 0; i < 1000 && lk_device_poll(&dev) != LK_DEV_NEED_CONNECT; i++)
        f.now_ms += 50;
    assert_true(i < 1000);
    assert_int_equal(lk_device_on_connected(&dev), 0);
    assert_true(lk_device_link_in_use(&dev));
    f.now_ms += LK_MQTT_CONNACK_TIMEOUT_MS;
    assert_int_equal(lk_device_poll(&dev), LK_DEV_RUNNING);
    assert_int_equal(evlog.count, 1);
    assert_int_equal(evlog.ev[0].type, LK_EVENT_LINK_LOST);
    assert_int_equal(evlog.ev[0].n, 0);
    assert_int_equal(ev_count(LK_EVENT_CONNECTED), 0);
    assert_false(lk_device_link_in_use(&dev));

    /* the port's failed connect is a loss too, never a session */
    ev_clear();
    for (i = 0; i < 1000 && lk_device_poll(&dev) != LK_DEV_NEED_CONNECT; i++)
        f.now_ms += 50;
    lk_device_on_transport_lost(&dev);
    assert_int_equal(evlog.count, 1);
    assert_int_equal(evlog.ev[0].type, LK_EVENT_LINK_LOST);
    assert_int_equal(evlog.ev[0].n, 0);
}

/* Shutdown during a pulse: relay off at once, then the clean end of the session. */
static void test_shutdown_events(void **state)
{
    struct sent s;
    (void)state;
    device_up();
    deliver(CMD_TOPIC, ok_payload);
    collect(&s);
    assert_int_equal(lk_device_poll(&dev), LK_DEV_RUNNING);
    ev_clear();
    lk_device_shutdown(&dev);
    assert_int_equal(evlog.ev[0].type, LK_EVENT_RELAY);
    assert_int_equal(evlog.ev[0].n, 0);
    assert_int_equal(ev_count(LK_EVENT_DISCONNECTED), 0); /* not before the PUBACKs */
    collect(&s);
    assert_int_equal(lk_device_poll(&dev), LK_DEV_STOPPED);
    assert_int_equal(ev_count(LK_EVENT_DISCONNECTED), 1);
    assert_int_equal(ev_find(LK_EVENT_DISCONNECTED, 0)->n, 1);
    assert_int_equal(ev_count(LK_EVENT_LINK_LOST), 0);
    assert_int_equal(lk_device_poll(&dev), LK_DEV_STOPPED);
    assert_int_equal(ev_count(LK_EVENT_DISCONNECTED), 1);

    /* a device that is not online when stopped reports no session end */
    device_up();
    f.fail = 1;
    assert_int_equal(lk_device_poll(&dev), LK_DEV_RUNNING);
    ev_clear();
    lk_device_shutdown(&dev);
    assert_int_equal(lk_device_poll(&dev), LK_DEV_STOPPED);
    assert_int_equal(evlog.count, 0);
}

static void test_local_events(void **state)
{
    uint8_t b[8];
    const struct ev_rec *e;
    (void)state;
    cfg_local = 1;
    device_up();
    assert_string_equal(lk_device_topic(&dev, LK_TOPIC_LOCAL), LOCAL_TOPIC);
    /* the broker grants .../local (QoS 0) */
    ev_clear();
    fake_inject(&f, b, lk_mqtt_encode_suback(b, sizeof b, dev.sub_local_id, 0));
    assert_int_equal(lk_device_poll(&dev), LK_DEV_RUNNING);
    assert_int_equal(evlog.count, 1);
    e = ev_find(LK_EVENT_SUBSCRIBED, 0);
    assert_non_null(e);
    assert_string_equal(e->s1, LOCAL_TOPIC);
    assert_int_equal(e->n, 0);

    ev_clear();
    deliver_ex(LOCAL_TOPIC, "open", 0, 1);
    deliver_ex(LOCAL_TOPIC, "PRESS", 0, 0);
    assert_int_equal(ev_count(LK_EVENT_LOCAL_IGNORED), 2);
    assert_string_equal(ev_find(LK_EVENT_LOCAL_IGNORED, 0)->s1, "retained");
    assert_string_equal(ev_find(LK_EVENT_LOCAL_IGNORED, 1)->s1, "payload");
    assert_int_equal(ev_count(LK_EVENT_RELAY), 0);
    ev_clear();
    deliver_ex(LOCAL_TOPIC, "open", 0, 0);
    assert_int_equal(evlog.ev[0].type, LK_EVENT_RELAY);
    assert_int_equal(evlog.ev[1].type, LK_EVENT_LOCAL_ACCEPTED);
    assert_int_equal(ev_count(LK_EVENT_CMD_ACCEPTED), 0); /* not a signed command */
    ev_clear();
    deliver_ex(LOCAL_TOPIC, "open", 0, 0);
    assert_int_equal(evlog.count, 1);
    assert_string_equal(ev_find(LK_EVENT_LOCAL_IGNORED, 0)->s1, "busy");
}

/* No callback registered: the same traffic runs without one. */
static void test_without_callback(void **state)
{
    struct lk_device_config cfg;
    uint8_t b[8];
    (void)state;
    fake_init(&f);
    ev_clear();
    f.verify = fw_ed25519_verify;
    f.unix_now = NOW;
    make_cfg(&cfg);
    cfg.on_event = NULL;
    lk_device_init(&dev, &cfg, &f.plat, &f.tr);
    lk_device_trust_time(&dev, 0);
    assert_int_equal(lk_device_poll(&dev), LK_DEV_NEED_CONNECT);
    assert_int_equal(lk_device_on_connected(&dev), 0);
    fake_inject(&f, b, lk_mqtt_encode_connack(b, sizeof b, 0, 0));
    assert_int_equal(lk_device_poll(&dev), LK_DEV_RUNNING);
    deliver(CMD_TOPIC, ok_payload);
    assert_int_equal(f.relay_on_count, 1);
    assert_int_equal(evlog.count, 0);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_session_up, reset_opts),
        cmocka_unit_test_setup(test_command_accepted, reset_opts),
        cmocka_unit_test_setup(test_commands_rejected, reset_opts),
        cmocka_unit_test_setup(test_ack_qos0_when_slots_full, reset_opts),
        cmocka_unit_test_setup(test_link_lost, reset_opts),
        cmocka_unit_test_setup(test_shutdown_events, reset_opts),
        cmocka_unit_test_setup(test_local_events, reset_opts),
        cmocka_unit_test_setup(test_without_callback, reset_opts),
    };
    if (argc != 2) {
        (void)fprintf(stderr, "usage: %s tests/vectors/commands.json\n", argv[0]);
        return 2;
    }
    vectors_path = argv[1];
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
