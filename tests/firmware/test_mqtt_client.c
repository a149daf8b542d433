/* test_mqtt_client.c - MQTT client state machine of the firmware core, driven through an
 * in-memory transport and a fake clock: CONNECT/CONNACK, subscribe, inbound QoS 1 ->
 * PUBACK, outbound retransmit with DUP, keep-alive ping and timeout, back-off growth,
 * oversized packets, partial I/O (byte-by-byte reads, packets split across polls), a
 * link dropping mid-packet, and the clean DISCONNECT. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fake_net.h"
#include "lk/mqtt_client.h"
#include "lk/mqtt_codec.h"

static struct fake_net f;
static struct lk_mqtt_client c;
static int connected_calls, msg_calls;
static char last_topic[128];
static uint8_t last_payload[2048];
static size_t last_len;
static uint8_t last_qos;

static void cb_connected(void *user)
{
    (void)user;
    connected_calls++;
}

static void cb_message(void *user, const struct lk_mqtt_publish *m)
{
    (void)user;
    msg_calls++;
    memcpy(last_topic, m->topic, m->topic_len);
    last_topic[m->topic_len] = '\0';
    memcpy(last_payload, m->payload, m->payload_len);
    last_len = m->payload_len;
    last_qos = m->qos;
}

static void setup(uint16_t keepalive)
{
    struct lk_mqtt_session s;
    struct lk_mqtt_callbacks cb;
    fake_init(&f);
    connected_calls = msg_calls = 0;
    memset(&s, 0, sizeof s);
    s.client_id = "dev1";
    s.keepalive_s = keepalive;
    s.will_topic = "w/avail";
    s.will_payload = (const uint8_t *)"offline";
    s.will_payload_len = 7;
    s.will_qos = 1;
    s.will_retain = 1;
    memset(&cb, 0, sizeof cb);
    cb.user = NULL;
    cb.on_connected = cb_connected;
    cb.on_message = cb_message;
    lk_mqtt_init(&c, &s, &cb, &f.plat, &f.tr);
}

static const uint8_t *expect_sent(uint8_t type, size_t *len)
{
    const uint8_t *pkt = NULL;
    size_t n = 0;
    assert_true(fake_next_sent(&f, &pkt, &n));
    assert_int_equal(pkt[0] >> 4, type);
    if (len != NULL)
        *len = n;
    return pkt;
}

static void expect_nothing_sent(void)
{
    const uint8_t *pkt;
    size_t n;
    assert_false(fake_next_sent(&f, &pkt, &n));
}

static void inject_connack(uint8_t rc)
{
    uint8_t b[4];
    assert_int_equal(lk_mqtt_encode_connack(b, sizeof b, 0, rc), 4);
    fake_inject(&f, b, 4);
}

static void connect_ok(void)
{
    assert_int_equal(lk_mqtt_poll(&c), LK_MQTT_POLL_NEED_LINK);
    assert_int_equal(lk_mqtt_on_link_up(&c), 0);
    expect_sent(LK_MQTT_CONNECT, NULL);
    inject_connack(0);
    assert_int_equal(lk_mqtt_poll(&c), LK_MQTT_POLL_OK);
    assert_true(lk_mqtt_connected(&c));
}

static void inject_publish(const char *topic, const char *payload, uint8_t qos, uint16_t id)
{
    assert_true(fake_inject_publish(&f, topic, payload, qos, 0, id) > 0);
}

static void test_connect_connack(void **state)
{
    const uint8_t *pkt;
    size_t len;
    struct lk_mqtt_connect_view v;
    (void)state;
    setup(30);
    /* nothing happens before the port provides a link */
    assert_int_equal(lk_mqtt_poll(&c), LK_MQTT_POLL_NEED_LINK);
    assert_int_equal(lk_mqtt_poll(&c), LK_MQTT_POLL_NEED_LINK);
    expect_nothing_sent();
    assert_int_equal(lk_mqtt_on_link_up(&c), 0);
    pkt = expect_sent(LK_MQTT_CONNECT, &len);
    assert_int_equal(lk_mqtt_decode_connect(pkt, len, &v), LK_MQTT_OK);
    assert_int_equal(v.client_id_len, 4);
    assert_memory_equal(v.client_id, "dev1", 4);
    assert_int_equal(v.clean_session, 1);
    assert_int_equal(v.keepalive_s, 30);
    assert_int_equal(v.will_flag, 1);
    assert_int_equal(v.will_qos, 1);
    assert_int_equal(v.will_retain, 1);
    assert_memory_equal(v.will_payload, "offline", 7);
    /* waiting for CONNACK */
    assert_int_equal(lk_mqtt_poll(&c), LK_MQTT_POLL_OK);
    assert_false(lk_mqtt_connected(&c));
    assert_int_equal(connected_calls, 0);
    /* publishing before CONNACK is refused */
    assert_int_equal(lk_mqtt_publish(&c, "t", (const uint8_t *)"x", 1, 1, 0), LK_MQTT_ERR_STATE);
    inject_connack(0);
    assert_int_equal(lk_mqtt_poll(&c), LK_MQTT_POLL_OK);
    assert_true(lk_mqtt_connected(&c));
    assert_int_equal(connected_calls, 1);
    assert_int_equal(c.stats.connects, 1);
}

static void test_connack_timeout_and_refusal(void **state)
{
    (void)state;
    setup(30);
    assert_int_equal(lk_mqtt_poll(&c), LK_MQTT_POLL_NEED_LINK);
    assert_int_equal(lk_mqtt_on_link_up(&c), 0);
    f.now_ms += LK_MQTT_CONNACK_TIMEOUT_MS - 1;
    assert_int_equal(lk_mqtt_poll(&c), LK_MQTT_POLL_OK);
    assert_int_equal(c.state, LK_MQTT_ST_CONNECTING);
    f.now_ms += 1;
    assert_int_equal(lk_mqtt_poll(&c), LK_MQTT_POLL_OK);
    assert_int_equal(c.state, LK_MQTT_ST_BACKOFF);
    assert_int_equal(c.stats.link_losses, 1);

    /* refused CONNACK (5 = not authorized) */
    f.now_ms += LK_MQTT_BACKOFF_MAX_MS;
    assert_int_equal(lk_mqtt_poll(&c), LK_MQTT_POLL_NEED_LINK);
    assert_int_equal(lk_mqtt_on_link_up(&c), 0);
    inject_connack(5);
    assert_int_equal(lk_mqtt_poll(&c), LK_MQTT_POLL_OK);
    assert_int_equal(c.state, LK_MQTT_ST_BACKOFF);
    assert_int_equal(connected_calls, 0);

    /* anything but CONNACK first is a protocol error */
    f.now_ms += LK_MQTT_BACKOFF_MAX_MS;
    assert_int_equal(lk_mqtt_poll(&c), LK_MQTT_POLL_NEED_LINK);
    assert_int_equal(lk_mqtt_on_link_up(&c), 0);
    inject_publish("t", "x", 0, 0);
    assert_int_equal(lk_mqtt_poll(&c), LK_MQTT_POLL_OK);
    assert_int_equal(c.state, LK_MQTT_ST_BACKOFF);
    assert_int_equal(msg_calls, 0);
}

static void test_subscribe(void **state)
{
    const uint8_t *pkt;
    size_t len, n;
    uint16_t id, flen;
    const char *filter;
    uint8_t qos, b[8];
    (void)state;
    setup(30);
    connect_ok();
    assert_int_equal(lk_mqtt_subscribe(&c, "latchkey/home/door1/cmd", 1), 0);
    pkt = expect_sent(LK_MQTT_SUBSCRIBE, &len);
    assert_int_equal(lk_mqtt_decode_subscribe(pkt, len, &id, &filter, &flen, &qos), LK_MQTT_OK);
    assert_int_equal(flen, 23);
    assert_memory_equal(filter, "latchkey/home/door1/cmd", 23);
    assert_int_equal(qos, 1);
    n = lk_mqtt_encode_suback(b, sizeof b, id, 1);
    fake_inject(&f, b, n);
    assert_int_equal(lk_mqtt_poll(&c), LK_MQTT_POLL_OK);
    assert_true(lk_mqtt_connected(&c));

    /* a refused subscription gives the session up */
    assert_int_equal(lk_mqtt_subscribe(&c, "x/y", 1), 0);
    pkt = expect_sent(LK_MQTT_SUBSCRIBE, &len);
    assert_int_equal(lk_mqtt_decode_subscribe(pkt, len, &id, &filter, &flen, &qos), LK_MQTT_OK);
    n = lk_mqtt_encode_suback(b, sizeof b, id, LK_MQTT_SUBACK_FAILURE);
    fake_inject(&f, b, n);
    assert_int_equal(lk_mqtt_poll(&c), LK_MQTT_POLL_OK);
    assert_false(lk_mqtt_connected(&c));
}

static void test_inbound_qos1_puback(void **state)
{
    const uint8_t *pkt;
    size_t len;
    uint16_t id;
    (void)state;
    setup(30);
    connect_ok();
    inject_publish("latchkey/home/door1/cmd", "{\"hello\":1}", 1, 0x4242);
    assert_int_equal(lk_mqtt_poll(&c), LK_MQTT_POLL_OK);
    assert_int_equal(msg_calls, 1);
    assert_string_equal(last_topic, "latchkey/home/door1/cmd");
    assert_int_equal(last_len, 11);
    assert_memory_equal(last_payload, "{\"hello\":1}", 11);
    assert_int_equal(last_qos, 1);
    pkt = expect_sent(LK_MQTT_PUBACK, &len);
    assert_int_equal(lk_mqtt_decode_puback(pkt, len, &id), LK_MQTT_OK);
    assert_int_equal(id, 0x4242);
    expect_nothing_sent();

    /* QoS 0: delivered, not acknowledged */
    inject_publish("a/b", "zero", 0, 0);
    assert_int_equal(lk_mqtt_poll(&c), LK_MQTT_POLL_OK);
    assert_int_equal(msg_calls, 2);
    expect_nothing_sent();

    /* two packets in one read, then one split byte by byte */
    inject_publish("a/b", "one", 1, 1);
    inject_publish("a/b", "two", 1, 2);
    assert_int_equal(lk_mqtt_poll(&c), LK_MQTT_POLL_OK);
    assert_int_equal(msg_calls, 4);
    expect_sent(LK_MQTT_PUBACK, NULL);
    expect_sent(LK_MQTT_PUBACK, NULL);
    f.recv_limit = 1;
    inject_publish("a/b", "three", 1, 3);
    {
        int i;
        for (i = 0; i < 4; i++)
            assert_int_equal(lk_mqtt_poll(&c), LK_MQTT_POLL_OK);
    }
    assert_int_equal(msg_calls, 5);
    assert_memory_equal(last_payload, "three", 5);
    expect_sent(LK_MQTT_PUBACK, NULL);
    assert_true(lk_mqtt_connected(&c));
}

static void test_outbound_retransmit_dup(void **state)
{
    const uint8_t *pkt;
    size_t len;
    struct lk_mqtt_publish p;
    uint16_t id;
    uint8_t ack[4];
    (void)state;
    setup(0); /* no keep-alive noise */
    connect_ok();
    assert_int_equal(lk_mqtt_publish(&c, "t/ack", (const uint8_t *)"hello", 5, 1, 0), 0);
    pkt = expect_sent(LK_MQTT_PUBLISH, &len);
    assert_int_equal(lk_mqtt_decode_publish(pkt, len, &p), LK_MQTT_OK);
    assert_int_equal(p.dup, 0);
    assert_int_equal(p.qos, 1);
    id = p.packet_id;
    assert_int_equal(lk_mqtt_inflight(&c), 1);

    f.now_ms += LK_MQTT_RETRY_MS - 1;
    assert_int_equal(lk_mqtt_poll(&c), LK_MQTT_POLL_OK);
    expect_nothing_sent();
    f.now_ms += 1;
    assert_int_equal(lk_mqtt_poll(&c), LK_MQTT_POLL_OK);
    pkt = expect_sent(LK_MQTT_PUBLISH, &len);
    assert_int_equal(lk_mqtt_decode_publish(pkt, len, &p), LK_MQTT_OK);
    assert_int_equal(p.dup, 1);
    assert_int_equal(p.packet_id, id);
    assert_int_equal(p.payload_len, 5);
    assert_memory_equal(p.payload, "hello", 5);
    assert_int_equal(c.stats.retransmits, 1);

    fake_inject(&f, ack, lk_mqtt_encode_puback(ack, sizeof ack, id));
    assert_int_equal(lk_mqtt_poll(&c), LK_MQTT_POLL_OK);
    assert_int_equal(lk_mqtt_inflight(&c), 0);
    f.now_ms += 3 * LK_MQTT_RETRY_MS;
    assert_int_equal(lk_mqtt_poll(&c), LK_MQTT_POLL_OK);
    expect_nothing_sent();
}

static void test_inflight_bound_and_resend_after_reconnect(void **state)
{
    unsigned i;
    const uint8_t *pkt;
    size_t len;
    struct lk_mqtt_publish p;
    (void)state;
    setup(0);
    connect_ok();
    for (i = 0; i < LK_MQTT_INFLIGHT; i++)
        assert_int_equal(lk_mqtt_publish(&c, "t", (const uint8_t *)"x", 1, 1, 1), 0);
    assert_int_equal(lk_mqtt_publish(&c, "t", (const uint8_t *)"x", 1, 1, 1), LK_MQTT_ERR_BUSY);
    /* QoS 0 does not need a slot */
    assert_int_equal(lk_mqtt_publish(&c, "t", (const uint8_t *)"x", 1, 0, 0), 0);
    assert_int_equal(lk_mqtt_inflight(&c), LK_MQTT_INFLIGHT);

    /* link drops: the unacknowledged publishes go out again (DUP) after the next CONNACK */
    lk_mqtt_on_link_down(&c);
    assert_false(lk_mqtt_connected(&c));
    fake_clear_sent(&f);
    f.now_ms += LK_MQTT_BACKOFF_MAX_MS;
    connect_ok();
    for (i = 0; i < LK_MQTT_INFLIGHT; i++) {
        pkt = expect_sent(LK_MQTT_PUBLISH, &len);
        assert_int_equal(lk_mqtt_decode_publish(pkt, len, &p), LK_MQTT_OK);
        assert_int_equal(p.dup, 1);
    }
    expect_nothing_sent();
}

static void test_keepalive_ping_and_timeout(void **state)
{
    uint8_t b[2];
    (void)state;
    setup(10);
    connect_ok();
    f.now_ms += 9999;
    assert_int_equal(lk_mqtt_poll(&c), LK_MQTT_POLL_OK);
    expect_nothing_sent();
    f.now_ms += 1;
    assert_int_equal(lk_mqtt_poll(&c), LK_MQTT_POLL_OK);
    expect_sent(LK_MQTT_PINGREQ, NULL);
    assert_int_equal(lk_mqtt_poll(&c), LK_MQTT_POLL_OK);
    expect_nothing_sent(); /* only one ping outstanding */
    fake_inject(&f, b, lk_mqtt_encode_pingresp(b, sizeof b));
    f.now_ms += 100;
    assert_int_equal(lk_mqtt_poll(&c), LK_MQTT_POLL_OK);
    assert_int_equal(c.ping_outstanding, 0);

    /* next ping is not answered */
    f.now_ms += 10000;
    assert_int_equal(lk_mqtt_poll(&c), LK_MQTT_POLL_OK);
    expect_sent(LK_MQTT_PINGREQ, NULL);
    f.now_ms += LK_MQTT_PINGRESP_TIMEOUT_MS - 1;
    assert_int_equal(lk_mqtt_poll(&c), LK_MQTT_POLL_OK);
    assert_true(lk_mqtt_connected(&c));
    f.now_ms += 1;
    assert_int_equal(lk_mqtt_poll(&c), LK_MQTT_POLL_OK);
    assert_false(lk_mqtt_connected(&c));
    assert_int_equal(c.state, LK_MQTT_ST_BACKOFF);
}

/* Polls until the client asks for a link; returns the ms that took (bounded). */
static uint32_t time_to_need_link(void)
{
    uint32_t waited = 0;
    while (lk_mqtt_poll(&c) != LK_MQTT_POLL_NEED_LINK) {
        f.now_ms += 10;
        waited += 10;
        assert_true(waited <= LK_MQTT_BACKOFF_MAX_MS + 10);
    }
    return waited;
}

static void test_backoff_growth(void **state)
{
    uint32_t expect = LK_MQTT_BACKOFF_MIN_MS;
    int i;
    (void)state;
    setup(30);
    f.rnd_byte = 0; /* no jitter: the delay is the lower half, base / 2 */
    assert_int_equal(lk_mqtt_poll(&c), LK_MQTT_POLL_NEED_LINK); /* first attempt at once */
    for (i = 0; i < 10; i++) {
        uint32_t got;
        lk_mqtt_on_link_down(&c); /* connect failed */
        got = time_to_need_link();
        assert_int_equal(got, ((expect / 2) + 9) / 10 * 10);
        expect = expect * 2 > LK_MQTT_BACKOFF_MAX_MS ? LK_MQTT_BACKOFF_MAX_MS : expect * 2;
    }
    /* a successful session resets the back-off */
    assert_int_equal(lk_mqtt_on_link_up(&c), 0);
    inject_connack(0);
    assert_int_equal(lk_mqtt_poll(&c), LK_MQTT_POLL_OK);
    assert_true(lk_mqtt_connected(&c));
    f.fail = 1; /* link dies */
    assert_int_equal(lk_mqtt_poll(&c), LK_MQTT_POLL_OK);
    assert_false(lk_mqtt_connected(&c));
    f.fail = 0;
    /* a port that reports the same loss too does not count it twice */
    lk_mqtt_on_link_down(&c);
    assert_int_equal(c.attempts, 1);
    assert_int_equal(time_to_need_link(), LK_MQTT_BACKOFF_MIN_MS / 2);
}

static void test_backoff_jitter_bounds(void **state)
{
    static const uint8_t rnds[] = {0x00, 0x01, 0x37, 0x80, 0xc5, 0xff};
    size_t k;
    (void)state;
    for (k = 0; k < sizeof rnds; k++) {
        uint32_t base = LK_MQTT_BACKOFF_MIN_MS;
        int i;
        setup(30);
        f.rnd_byte = rnds[k];
        (void)lk_mqtt_poll(&c);
        for (i = 0; i < 12; i++) {
            lk_mqtt_on_link_down(&c);
            assert_true(c.backoff_ms >= base / 2);
            assert_true(c.backoff_ms <= base);
            base = base * 2 > LK_MQTT_BACKOFF_MAX_MS ? LK_MQTT_BACKOFF_MAX_MS : base * 2;
            f.now_ms += c.backoff_ms;
            assert_int_equal(lk_mqtt_poll(&c), LK_MQTT_POLL_NEED_LINK);
        }
    }
}

static void test_oversized_packet_skipped(void **state)
{
    static uint8_t big[LK_MQTT_RX_BUF + 600];
    static uint8_t payload[LK_MQTT_RX_BUF + 500];
    struct lk_mqtt_publish p;
    size_t n;
    int i;
    (void)state;
    setup(30);
    connect_ok();
    memset(payload, 'A', sizeof payload);
    memset(&p, 0, sizeof p);
    p.topic = "a/b";
    p.topic_len = 3;
    p.payload = payload;
    p.payload_len = sizeof payload;
    n = lk_mqtt_encode_publish(big, sizeof big, &p);
    assert_true(n > LK_MQTT_RX_BUF);
    fake_inject(&f, big, n);
    inject_publish("a/b", "after", 1, 9);
    for (i = 0; i < 10; i++)
        assert_int_equal(lk_mqtt_poll(&c), LK_MQTT_POLL_OK);
    assert_int_equal(c.stats.skipped_packets, 1);
    assert_int_equal(msg_calls, 1);
    assert_memory_equal(last_payload, "after", 5);
    assert_true(lk_mqtt_connected(&c));
    expect_sent(LK_MQTT_PUBACK, NULL);
}

static void test_malformed_drops_link(void **state)
{
    static const uint8_t bad_varint[] = {0x30, 0xff, 0xff, 0xff, 0xff, 0x01};
    static const uint8_t pubrel[] = {0x62, 0x02, 0x00, 0x01};
    static const uint8_t qos2[] = {0x34, 0x05, 0x00, 0x01, 't', 0x00, 0x01};
    const uint8_t *cases[] = {bad_varint, pubrel, qos2};
    size_t lens[] = {sizeof bad_varint, sizeof pubrel, sizeof qos2};
    size_t i;
    (void)state;
    for (i = 0; i < 3; i++) {
        setup(30);
        connect_ok();
        fake_inject(&f, cases[i], lens[i]);
        assert_int_equal(lk_mqtt_poll(&c), LK_MQTT_POLL_OK);
        assert_false(lk_mqtt_connected(&c));
        assert_int_equal(msg_calls, 0);
    }
}

static void test_partial_send(void **state)
{
    const uint8_t *pkt;
    size_t len;
    struct lk_mqtt_publish p;
    int i;
    (void)state;
    setup(0);
    connect_ok();
    f.send_blocked = 1;
    assert_int_equal(lk_mqtt_publish(&c, "t/x", (const uint8_t *)"payload", 7, 0, 0), 0);
    expect_nothing_sent();
    f.send_blocked = 0;
    f.send_limit = 3;
    for (i = 0; i < 10; i++)
        assert_int_equal(lk_mqtt_poll(&c), LK_MQTT_POLL_OK);
    pkt = expect_sent(LK_MQTT_PUBLISH, &len);
    assert_int_equal(lk_mqtt_decode_publish(pkt, len, &p), LK_MQTT_OK);
    assert_memory_equal(p.payload, "payload", 7);
    /* a full TX buffer reports BUSY instead of overflowing */
    f.send_blocked = 1;
    {
        static uint8_t chunk[300];
        int r = 0;
        for (i = 0; i < 10 && r == 0; i++)
            r = lk_mqtt_publish(&c, "t/x", chunk, sizeof chunk, 0, 0);
        assert_int_equal(r, LK_MQTT_ERR_BUSY);
        assert_true(c.tx_len <= LK_MQTT_TX_BUF);
    }
}

/* Deterministic garbage from a small LCG: the client must neither crash nor overflow. */
static void test_garbage_input(void **state)
{
    static uint8_t junk[3000];
    uint32_t x = 12345;
    int round, i;
    (void)state;
    for (round = 0; round < 300; round++) {
        size_t n, k;
        setup(30);
        connect_ok();
        x = x * 1103515245u + 12345u;
        n = (x >> 8) % sizeof junk;
        for (k = 0; k < n; k++) {
            x = x * 1103515245u + 12345u;
            junk[k] = (uint8_t)(x >> 16);
        }
        /* half of the rounds start with a plausible PUBLISH header */
        if ((round & 1) && n > 2)
            junk[0] = 0x32;
        f.recv_limit = (round % 3) ? 0 : 7;
        fake_inject(&f, junk, n);
        for (i = 0; i < 50; i++) {
            (void)lk_mqtt_poll(&c);
            assert_true(c.rx_len <= LK_MQTT_RX_BUF);
            assert_true(c.tx_len <= LK_MQTT_TX_BUF);
        }
    }
}

/* Every byte arrives in its own recv call: CONNACK, then a PUBLISH. */
static void test_partial_reads_byte_by_byte(void **state)
{
    static char big[400];
    int i;
    (void)state;
    setup(30);
    f.recv_limit = 1;
    assert_int_equal(lk_mqtt_poll(&c), LK_MQTT_POLL_NEED_LINK);
    assert_int_equal(lk_mqtt_on_link_up(&c), 0);
    expect_sent(LK_MQTT_CONNECT, NULL);
    inject_connack(0);
    for (i = 0; i < 4 && !lk_mqtt_connected(&c); i++)
        assert_int_equal(lk_mqtt_poll(&c), LK_MQTT_POLL_OK);
    assert_true(lk_mqtt_connected(&c));
    assert_int_equal(connected_calls, 1);
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    {
        struct lk_mqtt_publish p;
        static uint8_t b[512];
        size_t n;
        memset(&p, 0, sizeof p);
        p.topic = "a/b";
        p.topic_len = 3;
        p.payload = (const uint8_t *)big;
        p.payload_len = strlen(big);
        p.qos = 1;
        p.packet_id = 77;
        n = lk_mqtt_encode_publish(b, sizeof b, &p);
        fake_inject(&f, b, n);
        for (i = 0; i < 200 && msg_calls == 0; i++)
            assert_int_equal(lk_mqtt_poll(&c), LK_MQTT_POLL_OK);
        assert_true(i > 10); /* it really took many polls (8 reads each) */
    }
    assert_int_equal(msg_calls, 1);
    assert_int_equal(last_len, strlen(big));
    assert_memory_equal(last_payload, big, last_len);
    expect_sent(LK_MQTT_PUBACK, NULL);
}

/* A packet split at every possible point across two polls is delivered once, intact. */
static void test_split_packet_across_polls(void **state)
{
    struct lk_mqtt_publish p;
    uint8_t b[64];
    size_t n, cut;
    (void)state;
    memset(&p, 0, sizeof p);
    p.topic = "t/split";
    p.topic_len = 7;
    p.payload = (const uint8_t *)"hello";
    p.payload_len = 5;
    p.qos = 1;
    p.packet_id = 5;
    n = lk_mqtt_encode_publish(b, sizeof b, &p);
    for (cut = 1; cut < n; cut++) {
        setup(30);
        connect_ok();
        fake_inject(&f, b, cut);
        assert_int_equal(lk_mqtt_poll(&c), LK_MQTT_POLL_OK);
        assert_int_equal(msg_calls, 0);
        f.now_ms += 100;
        fake_inject(&f, b + cut, n - cut);
        assert_int_equal(lk_mqtt_poll(&c), LK_MQTT_POLL_OK);
        assert_int_equal(msg_calls, 1);
        assert_string_equal(last_topic, "t/split");
        assert_memory_equal(last_payload, "hello", 5);
        assert_true(lk_mqtt_connected(&c));
    }
}

/* The broker goes away in the middle of a packet: the half packet is forgotten, the
 * unacknowledged publish is resent with DUP after the reconnect, and the next packet on
 * the new link parses cleanly. */
static void test_link_drop_mid_packet(void **state)
{
    struct lk_mqtt_publish p;
    uint8_t b[64];
    size_t n, len;
    const uint8_t *pkt;
    int i;
    (void)state;
    setup(30);
    connect_ok();
    assert_int_equal(lk_mqtt_publish(&c, "t/state", (const uint8_t *)"s1", 2, 1, 1), 0);
    expect_sent(LK_MQTT_PUBLISH, NULL);
    memset(&p, 0, sizeof p);
    p.topic = "t/in";
    p.topic_len = 4;
    p.payload = (const uint8_t *)"abc";
    p.payload_len = 3;
    n = lk_mqtt_encode_publish(b, sizeof b, &p);
    fake_inject(&f, b, n - 2);
    assert_int_equal(lk_mqtt_poll(&c), LK_MQTT_POLL_OK);
    f.fail = 1; /* broker restarts */
    assert_int_equal(lk_mqtt_poll(&c), LK_MQTT_POLL_OK);
    assert_false(lk_mqtt_connected(&c));
    assert_int_equal(msg_calls, 0);
    f.fail = 0;
    f.to_dev_len = f.to_dev_pos = 0; /* the old stream is gone */
    for (i = 0; i < 100 && lk_mqtt_poll(&c) != LK_MQTT_POLL_NEED_LINK; i++)
        f.now_ms += 100;
    assert_int_equal(lk_mqtt_on_link_up(&c), 0);
    expect_sent(LK_MQTT_CONNECT, NULL);
    inject_connack(0);
    fake_inject(&f, b, n);
    assert_int_equal(lk_mqtt_poll(&c), LK_MQTT_POLL_OK);
    assert_true(lk_mqtt_connected(&c));
    pkt = expect_sent(LK_MQTT_PUBLISH, &len);
    assert_true(pkt[0] & 0x08); /* DUP */
    assert_int_equal(msg_calls, 1);
    assert_string_equal(last_topic, "t/in");
}

/* lk_mqtt_disconnect: DISCONNECT on the wire, nothing retransmitted, no reconnect. */
static void test_clean_disconnect(void **state)
{
    size_t len;
    const uint8_t *pkt;
    int i;
    (void)state;
    setup(30);
    connect_ok();
    assert_int_equal(lk_mqtt_publish(&c, "t/x", (const uint8_t *)"1", 1, 1, 0), 0);
    expect_sent(LK_MQTT_PUBLISH, NULL);
    assert_int_equal(lk_mqtt_disconnect(&c), 0);
    pkt = expect_sent(LK_MQTT_DISCONNECT, &len);
    assert_int_equal(len, 2);
    assert_int_equal(pkt[1], 0);
    assert_false(lk_mqtt_connected(&c));
    assert_int_equal(lk_mqtt_inflight(&c), 0);
    for (i = 0; i < 20; i++) {
        f.now_ms += 10000;
        assert_int_equal(lk_mqtt_poll(&c), LK_MQTT_POLL_OK);
    }
    expect_nothing_sent();
    assert_int_equal(lk_mqtt_publish(&c, "t/x", (const uint8_t *)"1", 1, 0, 0), LK_MQTT_ERR_STATE);
    /* a blocked transport gets the DISCONNECT out on a later poll */
    setup(30);
    connect_ok();
    f.send_blocked = 1;
    assert_int_equal(lk_mqtt_disconnect(&c), 0);
    assert_int_equal(lk_mqtt_pending_tx(&c), 2);
    f.send_blocked = 0;
    assert_int_equal(lk_mqtt_poll(&c), LK_MQTT_POLL_OK);
    assert_int_equal(lk_mqtt_pending_tx(&c), 0);
    expect_sent(LK_MQTT_DISCONNECT, NULL);
    /* not connected: closed all the same */
    setup(30);
    assert_int_equal(lk_mqtt_disconnect(&c), LK_MQTT_ERR_STATE);
    assert_int_equal(lk_mqtt_poll(&c), LK_MQTT_POLL_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_connect_connack),
        cmocka_unit_test(test_connack_timeout_and_refusal),
        cmocka_unit_test(test_subscribe),
        cmocka_unit_test(test_inbound_qos1_puback),
        cmocka_unit_test(test_outbound_retransmit_dup),
        cmocka_unit_test(test_inflight_bound_and_resend_after_reconnect),
        cmocka_unit_test(test_keepalive_ping_and_timeout),
        cmocka_unit_test(test_backoff_growth),
        cmocka_unit_test(test_backoff_jitter_bounds),
        cmocka_unit_test(test_oversized_packet_skipped),
        cmocka_unit_test(test_malformed_drops_link),
        cmocka_unit_test(test_partial_send),
        cmocka_unit_test(test_garbage_input),
        cmocka_unit_test(test_partial_reads_byte_by_byte),
        cmocka_unit_test(test_split_packet_across_polls),
        cmocka_unit_test(test_link_drop_mid_packet),
        cmocka_unit_test(test_clean_disconnect),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
