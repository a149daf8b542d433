/* mqtt_codec.h - MQTT 3.1.1 packet serializer / deserializer for the firmware core.
 * Pure functions over caller buffers: no state, no allocation, no I/O. The client state
 * machine (mqtt_client.h) is built on top of these. Every decoder is bounded by the length
 * it is given and never reads past it. */
#ifndef LK_MQTT_CODEC_H
#define LK_MQTT_CODEC_H

#include <stddef.h>
#include <stdint.h>

/* Largest remaining length MQTT 3.1.1 can express (4 varint bytes). */
#define LK_MQTT_MAX_REMAINING 268435455u
/* Fixed header: 1 type/flags byte + up to 4 remaining-length bytes. */
#define LK_MQTT_MAX_FIXED_HEADER 5u

enum lk_mqtt_type {
    LK_MQTT_CONNECT = 1,
    LK_MQTT_CONNACK = 2,
    LK_MQTT_PUBLISH = 3,
    LK_MQTT_PUBACK = 4,
    LK_MQTT_PUBREC = 5,
    LK_MQTT_PUBREL = 6,
    LK_MQTT_PUBCOMP = 7,
    LK_MQTT_SUBSCRIBE = 8,
    LK_MQTT_SUBACK = 9,
    LK_MQTT_UNSUBSCRIBE = 10,
    LK_MQTT_UNSUBACK = 11,
    LK_MQTT_PINGREQ = 12,
    LK_MQTT_PINGRESP = 13,
    LK_MQTT_DISCONNECT = 14
};

/* Results of the framer and decoders. */
enum lk_mqtt_result {
    LK_MQTT_OK = 0,
    LK_MQTT_NEED_MORE = -1,  /* not enough bytes yet */
    LK_MQTT_MALFORMED = -2   /* protocol violation: the connection must be dropped */
};

/* CONNACK return codes (3.2.2.3). */
#define LK_MQTT_CONNACK_ACCEPTED 0u
#define LK_MQTT_SUBACK_FAILURE 0x80u

/* CONNECT parameters. Strings are NUL-terminated; will_* / username / password are
 * optional (NULL = absent). Protocol name "MQTT", level 4. */
struct lk_mqtt_connect {
    const char *client_id;
    uint16_t keepalive_s;
    uint8_t clean_session;
    const char *will_topic;
    const uint8_t *will_payload;
    uint16_t will_payload_len;
    uint8_t will_qos;      /* 0 or 1 (2 is encoded but the core never uses it) */
    uint8_t will_retain;
    const char *username;
    const char *password;
};

/* One PUBLISH. When decoding, topic and payload point into the packet buffer (topic is
 * NOT NUL-terminated). packet_id is only meaningful for qos > 0. */
struct lk_mqtt_publish {
    const char *topic;
    uint16_t topic_len;
    const uint8_t *payload;
    size_t payload_len;
    uint8_t qos;
    uint8_t retain;
    uint8_t dup;
    uint16_t packet_id;
};

/* Remaining-length varint. encode: writes 1..4 bytes, returns the count, 0 if value is
 * above LK_MQTT_MAX_REMAINING or cap is too small. decode: returns LK_MQTT_OK and sets
 * *value and *used, LK_MQTT_NEED_MORE if len ends inside the varint, LK_MQTT_MALFORMED if
 * a 5th byte would be needed. */
size_t lk_mqtt_varint_encode(uint32_t value, uint8_t *out, size_t cap);
int lk_mqtt_varint_decode(const uint8_t *buf, size_t len, uint32_t *value, size_t *used);

/* Framer: looks at the first len bytes of a stream. Returns LK_MQTT_OK with *packet_len =
 * total size of the first packet (fixed header + remaining length) as soon as the fixed
 * header is complete (the packet itself may still be incomplete: compare with len);
 * LK_MQTT_NEED_MORE if the fixed header is incomplete; LK_MQTT_MALFORMED on a bad varint
 * or packet type 0 / 15. */
int lk_mqtt_frame(const uint8_t *buf, size_t len, size_t *packet_len);

/* Splits one complete packet (len = its exact size) into type, flags and the variable
 * part (body, body_len). Returns LK_MQTT_OK, LK_MQTT_MALFORMED if len does not match the
 * encoded remaining length, LK_MQTT_NEED_MORE if len is short. */
int lk_mqtt_decode_header(const uint8_t *pkt, size_t len, uint8_t *type, uint8_t *flags,
                          const uint8_t **body, size_t *body_len);

/* Encoders: write one complete packet into out[0..cap). Return its length, or 0 if the
 * parameters are invalid (NULL/empty topic, qos > 2, packet id 0 with qos > 0, string
 * over 65535 bytes, ...) or it does not fit. */
size_t lk_mqtt_encode_connect(uint8_t *out, size_t cap, const struct lk_mqtt_connect *c);
size_t lk_mqtt_encode_connack(uint8_t *out, size_t cap, uint8_t session_present, uint8_t rc);
size_t lk_mqtt_encode_publish(uint8_t *out, size_t cap, const struct lk_mqtt_publish *p);
size_t lk_mqtt_encode_puback(uint8_t *out, size_t cap, uint16_t packet_id);
/* SUBSCRIBE with one topic filter (all the device needs). */
size_t lk_mqtt_encode_subscribe(uint8_t *out, size_t cap, uint16_t packet_id, const char *filter,
                                uint8_t qos);
/* SUBACK with one return code. */
size_t lk_mqtt_encode_suback(uint8_t *out, size_t cap, uint16_t packet_id, uint8_t rc);
size_t lk_mqtt_encode_pingreq(uint8_t *out, size_t cap);
size_t lk_mqtt_encode_pingresp(uint8_t *out, size_t cap);
size_t lk_mqtt_encode_disconnect(uint8_t *out, size_t cap);

/* Decoders: take one complete packet (as delimited by lk_mqtt_frame) and check its type,
 * flags and lengths exactly. Return LK_MQTT_OK or LK_MQTT_MALFORMED. */
int lk_mqtt_decode_connack(const uint8_t *pkt, size_t len, uint8_t *session_present, uint8_t *rc);
/* Rejects qos 3, dup with qos 0, packet id 0 with qos > 0, an empty topic, a topic with
 * NUL or wildcard characters. */
int lk_mqtt_decode_publish(const uint8_t *pkt, size_t len, struct lk_mqtt_publish *p);
int lk_mqtt_decode_puback(const uint8_t *pkt, size_t len, uint16_t *packet_id);
/* SUBACK carrying exactly one return code (0, 1, 2 or 0x80). */
int lk_mqtt_decode_suback(const uint8_t *pkt, size_t len, uint16_t *packet_id, uint8_t *rc);
/* SUBSCRIBE with exactly one filter (used by test brokers). filter points into pkt. */
int lk_mqtt_decode_subscribe(const uint8_t *pkt, size_t len, uint16_t *packet_id,
                             const char **filter, uint16_t *filter_len, uint8_t *qos);
/* CONNECT (used by test brokers): fills c with pointers into pkt; strings are NOT
 * NUL-terminated, so their lengths are returned separately. */
struct lk_mqtt_connect_view {
    const char *client_id;
    uint16_t client_id_len;
    uint16_t keepalive_s;
    uint8_t clean_session;
    uint8_t will_flag, will_qos, will_retain;
    const char *will_topic;
    uint16_t will_topic_len;
    const uint8_t *will_payload;
    uint16_t will_payload_len;
};
int lk_mqtt_decode_connect(const uint8_t *pkt, size_t len, struct lk_mqtt_connect_view *c);

#endif
