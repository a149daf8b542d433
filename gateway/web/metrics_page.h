/* metrics_page.h - the /metrics page of the metrics listener (metrics_page.c). */
#ifndef GW_METRICS_PAGE_H
#define GW_METRICS_PAGE_H

#include "html.h"

/* Appends the whole exposition to b. crl_seconds_left: until the CRL in force reaches its
 * nextUpdate (0 once passed), or -1 when none is in force (crl = none, or none loads): then
 * latchkey_crl_seconds_left is left out. */
void metrics_render(struct html_buf *b, int mqtt_connected, int crl_valid, long crl_seconds_left);

#endif
