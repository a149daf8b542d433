/* p12.h - the phone's PKCS#12: its client certificate, key and the CA under a password. */
#ifndef LK_CERTS_P12_H
#define LK_CERTS_P12_H

#include <openssl/bio.h>

#include "pki_dir.h"

/* DER of USER's PKCS#12 (cert, key, CA) under pw, modern or legacy form, in *der (secmem). */
int lk_p12_for_user(const struct lk_pki *pki, const char *user, const char *pw, int legacy,
                    BIO **der);

#endif
