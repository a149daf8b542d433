/* ack_signer.c - the Ed25519 ack key from its PEM file, and signing with it (ack_signer.h). */
#include "ack_signer.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <wolfssl/wolfcrypt/asn_public.h>
#include <wolfssl/wolfcrypt/error-crypt.h>

#include "log.h"

#define PEM_MAX 4096

/* The whole file into buf (NUL-terminated); its length, or -1. */
static long read_pem(const char *path, char *buf, size_t cap, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    size_t n;
    if (f == NULL) {
        snprintf(err, errlen, "cannot open ack key '%s': %s", path, strerror(errno));
        return -1;
    }
    n = fread(buf, 1, cap - 1, f);
    if (ferror(f) || !feof(f)) {
        snprintf(err, errlen, "cannot read ack key '%s' (at most %zu bytes)", path, cap - 1);
        (void)fclose(f); /* read-only */
        return -1;
    }
    (void)fclose(f); /* read-only: nothing is lost if it fails */
    buf[n] = '\0';
    return (long)n;
}

int lkp_ack_signer_load(struct lkp_ack_signer *s, const char *path, char *err, size_t errlen)
{
    char pem[PEM_MAX];
    byte der[PEM_MAX], seed[ED25519_KEY_SIZE];
    word32 idx = 0, seed_len = sizeof seed;
    long n;
    int der_len, rc;

    memset(s, 0, sizeof *s);
    if ((n = read_pem(path, pem, sizeof pem, err, errlen)) < 0)
        return -1;
    der_len = wc_KeyPemToDer((const unsigned char *)pem, (int)n, der, (int)sizeof der, NULL);
    memset(pem, 0, sizeof pem);
    if (der_len <= 0) {
        snprintf(err, errlen, "ack key '%s' is not an unencrypted PEM private key", path);
        return -1;
    }
    if (wc_ed25519_init(&s->key) != 0) {
        snprintf(err, errlen, "ed25519: init failed");
        return -1;
    }
    /* Decode, then rebuild the key from its seed with the derived public half (signing
     * needs both; a PKCS#8 file usually carries the private half only). */
    rc = wc_Ed25519PrivateKeyDecode(der, &idx, &s->key, (word32)der_len);
    if (rc == 0)
        rc = wc_ed25519_export_private_only(&s->key, seed, &seed_len);
    if (rc == 0)
        rc = wc_ed25519_make_public(&s->key, s->pub, sizeof s->pub);
    if (rc == 0)
        rc = wc_ed25519_import_private_key(seed, seed_len, s->pub, sizeof s->pub, &s->key);
    memset(der, 0, sizeof der);
    memset(seed, 0, sizeof seed);
    if (rc != 0) {
        snprintf(err, errlen, "ack key '%s' is not an Ed25519 private key: %s", path,
                 wc_GetErrorString(rc));
        wc_ed25519_free(&s->key);
        return -1;
    }
    s->loaded = 1;
    return 0;
}

int lkp_ack_sign(void *ctx, const uint8_t *msg, size_t len, uint8_t sig[64])
{
    struct lkp_ack_signer *s = ctx;
    word32 sig_len = ED25519_SIG_SIZE;
    int rc;
    if (s == NULL || !s->loaded || len > 0xFFFFFFFFu)
        return -1;
    rc = wc_ed25519_sign_msg(msg, (word32)len, sig, &sig_len, &s->key);
    if (rc != 0 || sig_len != ED25519_SIG_SIZE) {
        lkp_log_error("ed25519: signing the ack failed: %s", wc_GetErrorString(rc));
        return -1;
    }
    return 0;
}

void lkp_ack_signer_free(struct lkp_ack_signer *s)
{
    if (s->loaded)
        wc_ed25519_free(&s->key);
    s->loaded = 0;
}
