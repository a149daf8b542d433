/* wiring.c - the ports of core/ports.h for the running gateway (see wiring.h): publishing
 * goes to mqtt_link, results to the live-status websockets, owners and the ack timer to
 * the lws server, the clocks to the system's, door events to the broker and the webhook. */
#include "wiring.h"

#include <stdio.h>

#include "audit.h"
#include "gw_log.h"
#include "mqtt_link.h"
#include "server.h"
#include "webhook.h"
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

/* latchkey/<site>/<door>/<what> */
static void publish_note(struct wiring *w, const char *door, const char *what, const char *json,
                         size_t len, int retained)
{
    char topic[LK_TOPIC_MAX + 1];
    int n = snprintf(topic, sizeof topic, "latchkey/%s/%s/%s", w->site, door, what);
    if (n <= 0 || (size_t)n >= sizeof topic ||
        mqtt_link_publish_note(w->mqtt, topic, json, len, retained) != 0)
        gw_log("event: not published on latchkey/%s/%s/%s (broker link down)", w->site, door, what);
}

static void door_event(void *ctx, const char *door, const char *json, size_t len, int opened)
{
    struct wiring *w = ctx;
    if (w->mqtt != NULL) {
        publish_note(w, door, "event", json, len, 0);
        publish_note(w, door, "last", json, len, 1);
        if (opened)
            publish_note(w, door, "last_opened", json, len, 1);
    }
    if (w->hook != NULL)
        (void)webhook_post(w->hook, json, len); /* logs a drop itself */
}

static int publish_time(void *ctx, const char *door, const char *json, size_t len)
{
    struct wiring *w = ctx;
    char topic[LK_TOPIC_MAX + 1];
    int n = snprintf(topic, sizeof topic, "latchkey/%s/%s/time", w->site, door);
    if (w->mqtt == NULL || n <= 0 || (size_t)n >= sizeof topic)
        return -1;
    return mqtt_link_publish_note(w->mqtt, topic, json, len, 0);
}

void wiring_connect(struct gw_app *app, struct wiring *w)
{
    struct gw_ports p = {w,          broker_ready,      publish,       notify_result,
                         wake_owner, deadlines_changed, doors_changed, now_ms,
                         wall_ms,    door_event,        publish_time};
    app->ports = p;
}
