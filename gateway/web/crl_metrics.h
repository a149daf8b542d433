/* crl_metrics.h - the CRL thread's counters on /metrics (crl_metrics.c): CRL files parsed,
 * files read again and found unchanged (not parsed), and swaps of the CRLs in force. */
#ifndef GW_CRL_METRICS_H
#define GW_CRL_METRICS_H

#include "html.h"
#include "tls_store.h"

/* Appends latchkey_crl_loads_total, latchkey_crl_unchanged_total, latchkey_crl_swaps_total. */
void crl_metrics_render(struct html_buf *b, const struct tls_store *t);

#endif
