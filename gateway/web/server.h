/* server.h - the HTTPS side: the libwebsockets context with the mTLS vhost (and the
 * metrics one), the loop, and what the core's ports need of it (wiring.c). */
#ifndef GW_SERVER_H
#define GW_SERVER_H

#include <signal.h>
#include <stddef.h>

#include "app.h"
#include "web.h"

/* Creates the lws context (its user pointer: sv) and listens. -1 and err on failure. */
int server_start(struct web *sv, struct gw_app *app, char *err, size_t errlen);

/* Serves until *stop becomes non-zero (set from a signal handler that also calls
 * server_wake()). When *reload is non-zero (SIGHUP) the loop clears it and calls
 * on_reload(app) from the loop thread. */
void server_run(struct web *sv, const volatile sig_atomic_t *stop, volatile sig_atomic_t *reload,
                void (*on_reload)(struct gw_app *app));

/* Thread- and signal-safe: makes the loop of arg (a struct web, may be NULL) look at the
 * attempts table and *stop. */
void server_wake(void *arg);

/* Loop thread (ports of core/ports.h): owner (an HTTP connection) gets a writeable
 * callback; the earliest ack deadline may have changed; the configured doors changed. */
void server_wake_owner(void *owner);
void server_deadlines_changed(struct web *sv);
void server_doors_changed(struct web *sv);

/* Closes every connection and frees the context. */
void server_stop(struct web *sv);

#endif
