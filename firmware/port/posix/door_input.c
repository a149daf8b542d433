/* door_input.c - the door contact's GPIO or file input (see door_input.h). */
#include "door_input.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <gpiod.h>

#include "log.h"

static int bias_flags(enum lkp_bias b)
{
    switch (b) {
    case LKP_BIAS_DISABLE: return GPIOD_LINE_REQUEST_FLAG_BIAS_DISABLE;
    case LKP_BIAS_PULL_UP: return GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_UP;
    case LKP_BIAS_PULL_DOWN: return GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_DOWN;
    case LKP_BIAS_AS_IS: break;
    }
    return 0;
}

static int open_gpio(struct lkp_door_input *d, const struct lkp_config *c, char *err, size_t errlen)
{
    int flags =
        bias_flags(c->door_bias) | (c->door_active_low ? GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW : 0);
    struct gpiod_chip *chip = gpiod_chip_open_lookup(c->door_chip);
    struct gpiod_line *line;
    if (chip == NULL) {
        snprintf(err, errlen, "[door_sensor] gpio_chip %s: cannot open: %s", c->door_chip,
                 strerror(errno));
        return -1;
    }
    line =
        c->door_line < gpiod_chip_num_lines(chip) ? gpiod_chip_get_line(chip, c->door_line) : NULL;
    if (line == NULL || gpiod_line_request_input_flags(line, "latchkey-door", flags) != 0) {
        snprintf(err, errlen, "[door_sensor] %s line %u: cannot request it as an input: %s",
                 c->door_chip, (unsigned)c->door_line,
                 line == NULL ? "no such line" : strerror(errno));
        gpiod_chip_close(chip);
        return -1;
    }
    d->chip = chip;
    d->line = line;
    return 0;
}

int lkp_door_input_open(struct lkp_door_input *d, const struct lkp_config *c, char *err,
                        size_t errlen)
{
    memset(d, 0, sizeof *d);
    d->backend = c->door_backend;
    if (d->backend == LKP_DOOR_FILE) {
        snprintf(d->path, sizeof d->path, "%s", c->door_file);
        return 0;
    }
    if (d->backend == LKP_DOOR_GPIO)
        return open_gpio(d, c, err, errlen);
    return 0;
}

/* "1"/"open" -> 1, "0"/"closed" -> 0 (a trailing newline allowed), else -1. */
static int read_file(const char *path)
{
    char buf[16];
    size_t n;
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return -1;
    n = fread(buf, 1, sizeof buf - 1, f);
    (void)fclose(f); /* read-only */
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' '))
        n--;
    buf[n] = '\0';
    if (strcmp(buf, "1") == 0 || strcmp(buf, "open") == 0)
        return 1;
    if (strcmp(buf, "0") == 0 || strcmp(buf, "closed") == 0)
        return 0;
    return -1;
}

int lkp_door_input_read(struct lkp_door_input *d)
{
    int v = -1;
    if (d->backend == LKP_DOOR_FILE)
        v = read_file(d->path);
    else if (d->backend == LKP_DOOR_GPIO)
        v = gpiod_line_get_value(d->line);
    if (v < 0 && !d->failing)
        lkp_log_error("door sensor: no reading (%s); the door's state stays as it was",
                      d->backend == LKP_DOOR_FILE ? d->path : "gpio");
    d->failing = v < 0;
    return v < 0 ? -1 : v != 0;
}

void lkp_door_input_close(struct lkp_door_input *d)
{
    if (d->line != NULL)
        gpiod_line_release(d->line);
    if (d->chip != NULL)
        gpiod_chip_close(d->chip);
    d->line = d->chip = NULL;
}
