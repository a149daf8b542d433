/* fw_vectors.c - vectors file loading and OpenSSL Ed25519 for the firmware tests. */
#include "fw_vectors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "latchkey/b64url.h"
#include "latchkey/cmd_format.h"
#include "vectors.h"

uint8_t fw_pub[32];
uint8_t fw_seed[32];
static cJSON *root;

cJSON *fw_vectors_load(const char *path)
{
    root = lk_vectors_load(path);
    if (lk_vectors_hex(cJSON_GetStringValue(cJSON_GetObjectItem(root, "public_key_hex")), fw_pub, 32) != 0 ||
        lk_vectors_hex(cJSON_GetStringValue(cJSON_GetObjectItem(root, "private_seed_hex")), fw_seed, 32) != 0) {
        (void)fprintf(stderr, "vectors file %s: bad keys\n", path);
        cJSON_Delete(root);
        root = NULL;
    }
    return root;
}

void fw_vectors_free(void)
{
    cJSON_Delete(root);
    root = NULL;
}

int fw_ed25519_verify(const uint8_t pub[32], const uint8_t *msg, size_t len, const uint8_t sig[64])
{
    EVP_PKEY *key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, 32);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = 0;
    if (key != NULL && ctx != NULL && EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, key) == 1)
        ok = EVP_DigestVerify(ctx, sig, 64, msg, len) == 1;
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(key);
    return ok;
}

/* RFC 8032 section 7.1, TEST 3: the same key generate.py puts in acks.json (the ack test
 * checks that they agree). */
uint8_t fw_ack_seed[32] = {0xc5, 0xaa, 0x8d, 0xf4, 0x3f, 0x9f, 0x83, 0x7b, 0xed, 0xb7, 0x44,
                           0x2f, 0x31, 0xdc, 0xb7, 0xb1, 0x66, 0xd3, 0x85, 0x35, 0x07, 0x6f,
                           0x09, 0x4b, 0x85, 0xce, 0x3a, 0x2e, 0x0b, 0x44, 0x58, 0xf7};
uint8_t fw_ack_pub[32] = {0xfc, 0x51, 0xcd, 0x8e, 0x62, 0x18, 0xa1, 0xa3, 0x8d, 0xa4, 0x7e,
                          0xd0, 0x02, 0x30, 0xf0, 0x58, 0x08, 0x16, 0xed, 0x13, 0xba, 0x33,
                          0x03, 0xac, 0x5d, 0xeb, 0x91, 0x15, 0x48, 0x90, 0x80, 0x25};

static int sign_with(const uint8_t seed[32], const uint8_t *msg, size_t len, uint8_t sig[64])
{
    EVP_PKEY *key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, 32);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    size_t siglen = 64;
    int rc = -1;
    if (key != NULL && ctx != NULL && EVP_DigestSignInit(ctx, NULL, NULL, NULL, key) == 1 &&
        EVP_DigestSign(ctx, sig, &siglen, msg, len) == 1 && siglen == 64)
        rc = 0;
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(key);
    return rc;
}

int fw_ed25519_sign(const uint8_t *msg, size_t len, uint8_t sig[64])
{
    return sign_with(fw_seed, msg, len, sig);
}

int fw_ack_sign(const uint8_t *msg, size_t len, uint8_t sig[64])
{
    return sign_with(fw_ack_seed, msg, len, sig);
}

size_t fw_make_cmd(char *out, size_t cap, const char *id, const char *site, const char *door,
                   const char *action, const char *by, int64_t iat, int64_t exp)
{
    struct lk_cmd c;
    char msg[LK_CMD_MSG_MAX], b64[LK_SIG_B64_LEN + 1];
    size_t mlen;
    int n;
    memset(&c, 0, sizeof c);
    snprintf(c.id, sizeof c.id, "%s", id);
    snprintf(c.site, sizeof c.site, "%s", site);
    snprintf(c.door, sizeof c.door, "%s", door);
    snprintf(c.action, sizeof c.action, "%s", action);
    snprintf(c.by, sizeof c.by, "%s", by);
    c.iat = iat;
    c.exp = exp;
    mlen = lk_cmd_signing_message(&c, msg, sizeof msg);
    if (mlen == 0 || fw_ed25519_sign((const uint8_t *)msg, mlen, c.sig) != 0 ||
        lk_b64url_encode(c.sig, 64, b64, sizeof b64) != LK_SIG_B64_LEN)
        return 0;
    n = snprintf(out, cap,
                 "{\"v\":1,\"id\":\"%s\",\"site\":\"%s\",\"door\":\"%s\",\"action\":\"%s\","
                 "\"by\":\"%s\",\"iat\":%lld,\"exp\":%lld,\"sig\":\"%s\"}",
                 id, site, door, action, by, (long long)iat, (long long)exp, b64);
    return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}
