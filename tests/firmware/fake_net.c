/* fake_net.c - in-memory transport and platform for the firmware core tests. */
#include "fake_net.h"

#include <stdio.h>
#include <string.h>

#include "lk/mqtt_codec.h"

static int32_t f_send(void *ctx, const uint8_t *buf, size_t len)
{
    struct fake_net *f = ctx;
    size_t n = len;
    if (f->fail)
        return -1;
    if (f->send_blocked)
        return 0;
    if (f->send_limit && n > f->send_limit)
        n = f->send_limit;
    if (n > FAKE_BUF - f->from_dev_len)
        n = FAKE_BUF - f->from_dev_len;
    memcpy(f->from_dev + f->from_dev_len, buf, n);
    f->from_dev_len += n;
    return (int32_t)n;
}

static int32_t f_recv(void *ctx, uint8_t *buf, size_t len)
{
    struct fake_net *f = ctx;
    size_t n = f->to_dev_len - f->to_dev_pos;
    if (f->fail)
        return -1;
    if (n > len)
        n = len;
    if (f->recv_limit && n > f->recv_limit)
        n = f->recv_limit;
    memcpy(buf, f->to_dev + f->to_dev_pos, n);
    f->to_dev_pos += n;
    return (int32_t)n;
}

static uint32_t f_millis(void *ctx) { return ((struct fake_net *)ctx)->now_ms; }
static int64_t f_unix(void *ctx) { return ((struct fake_net *)ctx)->unix_now; }

static int f_random(void *ctx, uint8_t *out, size_t len)
{
    memset(out, ((struct fake_net *)ctx)->rnd_byte, len);
    return 0;
}

static int f_verify(void *ctx, const uint8_t pub[32], const uint8_t *msg, size_t len,
                    const uint8_t sig[64])
{
    struct fake_net *f = ctx;
    return f->verify != NULL ? f->verify(pub, msg, len, sig) : 0;
}

static int f_sign(void *ctx, const uint8_t *msg, size_t len, uint8_t sig[64])
{
    struct fake_net *f = ctx;
    return f->sign != NULL ? f->sign(msg, len, sig) : -1;
}

static int f_accept(void *ctx, const char *id, int64_t exp, int64_t now)
{
    struct fake_net *f = ctx;
    f->accepts++;
    f->accepted_at = now;
    f->accepted_exp = exp;
    snprintf(f->accepted_id, sizeof f->accepted_id, "%s", id);
    f->relay_on_at_accept = f->relay_on;
    return f->accept_fail ? -1 : 0;
}

static void f_relay(void *ctx, int on)
{
    struct fake_net *f = ctx;
    f->relay_calls++;
    if (on && f->relay_on != 1)
        f->relay_on_count++;
    if (!on && f->relay_on == 1)
        f->relay_off_count++;
    f->relay_on = on != 0;
}

void fake_init(struct fake_net *f)
{
    memset(f, 0, sizeof *f);
    f->relay_on = -1; /* unknown until the core sets it */
    f->tr.ctx = f;
    f->tr.send = f_send;
    f->tr.recv = f_recv;
    f->plat.ctx = f;
    f->plat.millis = f_millis;
    f->plat.unix_time = f_unix;
    f->plat.random = f_random;
    f->plat.ed25519_verify = f_verify;
    f->plat.relay_set = f_relay;
    f->plat.ed25519_sign = f_sign;
    f->plat.accept_record = f_accept;
    f->now_ms = 1000;
}

void fake_inject(struct fake_net *f, const uint8_t *p, size_t n)
{
    if (f->to_dev_pos == f->to_dev_len)
        f->to_dev_pos = f->to_dev_len = 0;
    if (n > FAKE_BUF - f->to_dev_len)
        n = FAKE_BUF - f->to_dev_len;
    memcpy(f->to_dev + f->to_dev_len, p, n);
    f->to_dev_len += n;
}

size_t fake_inject_publish(struct fake_net *f, const char *topic, const char *payload,
                           uint8_t qos, uint8_t retain, uint16_t packet_id)
{
    struct lk_mqtt_publish p;
    static uint8_t b[2048];
    size_t n;
    memset(&p, 0, sizeof p);
    p.topic = topic;
    p.topic_len = (uint16_t)strlen(topic);
    p.payload = (const uint8_t *)payload;
    p.payload_len = strlen(payload);
    p.qos = qos;
    p.retain = retain;
    p.packet_id = packet_id;
    n = lk_mqtt_encode_publish(b, sizeof b, &p);
    if (n > 0)
        fake_inject(f, b, n);
    return n;
}

int fake_next_sent(struct fake_net *f, const uint8_t **pkt, size_t *len)
{
    size_t plen;
    if (lk_mqtt_frame(f->from_dev + f->from_dev_read, f->from_dev_len - f->from_dev_read, &plen) !=
            LK_MQTT_OK ||
        plen > f->from_dev_len - f->from_dev_read)
        return 0;
    *pkt = f->from_dev + f->from_dev_read;
    *len = plen;
    f->from_dev_read += plen;
    return 1;
}

void fake_clear_sent(struct fake_net *f)
{
    f->from_dev_len = 0;
    f->from_dev_read = 0;
}
