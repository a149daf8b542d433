/* crl_generation.h - a number that changes whenever the CRLs in force change: +1 at every
 * swap of a new set of CRLs (tls_store.h), whatever it holds (a new CRL, a file gone bad,
 * one added or removed). Something that remembers a verdict that depends on the CRLs (a
 * cache of verified client certificates) keys it by this number, so a verdict from before
 * a swap is never used after it. A CRL's own dates are not covered: nextUpdate passing
 * changes nothing here (tls_store_state says it). Loop thread only, like the swap. */
#ifndef GW_CRL_GENERATION_H
#define GW_CRL_GENERATION_H

#include <stdint.h>

/* The current generation; starts at 0, before the first swap after start-up. */
uint64_t crl_generation(void);

/* Called by the swap (tls_store.c). */
void crl_generation_bump(void);

#endif
