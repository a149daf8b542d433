/* mqtt_codec.c - MQTT 3.1.1 packet encoding and decoding over caller buffers (see
 * mqtt_codec.h). Section numbers refer to the OASIS MQTT 3.1.1 specification. */
#include "lk/mqtt_codec.h"

#include <string.h>

size_t lk_mqtt_varint_encode(uint32_t value, uint8_t *out, size_t cap)
{
    size_t n = 0;
    if (value > LK_MQTT_MAX_REMAINING)
        return 0;
    do {
        uint8_t b = (uint8_t)(value % 128u);
        value /= 128u;
        if (value > 0)
            b |= 0x80u;
        if (n >= cap)
            return 0;
        out[n++] = b;
    } while (value > 0);
    return n;
}

int lk_mqtt_varint_decode(const uint8_t *buf, size_t len, uint32_t *value, size_t *used)
{
    uint32_t v = 0, mult = 1;
    size_t i;
    for (i = 0; i < 4; i++) {
        if (i >= len)
            return LK_MQTT_NEED_MORE;
        v += (uint32_t)(buf[i] & 0x7fu) * mult;
        if ((buf[i] & 0x80u) == 0) {
            *value = v;
            *used = i + 1;
            return LK_MQTT_OK;
        }
        mult *= 128u;
    }
    return LK_MQTT_MALFORMED;
}

int lk_mqtt_frame(const uint8_t *buf, size_t len, size_t *packet_len)
{
    uint32_t rem;
    size_t used;
    int r;
    uint8_t type;
    if (len < 1)
        return LK_MQTT_NEED_MORE;
    type = (uint8_t)(buf[0] >> 4);
    if (type == 0 || type == 15)
        return LK_MQTT_MALFORMED;
    r = lk_mqtt_varint_decode(buf + 1, len - 1, &rem, &used);
    if (r != LK_MQTT_OK)
        return r;
    *packet_len = 1 + used + (size_t)rem;
    return LK_MQTT_OK;
}

int lk_mqtt_decode_header(const uint8_t *pkt, size_t len, uint8_t *type, uint8_t *flags,
                          const uint8_t **body, size_t *body_len)
{
    uint32_t rem;
    size_t used;
    int r;
    if (len < 2)
        return LK_MQTT_NEED_MORE;
    if ((pkt[0] >> 4) == 0 || (pkt[0] >> 4) == 15)
        return LK_MQTT_MALFORMED;
    r = lk_mqtt_varint_decode(pkt + 1, len - 1, &rem, &used);
    if (r != LK_MQTT_OK)
        return r;
    if (len - 1 - used < (size_t)rem)
        return LK_MQTT_NEED_MORE;
    if (len - 1 - used != (size_t)rem)
        return LK_MQTT_MALFORMED;
    *type = (uint8_t)(pkt[0] >> 4);
    *flags = (uint8_t)(pkt[0] & 0x0fu);
    *body = pkt + 1 + used;
    *body_len = (size_t)rem;
    return LK_MQTT_OK;
}

/* ---- encoding helpers: a bounded cursor ---- */

struct wcur {
    uint8_t *p;
    size_t cap;
    size_t n;
    int err;
};

static void w_u8(struct wcur *w, uint8_t b)
{
    if (w->n >= w->cap) {
        w->err = 1;
        return;
    }
    w->p[w->n++] = b;
}

static void w_u16(struct wcur *w, uint16_t v)
{
    w_u8(w, (uint8_t)(v >> 8));
    w_u8(w, (uint8_t)(v & 0xffu));
}

static void w_bytes(struct wcur *w, const void *src, size_t len)
{
    if (len > w->cap - w->n) {
        w->err = 1;
        return;
    }
    if (len > 0)
        memcpy(w->p + w->n, src, len);
    w->n += len;
}

/* Length-prefixed string / binary (1.5.3): at most 65535 bytes. */
static void w_lstr(struct wcur *w, const void *s, size_t len)
{
    if (len > 0xffffu) {
        w->err = 1;
        return;
    }
    w_u16(w, (uint16_t)len);
    w_bytes(w, s, len);
}

/* Writes the fixed header for a body of rem bytes; returns 0 on failure. */
static int w_fixed(struct wcur *w, uint8_t first, size_t rem)
{
    uint8_t v[4];
    size_t n;
    if (rem > LK_MQTT_MAX_REMAINING)
        return 0;
    n = lk_mqtt_varint_encode((uint32_t)rem, v, sizeof v);
    /* The whole packet must fit: check before writing anything. */
    if (n == 0 || w->n != 0 || w->cap < 1 + n || rem > w->cap - 1 - n) {
        w->err = 1;
        return 0;
    }
    w_u8(w, first);
    w_bytes(w, v, n);
    return !w->err;
}

static size_t w_done(const struct wcur *w)
{
    return w->err ? 0 : w->n;
}

size_t lk_mqtt_encode_connect(uint8_t *out, size_t cap, const struct lk_mqtt_connect *c)
{
    struct wcur w = {out, cap, 0, 0};
    size_t id_len, wt_len = 0, user_len = 0, pass_len = 0, rem;
    uint8_t flags = 0;
    if (out == NULL || c == NULL || c->client_id == NULL)
        return 0;
    id_len = strlen(c->client_id);
    if (id_len > 0xffffu || (id_len == 0 && !c->clean_session))
        return 0;
    rem = 10 + 2 + id_len;
    if (c->clean_session)
        flags |= 0x02u;
    if (c->will_topic != NULL) {
        wt_len = strlen(c->will_topic);
        if (wt_len == 0 || wt_len > 0xffffu || c->will_qos > 2 ||
            (c->will_payload == NULL && c->will_payload_len > 0))
            return 0;
        flags |= (uint8_t)(0x04u | (uint8_t)(c->will_qos << 3) | (c->will_retain ? 0x20u : 0u));
        rem += 2 + wt_len + 2 + (size_t)c->will_payload_len;
    }
    if (c->username != NULL) {
        user_len = strlen(c->username);
        if (user_len > 0xffffu)
            return 0;
        flags |= 0x80u;
        rem += 2 + user_len;
    }
    if (c->password != NULL) {
        pass_len = strlen(c->password);
        if (pass_len > 0xffffu || c->username == NULL) /* 3.1.2.9: password needs username */
            return 0;
        flags |= 0x40u;
        rem += 2 + pass_len;
    }
    if (!w_fixed(&w, (uint8_t)(LK_MQTT_CONNECT << 4), rem))
        return 0;
    w_lstr(&w, "MQTT", 4);
    w_u8(&w, 4); /* protocol level 3.1.1 */
    w_u8(&w, flags);
    w_u16(&w, c->keepalive_s);
    w_lstr(&w, c->client_id, id_len);
    if (c->will_topic != NULL) {
        w_lstr(&w, c->will_topic, wt_len);
        w_lstr(&w, c->will_payload, c->will_payload_len);
    }
    if (c->username != NULL)
        w_lstr(&w, c->username, user_len);
    if (c->password != NULL)
        w_lstr(&w, c->password, pass_len);
    return w_done(&w);
}

size_t lk_mqtt_encode_connack(uint8_t *out, size_t cap, uint8_t session_present, uint8_t rc)
{
    struct wcur w = {out, cap, 0, 0};
    if (out == NULL || !w_fixed(&w, (uint8_t)(LK_MQTT_CONNACK << 4), 2))
        return 0;
    w_u8(&w, session_present ? 1u : 0u);
    w_u8(&w, rc);
    return w_done(&w);
}

static int topic_name_ok(const char *t, size_t len)
{
    size_t i;
    if (t == NULL || len == 0 || len > 0xffffu)
        return 0;
    for (i = 0; i < len; i++)
        if (t[i] == '\0' || t[i] == '+' || t[i] == '#')
            return 0;
    return 1;
}

size_t lk_mqtt_encode_publish(uint8_t *out, size_t cap, const struct lk_mqtt_publish *p)
{
    struct wcur w = {out, cap, 0, 0};
    size_t rem;
    uint8_t first;
    if (out == NULL || p == NULL || !topic_name_ok(p->topic, p->topic_len) || p->qos > 2 ||
        (p->qos > 0 && p->packet_id == 0) || (p->qos == 0 && p->dup) ||
        (p->payload == NULL && p->payload_len > 0))
        return 0;
    rem = 2 + (size_t)p->topic_len + (p->qos > 0 ? 2u : 0u);
    if (p->payload_len > LK_MQTT_MAX_REMAINING - rem)
        return 0;
    rem += p->payload_len;
    first = (uint8_t)((LK_MQTT_PUBLISH << 4) | (p->dup ? 0x08u : 0u) | (uint8_t)(p->qos << 1) |
                      (p->retain ? 0x01u : 0u));
    if (!w_fixed(&w, first, rem))
        return 0;
    w_lstr(&w, p->topic, p->topic_len);
    if (p->qos > 0)
        w_u16(&w, p->packet_id);
    w_bytes(&w, p->payload, p->payload_len);
    return w_done(&w);
}

size_t lk_mqtt_encode_puback(uint8_t *out, size_t cap, uint16_t packet_id)
{
    struct wcur w = {out, cap, 0, 0};
    if (out == NULL || packet_id == 0 || !w_fixed(&w, (uint8_t)(LK_MQTT_PUBACK << 4), 2))
        return 0;
    w_u16(&w, packet_id);
    return w_done(&w);
}

size_t lk_mqtt_encode_subscribe(uint8_t *out, size_t cap, uint16_t packet_id, const char *filter,
                                uint8_t qos)
{
    struct wcur w = {out, cap, 0, 0};
    size_t flen;
    if (out == NULL || filter == NULL || packet_id == 0 || qos > 2)
        return 0;
    flen = strlen(filter);
    if (flen == 0 || flen > 0xffffu)
        return 0;
    /* 3.8.1: SUBSCRIBE fixed header flags are 0010. */
    if (!w_fixed(&w, (uint8_t)((LK_MQTT_SUBSCRIBE << 4) | 0x02u), 2 + 2 + flen + 1))
        return 0;
    w_u16(&w, packet_id);
    w_lstr(&w, filter, flen);
    w_u8(&w, qos);
    return w_done(&w);
}

size_t lk_mqtt_encode_suback(uint8_t *out, size_t cap, uint16_t packet_id, uint8_t rc)
{
    struct wcur w = {out, cap, 0, 0};
    if (out == NULL || packet_id == 0 || !w_fixed(&w, (uint8_t)(LK_MQTT_SUBACK << 4), 3))
        return 0;
    w_u16(&w, packet_id);
    w_u8(&w, rc);
    return w_done(&w);
}

static size_t encode_empty(uint8_t *out, size_t cap, uint8_t type)
{
    struct wcur w = {out, cap, 0, 0};
    if (out == NULL || !w_fixed(&w, (uint8_t)(type << 4), 0))
        return 0;
    return w_done(&w);
}

size_t lk_mqtt_encode_pingreq(uint8_t *out, size_t cap) { return encode_empty(out, cap, LK_MQTT_PINGREQ); }
size_t lk_mqtt_encode_pingresp(uint8_t *out, size_t cap) { return encode_empty(out, cap, LK_MQTT_PINGRESP); }
size_t lk_mqtt_encode_disconnect(uint8_t *out, size_t cap) { return encode_empty(out, cap, LK_MQTT_DISCONNECT); }

/* ---- decoding helpers: a bounded read cursor ---- */

struct rcur {
    const uint8_t *p;
    size_t len;
    size_t n;
    int err;
};

static uint8_t r_u8(struct rcur *r)
{
    if (r->n >= r->len) {
        r->err = 1;
        return 0;
    }
    return r->p[r->n++];
}

static uint16_t r_u16(struct rcur *r)
{
    uint16_t hi = r_u8(r);
    uint16_t lo = r_u8(r);
    return (uint16_t)((hi << 8) | lo);
}

/* Length-prefixed field; *out points into the packet. */
static uint16_t r_lstr(struct rcur *r, const uint8_t **out)
{
    uint16_t l = r_u16(r);
    if (r->err || l > r->len - r->n) {
        r->err = 1;
        *out = NULL;
        return 0;
    }
    *out = r->p + r->n;
    r->n += l;
    return l;
}

/* Splits pkt and checks its type; fills the body cursor. */
static int open_packet(const uint8_t *pkt, size_t len, uint8_t want_type, uint8_t *flags,
                       struct rcur *body)
{
    uint8_t type;
    const uint8_t *b;
    size_t blen;
    if (pkt == NULL || lk_mqtt_decode_header(pkt, len, &type, flags, &b, &blen) != LK_MQTT_OK ||
        type != want_type)
        return 0;
    body->p = b;
    body->len = blen;
    body->n = 0;
    body->err = 0;
    return 1;
}

int lk_mqtt_decode_connack(const uint8_t *pkt, size_t len, uint8_t *session_present, uint8_t *rc)
{
    struct rcur r;
    uint8_t flags, ack;
    if (!open_packet(pkt, len, LK_MQTT_CONNACK, &flags, &r) || flags != 0 || r.len != 2)
        return LK_MQTT_MALFORMED;
    ack = r_u8(&r);
    if (ack & 0xfeu) /* 3.2.2.1: bits 7-1 reserved */
        return LK_MQTT_MALFORMED;
    *session_present = ack;
    *rc = r_u8(&r);
    return LK_MQTT_OK;
}

int lk_mqtt_decode_publish(const uint8_t *pkt, size_t len, struct lk_mqtt_publish *p)
{
    struct rcur r;
    uint8_t flags;
    const uint8_t *topic;
    uint16_t tlen;
    if (p == NULL || !open_packet(pkt, len, LK_MQTT_PUBLISH, &flags, &r))
        return LK_MQTT_MALFORMED;
    p->dup = (uint8_t)((flags >> 3) & 1u);
    p->qos = (uint8_t)((flags >> 1) & 3u);
    p->retain = (uint8_t)(flags & 1u);
    if (p->qos == 3 || (p->qos == 0 && p->dup))
        return LK_MQTT_MALFORMED;
    tlen = r_lstr(&r, &topic);
    if (r.err || !topic_name_ok((const char *)topic, tlen))
        return LK_MQTT_MALFORMED;
    p->topic = (const char *)topic;
    p->topic_len = tlen;
    p->packet_id = 0;
    if (p->qos > 0) {
        p->packet_id = r_u16(&r);
        if (r.err || p->packet_id == 0)
            return LK_MQTT_MALFORMED;
    }
    p->payload = r.p + r.n;
    p->payload_len = r.len - r.n;
    return LK_MQTT_OK;
}

int lk_mqtt_decode_puback(const uint8_t *pkt, size_t len, uint16_t *packet_id)
{
    struct rcur r;
    uint8_t flags;
    if (!open_packet(pkt, len, LK_MQTT_PUBACK, &flags, &r) || flags != 0 || r.len != 2)
        return LK_MQTT_MALFORMED;
    *packet_id = r_u16(&r);
    return *packet_id == 0 ? LK_MQTT_MALFORMED : LK_MQTT_OK;
}

int lk_mqtt_decode_suback(const uint8_t *pkt, size_t len, uint16_t *packet_id, uint8_t *rc)
{
    struct rcur r;
    uint8_t flags, code;
    if (!open_packet(pkt, len, LK_MQTT_SUBACK, &flags, &r) || flags != 0 || r.len != 3)
        return LK_MQTT_MALFORMED;
    *packet_id = r_u16(&r);
    code = r_u8(&r);
    if (*packet_id == 0 || (code > 2 && code != LK_MQTT_SUBACK_FAILURE))
        return LK_MQTT_MALFORMED;
    *rc = code;
    return LK_MQTT_OK;
}

int lk_mqtt_decode_subscribe(const uint8_t *pkt, size_t len, uint16_t *packet_id,
                             const char **filter, uint16_t *filter_len, uint8_t *qos)
{
    struct rcur r;
    uint8_t flags, q;
    const uint8_t *f;
    uint16_t flen;
    if (!open_packet(pkt, len, LK_MQTT_SUBSCRIBE, &flags, &r) || flags != 0x02u)
        return LK_MQTT_MALFORMED;
    *packet_id = r_u16(&r);
    flen = r_lstr(&r, &f);
    q = r_u8(&r);
    if (r.err || r.n != r.len || *packet_id == 0 || flen == 0 || q > 2)
        return LK_MQTT_MALFORMED;
    *filter = (const char *)f;
    *filter_len = flen;
    *qos = q;
    return LK_MQTT_OK;
}

int lk_mqtt_decode_connect(const uint8_t *pkt, size_t len, struct lk_mqtt_connect_view *c)
{
    struct rcur r;
    uint8_t flags, cflags, level;
    const uint8_t *name, *s;
    uint16_t nlen, l;
    if (c == NULL || !open_packet(pkt, len, LK_MQTT_CONNECT, &flags, &r) || flags != 0)
        return LK_MQTT_MALFORMED;
    memset(c, 0, sizeof *c);
    nlen = r_lstr(&r, &name);
    level = r_u8(&r);
    cflags = r_u8(&r);
    c->keepalive_s = r_u16(&r);
    if (r.err || nlen != 4 || memcmp(name, "MQTT", 4) != 0 || level != 4 || (cflags & 1u))
        return LK_MQTT_MALFORMED;
    c->clean_session = (uint8_t)((cflags >> 1) & 1u);
    c->will_flag = (uint8_t)((cflags >> 2) & 1u);
    c->will_qos = (uint8_t)((cflags >> 3) & 3u);
    c->will_retain = (uint8_t)((cflags >> 5) & 1u);
    if (c->will_qos == 3 || (!c->will_flag && (c->will_qos || c->will_retain)))
        return LK_MQTT_MALFORMED;
    l = r_lstr(&r, &s);
    c->client_id = (const char *)s;
    c->client_id_len = l;
    if (c->will_flag) {
        l = r_lstr(&r, &s);
        c->will_topic = (const char *)s;
        c->will_topic_len = l;
        l = r_lstr(&r, &s);
        c->will_payload = s;
        c->will_payload_len = l;
    }
    if (cflags & 0x80u)
        (void)r_lstr(&r, &s);
    if (cflags & 0x40u)
        (void)r_lstr(&r, &s);
    if (r.err || r.n != r.len)
        return LK_MQTT_MALFORMED;
    return LK_MQTT_OK;
}
