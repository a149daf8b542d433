/* scep_ra.h - the RA certificate of one scep run: an RSA key that lives only in the
 * process (SCEP clients encrypt their requests to RSA, whatever the CA's own key is) and a
 * one-day certificate for it signed by the CA. It can decrypt requests and sign replies,
 * nothing else: CA:FALSE, keyUsage digitalSignature + keyEncipherment, extendedKeyUsage
 * cmcRA only (so no TLS peer accepts it as a client), and a CN that is no user name. */
#ifndef LK_CERTS_SCEP_RA_H
#define LK_CERTS_SCEP_RA_H

#include <openssl/evp.h>
#include <openssl/x509.h>

#define LK_SCEP_RA_CN "Latchkey SCEP RA"

/* 0 with *cert and *key (caller frees), or -1 (reported). */
int lk_scep_ra_make(X509 *ca, EVP_PKEY *ca_key, X509 **cert, EVP_PKEY **key);

#endif
