/* platform_posix.c - implements the core's struct lk_platform for Linux: CLOCK_MONOTONIC
 * milliseconds, CLOCK_REALTIME seconds, getrandom(), wolfSSL Ed25519 verification and
 * the relay backend. */
#include "platform_posix.h"

#include "door_input.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/ed25519.h>
#include <wolfssl/wolfcrypt/error-crypt.h>

#include "accept_state.h"
#include "ack_signer.h"
#include "log.h"

uint32_t lkp_millis(void *ctx)
{
    struct timespec ts;

    (void)ctx;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0; /* cannot happen with CLOCK_MONOTONIC on Linux */
    return (uint32_t)((uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u);
}

int64_t lkp_unix_time(void *ctx)
{
    struct timespec ts;

    (void)ctx;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
        return 0;
    return (int64_t)ts.tv_sec;
}

int lkp_random(void *ctx, uint8_t *out, size_t len)
{
    (void)ctx;
    while (len > 0) {
        ssize_t n = getrandom(out, len, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            lkp_log_error("getrandom: %s", strerror(errno));
            return -1;
        }
        out += n;
        len -= (size_t)n;
    }
    return 0;
}

int lkp_ed25519_verify(void *ctx, const uint8_t pub[32], const uint8_t *msg, size_t len,
                       const uint8_t sig[64])
{
    ed25519_key key;
    int res = 0, rc;

    (void)ctx;
    if (len > 0xFFFFFFFFu)
        return 0;
    rc = wc_ed25519_init(&key);
    if (rc != 0) {
        lkp_log_error("ed25519: init failed: %s", wc_GetErrorString(rc));
        return 0;
    }
    rc = wc_ed25519_import_public(pub, ED25519_PUB_KEY_SIZE, &key);
    if (rc != 0) {
        lkp_log_error("ed25519: bad public key: %s", wc_GetErrorString(rc));
        wc_ed25519_free(&key);
        return 0;
    }
    rc = wc_ed25519_verify_msg(sig, ED25519_SIG_SIZE, msg, (word32)len, &res, &key);
    wc_ed25519_free(&key);
    /* A bad signature may come back as rc == SIG_VERIFY_E or as rc == 0 with res == 0:
     * only both together mean valid. */
    return rc == 0 && res == 1;
}

static int sign_ack(void *ctx, const uint8_t *msg, size_t len, uint8_t sig[64])
{
    return lkp_ack_sign(((struct lkp_platform *)ctx)->signer, msg, len, sig);
}

static int record_accept(void *ctx, const char *id, int64_t exp, int64_t now)
{
    return lkp_accept_record(((struct lkp_platform *)ctx)->state, id, exp, now);
}

void lkp_relay_set(void *ctx, int on)
{
    struct lkp_platform *p = ctx;

    lkp_relay_output_set(p->relay, on);
}

void lkp_platform_attach(struct lk_platform *plat, struct lkp_ack_signer *signer,
                         struct lkp_accept_state *state)
{
    struct lkp_platform *p = plat->ctx; /* every hook shares the port's ctx */
    p->signer = signer;
    p->state = state;
    plat->ed25519_sign = signer != NULL ? sign_ack : NULL;
    plat->accept_record = state != NULL ? record_accept : NULL;
}

static int door_read(void *ctx)
{
    return lkp_door_input_read(((struct lkp_platform *)ctx)->door);
}

void lkp_platform_attach_door(struct lk_platform *plat, struct lkp_door_input *door)
{
    struct lkp_platform *p = plat->ctx;
    p->door = door;
    plat->door_read = door != NULL ? door_read : NULL;
}

void lkp_platform_init(struct lkp_platform *p, struct lkp_relay_output *relay,
                       struct lk_platform *plat)
{
    p->relay = relay;
    p->signer = NULL;
    p->state = NULL;
    p->door = NULL;
    memset(plat, 0, sizeof *plat);
    plat->ctx = p;
    plat->millis = lkp_millis;
    plat->unix_time = lkp_unix_time;
    plat->random = lkp_random;
    plat->ed25519_verify = lkp_ed25519_verify;
    plat->relay_set = lkp_relay_set;
}
