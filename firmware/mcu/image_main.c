/* image_main.c - a minimal bare-metal "board" for the microcontroller size and symbol
 * check (scripts/firmware-size.sh): a stub port (counter clock, loopback-less transport,
 * relay on a variable) that drives the core through its whole API, so the linker keeps
 * everything a real board would use. Never flashed: it only has to link. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lk/device.h"

static struct lk_device dev;       /* the device lives in static storage, never the heap */
static volatile uint32_t ticks;    /* a real board increments this from SysTick */
static volatile int relay_pin;     /* a real board writes a GPIO register */
static volatile int stop_request;  /* a real board sets this on a power-fail interrupt */
static volatile uint8_t link_byte;

static uint32_t stub_millis(void *ctx) { (void)ctx; return ticks; }
static int64_t stub_unix_time(void *ctx) { (void)ctx; return 1790000000 + (int64_t)(ticks / 1000u); }
static int stub_random(void *ctx, uint8_t *out, size_t len)
{
    (void)ctx;
    while (len-- > 0)
        *out++ = (uint8_t)(ticks * 2654435761u >> 24); /* a real board uses its TRNG */
    return 0;
}
/* A real board links an Ed25519 implementation here (not part of the core's size). */
static int stub_verify(void *ctx, const uint8_t pub[32], const uint8_t *msg, size_t len,
                       const uint8_t sig[64])
{
    (void)ctx;
    return pub[0] == sig[0] && len > 0 && msg[0] != 0;
}
static void stub_relay(void *ctx, int on) { (void)ctx; relay_pin = on; }
static int stub_sign(void *ctx, const uint8_t *msg, size_t len, uint8_t sig[64])
{
    (void)ctx, (void)msg, (void)len;
    memset(sig, 0, 64); /* a real board signs with the device's key (wolfSSL, a secure element) */
    return 0;
}
static int stub_accept(void *ctx, const char *id, int64_t exp, int64_t now)
{
    (void)ctx, (void)id, (void)exp, (void)now;
    return 0;
}
static int stub_persist(void *ctx, int64_t t)
{
    (void)ctx, (void)t;
    return 0; /* a real board writes its flash record */
}
static int32_t stub_send(void *ctx, const uint8_t *buf, size_t len)
{
    (void)ctx;
    link_byte = len > 0 ? buf[0] : 0;
    return (int32_t)len;
}
static int32_t stub_recv(void *ctx, uint8_t *buf, size_t len)
{
    (void)ctx;
    if (len == 0)
        return 0;
    buf[0] = link_byte;
    return 0;
}

int main(void)
{
    static const struct lk_platform plat = {NULL,        stub_millis, stub_unix_time,
                                            stub_random, stub_verify, stub_relay,
                                            stub_sign,   stub_accept, NULL /* no door sensor */,
                                            stub_persist};
    static const struct lk_transport tr = {NULL, stub_send, stub_recv};
    static struct lk_device_config cfg; /* a real board fills it from flash */

    cfg.site[0] = 'h';
    cfg.door[0] = 'd';
    cfg.fw_version = "0.1.0";
    cfg.ha_prefix = "homeassistant";
    cfg.time_beacon = 1; /* a board without a battery-backed clock: the beacon's code counts */
    if (!lk_device_config_valid(&cfg))
        return 1;
    lk_device_init(&dev, &cfg, &plat, &tr);
    lk_device_trust_time(&dev, 0);
    while (!stop_request) {
        if (lk_device_poll(&dev) == LK_DEV_NEED_CONNECT && lk_device_on_connected(&dev) != 0)
            lk_device_on_transport_lost(&dev);
    }
    lk_device_shutdown(&dev);
    while (lk_device_poll(&dev) != LK_DEV_STOPPED)
        ;
    return 0;
}

/* Entry point (linked with -nostartfiles): no C runtime start-up, no OS. */
void _start(void);
void _start(void)
{
    (void)main();
    for (;;)
        ;
}
