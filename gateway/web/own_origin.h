/* own_origin.h - the gateway's own web origin ("https://host[:port]"), the one the
 * phones' pages come from: the Origin that POSTs (http_csrf.c) and websocket upgrades
 * (ws_status.c) must carry. It comes from the configuration, never from a request's Host
 * or :authority, which the client chooses: [server] public_origin, or, when that is not
 * set, the first DNS name (else IP address) of the server certificate with [server] port
 * (left out when 443). */
#ifndef GW_OWN_ORIGIN_H
#define GW_OWN_ORIGIN_H

#include <stddef.h>

#include "conf.h"

#define OWN_ORIGIN_MAX (CONF_STR_MAX + 16)

/* Writes the origin into out; 0, or -1 and err (the certificate has no usable name). */
int own_origin_get(const struct conf *c, char *out, size_t cap, char *err, size_t errlen);

#endif
