/* crl.h - the CRL of the CA: every revoked certificate of the inventory, signed. */
#ifndef LK_CERTS_CRL_H
#define LK_CERTS_CRL_H

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "inventory.h"

/* The last CRL number issued (0 if none yet) from path: one decimal number and a newline.
 * A missing file is 0. Returns 0, or -1 (reported). */
int lk_crl_number_read(const char *path, unsigned long long *out);
/* A CRL v2 signed by ca_key: the revoked entries of inv (*nrevoked of them), CRL number
 * number, thisUpdate now, nextUpdate now + days. NULL (reported) on error. */
X509_CRL *lk_crl_build(const struct lk_inv *inv, X509 *ca, EVP_PKEY *ca_key, long days,
                       unsigned long long number, int *nrevoked);

#endif
