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
    return 0; /* no trusted time yet: commands are refused */
#endif
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
    if (wc_InitRng(&rng) != 0) {
        lkm_log("rng: the DRBG could not be seeded from %s", board_entropy_source());
        return -1;
    }
    rng_ok = 1;
    return 0;
}
