/* crl_set.h - building the next set of CRLs in force (struct crl_set, tls_store.h) from the
 * one in force: the CRL files listed again, a file whose stat changed read again, and one
 * whose content (SHA-256) changed parsed and checked (crl_index.h) and ordered against its
 * CA's floor (crl_floor.h). Runs on one thread at a time (the CRL thread, or the caller of
 * tls_store_init / a synchronous tls_store_poll); it reads the CAs and the set it builds on,
 * which the loop may read meanwhile, and writes only the floors and the new set. */
#ifndef GW_CRL_SET_H
#define GW_CRL_SET_H

#include "tls_store_types.h"

/* The set after base (NULL: none yet; force: read every file whatever its stat says), or
 * NULL if nothing changed; *changed: 2 if a CRL was reloaded, added or removed, 1 if only
 * the files' stat changed (their content did not). Out of memory: NULL and 0 (tried again
 * at the next poll). */
struct crl_set *crl_set_build(struct tls_store *t, const struct crl_set *base, int force,
                              int *changed);

/* CRL files parsed and checked in this process so far (any thread, any store). */
unsigned long crl_set_parses(void);

/* Drops a set (and each CRL no other set holds). Same thread rule as crl_set_build. */
void crl_set_free(struct crl_set *s);

#endif
