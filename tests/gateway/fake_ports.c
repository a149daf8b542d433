/* fake_ports.c - the recording ports of fake_ports.h. */
#include "fake_ports.h"

#include <stdio.h>
#include <string.h>

static int broker_ready(void *ctx)
{
    return ((struct fake_ports *)ctx)->ready;
}

static int publish(void *ctx, const char *topic, const char *payload, size_t len,
                   struct attempt_handle h)
{
    struct fake_ports *f = ctx;
    if (f->refuse)
        return -1;
    snprintf(f->topic, sizeof f->topic, "%s", topic);
    snprintf(f->payload, sizeof f->payload, "%.*s", (int)len, payload);
    f->last_h = h;
    f->published++;
    return 0;
}

static void notify_result(void *ctx, const char *user, const char *door, enum gw_result r,
                          const char *reason, int64_t latency_ms)
{
    struct fake_ports *f = ctx;
    f->results++;
    f->last_result = r;
    snprintf(f->last_user, sizeof f->last_user, "%s", user);
    snprintf(f->last_door, sizeof f->last_door, "%s", door);
    snprintf(f->last_reason, sizeof f->last_reason, "%s", reason);
    f->last_latency_ms = latency_ms;
}

static void wake_owner(void *ctx, void *owner)
{
    struct fake_ports *f = ctx;
    f->owner_wakes++;
    f->last_owner = owner;
}

static void deadlines_changed(void *ctx)
{
    ((struct fake_ports *)ctx)->deadline_calls++;
}

static void doors_changed(void *ctx)
{
    ((struct fake_ports *)ctx)->doors_calls++;
}

static int64_t now_ms(void *ctx)
{
    return ((struct fake_ports *)ctx)->now_ms;
}

static int64_t wall_ms(void *ctx)
{
    return ((struct fake_ports *)ctx)->wall_ms;
}

static void door_event(void *ctx, const char *door, const char *json, size_t len, int opened)
{
    struct fake_ports *f = ctx;
    f->events++;
    f->events_opened += opened != 0;
    snprintf(f->event_door, sizeof f->event_door, "%s", door);
    snprintf(f->event_json, sizeof f->event_json, "%.*s", (int)len, json);
}

static int publish_time(void *ctx, const char *door, const char *json, size_t len)
{
    struct fake_ports *f = ctx;
    if (f->refuse)
        return -1;
    f->beacons++;
    snprintf(f->beacon_door, sizeof f->beacon_door, "%s", door);
    snprintf(f->beacon_json, sizeof f->beacon_json, "%.*s", (int)len, json);
    return 0;
}

void fake_ports_init(struct fake_ports *f, struct gw_ports *p)
{
    struct gw_ports ports = {f,          broker_ready,      publish,       notify_result,
                             wake_owner, deadlines_changed, doors_changed, now_ms,
                             wall_ms,    door_event,        publish_time};
    memset(f, 0, sizeof *f);
    f->ready = 1;
    f->now_ms = 1000000;
    f->wall_ms = 1790000000000LL;
    *p = ports;
}
