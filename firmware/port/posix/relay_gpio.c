/* relay_gpio.c - relay output on a GPIO line with libgpiod v1 (relay_gpio.h): the line is
 * requested as an output already at the OFF level, the logical on/off is mapped to the
 * line level through active_low, and every failure gives a clear one-line message. */
#include "relay_gpio.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <gpiod.h>

#include "log.h"

static void *g_chip_open(const char *name) { return gpiod_chip_open_lookup(name); }
static unsigned g_num_lines(void *chip) { return gpiod_chip_num_lines(chip); }
static void *g_get_line(void *chip, unsigned offset) { return gpiod_chip_get_line(chip, offset); }
static int g_request_output(void *line, const char *consumer, int v)
{
    return gpiod_line_request_output(line, consumer, v);
}
static int g_set_value(void *line, int v) { return gpiod_line_set_value(line, v); }
static void g_release(void *line) { gpiod_line_release(line); }
static void g_chip_close(void *chip) { gpiod_chip_close(chip); }

const struct lkp_gpio_ops lkp_gpio_libgpiod = {
    g_chip_open, g_num_lines, g_get_line, g_request_output, g_set_value, g_release, g_chip_close,
};

/* Line level for a logical state. */
static int level(const struct lkp_relay_gpio *g, int on)
{
    return (on != 0) != (g->active_low != 0);
}

int lkp_relay_gpio_open(struct lkp_relay_gpio *g, const struct lkp_gpio_ops *ops,
                        const char *chip_name, unsigned offset, int active_low, char *err,
                        size_t errlen)
{
    unsigned n;

    memset(g, 0, sizeof *g);
    g->ops = ops;
    g->active_low = active_low != 0;
    g->offset = offset;
    snprintf(g->chip_name, sizeof g->chip_name, "%s", chip_name);
    errno = 0;
    g->chip = ops->chip_open(chip_name);
    if (g->chip == NULL) {
        snprintf(err, errlen, "cannot open GPIO chip '%s': %s (see `gpiodetect`; on a Raspberry "
                 "Pi it is gpiochip0)", chip_name, errno != 0 ? strerror(errno) : "not found");
        return -1;
    }
    n = ops->chip_num_lines(g->chip);
    if (offset >= n) {
        snprintf(err, errlen, "GPIO chip '%s' has no line %u (it has %u lines: 0..%u)", chip_name,
                 offset, n, n > 0 ? n - 1 : 0);
        goto fail;
    }
    errno = 0;
    g->line = ops->chip_get_line(g->chip, offset);
    if (g->line == NULL) {
        snprintf(err, errlen, "cannot get line %u of GPIO chip '%s': %s", offset, chip_name,
                 strerror(errno));
        goto fail;
    }
    /* The request sets the level atomically: the relay never twitches at start. */
    if (ops->line_request_output(g->line, LKP_GPIO_CONSUMER, level(g, 0)) != 0) {
        snprintf(err, errlen, "cannot use line %u of GPIO chip '%s' as an output: %s%s", offset,
                 chip_name, strerror(errno),
                 errno == EBUSY ? " (another program holds it: see `gpioinfo`)" : "");
        g->line = NULL;
        goto fail;
    }
    return 0;
fail:
    ops->chip_close(g->chip);
    g->chip = NULL;
    return -1;
}

int lkp_relay_gpio_set(struct lkp_relay_gpio *g, int on)
{
    on = on != 0;
    if (g->line == NULL) {
        g->on = 0;
        return -1;
    }
    if (g->ops->line_set_value(g->line, level(g, on)) != 0) {
        lkp_log_error("relay gpio: cannot set line %u of '%s': %s; driving it off", g->offset,
                      g->chip_name, strerror(errno));
        (void)g->ops->line_set_value(g->line, level(g, 0));
        g->on = 0;
        return -1;
    }
    g->on = on;
    return 0;
}

void lkp_relay_gpio_off_now(struct lkp_relay_gpio *g)
{
    if (g->line != NULL)
        (void)g->ops->line_set_value(g->line, level(g, 0));
    g->on = 0;
}

void lkp_relay_gpio_close(struct lkp_relay_gpio *g)
{
    if (g->chip == NULL)
        return;
    if (g->line != NULL) {
        if (g->ops->line_set_value(g->line, level(g, 0)) != 0)
            lkp_log_error("relay gpio: cannot switch line %u of '%s' off at close: %s", g->offset,
                          g->chip_name, strerror(errno));
        g->ops->line_release(g->line);
        g->line = NULL;
    }
    g->ops->chip_close(g->chip);
    g->chip = NULL;
    g->on = 0;
}
