/* server.h - the HTTPS side: libwebsockets context with one mTLS vhost, and the loop. */
#ifndef GW_SERVER_H
#define GW_SERVER_H

#include <signal.h>
#include <stddef.h>

#include "app.h"

/* Creates the lws context (sets app->lws) and listens. -1 and err on failure. */
int server_start(struct gw_app *app, char *err, size_t errlen);

/* Serves until *stop becomes non-zero (set from a signal handler that also calls
 * server_wake()). When *reload is non-zero (SIGHUP) the loop clears it and calls
 * on_reload(app) from the loop thread. */
void server_run(struct gw_app *app, const volatile sig_atomic_t *stop,
                volatile sig_atomic_t *reload, void (*on_reload)(struct gw_app *app));

/* Thread- and signal-safe: makes the loop look at the pending table and *stop. */
void server_wake(void *app);

/* The client CA + CRL store, and whether the CRL is usable now (else why, e.g.
 * "crl expired"). Loop thread. */
struct tls_store;
const struct tls_store *server_tls(void);
int server_crl_usable(char *why, size_t cap);

/* Closes every connection and frees the context. */
void server_stop(struct gw_app *app);

#endif
