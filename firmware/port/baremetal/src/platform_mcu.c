/* platform_mcu.c - struct lk_platform of the bare-metal device (platform_mcu.h). */
#include "platform_mcu.h"

#include <string.h>

#include <wolfssl/wolfcrypt/settings.h>
#include <wolfssl/wolfcrypt/ed25519.h>
#include <wolfssl/wolfcrypt/random.h>

#include "board.h"
#include "mcu_log.h"

static WC_RNG rng;
static int rng_ok;
static uint32_t pulse_ms = LK_RELAY_PULSE_MAX_MS; /* until lkm_platform_set_pulse_ms */
static int64_t time_floor;
static int64_t (*beacon_clock)(void); /* the core's clock from the time beacon */

int lk_mcu_entropy_seed(unsigned char *out, unsigned int len)
{
    return board_entropy(out, len) == 0 ? 0 : -1;
}

int lkm_platform_test_clock(void)
{
#ifdef LK_MCU_TEST_CLOCK
    return 1;
#else
    return 0;
#endif
}

static int64_t wall_clock(void)
{
#ifdef LK_MCU_TEST_CLOCK
    return board_test_host_time();
#else
    /* The signed time beacon's time + monotonic ms since; 0 until the first one. */
    return beacon_clock != NULL ? beacon_clock() : 0;
#endif
}

void lkm_platform_set_clock(int64_t (*clock)(void))
{
    beacon_clock = clock;
}

time_t lk_mcu_cert_time(time_t *t)
{
    int64_t now = wall_clock();
    time_t v = (time_t)(now > time_floor ? now : time_floor);

    if (t != NULL)
        *t = v;
    return v;
}

static uint32_t mcu_millis(void *ctx)
{
    (void)ctx;
    return board_millis();
}

static int64_t mcu_unix_time(void *ctx)
{
    (void)ctx;
    return wall_clock();
}

static int mcu_random(void *ctx, uint8_t *out, size_t len)
{
    (void)ctx;
    if (!rng_ok || len > 0xFFFFFFFFu)
        return -1;
    return wc_RNG_GenerateBlock(&rng, out, (word32)len) == 0 ? 0 : -1;
}

static int mcu_ed25519_verify(void *ctx, const uint8_t pub[32], const uint8_t *msg, size_t len,
                              const uint8_t sig[64])
{
    ed25519_key key;
    int res = 0, ok;

    (void)ctx;
    if (len > 0xFFFFFFFFu || wc_ed25519_init(&key) != 0)
        return 0;
    ok = wc_ed25519_import_public(pub, ED25519_PUB_KEY_SIZE, &key) == 0 &&
         wc_ed25519_verify_msg(sig, ED25519_SIG_SIZE, msg, (word32)len, &res, &key) == 0 &&
         res == 1; /* a bad signature is rc != 0 or res == 0: valid needs both */
    wc_ed25519_free(&key);
    return ok;
}

static ed25519_key ack_key;
static int ack_key_ok;

static int mcu_ed25519_sign(void *ctx, const uint8_t *msg, size_t len, uint8_t sig[64])
{
    word32 n = ED25519_SIG_SIZE;

    (void)ctx;
    if (!ack_key_ok || len > 0xFFFFFFFFu)
        return -1;
    return wc_ed25519_sign_msg(msg, (word32)len, sig, &n, &ack_key) == 0 && n == ED25519_SIG_SIZE
               ? 0
               : -1;
}

int lkm_platform_set_ack_key(struct lk_platform *plat, const uint8_t seed[32])
{
    uint8_t pub[ED25519_PUB_KEY_SIZE];

    if (wc_ed25519_init(&ack_key) != 0)
        return -1;
    if (wc_ed25519_import_private_only(seed, ED25519_KEY_SIZE, &ack_key) != 0 ||
        wc_ed25519_make_public(&ack_key, pub, sizeof pub) != 0 ||
        wc_ed25519_import_private_key(seed, ED25519_KEY_SIZE, pub, sizeof pub, &ack_key) != 0) {
        wc_ed25519_free(&ack_key);
        return -1;
    }
    ack_key_ok = 1;
    plat->ed25519_sign = mcu_ed25519_sign;
    return 0;
}

/* The record is the 8-byte little-endian high-water mark (board_persist_*). */
int lkm_platform_persisted_time(int64_t *t)
{
    uint8_t b[8];
    uint64_t v = 0;
    int i;

    if (board_persist_read(b, sizeof b) != 0)
        return -1;
    for (i = 7; i >= 0; i--)
        v = (v << 8) | b[i];
    *t = (int64_t)v;
    return 0;
}

/* Raises the persisted high-water mark to t (never lowers it). 0 once durable. */
static int persist_mark(int64_t t)
{
    uint8_t b[8];
    uint64_t v = (uint64_t)t;
    int64_t old;
    int i;

    if (lkm_platform_persisted_time(&old) == 0 && old >= t)
        return 0; /* never lowered: the mark already covers t */
    for (i = 0; i < 8; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    return board_persist_write(b, sizeof b) == 0 ? 0 : -1;
}

/* An accepted command: its time becomes the high-water mark before the relay moves, so a
 * restart refuses every command whose window began by then (docs/protocol.md "After a
 * restart"). One small write per accepted command. */
static int mcu_accept_record(void *ctx, const char *id, int64_t exp, int64_t now)
{
    (void)ctx, (void)id, (void)exp; /* a time, not ids: one small flash record */
    return persist_mark(now);
}

/* An accepted time beacon (at most hourly, lk/port.h): no later beacon may go below it. */
static int mcu_time_persist(void *ctx, int64_t t)
{
    (void)ctx;
    return persist_mark(t);
}

static void mcu_relay_set(void *ctx, int on)
{
    (void)ctx;
    board_relay_set(on, pulse_ms + LKM_RELAY_MARGIN_MS);
}

void lkm_platform_set_pulse_ms(uint32_t ms)
{
    pulse_ms = ms;
}

int lkm_platform_init(int64_t floor, struct lk_platform *plat)
{
    memset(plat, 0, sizeof *plat);
    time_floor = floor;
    plat->millis = mcu_millis;
    plat->unix_time = mcu_unix_time;
    plat->random = mcu_random;
    plat->ed25519_verify = mcu_ed25519_verify;
    plat->relay_set = mcu_relay_set;
    plat->accept_record = mcu_accept_record;
    plat->time_persist = mcu_time_persist;
    if (wc_InitRng(&rng) != 0) {
        lkm_log("rng: the DRBG could not be seeded from %s", board_entropy_source());
        return -1;
    }
    rng_ok = 1;
    return 0;
}
