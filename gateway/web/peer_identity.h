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

/* Serial number of the peer's certificate as uppercase hex ("-" prefix if negative), for
 * the audit log. Writes "" and returns -1 if there is none or cap is too small. */
int peer_cert_serial(struct lws *wsi, char *out, size_t cap);

/* The peer's IP address (numeric), or "?" and -1. */
int peer_address(struct lws *wsi, char *out, size_t cap);

struct tls_store;

#define PEER_BINDING_MAX 160 /* "<serial hex>/<user>" */

/* peer_identity() plus revocation, for every request and websocket message: returns 0
 * (user and binding written; binding = certificate serial in hex, '/', user, for the CSRF
 * token), -1 if there is no usable identity, or -2 if the certificate is refused by the CRL
 * now (*why: "revoked" or the CRL's state, e.g. "expired"). */
int peer_check(struct lws *wsi, const struct tls_store *store, char *user, size_t cap,
               char *binding, size_t bcap, const char **why);

#endif
