/* ack_signer.h - the device's own Ed25519 ack key on Linux ([device] ack_key, PKCS#8 PEM
 * written by latchkey-certs bundle) and the core's ed25519_sign hook with it (lk/port.h;
 * docs/protocol.md "The signed ack"). wolfSSL only. */
#ifndef LKP_ACK_SIGNER_H
#define LKP_ACK_SIGNER_H

#include <stddef.h>
#include <stdint.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/ed25519.h>

struct lkp_ack_signer {
    ed25519_key key;
    int loaded;
    uint8_t pub[ED25519_PUB_KEY_SIZE]; /* derived from the private key, for the log */
};

/* Loads the PEM private key at path. 0, or -1 with a one-line message in err. */
int lkp_ack_signer_load(struct lkp_ack_signer *s, const char *path, char *err, size_t errlen);

/* The core's ed25519_sign (ctx = the signer): 0 and sig, or -1. */
int lkp_ack_sign(void *ctx, const uint8_t *msg, size_t len, uint8_t sig[64]);

void lkp_ack_signer_free(struct lkp_ack_signer *s);

#endif
