/* crl_metrics.c - the CRL counters of /metrics (see crl_metrics.h). */
#include "crl_metrics.h"

#include <stdio.h>

#include "crl_set.h"

void crl_metrics_render(struct html_buf *b, const struct tls_store *t)
{
    char buf[640];
    unsigned long loads = crl_set_parses(); /* a CRL read twice at start-up would show */
    unsigned long same = t->set != NULL ? t->set->unchanged : 0;

    snprintf(buf, sizeof buf,
             "# HELP latchkey_crl_loads_total CRL files parsed and checked by this process.\n"
             "# TYPE latchkey_crl_loads_total counter\nlatchkey_crl_loads_total %lu\n"
             "# HELP latchkey_crl_unchanged_total CRL files read again (SIGHUP, a new mtime) "
             "whose content had not changed: not parsed again.\n"
             "# TYPE latchkey_crl_unchanged_total counter\nlatchkey_crl_unchanged_total %lu\n"
             "# HELP latchkey_crl_swaps_total Changes of the CRLs in force since the start.\n"
             "# TYPE latchkey_crl_swaps_total counter\nlatchkey_crl_swaps_total %llu\n",
             loads, same, (unsigned long long)t->generation);
    html_raw(b, buf);
}
