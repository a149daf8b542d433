/* conf_sensor.h - a door's sensor keys in the gateway's config ([door NAME] sensor and
 * entry_wait_ms, docs/gateway.md): whether an open of the door waits, after the device's
 * signed ack, for the device's verdict on whether the door really opened, and how long. */
#ifndef GW_CONF_SENSOR_H
#define GW_CONF_SENSOR_H

#include <stddef.h>

#include "latchkey/entry_window.h"

/* The default wait: the device's default window plus the report's margin. */
#define CONF_ENTRY_WAIT_DEFAULT_MS ((int)(LK_ENTRY_WINDOW_DEFAULT_MS + LK_ENTRY_REPORT_MARGIN_MS))
#define CONF_ENTRY_WAIT_MIN_MS 1000
#define CONF_ENTRY_WAIT_MAX_MS ((int)(LK_ENTRY_WINDOW_MAX_MS + LK_ENTRY_REPORT_MARGIN_MS))

struct conf_sensor {
    int said;          /* sensor = yes: 1, no: -1, not given: 0 (no) */
    int entry_wait_ms; /* 0 until given: the default */
};

/* One key of [door NAME]: 1 if it was a sensor key and is set in *s, 0 if it is none of
 * them (s unchanged), -1 with one line in why for a bad or repeated value. */
int conf_sensor_key(struct conf_sensor *s, const char *name, const char *value, char *why,
                    size_t cap);

/* How long an ok ack of the door waits for the entry verdict: 0 without a sensor. */
int conf_entry_wait_ms(const struct conf_sensor *s);

#endif
