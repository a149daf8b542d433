/* fuzz_mqtt_codec.c - libFuzzer harness for the firmware's MQTT 3.1.1 deserializer: the
 * input is one byte stream fed to the varint decoder, the framer, the header splitter
 * and every packet decoder. Whatever a decoder accepts must re-encode and decode back to
 * the same fields (round trip), and no decoder may point outside the input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_entry.h"
#include "lk/mqtt_codec.h"

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

static int inside(const uint8_t *base, size_t len, const void *p, size_t n)
{
    const uint8_t *q = p;
    return q >= base && q <= base + len && n <= (size_t)(base + len - q);
}

static void publish_round_trip(const uint8_t *pkt, size_t len)
{
    struct lk_mqtt_publish p, q;
    uint8_t *out;
    size_t cap, n;

    if (lk_mqtt_decode_publish(pkt, len, &p) != LK_MQTT_OK)
        return;
    CHECK(p.qos <= 2 && !(p.qos == 0 && p.dup) && p.topic_len > 0);
    CHECK(inside(pkt, len, p.topic, p.topic_len) && inside(pkt, len, p.payload, p.payload_len));
    CHECK(memchr(p.topic, '\0', p.topic_len) == NULL && memchr(p.topic, '+', p.topic_len) == NULL &&
          memchr(p.topic, '#', p.topic_len) == NULL);
    cap = len + 8;
    out = malloc(cap);
    CHECK(out != NULL);
    n = lk_mqtt_encode_publish(out, cap, &p);
    CHECK(n > 0 && n <= len); /* never longer: the input may use a non-minimal varint */
    CHECK(lk_mqtt_decode_publish(out, n, &q) == LK_MQTT_OK);
    CHECK(q.qos == p.qos && q.dup == p.dup && q.retain == p.retain && q.packet_id == p.packet_id &&
          q.topic_len == p.topic_len && memcmp(q.topic, p.topic, p.topic_len) == 0 &&
          q.payload_len == p.payload_len &&
          (p.payload_len == 0 || memcmp(q.payload, p.payload, p.payload_len) == 0));
    /* Too small a buffer is refused, never overrun. */
    CHECK(lk_mqtt_encode_publish(out, n - 1, &p) == 0);
    free(out);
}

static void small_round_trips(const uint8_t *pkt, size_t len)
{
    uint8_t out[16], a, b, c2, d2;
    uint16_t id, id2;
    size_t n;

    if (lk_mqtt_decode_connack(pkt, len, &a, &b) == LK_MQTT_OK) {
        CHECK(a <= 1);
        n = lk_mqtt_encode_connack(out, sizeof out, a, b);
        CHECK(n == 4 && lk_mqtt_decode_connack(out, n, &c2, &d2) == LK_MQTT_OK && c2 == a && d2 == b);
    }
    if (lk_mqtt_decode_puback(pkt, len, &id) == LK_MQTT_OK) {
        CHECK(id != 0);
        n = lk_mqtt_encode_puback(out, sizeof out, id);
        CHECK(n == 4 && lk_mqtt_decode_puback(out, n, &id2) == LK_MQTT_OK && id2 == id);
    }
    if (lk_mqtt_decode_suback(pkt, len, &id, &a) == LK_MQTT_OK) {
        CHECK(id != 0 && (a <= 2 || a == LK_MQTT_SUBACK_FAILURE));
        n = lk_mqtt_encode_suback(out, sizeof out, id, a);
        CHECK(n == 5 && lk_mqtt_decode_suback(out, n, &id2, &b) == LK_MQTT_OK && id2 == id && b == a);
    }
}

static void subscribe_round_trip(const uint8_t *pkt, size_t len)
{
    const char *filter;
    uint16_t id, flen, id2, flen2;
    uint8_t qos, qos2;
    char *z;
    uint8_t *out;
    size_t n;

    if (lk_mqtt_decode_subscribe(pkt, len, &id, &filter, &flen, &qos) != LK_MQTT_OK)
        return;
    CHECK(id != 0 && flen > 0 && qos <= 2 && inside(pkt, len, filter, flen));
    if (memchr(filter, '\0', flen) != NULL)
        return; /* the encoder takes a C string */
    z = malloc((size_t)flen + 1);
    out = malloc((size_t)flen + 16);
    CHECK(z != NULL && out != NULL);
    memcpy(z, filter, flen);
    z[flen] = '\0';
    n = lk_mqtt_encode_subscribe(out, (size_t)flen + 16, id, z, qos);
    CHECK(n > 0 && lk_mqtt_decode_subscribe(out, n, &id2, &filter, &flen2, &qos2) == LK_MQTT_OK);
    CHECK(id2 == id && flen2 == flen && qos2 == qos && memcmp(filter, z, flen) == 0);
    free(z);
    free(out);
}

static void connect_view(const uint8_t *pkt, size_t len)
{
    struct lk_mqtt_connect_view v;
    if (lk_mqtt_decode_connect(pkt, len, &v) != LK_MQTT_OK)
        return;
    CHECK(inside(pkt, len, v.client_id, v.client_id_len));
    CHECK(v.will_qos <= 2);
    if (v.will_flag)
        CHECK(inside(pkt, len, v.will_topic, v.will_topic_len) &&
              inside(pkt, len, v.will_payload, v.will_payload_len));
}

/* Every decoder on one candidate packet. */
static void decode_all(const uint8_t *pkt, size_t len)
{
    uint8_t type, flags;
    const uint8_t *body;
    size_t body_len;

    if (lk_mqtt_decode_header(pkt, len, &type, &flags, &body, &body_len) == LK_MQTT_OK)
        CHECK(type >= 1 && type <= 14 && flags <= 15 && inside(pkt, len, body, body_len) &&
              body + body_len == pkt + len);
    publish_round_trip(pkt, len);
    small_round_trips(pkt, len);
    subscribe_round_trip(pkt, len);
    connect_view(pkt, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint32_t v;
    size_t used, off = 0, plen;
    uint8_t *copy;

    /* Exact-size heap copy: ASan sees any read past the end. */
    copy = calloc(size ? size : 1, 1); /* zeroed: an empty input reads nothing of it */
    CHECK(copy != NULL);
    if (size > 0)
        memcpy(copy, data, size);

    if (lk_mqtt_varint_decode(copy, size, &v, &used) == LK_MQTT_OK) {
        uint8_t enc[4];
        CHECK(used >= 1 && used <= 4 && used <= size && v <= LK_MQTT_MAX_REMAINING);
        CHECK(lk_mqtt_varint_encode(v, enc, sizeof enc) <= used);
    }
    /* The whole input as one packet, then as a stream split by the framer. */
    decode_all(copy, size);
    while (off < size) {
        int r = lk_mqtt_frame(copy + off, size - off, &plen);
        if (r != LK_MQTT_OK)
            break;
        CHECK(plen >= 2 && plen <= 1 + 4 + (size_t)LK_MQTT_MAX_REMAINING);
        if (plen > size - off)
            break;
        decode_all(copy + off, plen);
        off += plen;
    }
    free(copy);
    return 0;
}
