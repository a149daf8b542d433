/* routes.h - the protocols of the mTLS vhost: "http" (routes.c) and "latchkey.v1"
 * (ws_status.c). */
#ifndef GW_ROUTES_H
#define GW_ROUTES_H

#include <libwebsockets.h>

const struct lws_protocols *routes_protocols(void);

#endif
