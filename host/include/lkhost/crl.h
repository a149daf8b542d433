/* crl.h - the one way the host programs read a CRL (the gateway's client CA store and the
 * broker plugin): one PEM CRL, plain enough that a serial lookup applies it in full, signed
 * by a certificate of the given CA list; and its CRL number as a BIGNUM (RFC 5280 5.2.3
 * allows 20 octets, more than a long). Part of latchkey_host_ossl. */
#ifndef LKHOST_CRL_H
#define LKHOST_CRL_H

#include <openssl/bn.h>
#include <openssl/x509.h>

enum lkh_crl_read {
    LKH_CRL_OK,
    LKH_CRL_MISSING,      /* the file cannot be opened */
    LKH_CRL_UNPARSABLE,   /* not a PEM CRL, or one a serial lookup cannot apply in full */
    LKH_CRL_BAD_SIGNATURE /* not issued and signed by a certificate of the CA list */
};

/* Reads path into *crl if it is one PEM CRL signed by a certificate of ca (*signer: its
 * index in ca, -1 if none; signer may be NULL). A delta or partitioned CRL (issuing-
 * DistributionPoint), indirect entries or a critical extension OpenSSL does not handle
 * make it LKH_CRL_UNPARSABLE. OpenSSL's error queue is left empty. */
enum lkh_crl_read lkh_crl_read(const char *path, STACK_OF(X509) * ca, X509_CRL **crl, int *signer);

/* 1 if crl is a plain complete CRL of one issuer that a serial lookup applies in full (no
 * delta or partitioned CRL, no indirect entries, no critical extension beyond those
 * OpenSSL handles), else 0. */
int lkh_crl_plain(X509_CRL *crl);

/* The crlNumber of crl (caller frees), NULL if it has none or it is unreadable or negative. */
BIGNUM *lkh_crl_number(X509_CRL *crl);

#endif
