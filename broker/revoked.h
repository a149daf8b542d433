/* revoked.h - the CRL as the broker plugin uses it: loaded from a PEM file, accepted only if
 * the CA signed it and its CRL number is not lower than the one in use; then "is this
 * certificate serial revoked?". OpenSSL libcrypto only. */
#ifndef LK_BROKER_REVOKED_H
#define LK_BROKER_REVOKED_H

#include <stddef.h>

#include <openssl/x509.h>

struct revoked {
    X509_CRL *crl; /* NULL until the first successful load */
    long number;   /* its crlNumber (-1 if it has none) */
};

/* Loads crl_path, checks its signature with the certificate in ca_path and that its number
 * is not lower than r's, and replaces r's CRL with it. 0 on success; -1 and r unchanged
 * (a message in err) otherwise. */
int revoked_load(struct revoked *r, const char *crl_path, const char *ca_path, char *err, size_t errcap);

/* 1 if the serial (big-endian magnitude, as in the certificate) is on the CRL, 0 if not,
 * -1 if no CRL is loaded. arg is a struct revoked (the sessions_sweep signature). */
int revoked_has(const unsigned char *serial, size_t len, void *arg);

void revoked_free(struct revoked *r);

#endif
