/* scep_policy.h - what the SCEP service (the scep verb) decides about one certificate
 * request against the invitation it serves: the one-time, expiring challenge password and
 * the CSR (self-signature, key type and size, subject). The certificate's name is always
 * the invitation's user; the request can only match it, never choose it. Pure: the clock
 * is a parameter, nothing is written. */
#ifndef LK_CERTS_SCEP_POLICY_H
#define LK_CERTS_SCEP_POLICY_H

#include <stddef.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "names.h"

#define LK_SCEP_CHALLENGE_MAX 64

struct lk_scep_invite {
    char user[LK_CN_MAX + 1];                  /* the CN of the certificate to issue */
    char challenge[LK_SCEP_CHALLENGE_MAX + 1]; /* one-time password the device must send */
    time_t expires;                            /* wall clock: no certificate from then on */
    int used;                                  /* a certificate was issued against it */
};

enum lk_scep_verdict {
    LK_SCEP_OK,
    LK_SCEP_EXPIRED,         /* now >= expires */
    LK_SCEP_USED,            /* the right challenge, but a certificate was issued already */
    LK_SCEP_NO_CHALLENGE,    /* the CSR carries no challengePassword */
    LK_SCEP_WRONG_CHALLENGE, /* not the invitation's (or malformed) */
    LK_SCEP_BAD_CSR,         /* bad self-signature, unreadable key */
    LK_SCEP_WEAK_KEY,        /* not RSA >= 2048, P-256 or P-384 */
    LK_SCEP_WRONG_NAME       /* not exactly one CN, or a CN other than the invited user */
};

/* The verdict on csr; with LK_SCEP_OK, *key is its verified public key (caller frees).
 * why: one line for the operator and the device (never the challenge itself). */
enum lk_scep_verdict lk_scep_check(const struct lk_scep_invite *inv, X509_REQ *csr, time_t now,
                                   EVP_PKEY **key, char *why, size_t cap);
/* The SCEP failInfo of a refusal (RFC 8894 3.2.1.4.5): badAlg 0, badMessageCheck 1,
 * badRequest 2, badTime 3. */
int lk_scep_fail_info(enum lk_scep_verdict v);
/* A wrong-challenge verdict counts against the endpoint's bound of wrong requests. */
int lk_scep_verdict_counts(enum lk_scep_verdict v);

#endif
