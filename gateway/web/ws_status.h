/* ws_status.h - live status for phones over the websocket subprotocol "latchkey.v1" at /ws:
 * door availability/relay state (from MQTT, see door_status.h) and the results of the
 * user's own actions, pushed as JSON messages.
 *
 * Results come from the core's finisher (core/outcome.c) through the notify_result port
 * (wiring.c), once per finished attempt. */
#ifndef GW_WS_STATUS_H
#define GW_WS_STATUS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "result.h"

struct lws;
struct lws_context;

/* One finished action of `user` on `door`: broadcast to that user's websockets. reason
 * may be NULL or "". latency_ms < 0: unknown.
 * Thread-safe (copies into a bounded ring and wakes the lws loop). */
void ws_status_action_result(const char *user, const char *door, enum gw_result result,
                             const char *reason, int64_t latency_ms);

/* The lws protocol entry for "latchkey.v1" (server.c lists it in the TLS vhost). */
int ws_status_callback(struct lws *wsi, int reason, void *user, void *in, size_t len);
size_t ws_status_session_size(void);

/* Loop thread, on EVENT_WAIT_CANCELLED / CRL change: asks every websocket whose data
 * changed (or whose certificate may now be revoked) for a writeable callback. */
void ws_status_poke(struct lws_context *ctx, int recheck_certs);

/* Loop thread, from the CRL watch: every socket whose certificate's notAfter has passed
 * re-checks it (and is closed). */
void ws_status_expire(time_t now);

/* Loop thread: the configured doors changed (SIGHUP): every socket gets a new door list. */
void ws_status_doors_changed(struct lws_context *ctx);

/* Loop thread: 1 if an open websocket is carried by the HTTP/2 connection nwsi (a network
 * wsi), else 0. */
int ws_status_on_connection(struct lws *nwsi);

#endif
