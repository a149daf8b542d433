/* csr_check.h - what a certificate signing request made elsewhere must be (sign, scep):
 * its self-signature, an accepted key type and size, and exactly one subject CN. Pure
 * decisions: the reason for a refusal is written into why, the caller words the message. */
#ifndef LK_CERTS_CSR_CHECK_H
#define LK_CERTS_CSR_CHECK_H

#include <stddef.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#define LK_CSR_WHY_MAX 160

/* ECDSA P-256/P-384, RSA >= 2048, and Ed25519 if allow_ed25519: 0, or -1 with why. */
int lk_csr_key_check(EVP_PKEY *key, int allow_ed25519, char *why, size_t cap);
/* The CSR's key after its self-signature verified (caller frees), or NULL with why. */
EVP_PKEY *lk_csr_verified_key(X509_REQ *req, char *why, size_t cap);
/* Exactly one subject CN, UTF-8 without NUL bytes, into out: 0, or -1 with why. */
int lk_csr_cn(X509_REQ *req, char *out, size_t out_cap, char *why, size_t cap);
/* The PKCS#9 challengePassword attribute (one, printable text) into out: 1 found, 0 none,
 * -1 malformed or too long (why). */
int lk_csr_challenge(X509_REQ *req, char *out, size_t out_cap, char *why, size_t cap);

#endif
