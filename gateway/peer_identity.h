/* peer_identity.h - who is at the other end of an HTTPS connection: the CN of the client
 * certificate that OpenSSL verified during the handshake. */
#ifndef GW_PEER_IDENTITY_H
#define GW_PEER_IDENTITY_H

#include <stddef.h>

struct lws;

/* Writes the verified peer's user name (certificate CN) into user. Returns 0, or -1 if
 * there is no verified certificate, not exactly one CN, or the CN is not a valid user
 * name ([A-Za-z0-9._@-]{1,64}). */
int peer_identity(struct lws *wsi, char *user, size_t cap);

#endif
