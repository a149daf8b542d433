/* test_device_time.c - the device application with time_beacon on (device.h,
 * docs/protocol.md "Time beacon") on the in-memory broker: after CONNACK it subscribes to
 * .../time and asks on .../time/req with a fresh nonce (QoS 1, not retained); every
 * command is not-yet-valid until a beacon signed for that nonce arrives; then the core's
 * clock is the beacon's time + monotonic ms, commands act, the mark is persisted through
 * the port, and a replayed, retained or forged beacon changes nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "device_harness.h"
#include "fake_net.h"
#include "fw_vectors.h"
#include "latchkey/b64url.h"
#include "latchkey/cmd_format.h"
#include "lk/device.h"
#include "lk/mqtt_codec.h"

#define CMD "latchkey/home/door1/cmd"
#define TIME "latchkey/home/door1/time"
#define REQ "latchkey/home/door1/time/req"
#define NONCE_RND "abababababababababababababababab" /* the fake RNG's byte 0xab */

static unsigned persists;
static int64_t persisted_at;

static int fake_persist(void *ctx, int64_t t)
{
    (void)ctx;
    persists++;
    persisted_at = t;
    return 0;
}

/* A beacon for nonce at time t, signed with sign_seed's key (the vectors' key: fw_seed). */
static void beacon(char *out, size_t cap, const char *nonce, int64_t t, int forged)
{
    char msg[LK_TIME_MSG_MAX], b64[LK_SIG_B64_LEN + 1];
    uint8_t sig[LK_SIG_LEN];
    size_t n = lk_time_signing_message(nonce, t, msg, sizeof msg);
    assert_true(n > 0);
    assert_int_equal(fw_ed25519_sign((const uint8_t *)msg, n, sig), 0);
    if (forged)
        sig[0] ^= 1u;
    assert_int_equal(lk_b64url_encode(sig, sizeof sig, b64, sizeof b64), LK_SIG_B64_LEN);
    (void)snprintf(out, cap, "{\"v\":1,\"nonce\":\"%s\",\"time\":%lld,\"sig\":\"%s\"}", nonce,
                   (long long)t, b64);
}

/* The request the device sent since the last call: 1 with its payload, QoS and retain. */
static int next_request(char *payload, size_t cap, uint8_t *qos, uint8_t *retain)
{
    const uint8_t *pkt;
    size_t len;
    int found = 0;
    while (fake_next_sent(&f, &pkt, &len)) {
        struct lk_mqtt_publish p;
        if ((pkt[0] >> 4) != LK_MQTT_PUBLISH)
            continue;
        assert_int_equal(lk_mqtt_decode_publish(pkt, len, &p), LK_MQTT_OK);
        if (p.topic_len == strlen(REQ) && memcmp(p.topic, REQ, p.topic_len) == 0) {
            (void)snprintf(payload, cap, "%.*s", (int)p.payload_len, (const char *)p.payload);
            *qos = p.qos;
            *retain = p.retain;
            found = 1;
        }
        if (p.qos == 1) {
            uint8_t b[4];
            fake_inject(&f, b, lk_mqtt_encode_puback(b, sizeof b, p.packet_id));
        }
    }
    return found;
}

/* A device with time_beacon on, connected; returns after its first request. */
static void time_device_up(int64_t high_water)
{
    struct lk_device_config cfg;
    char req[128];
    uint8_t b[8], qos = 0, retain = 1;
    fake_init(&f);
    ev_clear();
    persists = 0;
    f.verify = fw_ed25519_verify;
    f.unix_now = 5; /* the port's clock is never used with time_beacon */
    f.rnd_byte = 0xab;
    f.plat.time_persist = fake_persist;
    make_cfg(&cfg);
    cfg.time_beacon = 1;
    cfg.time_high_water = high_water;
    assert_true(lk_device_config_valid(&cfg));
    lk_device_init(&dev, &cfg, &f.plat, &f.tr);
    assert_int_equal(lk_device_poll(&dev), LK_DEV_NEED_CONNECT);
    assert_int_equal(lk_device_on_connected(&dev), 0);
    fake_inject(&f, b, lk_mqtt_encode_connack(b, sizeof b, 0, 0));
    assert_int_equal(lk_device_poll(&dev), LK_DEV_RUNNING);
    assert_true(lk_device_online(&dev));
    assert_true(next_request(req, sizeof req, &qos, &retain));
    assert_string_equal(req, "{\"v\":1,\"nonce\":\"" NONCE_RND "\"}");
    assert_int_equal(qos, 1);
    assert_int_equal(retain, 0);
    assert_int_equal(ev_count(LK_EVENT_TIME_REQUESTED), 1);
    assert_int_equal(lk_device_time(&dev), 0);
}

static void refused_until_beacon_then_acts(void **state)
{
    char good[256];
    struct sent s;
    (void)state;
    time_device_up(0);
    deliver(CMD, ok_payload);
    collect(&s);
    assert_non_null(strstr(s.ack, "\"reason\":\"not-yet-valid\""));
    assert_int_equal(f.relay_on_count, 0);

    beacon(good, sizeof good, NONCE_RND, NOW, 0);
    deliver(TIME, good);
    assert_int_equal(ev_count(LK_EVENT_TIME), 1);
    assert_string_equal(ev_find(LK_EVENT_TIME, 0)->s1, "accepted");
    assert_int_equal(ev_find(LK_EVENT_TIME, 0)->n, 3u); /* first, persisted */
    assert_int_equal(persists, 1);
    assert_int_equal(persisted_at, NOW);
    assert_int_equal(lk_device_time(&dev), NOW);
    f.now_ms += 2500;
    assert_int_equal(lk_device_poll(&dev), LK_DEV_RUNNING);
    assert_int_equal(lk_device_time(&dev), NOW + 2);

    /* The refused command was not remembered: sent again, it acts, acked at beacon time. */
    deliver(CMD, ok_payload);
    collect(&s);
    assert_non_null(strstr(s.ack, "\"result\":\"ok\""));
    assert_non_null(strstr(s.ack, "\"at\":1790000003"));
    assert_int_equal(f.relay_on_count, 1);

    /* The same beacon again: its nonce is closed. */
    deliver(TIME, good);
    assert_string_equal(ev_find(LK_EVENT_TIME, 1)->s1, "unsolicited");
    assert_int_equal(dev.stats.time_rejected, 1);
    assert_int_equal(persists, 1); /* nothing new within the hour */
}

static void forged_retained_and_rollback_refused(void **state)
{
    char msg[256], req[128];
    uint8_t qos, retain;
    (void)state;
    time_device_up(NOW + 100);
    beacon(msg, sizeof msg, NONCE_RND, NOW + 200, 1);
    deliver(TIME, msg);
    assert_string_equal(ev_find(LK_EVENT_TIME, 0)->s1, "bad-signature");
    beacon(msg, sizeof msg, NONCE_RND, NOW + 200, 0);
    deliver_ex(TIME, msg, 1, 1);
    assert_string_equal(ev_find(LK_EVENT_TIME, 1)->s1, "unsolicited");
    beacon(msg, sizeof msg, NONCE_RND, NOW + 99, 0);
    deliver(TIME, msg);
    assert_string_equal(ev_find(LK_EVENT_TIME, 2)->s1, "rollback");
    assert_int_equal(lk_device_time(&dev), 0);
    assert_int_equal(persists, 0);
    /* Unanswered, the request is asked again after LK_TIME_RETRY_MS with a fresh nonce. */
    f.rnd_byte = 0xcd;
    f.now_ms += LK_TIME_RETRY_MS;
    assert_int_equal(lk_device_poll(&dev), LK_DEV_RUNNING);
    assert_true(next_request(req, sizeof req, &qos, &retain));
    assert_string_equal(req, "{\"v\":1,\"nonce\":\"cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd\"}");
    beacon(msg, sizeof msg, "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd", NOW + 100, 0);
    deliver(TIME, msg);
    assert_string_equal(ev_find(LK_EVENT_TIME, 3)->s1, "accepted"); /* equal to the mark */
    assert_int_equal(lk_device_time(&dev), NOW + 100);
    assert_int_equal(persists, 0); /* the mark did not rise */
}

static void new_request_after_reconnect(void **state)
{
    char req[128];
    uint8_t qos, retain, b[8];
    (void)state;
    time_device_up(0);
    lk_device_on_transport_lost(&dev);
    f.to_dev_len = f.to_dev_pos = 0; /* the old link's unread PUBACKs went with it */
    f.now_ms += 5000;
    while (lk_device_poll(&dev) != LK_DEV_NEED_CONNECT)
        f.now_ms += 100;
    assert_int_equal(lk_device_on_connected(&dev), 0);
    fake_inject(&f, b, lk_mqtt_encode_connack(b, sizeof b, 0, 0));
    assert_int_equal(lk_device_poll(&dev), LK_DEV_RUNNING);
    assert_true(next_request(req, sizeof req, &qos, &retain));
    assert_int_equal(ev_count(LK_EVENT_TIME_REQUESTED), 2);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(refused_until_beacon_then_acts),
        cmocka_unit_test(forged_retained_and_rollback_refused),
        cmocka_unit_test(new_request_after_reconnect),
    };
    if (argc != 2) {
        (void)fprintf(stderr, "usage: %s tests/vectors/commands.json\n", argv[0]);
        return 2;
    }
    vectors_path = argv[1];
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
