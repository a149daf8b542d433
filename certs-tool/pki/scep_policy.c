/* scep_policy.c - the decisions of SCEP enrollment (scep_policy.h): expiry first, then the
 * challenge (compared in constant time), then the CSR as csr_check.c checks it. */
#include "scep_policy.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "csr_check.h"

static int challenge_equal(const char *given, const char *want)
{
    size_t n = strlen(want);
    return strlen(given) == n && CRYPTO_memcmp(given, want, n) == 0;
}

static enum lk_scep_verdict check_challenge(const struct lk_scep_invite *inv, X509_REQ *csr,
                                            char *why, size_t cap)
{
    char given[LK_SCEP_CHALLENGE_MAX + 1], sub[LK_CSR_WHY_MAX];
    int r = lk_csr_challenge(csr, given, sizeof given, sub, sizeof sub);
    enum lk_scep_verdict v = LK_SCEP_OK;
    if (r == 0) {
        snprintf(why, cap, "the request carries no challenge password");
        v = LK_SCEP_NO_CHALLENGE;
    } else if (r < 0 || inv->challenge[0] == '\0' || !challenge_equal(given, inv->challenge)) {
        snprintf(why, cap, "wrong challenge password");
        v = LK_SCEP_WRONG_CHALLENGE;
    } else if (inv->used) {
        snprintf(why, cap,
                 "the challenge password was used already (one certificate per invitation)");
        v = LK_SCEP_USED;
    }
    OPENSSL_cleanse(given, sizeof given);
    return v;
}

enum lk_scep_verdict lk_scep_check(const struct lk_scep_invite *inv, X509_REQ *csr, time_t now,
                                   EVP_PKEY **key, char *why, size_t cap)
{
    char cn[LK_CN_MAX + 1], sub[LK_CSR_WHY_MAX];
    enum lk_scep_verdict v;
    EVP_PKEY *pub;

    *key = NULL;
    if (now >= inv->expires) {
        snprintf(why, cap, "the invitation for %s has expired; ask for a new one", inv->user);
        return LK_SCEP_EXPIRED;
    }
    if ((v = check_challenge(inv, csr, why, cap)) != LK_SCEP_OK)
        return v;
    if ((pub = lk_csr_verified_key(csr, sub, sizeof sub)) == NULL) {
        snprintf(why, cap, "the certificate request: %s", sub);
        return LK_SCEP_BAD_CSR;
    }
    if (lk_csr_key_check(pub, 0, sub, sizeof sub) != 0) {
        snprintf(why, cap, "the certificate request: %s", sub);
        EVP_PKEY_free(pub);
        return LK_SCEP_WEAK_KEY;
    }
    if (lk_csr_cn(csr, cn, sizeof cn, sub, sizeof sub) != 0) {
        snprintf(why, cap, "the certificate request: %s; the invitation is for CN=%s", sub,
                 inv->user);
        EVP_PKEY_free(pub);
        return LK_SCEP_WRONG_NAME;
    }
    if (strcmp(cn, inv->user) != 0) {
        snprintf(why, cap,
                 "the certificate request is for CN=%.64s but the invitation is for CN=%s", cn,
                 inv->user);
        EVP_PKEY_free(pub);
        return LK_SCEP_WRONG_NAME;
    }
    *key = pub;
    return LK_SCEP_OK;
}

int lk_scep_fail_info(enum lk_scep_verdict v)
{
    switch (v) {
    case LK_SCEP_WEAK_KEY: return 0; /* badAlg */
    case LK_SCEP_BAD_CSR: return 1;  /* badMessageCheck */
    case LK_SCEP_EXPIRED: return 3;  /* badTime */
    default: return 2;               /* badRequest */
    }
}

int lk_scep_verdict_counts(enum lk_scep_verdict v)
{
    return v == LK_SCEP_WRONG_CHALLENGE || v == LK_SCEP_NO_CHALLENGE;
}
