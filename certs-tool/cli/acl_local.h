/* acl_local.h - the operator's own lines of a generated Mosquitto ACL (DIR/acl.local next to
 * broker-config's output): merged into every regenerated ACL, never rewritten by it. */
#ifndef LK_CERTS_ACL_LOCAL_H
#define LK_CERTS_ACL_LOCAL_H

#include <openssl/bio.h>

#include "txn.h"

/* Appends DIR/acl.local to acl; if there is none yet, adds a commented one (Home Assistant's
 * identity and a read-only monitoring identity as examples) to txn. 0 or -1 (reported). */
int lk_acl_local_merge(struct lk_txn *txn, const char *dir, BIO *acl);

#endif
