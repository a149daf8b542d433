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

int fw_ed25519_sign(const uint8_t *msg, size_t len, uint8_t sig[64])
{
    EVP_PKEY *key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, fw_seed, 32);
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
