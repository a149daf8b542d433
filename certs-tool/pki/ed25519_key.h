/* ed25519_key.h - a fresh Ed25519 key pair in the forms the PKI writes: the private key as
 * PKCS#8 PEM and the raw public key as 64 lowercase hex digits and a newline (the gateway's
 * command key, cmd/; each device's ack key, ack/). */
#ifndef LK_CERTS_ED25519_KEY_H
#define LK_CERTS_ED25519_KEY_H

#include <openssl/bio.h>
#include <openssl/evp.h>

#define LK_ED25519_HEX_LEN 65 /* 64 hex digits and '\n', no NUL */

/* Generates a key: *priv gets a secure-memory BIO with its PKCS#8 PEM, hex its public key
 * (LK_ED25519_HEX_LEN bytes). Returns the key (the caller frees it and *priv), or NULL
 * with the error reported. */
EVP_PKEY *lk_ed25519_generate(BIO **priv, char hex[LK_ED25519_HEX_LEN + 1]);

#endif
