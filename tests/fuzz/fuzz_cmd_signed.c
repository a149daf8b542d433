/* fuzz_cmd_signed.c - libFuzzer harness that builds VALID signed commands and then
 * mutates them: the input gives the fields (newline separated: id, site, door, action,
 * by, iat offset, lifetime, clock offset) and one byte mutation. The gateway's real
 * signer (cmd_build, OpenSSL, the fixed key of tests/vectors) signs them and the
 * firmware's verifier (lk_cmd_verify) checks them, with OpenSSL as its Ed25519.
 * Invariants (signer/verifier agreement):
 *   - whatever the signer accepts, the verifier never calls malformed or bad-signature,
 *     and gives exactly the reason the fields and clock imply;
 *   - any one-byte change of a signed payload is refused (no malleability). */
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_entry.h"
#include "cmd_sign.h"
#include "lk/cmd_verify.h"

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

static const uint8_t seed[32] = {
    0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60, 0xba, 0x84, 0x4a, 0xf4, 0x92, 0xec, 0x2c, 0xc4,
    0x44, 0x49, 0xc5, 0x69, 0x7b, 0x32, 0x69, 0x19, 0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae, 0x7f, 0x60,
};
static const uint8_t pubkey[LK_PUBKEY_LEN] = {
    0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7, 0xd5, 0x4b, 0xfe, 0xd3, 0xc9, 0x64, 0x07, 0x3a,
    0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6, 0x23, 0x25, 0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07, 0x51, 0x1a,
};

static EVP_PKEY *priv, *pub;

static int ossl_verify(void *ctx, const uint8_t pk[32], const uint8_t *msg, size_t len,
                       const uint8_t sig[64])
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int ok;
    (void)ctx;
    CHECK(memcmp(pk, pubkey, 32) == 0 && md != NULL);
    ok = EVP_DigestVerifyInit(md, NULL, NULL, NULL, pub) == 1 &&
         EVP_DigestVerify(md, sig, 64, msg, len) == 1;
    EVP_MD_CTX_free(md);
    return ok;
}
static uint32_t p_millis(void *ctx) { (void)ctx; return 0; }
static int64_t p_unix(void *ctx) { (void)ctx; return 0; }
static int p_random(void *ctx, uint8_t *out, size_t len) { (void)ctx; memset(out, 0, len); return 0; }
static void p_relay(void *ctx, int on) { (void)ctx, (void)on; }
static const struct lk_platform plat = {.millis = p_millis,
                                        .unix_time = p_unix,
                                        .random = p_random,
                                        .ed25519_verify = ossl_verify,
                                        .relay_set = p_relay};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    priv = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, sizeof seed);
    pub = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pubkey, sizeof pubkey);
    CHECK(priv != NULL && pub != NULL);
    return 0;
}

/* Next newline-terminated field of the input (at most cap - 1 bytes). */
static const char *next_field(const uint8_t **p, const uint8_t *end, char *buf, size_t cap)
{
    size_t n = 0;
    while (*p < end && **p != '\n') {
        if (n < cap - 1)
            buf[n++] = (char)**p;
        (*p)++;
    }
    if (*p < end)
        (*p)++;
    buf[n] = '\0';
    return buf;
}

/* The device's start rule: windows that began before this are refused (before-start). */
#define FUZZ_NOT_BEFORE 1790000000

static enum lk_reason expected(const struct lk_cmd *c, int64_t now)
{
    if (strcmp(c->site, "home") != 0 || strcmp(c->door, "door1") != 0)
        return LK_WRONG_TARGET;
    if (strcmp(c->action, LK_ACTION_OPEN) != 0)
        return LK_UNKNOWN_ACTION;
    if (now < c->iat - LK_CMD_CLOCK_SKEW)
        return LK_NOT_YET_VALID;
    if (now > c->exp)
        return LK_EXPIRED;
    if (c->iat - LK_CMD_CLOCK_SKEW < FUZZ_NOT_BEFORE)
        return LK_BEFORE_START;
    return LK_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct lk_verifier v;
    char id[80], site[80], door[80], action[80], by[120], num[3][24];
    const uint8_t *p = data, *end = data + size;
    struct lk_cmd cmd, out;
    char payload[CMD_PAYLOAD_MAX];
    size_t len, at;
    int64_t iat, life, skew, now;
    enum lk_reason r, want;
    uint8_t flip;

    next_field(&p, end, id, sizeof id);
    next_field(&p, end, site, sizeof site);
    next_field(&p, end, door, sizeof door);
    next_field(&p, end, action, sizeof action);
    next_field(&p, end, by, sizeof by);
    next_field(&p, end, num[0], sizeof num[0]);
    next_field(&p, end, num[1], sizeof num[1]);
    next_field(&p, end, num[2], sizeof num[2]);
    iat = 1790000000 + strtoll(num[0], NULL, 10) % 100000;
    life = strtoll(num[1], NULL, 10) % 200;
    skew = strtoll(num[2], NULL, 10) % 200;

    len = cmd_build(priv, id, site, door, action, by, iat, iat + life, &cmd, payload, sizeof payload);
    if (len == 0)
        return 0;
    CHECK(len < sizeof payload && life >= 0 && life <= LK_CMD_MAX_LIFETIME);
    now = iat + skew;
    lk_verifier_init(&v, &plat, pubkey, "home", "door1");
    lk_verifier_trust_time(&v, FUZZ_NOT_BEFORE);
    r = lk_cmd_verify(&v, (const uint8_t *)payload, len, now, &out);
    want = expected(&cmd, now);
    CHECK(r == want);
    CHECK(strcmp(out.id, cmd.id) == 0);
    if (r == LK_OK)
        CHECK(lk_cmd_verify(&v, (const uint8_t *)payload, len, now, &out) == LK_REPLAY);

    /* One byte changed: never accepted. */
    if (end - p >= 2) {
        at = ((size_t)p[0] << 8 | p[1]) % len;
        flip = p + 2 < end ? p[2] : 0x01;
        if (payload[at] != (char)flip) {
            payload[at] = (char)flip;
            lk_verifier_init(&v, &plat, pubkey, "home", "door1");
            lk_verifier_trust_time(&v, FUZZ_NOT_BEFORE);
            r = lk_cmd_verify(&v, (const uint8_t *)payload, len, now, &out);
            CHECK(r != LK_OK);
        }
    }
    return 0;
}
