/* relay_gpio.h - the relay on a GPIO line through libgpiod v1 (Debian 12: libgpiod 1.6),
 * e.g. a Raspberry Pi driving a relay module. The libgpiod calls sit behind a small table
 * of functions (struct lkp_gpio_ops) so the logic (active-low inversion, off at open and
 * close, error handling) is unit-tested without a GPIO chip. */
#ifndef LKP_RELAY_GPIO_H
#define LKP_RELAY_GPIO_H

#include <stddef.h>

#define LKP_GPIO_CONSUMER "latchkey-relay"

/* Opaque chip / line handles of the library (struct gpiod_chip / gpiod_line). */
struct lkp_gpio_ops {
    void *(*chip_open)(const char *name);   /* NULL + errno on failure */
    unsigned (*chip_num_lines)(void *chip);
    void *(*chip_get_line)(void *chip, unsigned offset); /* NULL + errno */
    int (*line_request_output)(void *line, const char *consumer, int default_value); /* 0 / -1 + errno */
    int (*line_set_value)(void *line, int value);   /* 0 / -1 + errno */
    void (*line_release)(void *line);
    void (*chip_close)(void *chip);
};

/* The real thing: gpiod_chip_open_lookup (name "gpiochip0", path, label or number),
 * gpiod_line_request_output, gpiod_line_set_value, ... */
extern const struct lkp_gpio_ops lkp_gpio_libgpiod;

struct lkp_relay_gpio {
    const struct lkp_gpio_ops *ops;
    void *chip;
    void *line;          /* NULL when closed */
    int active_low;      /* 1: the module energises the relay when the line is LOW */
    int on;              /* logical state last set successfully */
    unsigned offset;
    char chip_name[64];
};

/* Opens chip_name, requests line offset as an output that starts OFF (level 1 when
 * active_low, else 0). 0, or -1 with a one-line message in err (chip missing, no such
 * line, line busy, permission denied). */
int lkp_relay_gpio_open(struct lkp_relay_gpio *g, const struct lkp_gpio_ops *ops,
                        const char *chip_name, unsigned offset, int active_low, char *err,
                        size_t errlen);

/* Drives the relay (on != 0 energises it). 0, or -1 after logging: then the output is
 * driven off once more and treated as off. */
int lkp_relay_gpio_set(struct lkp_relay_gpio *g, int on);

/* Off without logging or locking: for fatal-signal handlers and the watchdog. */
void lkp_relay_gpio_off_now(struct lkp_relay_gpio *g);

/* Drives the output off, releases the line and closes the chip. */
void lkp_relay_gpio_close(struct lkp_relay_gpio *g);

#endif
