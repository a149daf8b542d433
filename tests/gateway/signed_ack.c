/* signed_ack.c - validly signed device acks for the gateway tests (signed_ack.h). */
#include "signed_ack.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

static const uint8_t seed[32] = {0xc5, 0xaa, 0x8d, 0xf4, 0x3f, 0x9f, 0x83, 0x7b, 0xed, 0xb7, 0x44,
                                 0x2f, 0x31, 0xdc, 0xb7, 0xb1, 0x66, 0xd3, 0x85, 0x35, 0x07, 0x6f,
                                 0x09, 0x4b, 0x85, 0xce, 0x3a, 0x2e, 0x0b, 0x44, 0x58, 0xf7};
const uint8_t test_ack_pub[32] = {0xfc, 0x51, 0xcd, 0x8e, 0x62, 0x18, 0xa1, 0xa3, 0x8d, 0xa4, 0x7e,
                                  0xd0, 0x02, 0x30, 0xf0, 0x58, 0x08, 0x16, 0xed, 0x13, 0xba, 0x33,
                                  0x03, 0xac, 0x5d, 0xeb, 0x91, 0x15, 0x48, 0x90, 0x80, 0x25};

int signed_ack(struct attempts *t, const char *id, const char *door, int ok, const char *reason)
{
    struct gw_ack a;
    char msg[LK_ACK_MSG_MAX];
    size_t n, siglen = LK_SIG_LEN;
    EVP_PKEY *k = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, sizeof seed);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    enum ack_verdict v;
    memset(&a, 0, sizeof a);
    snprintf(a.id, sizeof a.id, "%s", id);
    snprintf(a.result, sizeof a.result, "%s", ok ? "ok" : "rejected");
    snprintf(a.reason, sizeof a.reason, "%s", ok || reason == NULL ? "" : reason);
    a.at = 1;
    n = lk_ack_signing_message(a.id, "home", door, a.result, a.reason, a.at, msg, sizeof msg);
    a.has_sig = n != 0 && k != NULL && ctx != NULL &&
                EVP_DigestSignInit(ctx, NULL, NULL, NULL, k) == 1 &&
                EVP_DigestSign(ctx, a.sig, &siglen, (const unsigned char *)msg, n) == 1;
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(k);
    v = attempts_ack(t, "home", door, &a);
    return v == ACK_VALID ? 0 : v == ACK_UNKNOWN_ID ? -1 : -2;
}
