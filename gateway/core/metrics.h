/* metrics.h - the gateway's counters, rendered as Prometheus text (exposition format
 * 0.0.4) on the loopback metrics listener. Counters are atomics: safe from any thread. */
#ifndef GW_METRICS_H
#define GW_METRICS_H

#include <stdint.h>

#include "html.h"
#include "result.h"

enum metrics_refusal { REFUSED_REVOKED = 0, REFUSED_CRL, REFUSED_CSRF, REFUSED_COUNT };

void metrics_request(void);                       /* one HTTP request or websocket message */
void metrics_result(enum gw_result r, int64_t ack_latency_ms); /* latency < 0: not waited */
void metrics_tls_refused(void);                   /* a client certificate refused at TLS */
void metrics_refused(enum metrics_refusal why);   /* a request refused after TLS */
void metrics_websockets(int delta);
void metrics_pin_check(int cached);               /* a PIN check: 1 from pin_cache, 0 scrypt */

/* Appends the whole exposition to b. */
void metrics_render(struct html_buf *b, int mqtt_connected, int crl_valid);

#endif
