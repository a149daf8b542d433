/* wiring.h - the core's ports (core/ports.h) filled with the rooms around it: the broker
 * link (mqtt/), the HTTPS server (web/) and the system clocks. main.c's only business
 * with the ports. */
#ifndef GW_WIRING_H
#define GW_WIRING_H

#include "app.h"

struct mqtt_link;
struct web;
struct webhook;

struct wiring {
    struct mqtt_link *mqtt; /* NULL until the link is started */
    struct web *web;        /* the HTTPS side (web/web.h) */
    struct webhook *hook;   /* NULL: no [notify] webhook */
    const char *site;       /* the config's site, for the event topics */
};

/* Fills app->ports with w's functions. */
void wiring_connect(struct gw_app *app, struct wiring *w);

#endif
