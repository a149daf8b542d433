/* peer_identity.h - who is at the other end of an HTTPS connection: the CN of the client
 * certificate that OpenSSL verified during the handshake. */
#ifndef GW_PEER_IDENTITY_H
#define GW_PEER_IDENTITY_H

#include <stddef.h>

struct lws;

#define PEER_NO_IDENTITY (-1) /* no verified certificate */
#define PEER_REFUSED (-2)     /* refused by its dates or the CRL now */
#define PEER_BAD_NAME (-3)    /* not exactly one CN, or the CN is not a user name */

/* Writes the verified peer's user name (by [server] user_name_from: the certificate's CN
 * by default, cert_user.h) into user. Returns 0, PEER_NO_IDENTITY, or PEER_BAD_NAME if the
 * rule gives no valid user name ([A-Za-z0-9._@-]{1,64}). */
int peer_identity(struct lws *wsi, char *user, size_t cap);

/* The peer certificate's CN as text for a log line or a page (printable ASCII kept, any
 * other byte '?', "..." when cut at cap), or "(none)" / "(not exactly one CN)". */
void peer_name_text(struct lws *wsi, char *out, size_t cap);

/* Serial number of the peer's certificate as uppercase hex ("-" prefix if negative), for
 * the audit log. Writes "" and returns -1 if there is none or cap is too small. */
int peer_cert_serial(struct lws *wsi, char *out, size_t cap);

/* Seconds until the peer certificate's notAfter (0: passed, or no certificate). */
long peer_cert_seconds_left(struct lws *wsi);

/* The peer's IP address (numeric), or "?" and -1. */
int peer_address(struct lws *wsi, char *out, size_t cap);

struct tls_store;

#define PEER_BINDING_MAX 160 /* "<serial hex>/<user>" */

/* peer_identity() plus the certificate's dates and revocation, for every request and
 * websocket message: returns 0 (user and binding written; binding = certificate serial in
 * hex, '/', user, for the CSRF token), PEER_NO_IDENTITY, PEER_REFUSED (*why:
 * CERT_EXPIRED, CERT_NOT_YET_VALID, "revoked" or the CRL's state, e.g. "expired"), or
 * PEER_BAD_NAME (*why "bad-name"). */
int peer_check(struct lws *wsi, const struct tls_store *store, char *user, size_t cap,
               char *binding, size_t bcap, const char **why);

/* How a refusal of peer_check (rc, why) is told: the counter, the page's data-result and
 * sentence (NULL for bad-name: the page names the CN), and a few words for the log. */
struct peer_refusal {
    const char *why;
    int metric; /* enum metrics_refusal */
    const char *page, *message, *log;
};
const struct peer_refusal *peer_refusal_of(int rc, const char *why);

#endif
