/* crl_floor.h - CRL rollback protection: the highest CRL number (crlNumber, RFC 5280
 * 5.2.3) a program has accepted and the SHA-256 of the CRL that carried it, remembered
 * across restarts in a small state file (written atomically; the gateway keeps it beside
 * its database, "<database>.crl-number", the broker plugin where plugin_opt_crlnumberfile
 * says). A CRL with a lower number, or the same number and other content, is older than
 * one already in force (put back to un-revoke someone) and is refused; a CRL without a
 * number cannot be ordered and is refused too (latchkey-certs always writes one). Part of
 * latchkey_host_ossl; one thread at a time per struct crl_floor. */
#ifndef LKHOST_CRL_FLOOR_H
#define LKHOST_CRL_FLOOR_H

#include <stddef.h>

#include <openssl/bn.h>
#include <openssl/x509.h>

#define CRL_FLOOR_SUFFIX ".crl-number" /* the gateway's: after [store] database */

struct crl_floor {
    char path[300];           /* the state file; "" = in memory only (unit tests) */
    BIGNUM *number;           /* highest accepted, NULL before the first */
    unsigned char digest[32]; /* SHA-256 of that CRL's DER */
};

enum crl_order {
    CRL_ORDER_NEWER,    /* higher number (or the first CRL): accept */
    CRL_ORDER_SAME,     /* the very CRL accepted last: accept */
    CRL_ORDER_OLDER,    /* lower number: refuse */
    CRL_ORDER_CONFLICT, /* same number, other content: refuse */
    CRL_ORDER_NO_NUMBER /* no crlNumber (or an unreadable one): refuse */
};

/* Reads the state file at path (NULL or "": in memory only). A missing file is a fresh
 * start; one that exists but cannot be read or parsed is an error (-1, err): a program that
 * forgot its floor could be rolled back. */
int crl_floor_open(struct crl_floor *f, const char *path, char *err, size_t errlen);
void crl_floor_free(struct crl_floor *f);

/* Where crl stands against the floor; *number gets its crlNumber in hex ("-" if none). */
enum crl_order crl_floor_order(const struct crl_floor *f, X509_CRL *crl, char *number, size_t cap);

/* crl (NEWER or SAME) is in force: raises the floor to it and writes the state file.
 * Returns 0, or -1 (err) if the file could not be written (the floor is raised in memory
 * anyway). */
int crl_floor_raise(struct crl_floor *f, X509_CRL *crl, char *err, size_t errlen);

/* The same two for a CRL whose SHA-256 (of its DER) is already known (crl_index.h: crl
 * may then be the CRL's head, without its entries); sha256 NULL: unknown (never SAME). */
enum crl_order crl_floor_order_sha(const struct crl_floor *f, X509_CRL *crl,
                                   const unsigned char sha256[32], char *number, size_t cap);
int crl_floor_raise_sha(struct crl_floor *f, X509_CRL *crl, const unsigned char sha256[32],
                        char *err, size_t errlen);

/* The floor's number in hex, "-" before the first CRL. */
void crl_floor_number(const struct crl_floor *f, char *out, size_t cap);

#endif
