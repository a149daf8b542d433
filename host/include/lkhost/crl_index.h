/* crl_index.h - a large CRL read once into what a revocation check needs: the CRL's head
 * (issuer, dates, extensions; an X509_CRL without its entries, for OpenSSL's own checks
 * and the crlNumber) and its revoked serials as one sorted table, looked up by binary
 * search. The entries are read by walking the DER once (no X509_REVOKED objects, no sort
 * on the first lookup, nothing to free per entry), and the signature is checked over the
 * CRL's own bytes (no re-encoding). Same rules as lkh_crl_read (crl.h): one PEM CRL, plain
 * enough that a serial lookup applies it in full (no delta CRL, no issuingDistribution-
 * Point, no indirect entries, no critical extension OpenSSL does not handle), signed by a
 * certificate of the CA list; entries with the reason removeFromCRL revoke nothing, as in
 * OpenSSL's lookup. Part of latchkey_host_ossl. An index is read-only once made: several
 * threads may look serials up in it at once. */
#ifndef LKHOST_CRL_INDEX_H
#define LKHOST_CRL_INDEX_H

#include <stddef.h>

#include <openssl/x509.h>

#include "lkhost/crl.h"

#define LKH_SERIAL_MAX 31             /* content octets of a serial (RFC 5280: at most 20) */
#define LKH_CRL_FILE_MAX (256L << 20) /* a CRL file larger than this is refused */

struct lkh_crl_index {
    X509_CRL *head;         /* the CRL without its revokedCertificates */
    unsigned char *serials; /* n slots of 1 + LKH_SERIAL_MAX bytes: length, octets */
    size_t n;
    unsigned char sha256[32]; /* of the CRL's DER (what crl_floor.h remembers) */
};

/* Reads path (a PEM file, at most LKH_CRL_FILE_MAX bytes) into *x; *signer: the index in ca
 * of the CA that signed it (-1 if none; may be NULL). *x is left empty unless LKH_CRL_OK.
 * OpenSSL's error queue is left empty. */
enum lkh_crl_read lkh_crl_index_read(const char *path, STACK_OF(X509) * ca, struct lkh_crl_index *x,
                                     int *signer);

/* The same from the file's bytes already in memory. */
enum lkh_crl_read lkh_crl_index_parse(const unsigned char *pem, size_t len, STACK_OF(X509) * ca,
                                      struct lkh_crl_index *x, int *signer);

/* 1 if serial is revoked by the CRL, 0 if not (or it cannot be encoded). */
int lkh_crl_index_has(const struct lkh_crl_index *x, const ASN1_INTEGER *serial);

void lkh_crl_index_free(struct lkh_crl_index *x);

#endif
