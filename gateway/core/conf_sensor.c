/* conf_sensor.c - the [door NAME] sensor keys (see conf_sensor.h). */
#include "conf_sensor.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int yes_no(struct conf_sensor *s, const char *value, char *why, size_t cap)
{
    if (s->said != 0) {
        snprintf(why, cap, "'sensor' given twice");
        return -1;
    }
    if (strcmp(value, "yes") != 0 && strcmp(value, "no") != 0) {
        snprintf(why, cap, "sensor must be yes or no (yes: the door's device has a door sensor)");
        return -1;
    }
    s->said = strcmp(value, "yes") == 0 ? 1 : -1; /* -1: said no */
    return 1;
}

static int wait_ms(struct conf_sensor *s, const char *value, char *why, size_t cap)
{
    char *end = NULL;
    long v;
    if (s->entry_wait_ms != 0) {
        snprintf(why, cap, "'entry_wait_ms' given twice");
        return -1;
    }
    errno = 0;
    v = strtol(value, &end, 10);
    if (errno != 0 || end == value || *end != '\0' || v < CONF_ENTRY_WAIT_MIN_MS ||
        v > CONF_ENTRY_WAIT_MAX_MS) {
        snprintf(why, cap,
                 "entry_wait_ms must be %d..%d (at least the device's [door_sensor] "
                 "window_ms)",
                 CONF_ENTRY_WAIT_MIN_MS, CONF_ENTRY_WAIT_MAX_MS);
        return -1;
    }
    s->entry_wait_ms = (int)v;
    return 1;
}

int conf_sensor_key(struct conf_sensor *s, const char *name, const char *value, char *why,
                    size_t cap)
{
    if (strcmp(name, "sensor") == 0)
        return yes_no(s, value, why, cap);
    if (strcmp(name, "entry_wait_ms") == 0)
        return wait_ms(s, value, why, cap);
    return 0;
}

int conf_entry_wait_ms(const struct conf_sensor *s)
{
    if (s->said != 1)
        return 0;
    return s->entry_wait_ms != 0 ? s->entry_wait_ms : CONF_ENTRY_WAIT_DEFAULT_MS;
}
