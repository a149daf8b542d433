/* door_input.h - the door contact of the Linux device ([door_sensor], docs/firmware.md
 * "Door sensor"): a GPIO input with libgpiod v1 (bias pull-up / pull-down / disable /
 * as-is, active_low), or a file whose content a test (or another program) writes, "1" /
 * "open" or "0" / "closed". Raw readings only: the core debounces (lk/door_sensor.h). */
#ifndef LKP_DOOR_INPUT_H
#define LKP_DOOR_INPUT_H

#include <stddef.h>

#include "config.h"

struct lkp_door_input {
    enum lkp_door_backend backend; /* LKP_DOOR_NONE: no sensor */
    char path[LKP_PATH_MAX];       /* backend file */
    void *chip, *line;             /* backend gpio: libgpiod's */
    int failing;                   /* the last read failed (logged once per failure run) */
};

/* Opens the configured input (nothing for LKP_DOOR_NONE). 0, or -1 with a one-line err. */
int lkp_door_input_open(struct lkp_door_input *d, const struct lkp_config *c, char *err,
                        size_t errlen);

/* 1 open, 0 closed, -1 no reading now (a missing or unreadable file, a GPIO error). */
int lkp_door_input_read(struct lkp_door_input *d);

void lkp_door_input_close(struct lkp_door_input *d);

#endif
