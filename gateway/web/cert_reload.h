/* cert_reload.h - the HTTPS listener's own certificate and key, replaced while running: the
 * files of [server] cert and key are watched (the CRL timer's tick) and re-read on SIGHUP;
 * a new pair that loads and matches goes into the listener's SSL_CTX for the next
 * handshake. Connections already open keep the certificate they were made with (OpenSSL
 * copies it into each connection), so websockets, PIN caches and sessions live on: an
 * ACME renewal (certbot) needs no restart. A pair that does not load or match is logged
 * and the one in force stays (a renewal writes two files: the second write retries).
 * Loop thread only. */
#ifndef GW_CERT_RELOAD_H
#define GW_CERT_RELOAD_H

#include "web.h"

/* Remembers the files the listener started with (after the vhost is made). */
void cert_reload_init(struct web *sv);

/* Re-reads the pair if either file changed (force: whatever their state, for SIGHUP).
 * Returns 1 if a new pair is in force, 0 if nothing changed, -1 if a changed pair was
 * refused (logged). */
int cert_reload_poll(struct web *sv, int force);

#endif
