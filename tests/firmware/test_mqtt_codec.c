/* test_mqtt_codec.c - MQTT 3.1.1 codec of the firmware core: encodings against byte arrays
 * worked out by hand from the specification, malformed / truncated / oversized input,
 * and encode -> decode round trips. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lk/mqtt_codec.h"

static void test_varint_table(void **state)
{
    /* MQTT 3.1.1 table 2.4 boundaries. */
    static const struct {
        uint32_t v;
        uint8_t b[4];
        size_t n;
    } t[] = {
        {0, {0x00}, 1},
        {127, {0x7f}, 1},
        {128, {0x80, 0x01}, 2},
        {16383, {0xff, 0x7f}, 2},
        {16384, {0x80, 0x80, 0x01}, 3},
        {2097151, {0xff, 0xff, 0x7f}, 3},
        {2097152, {0x80, 0x80, 0x80, 0x01}, 4},
        {268435455, {0xff, 0xff, 0xff, 0x7f}, 4},
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof t / sizeof t[0]; i++) {
        uint8_t out[4];
        uint32_t v;
        size_t used;
        assert_int_equal(lk_mqtt_varint_encode(t[i].v, out, sizeof out), t[i].n);
        assert_memory_equal(out, t[i].b, t[i].n);
        assert_int_equal(lk_mqtt_varint_decode(t[i].b, t[i].n, &v, &used), LK_MQTT_OK);
        assert_int_equal(v, t[i].v);
        assert_int_equal(used, t[i].n);
        /* one byte short: need more */
        assert_int_equal(lk_mqtt_varint_decode(t[i].b, t[i].n - 1, &v, &used), LK_MQTT_NEED_MORE);
        /* too little room to encode */
        assert_int_equal(lk_mqtt_varint_encode(t[i].v, out, t[i].n - 1), 0);
    }
}

static void test_varint_limits(void **state)
{
    uint8_t out[8];
    static const uint8_t five[] = {0xff, 0xff, 0xff, 0xff, 0x01};
    static const uint8_t four_cont[] = {0x80, 0x80, 0x80, 0x80};
    uint32_t v;
    size_t used;
    (void)state;
    assert_int_equal(lk_mqtt_varint_encode(268435456u, out, sizeof out), 0);
    assert_int_equal(lk_mqtt_varint_decode(five, sizeof five, &v, &used), LK_MQTT_MALFORMED);
    assert_int_equal(lk_mqtt_varint_decode(four_cont, sizeof four_cont, &v, &used), LK_MQTT_MALFORMED);
}

static void test_frame(void **state)
{
    static const uint8_t ping[] = {0xc0, 0x00};
    static const uint8_t big[] = {0x30, 0xff, 0xff, 0xff, 0x7f};
    static const uint8_t bad_len[] = {0x30, 0xff, 0xff, 0xff, 0xff, 0x01};
    static const uint8_t type0[] = {0x00, 0x00};
    static const uint8_t type15[] = {0xf0, 0x00};
    static const uint8_t partial[] = {0x30, 0x85};
    size_t n;
    (void)state;
    assert_int_equal(lk_mqtt_frame(ping, 0, &n), LK_MQTT_NEED_MORE);
    assert_int_equal(lk_mqtt_frame(ping, 1, &n), LK_MQTT_NEED_MORE);
    assert_int_equal(lk_mqtt_frame(ping, 2, &n), LK_MQTT_OK);
    assert_int_equal(n, 2);
    assert_int_equal(lk_mqtt_frame(big, sizeof big, &n), LK_MQTT_OK);
    assert_int_equal(n, 1 + 4 + 268435455u);
    assert_int_equal(lk_mqtt_frame(bad_len, sizeof bad_len, &n), LK_MQTT_MALFORMED);
    assert_int_equal(lk_mqtt_frame(type0, sizeof type0, &n), LK_MQTT_MALFORMED);
    assert_int_equal(lk_mqtt_frame(type15, sizeof type15, &n), LK_MQTT_MALFORMED);
    assert_int_equal(lk_mqtt_frame(partial, sizeof partial, &n), LK_MQTT_NEED_MORE);
}

static void test_connect_minimal(void **state)
{
    /* 3.1: "MQTT", level 4, flags: clean session, keepalive 60, client id "a". */
    static const uint8_t want[] = {0x10, 0x0d, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02,
                                   0x00, 0x3c, 0x00, 0x01, 'a'};
    struct lk_mqtt_connect c;
    uint8_t out[64];
    size_t cap;
    (void)state;
    memset(&c, 0, sizeof c);
    c.client_id = "a";
    c.keepalive_s = 60;
    c.clean_session = 1;
    assert_int_equal(lk_mqtt_encode_connect(out, sizeof out, &c), sizeof want);
    assert_memory_equal(out, want, sizeof want);
    for (cap = 0; cap < sizeof want; cap++)
        assert_int_equal(lk_mqtt_encode_connect(out, cap, &c), 0);
}

static void test_connect_with_will(void **state)
{
    /* Remaining length 10 + (2+19) + (2+32) + (2+7) = 74. Flags: will retain 0x20,
     * will QoS 1 0x08, will flag 0x04, clean session 0x02 = 0x2e. */
    static const uint8_t head[] = {0x10, 74, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x2e,
                                   0x00, 30, 0x00, 19};
    struct lk_mqtt_connect c;
    struct lk_mqtt_connect_view v;
    uint8_t out[128], want[128];
    size_t n = 0;
    (void)state;
    memcpy(want, head, sizeof head);
    n = sizeof head;
    memcpy(want + n, "latchkey-home-door1", 19);
    n += 19;
    want[n++] = 0;
    want[n++] = 32;
    memcpy(want + n, "latchkey/home/door1/availability", 32);
    n += 32;
    want[n++] = 0;
    want[n++] = 7;
    memcpy(want + n, "offline", 7);
    n += 7;
    assert_int_equal(n, 76);

    memset(&c, 0, sizeof c);
    c.client_id = "latchkey-home-door1";
    c.keepalive_s = 30;
    c.clean_session = 1;
    c.will_topic = "latchkey/home/door1/availability";
    c.will_payload = (const uint8_t *)"offline";
    c.will_payload_len = 7;
    c.will_qos = 1;
    c.will_retain = 1;
    assert_int_equal(lk_mqtt_encode_connect(out, sizeof out, &c), n);
    assert_memory_equal(out, want, n);

    assert_int_equal(lk_mqtt_decode_connect(out, n, &v), LK_MQTT_OK);
    assert_int_equal(v.client_id_len, 19);
    assert_memory_equal(v.client_id, "latchkey-home-door1", 19);
    assert_int_equal(v.keepalive_s, 30);
    assert_int_equal(v.clean_session, 1);
    assert_int_equal(v.will_flag, 1);
    assert_int_equal(v.will_qos, 1);
    assert_int_equal(v.will_retain, 1);
    assert_int_equal(v.will_topic_len, 32);
    assert_int_equal(v.will_payload_len, 7);
    assert_memory_equal(v.will_payload, "offline", 7);

    /* Corrupt the protocol level / reserved flag: malformed. */
    out[8] = 3;
    assert_int_equal(lk_mqtt_decode_connect(out, n, &v), LK_MQTT_MALFORMED);
    out[8] = 4;
    out[9] |= 0x01;
    assert_int_equal(lk_mqtt_decode_connect(out, n, &v), LK_MQTT_MALFORMED);
}

static void test_connect_invalid(void **state)
{
    struct lk_mqtt_connect c;
    uint8_t out[64];
    (void)state;
    memset(&c, 0, sizeof c);
    assert_int_equal(lk_mqtt_encode_connect(out, sizeof out, &c), 0); /* no client id */
    c.client_id = "";
    assert_int_equal(lk_mqtt_encode_connect(out, sizeof out, &c), 0); /* empty id needs clean */
    c.client_id = "x";
    c.password = "p"; /* password without user name */
    assert_int_equal(lk_mqtt_encode_connect(out, sizeof out, &c), 0);
    c.password = NULL;
    c.will_topic = "t";
    c.will_qos = 3;
    assert_int_equal(lk_mqtt_encode_connect(out, sizeof out, &c), 0);
}

static void test_connack(void **state)
{
    static const uint8_t ok[] = {0x20, 0x02, 0x00, 0x00};
    static const uint8_t sp_refused[] = {0x20, 0x02, 0x01, 0x05};
    static const uint8_t reserved[] = {0x20, 0x02, 0x02, 0x00};
    static const uint8_t flags[] = {0x21, 0x02, 0x00, 0x00};
    static const uint8_t longer[] = {0x20, 0x03, 0x00, 0x00, 0x00};
    static const uint8_t wrong_type[] = {0x40, 0x02, 0x00, 0x01};
    uint8_t out[8], sp, rc;
    (void)state;
    assert_int_equal(lk_mqtt_encode_connack(out, sizeof out, 0, 0), 4);
    assert_memory_equal(out, ok, 4);
    assert_int_equal(lk_mqtt_decode_connack(ok, sizeof ok, &sp, &rc), LK_MQTT_OK);
    assert_int_equal(sp, 0);
    assert_int_equal(rc, 0);
    assert_int_equal(lk_mqtt_decode_connack(sp_refused, sizeof sp_refused, &sp, &rc), LK_MQTT_OK);
    assert_int_equal(sp, 1);
    assert_int_equal(rc, 5);
    assert_int_equal(lk_mqtt_decode_connack(reserved, sizeof reserved, &sp, &rc), LK_MQTT_MALFORMED);
    assert_int_equal(lk_mqtt_decode_connack(flags, sizeof flags, &sp, &rc), LK_MQTT_MALFORMED);
    assert_int_equal(lk_mqtt_decode_connack(longer, sizeof longer, &sp, &rc), LK_MQTT_MALFORMED);
    assert_int_equal(lk_mqtt_decode_connack(wrong_type, sizeof wrong_type, &sp, &rc), LK_MQTT_MALFORMED);
    /* truncated: fewer bytes than the remaining length says */
    assert_int_equal(lk_mqtt_decode_connack(ok, 3, &sp, &rc), LK_MQTT_MALFORMED);
}

static void test_publish_qos1_bytes(void **state)
{
    /* 3.3: flags DUP 0, QoS 1 (0x02), RETAIN 1 -> 0x33; remaining 2+3+2+2 = 9. */
    static const uint8_t want[] = {0x33, 0x09, 0x00, 0x03, 'a', '/', 'b', 0x00, 0x0a, 'h', 'i'};
    struct lk_mqtt_publish p, d;
    uint8_t out[32];
    size_t cap;
    (void)state;
    memset(&p, 0, sizeof p);
    p.topic = "a/b";
    p.topic_len = 3;
    p.payload = (const uint8_t *)"hi";
    p.payload_len = 2;
    p.qos = 1;
    p.retain = 1;
    p.packet_id = 10;
    assert_int_equal(lk_mqtt_encode_publish(out, sizeof out, &p), sizeof want);
    assert_memory_equal(out, want, sizeof want);
    for (cap = 0; cap < sizeof want; cap++)
        assert_int_equal(lk_mqtt_encode_publish(out, cap, &p), 0);

    assert_int_equal(lk_mqtt_decode_publish(want, sizeof want, &d), LK_MQTT_OK);
    assert_int_equal(d.qos, 1);
    assert_int_equal(d.retain, 1);
    assert_int_equal(d.dup, 0);
    assert_int_equal(d.packet_id, 10);
    assert_int_equal(d.topic_len, 3);
    assert_memory_equal(d.topic, "a/b", 3);
    assert_int_equal(d.payload_len, 2);
    assert_memory_equal(d.payload, "hi", 2);

    /* DUP set */
    p.dup = 1;
    assert_int_equal(lk_mqtt_encode_publish(out, sizeof out, &p), sizeof want);
    assert_int_equal(out[0], 0x3b);
    assert_int_equal(lk_mqtt_decode_publish(out, sizeof want, &d), LK_MQTT_OK);
    assert_int_equal(d.dup, 1);
}

static void test_publish_qos0_bytes(void **state)
{
    /* QoS 0: no packet id; empty payload allowed. */
    static const uint8_t want[] = {0x30, 0x05, 0x00, 0x03, 'a', '/', 'b'};
    struct lk_mqtt_publish p, d;
    uint8_t out[32];
    (void)state;
    memset(&p, 0, sizeof p);
    p.topic = "a/b";
    p.topic_len = 3;
    assert_int_equal(lk_mqtt_encode_publish(out, sizeof out, &p), sizeof want);
    assert_memory_equal(out, want, sizeof want);
    assert_int_equal(lk_mqtt_decode_publish(want, sizeof want, &d), LK_MQTT_OK);
    assert_int_equal(d.payload_len, 0);
    assert_int_equal(d.packet_id, 0);
    /* invalid parameters */
    p.dup = 1;
    assert_int_equal(lk_mqtt_encode_publish(out, sizeof out, &p), 0);
    p.dup = 0;
    p.qos = 1; /* packet id 0 */
    assert_int_equal(lk_mqtt_encode_publish(out, sizeof out, &p), 0);
    p.qos = 0;
    p.topic = "a/#";
    assert_int_equal(lk_mqtt_encode_publish(out, sizeof out, &p), 0);
    p.topic_len = 0;
    assert_int_equal(lk_mqtt_encode_publish(out, sizeof out, &p), 0);
}

static void test_publish_malformed(void **state)
{
    static const uint8_t qos3[] = {0x36, 0x05, 0x00, 0x01, 't', 0x00, 0x01};
    static const uint8_t dup_qos0[] = {0x38, 0x03, 0x00, 0x01, 't'};
    static const uint8_t id0[] = {0x32, 0x05, 0x00, 0x01, 't', 0x00, 0x00};
    static const uint8_t topic_overrun[] = {0x30, 0x03, 0x00, 0x05, 't'};
    static const uint8_t no_id[] = {0x32, 0x03, 0x00, 0x01, 't'};
    static const uint8_t empty_topic[] = {0x30, 0x02, 0x00, 0x00};
    static const uint8_t wildcard[] = {0x30, 0x03, 0x00, 0x01, '+'};
    static const uint8_t nul_topic[] = {0x30, 0x03, 0x00, 0x01, 0x00};
    static const uint8_t short_body[] = {0x30, 0x01, 0x00};
    static const uint8_t len_mismatch[] = {0x30, 0x03, 0x00, 0x01, 't', 'x'};
    struct lk_mqtt_publish d;
    (void)state;
    assert_int_equal(lk_mqtt_decode_publish(qos3, sizeof qos3, &d), LK_MQTT_MALFORMED);
    assert_int_equal(lk_mqtt_decode_publish(dup_qos0, sizeof dup_qos0, &d), LK_MQTT_MALFORMED);
    assert_int_equal(lk_mqtt_decode_publish(id0, sizeof id0, &d), LK_MQTT_MALFORMED);
    assert_int_equal(lk_mqtt_decode_publish(topic_overrun, sizeof topic_overrun, &d), LK_MQTT_MALFORMED);
    assert_int_equal(lk_mqtt_decode_publish(no_id, sizeof no_id, &d), LK_MQTT_MALFORMED);
    assert_int_equal(lk_mqtt_decode_publish(empty_topic, sizeof empty_topic, &d), LK_MQTT_MALFORMED);
    assert_int_equal(lk_mqtt_decode_publish(wildcard, sizeof wildcard, &d), LK_MQTT_MALFORMED);
    assert_int_equal(lk_mqtt_decode_publish(nul_topic, sizeof nul_topic, &d), LK_MQTT_MALFORMED);
    assert_int_equal(lk_mqtt_decode_publish(short_body, sizeof short_body, &d), LK_MQTT_MALFORMED);
    assert_int_equal(lk_mqtt_decode_publish(len_mismatch, sizeof len_mismatch, &d), LK_MQTT_MALFORMED);
    /* truncated packets: every strict prefix is refused */
    {
        static const uint8_t good[] = {0x32, 0x07, 0x00, 0x01, 't', 0x12, 0x34, 'o', 'k'};
        size_t n;
        assert_int_equal(lk_mqtt_decode_publish(good, sizeof good, &d), LK_MQTT_OK);
        for (n = 0; n < sizeof good; n++)
            assert_int_equal(lk_mqtt_decode_publish(good, n, &d), LK_MQTT_MALFORMED);
    }
}

static void test_publish_roundtrip_sizes(void **state)
{
    /* payloads whose remaining length crosses the 1- and 2-byte varint boundary */
    static uint8_t payload[20000];
    static uint8_t out[20100];
    /* topic field is 25 bytes: remaining = 25 + 2*qos + payload; 127/128 and 16383/16384 */
    static const size_t sizes[] = {0, 1, 100, 101, 102, 103, 16356, 16357, 16358, 16359, 19999};
    size_t i, k;
    (void)state;
    for (i = 0; i < sizeof payload; i++)
        payload[i] = (uint8_t)(i * 7);
    for (k = 0; k < 2 * sizeof sizes / sizeof sizes[0]; k++) {
        struct lk_mqtt_publish p, d;
        size_t n, plen;
        memset(&p, 0, sizeof p);
        p.topic = "latchkey/home/door1/cmd";
        p.topic_len = (uint16_t)strlen(p.topic);
        p.payload = payload;
        i = k / 2;
        p.payload_len = sizes[i];
        p.qos = (uint8_t)(k & 1);
        p.packet_id = p.qos ? (uint16_t)(k + 1) : 0;
        n = lk_mqtt_encode_publish(out, sizeof out, &p);
        assert_true(n > 0);
        assert_int_equal(lk_mqtt_frame(out, n, &plen), LK_MQTT_OK);
        assert_int_equal(plen, n);
        assert_int_equal(lk_mqtt_decode_publish(out, n, &d), LK_MQTT_OK);
        assert_int_equal(d.payload_len, sizes[i]);
        assert_int_equal(d.qos, p.qos);
        assert_int_equal(d.packet_id, p.packet_id);
        assert_int_equal(d.topic_len, p.topic_len);
        assert_memory_equal(d.topic, p.topic, p.topic_len);
        if (sizes[i] > 0)
            assert_memory_equal(d.payload, payload, sizes[i]);
    }
}

static void test_puback(void **state)
{
    static const uint8_t want[] = {0x40, 0x02, 0x12, 0x34};
    static const uint8_t flags[] = {0x42, 0x02, 0x12, 0x34};
    static const uint8_t zero[] = {0x40, 0x02, 0x00, 0x00};
    static const uint8_t shortp[] = {0x40, 0x01, 0x12};
    uint8_t out[4];
    uint16_t id;
    (void)state;
    assert_int_equal(lk_mqtt_encode_puback(out, sizeof out, 0x1234), 4);
    assert_memory_equal(out, want, 4);
    assert_int_equal(lk_mqtt_encode_puback(out, 3, 0x1234), 0);
    assert_int_equal(lk_mqtt_encode_puback(out, sizeof out, 0), 0);
    assert_int_equal(lk_mqtt_decode_puback(want, sizeof want, &id), LK_MQTT_OK);
    assert_int_equal(id, 0x1234);
    assert_int_equal(lk_mqtt_decode_puback(flags, sizeof flags, &id), LK_MQTT_MALFORMED);
    assert_int_equal(lk_mqtt_decode_puback(zero, sizeof zero, &id), LK_MQTT_MALFORMED);
    assert_int_equal(lk_mqtt_decode_puback(shortp, sizeof shortp, &id), LK_MQTT_MALFORMED);
}

static void test_subscribe_suback(void **state)
{
    /* 3.8: fixed header 0x82, remaining 2 + (2+23) + 1 = 28. */
    static const char filter[] = "latchkey/home/door1/cmd";
    uint8_t want[64], out[64];
    size_t n = 0;
    uint16_t id, flen;
    const char *f;
    uint8_t qos, rc;
    static const uint8_t suback[] = {0x90, 0x03, 0x00, 0x07, 0x01};
    static const uint8_t suback_fail[] = {0x90, 0x03, 0x00, 0x07, 0x80};
    static const uint8_t suback_bad_rc[] = {0x90, 0x03, 0x00, 0x07, 0x03};
    static const uint8_t suback_two[] = {0x90, 0x04, 0x00, 0x07, 0x01, 0x01};
    (void)state;
    want[n++] = 0x82;
    want[n++] = 28;
    want[n++] = 0x00;
    want[n++] = 0x07;
    want[n++] = 0x00;
    want[n++] = 23;
    memcpy(want + n, filter, 23);
    n += 23;
    want[n++] = 0x01;
    assert_int_equal(lk_mqtt_encode_subscribe(out, sizeof out, 7, filter, 1), n);
    assert_memory_equal(out, want, n);
    assert_int_equal(lk_mqtt_decode_subscribe(out, n, &id, &f, &flen, &qos), LK_MQTT_OK);
    assert_int_equal(id, 7);
    assert_int_equal(flen, 23);
    assert_memory_equal(f, filter, 23);
    assert_int_equal(qos, 1);
    assert_int_equal(lk_mqtt_encode_subscribe(out, sizeof out, 0, filter, 1), 0);
    assert_int_equal(lk_mqtt_encode_subscribe(out, sizeof out, 7, "", 1), 0);
    assert_int_equal(lk_mqtt_encode_subscribe(out, sizeof out, 7, filter, 3), 0);

    assert_int_equal(lk_mqtt_encode_suback(out, sizeof out, 7, 1), sizeof suback);
    assert_memory_equal(out, suback, sizeof suback);
    assert_int_equal(lk_mqtt_decode_suback(suback, sizeof suback, &id, &rc), LK_MQTT_OK);
    assert_int_equal(id, 7);
    assert_int_equal(rc, 1);
    assert_int_equal(lk_mqtt_decode_suback(suback_fail, sizeof suback_fail, &id, &rc), LK_MQTT_OK);
    assert_int_equal(rc, 0x80);
    assert_int_equal(lk_mqtt_decode_suback(suback_bad_rc, sizeof suback_bad_rc, &id, &rc), LK_MQTT_MALFORMED);
    assert_int_equal(lk_mqtt_decode_suback(suback_two, sizeof suback_two, &id, &rc), LK_MQTT_MALFORMED);
}

static void test_empty_packets(void **state)
{
    uint8_t out[2];
    uint8_t type, flags;
    const uint8_t *body;
    size_t blen;
    static const uint8_t pingresp_long[] = {0xd0, 0x01, 0x00};
    (void)state;
    assert_int_equal(lk_mqtt_encode_pingreq(out, sizeof out), 2);
    assert_int_equal(out[0], 0xc0);
    assert_int_equal(out[1], 0x00);
    assert_int_equal(lk_mqtt_encode_pingresp(out, sizeof out), 2);
    assert_int_equal(out[0], 0xd0);
    assert_int_equal(out[1], 0x00);
    assert_int_equal(lk_mqtt_encode_disconnect(out, sizeof out), 2);
    assert_int_equal(out[0], 0xe0);
    assert_int_equal(out[1], 0x00);
    assert_int_equal(lk_mqtt_encode_pingreq(out, 1), 0);
    assert_int_equal(lk_mqtt_decode_header(out, 2, &type, &flags, &body, &blen), LK_MQTT_OK);
    assert_int_equal(type, LK_MQTT_DISCONNECT);
    assert_int_equal(blen, 0);
    assert_int_equal(lk_mqtt_decode_header(pingresp_long, 2, &type, &flags, &body, &blen), LK_MQTT_NEED_MORE);
    assert_int_equal(lk_mqtt_decode_header(pingresp_long, 3, &type, &flags, &body, &blen), LK_MQTT_OK);
    assert_int_equal(blen, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_varint_table),
        cmocka_unit_test(test_varint_limits),
        cmocka_unit_test(test_frame),
        cmocka_unit_test(test_connect_minimal),
        cmocka_unit_test(test_connect_with_will),
        cmocka_unit_test(test_connect_invalid),
        cmocka_unit_test(test_connack),
        cmocka_unit_test(test_publish_qos1_bytes),
        cmocka_unit_test(test_publish_qos0_bytes),
        cmocka_unit_test(test_publish_malformed),
        cmocka_unit_test(test_publish_roundtrip_sizes),
        cmocka_unit_test(test_puback),
        cmocka_unit_test(test_subscribe_suback),
        cmocka_unit_test(test_empty_packets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
