/* ca.h - the CA: its self-signed certificate (init) and opening it for signing. */
#ifndef LK_CERTS_CA_H
#define LK_CERTS_CA_H

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "pki_dir.h"

/* The self-signed CA certificate of key: CN, days, CA:TRUE pathlen 0, keyCertSign/cRLSign. */
X509 *lk_ca_cert_build(EVP_PKEY *key, const char *cn, long days);
/* Refuses a CA certificate that has expired (or is not yet valid): nothing can be signed. */
int lk_ca_load(const struct lk_pki *pki, const char *pass, X509 **cert, EVP_PKEY **key);

#endif
