/* metrics_page.h - the /metrics page of the metrics listener (metrics_page.c). */
#ifndef GW_METRICS_PAGE_H
#define GW_METRICS_PAGE_H

#include "html.h"

/* Appends the whole exposition to b. */
void metrics_render(struct html_buf *b, int mqtt_connected, int crl_valid);

#endif
