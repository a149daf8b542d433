/* leaf_load.h - an issued certificate and its key, checked against the inventory, for the
 * verbs that hand them out (export, enroll, bundle, broker-config). */
#ifndef LK_CERTS_LEAF_LOAD_H
#define LK_CERTS_LEAF_LOAD_H

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "pki_dir.h"

/* Loads DIR/issued/<stem>.crt and DIR/private/<stem>.key of CN cn, which must be valid in
 * the inventory with that profile; checks the CN and that key and certificate match. */
int lk_leaf_load(const struct lk_pki *pki, const char *profile, const char *cn, X509 **cert,
                 EVP_PKEY **key);

#endif
