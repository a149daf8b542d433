/* metrics_listener.h - the optional loopback plain-HTTP vhost for /metrics and /healthz. */
#ifndef GW_METRICS_LISTENER_H
#define GW_METRICS_LISTENER_H

#include <stddef.h>

#include "web.h"

/* Before anything listens: the address must resolve and be loopback (or forced). Fills
 * *family and *loopback. 0, or -1 and err. Nothing to do (0) without a metrics port. */
int metrics_listener_check(struct web *w, const struct conf *c, int *family, int *loopback,
                           char *err, size_t errlen);
/* Creates the vhost in w->ctx. 0, or -1 and err. */
int metrics_listener_start(struct web *w, const struct conf *c, int family, int loopback,
                           char *err, size_t errlen);

#endif
