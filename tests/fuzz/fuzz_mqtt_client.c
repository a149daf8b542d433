/* fuzz_mqtt_client.c - libFuzzer harness for the firmware's MQTT client and device app
 * (lk_device over lk_mqtt_client) fed through a fake transport: the input is everything
 * a hostile broker could send, in chunks, across reconnects, with the clock moving.
 * Invariants: no memory error, the relay is energised only for a command the verifier
 * accepted, and everything the device sends is a well-formed MQTT packet. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_entry.h"
#include "lk/device.h"
#include "lk/mqtt_codec.h"

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

/* The fake signature check accepts what starts like the signature of the first vector,
 * so the seeds reach the relay; anything else is a bad signature. */
static const uint8_t good_sig_prefix[2] = {0x6e, 0x93};

struct fake {
    const uint8_t *in;
    size_t in_len, in_pos;
    size_t chunk;          /* bytes per recv */
    uint32_t now_ms;
    unsigned relay_on_calls;
    /* bytes the device sent, checked packet by packet */
    uint8_t out[2048];
    size_t out_len;
    int send_fail_after;   /* sends before the link fails, -1 never */
};

static struct fake fk;
static struct lk_device dev;

static void drain_sent(void)
{
    size_t off = 0, plen;
    uint8_t type, flags;
    const uint8_t *body;
    size_t blen;
    while (off < fk.out_len && lk_mqtt_frame(fk.out + off, fk.out_len - off, &plen) == LK_MQTT_OK &&
           plen <= fk.out_len - off) {
        CHECK(lk_mqtt_decode_header(fk.out + off, plen, &type, &flags, &body, &blen) == LK_MQTT_OK);
        if (type == LK_MQTT_PUBLISH) {
            struct lk_mqtt_publish p;
            CHECK(lk_mqtt_decode_publish(fk.out + off, plen, &p) == LK_MQTT_OK);
        }
        off += plen;
    }
    memmove(fk.out, fk.out + off, fk.out_len - off);
    fk.out_len -= off;
}

static int32_t t_send(void *ctx, const uint8_t *buf, size_t len)
{
    (void)ctx;
    if (fk.send_fail_after == 0)
        return -1;
    if (fk.send_fail_after > 0)
        fk.send_fail_after--;
    if (len > sizeof fk.out - fk.out_len)
        drain_sent();
    if (len > sizeof fk.out - fk.out_len)
        len = sizeof fk.out - fk.out_len;
    memcpy(fk.out + fk.out_len, buf, len);
    fk.out_len += len;
    return (int32_t)len;
}

static int32_t t_recv(void *ctx, uint8_t *buf, size_t len)
{
    size_t n = fk.in_len - fk.in_pos;
    (void)ctx;
    if (n == 0)
        return 0;
    if (n > fk.chunk)
        n = fk.chunk;
    if (n > len)
        n = len;
    memcpy(buf, fk.in + fk.in_pos, n);
    fk.in_pos += n;
    return (int32_t)n;
}

static uint32_t p_millis(void *ctx) { (void)ctx; return fk.now_ms; }
static int64_t p_unix(void *ctx) { (void)ctx; return 1790000001; }
static int p_random(void *ctx, uint8_t *out, size_t len) { (void)ctx; memset(out, 0x5a, len); return 0; }
static int p_verify(void *ctx, const uint8_t pub[32], const uint8_t *msg, size_t len, const uint8_t sig[64])
{
    (void)ctx, (void)pub, (void)msg, (void)len;
    return memcmp(sig, good_sig_prefix, sizeof good_sig_prefix) == 0;
}
static void p_relay(void *ctx, int on)
{
    (void)ctx;
    if (on)
        fk.relay_on_calls++;
}

static const struct lk_transport tr = {NULL, t_send, t_recv};
static const struct lk_platform plat = {.millis = p_millis,
                                        .unix_time = p_unix,
                                        .random = p_random,
                                        .ed25519_verify = p_verify,
                                        .relay_set = p_relay};

/* Input: byte 0 = chunk size, byte 1 = clock step and options, then the broker's bytes.
 * Option bit 7 prepends a CONNACK so the fuzzer starts in the connected state. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t connack[4] = {0x20, 0x02, 0x00, 0x00};
    struct lk_device_config cfg;
    uint8_t *stream;
    unsigned polls, links = 0;
    uint32_t step;

    if (size < 2)
        return 0;
    memset(&fk, 0, sizeof fk);
    fk.chunk = (size_t)data[0] % 96u + 1u;
    step = (uint32_t)(data[1] & 0x3fu) * 40u;
    fk.send_fail_after = (data[1] & 0x40u) ? 40 : -1;
    stream = malloc(size + sizeof connack);
    CHECK(stream != NULL);
    fk.in_len = 0;
    if (data[1] & 0x80u) {
        memcpy(stream, connack, sizeof connack);
        fk.in_len = sizeof connack;
    }
    memcpy(stream + fk.in_len, data + 2, size - 2);
    fk.in_len += size - 2;
    fk.in = stream;
    fk.now_ms = 1000;

    memset(&cfg, 0, sizeof cfg);
    strcpy(cfg.site, "home");
    strcpy(cfg.door, "door1");
    memset(cfg.pubkey, 0x11, sizeof cfg.pubkey);
    cfg.pulse_ms = 500;
    cfg.min_interval_ms = 0;
    cfg.keepalive_s = 5;
    cfg.fw_version = "0.1.0";
    lk_device_init(&dev, &cfg, &plat, &tr);
    lk_device_trust_time(&dev, 0);

    for (polls = 0; polls < 4000; polls++) {
        if (lk_device_poll(&dev) == LK_DEV_NEED_CONNECT) {
            if (links++ == 4)
                break;
            if (lk_device_on_connected(&dev) != 0)
                lk_device_on_transport_lost(&dev);
        }
        drain_sent();
        CHECK(fk.relay_on_calls <= dev.stats.cmds_ok);
        if (fk.in_pos == fk.in_len && polls > 64)
            break;
        fk.now_ms += step ? step : 7;
    }
    /* Let a running pulse end: the relay must fall back off on its own. */
    fk.now_ms += 20000;
    lk_device_poll(&dev);
    CHECK(!lk_device_relay_active(&dev));
    free(stream);
    return 0;
}
