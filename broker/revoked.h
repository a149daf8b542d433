/* revoked.h - the CRL as the broker plugin uses it: loaded from a PEM file with the host's
 * one CRL reader (lkhost/crl.h), accepted only if the CA signed it and it is not older than
 * the newest accepted before (lkhost/crl_floor.h: its number, remembered across broker
 * restarts in a state file when one is configured); then "is this certificate serial
 * revoked?". OpenSSL libcrypto only. */
#ifndef LK_BROKER_REVOKED_H
#define LK_BROKER_REVOKED_H

#include <stddef.h>

#include <openssl/x509.h>

#include <lkhost/crl_floor.h>

struct revoked {
    X509_CRL *crl;          /* NULL until the first successful load */
    struct crl_floor floor; /* the newest CRL accepted (its number and digest) */
};

/* Starts r with the floor kept in floor_path (NULL or "": in memory only). -1 (err) if
 * that file exists but cannot be read: a plugin that forgot its floor could be rolled back. */
int revoked_open(struct revoked *r, const char *floor_path, char *err, size_t errcap);

/* Loads crl_path, checks its signature with the certificate in ca_path and that it is not
 * older than the floor, and replaces r's CRL with it. 0 on success; 1 if it is in force
 * but the floor could not be written (why in err); -1 and r unchanged (why in err)
 * otherwise. */
int revoked_load(struct revoked *r, const char *crl_path, const char *ca_path, char *err, size_t errcap);

/* The number of the CRL in force in hex ("-" before the first). */
void revoked_number(const struct revoked *r, char *out, size_t cap);

/* 1 if the serial (big-endian magnitude, as in the certificate) is on the CRL, 0 if not,
 * -1 if no CRL is loaded. arg is a struct revoked (the sessions_sweep signature). */
int revoked_has(const unsigned char *serial, size_t len, void *arg);

void revoked_free(struct revoked *r);

#endif
