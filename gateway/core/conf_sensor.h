/* conf_sensor.h - a door's sensor keys in the gateway's config ([door NAME] sensor and
 * entry_wait_ms, docs/gateway.md): whether an open of the door waits, after the device's
 * signed ack, for the device's verdict on whether the door really opened, and how long. */
#ifndef GW_CONF_SENSOR_H
#define GW_CONF_SENSOR_H

#include <stddef.h>

#include "conf.h"
#include "latchkey/entry_window.h"

/* The default wait: the device's default window plus the report's margin. */
#define CONF_ENTRY_WAIT_DEFAULT_MS ((int)(LK_ENTRY_WINDOW_DEFAULT_MS + LK_ENTRY_REPORT_MARGIN_MS))
#define CONF_ENTRY_WAIT_MIN_MS 1000
#define CONF_ENTRY_WAIT_MAX_MS ((int)(LK_ENTRY_WINDOW_MAX_MS + LK_ENTRY_REPORT_MARGIN_MS))

/* One key of [door NAME]: 1 if it was a sensor key and is set in *d, 0 if it is none of
 * them (d unchanged), -1 with one line in why for a bad or repeated value. */
int conf_sensor_key(struct conf_door *d, const char *name, const char *value, char *why,
                    size_t cap);

/* How long an ok ack of door d waits for the entry verdict: 0 without a sensor. */
int conf_entry_wait_ms(const struct conf_door *d);

#endif
