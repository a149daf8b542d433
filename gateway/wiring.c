/* wiring.c - the ports of core/ports.h for the running gateway (see wiring.h): publishing
 * goes to mqtt_link, results to the live-status websockets, owners and the ack timer to
 * the lws server, the clocks to the system's. */
#include "wiring.h"

#include "audit.h"
#include "gw_log.h"
#include "mqtt_link.h"
#include "server.h"
#include "ws_status.h"

static int broker_ready(void *ctx)
{
    return mqtt_link_ready(((struct wiring *)ctx)->mqtt);
}

static int publish(void *ctx, const char *topic, const char *payload, size_t len,
                   struct attempt_handle h)
{
    return mqtt_link_publish(((struct wiring *)ctx)->mqtt, topic, payload, len, h);
}

static void notify_result(void *ctx, const char *user, const char *door, enum gw_result r,
                          const char *reason, int64_t latency_ms)
{
    (void)ctx;
    ws_status_action_result(user, door, r, reason, latency_ms);
}

static void wake_owner(void *ctx, void *owner)
{
    (void)ctx;
    server_wake_owner(owner);
}

static void deadlines_changed(void *ctx)
{
    server_deadlines_changed(((struct wiring *)ctx)->web);
}

static void doors_changed(void *ctx)
{
    server_doors_changed(((struct wiring *)ctx)->web);
}

static int64_t now_ms(void *ctx)
{
    (void)ctx;
    return gw_now_ms();
}

static int64_t wall_ms(void *ctx)
{
    (void)ctx;
    return audit_now_ms();
}

void wiring_connect(struct gw_app *app, struct wiring *w)
{
    struct gw_ports p = {w, broker_ready, publish, notify_result, wake_owner, deadlines_changed,
                         doors_changed, now_ms, wall_ms};
    app->ports = p;
}
