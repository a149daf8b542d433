/* relay_output.h - the device's relay output on Linux: the configured backend (sim log or
 * GPIO line) plus an independent watchdog thread that forces the output off at the pulse
 * deadline + LKP_RELAY_WATCHDOG_MARGIN_MS, whatever the main loop is doing (a stalled
 * TLS call, a slow disk, a bug). The core already ends pulses on time from its poll;
 * this is the backstop. Thread-safe; lkp_relay_output_emergency_off is for signal
 * handlers. */
#ifndef LKP_RELAY_OUTPUT_H
#define LKP_RELAY_OUTPUT_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "config.h"
#include "relay_gpio.h"
#include "relay_sim.h"

#define LKP_RELAY_WATCHDOG_MARGIN_MS 250u

struct lkp_relay_output {
    enum lkp_relay_backend kind;
    struct lkp_relay_sim sim;
    struct lkp_relay_gpio gpio;
    uint32_t limit_ms;            /* longest the output may stay on: pulse + margin */

    pthread_mutex_t mu;
    pthread_cond_t cv;            /* CLOCK_MONOTONIC */
    pthread_t thread;
    int thread_running;
    int stop;                     /* asks the watchdog thread to end */
    int on;                       /* the output as last driven */
    int armed;                    /* a deadline is set */
    struct timespec deadline;     /* CLOCK_MONOTONIC */
    volatile unsigned trips;      /* pulses the watchdog had to end */
};

/* Opens the backend of cfg (output off), then starts the watchdog with a limit of
 * cfg->pulse_ms + LKP_RELAY_WATCHDOG_MARGIN_MS. gpio_ops NULL means libgpiod. 0, or -1
 * with a one-line message in err (the output is then closed and off). */
int lkp_relay_output_open(struct lkp_relay_output *r, const struct lkp_config *cfg,
                          const struct lkp_gpio_ops *gpio_ops, char *err, size_t errlen);

/* Drives the output (on != 0 energises it) and arms / disarms the watchdog. */
void lkp_relay_output_set(struct lkp_relay_output *r, int on);

/* 1 if the output is on now. */
int lkp_relay_output_is_on(struct lkp_relay_output *r);

/* Best-effort off from a fatal-signal handler or atexit: no lock, no stdio. */
void lkp_relay_output_emergency_off(struct lkp_relay_output *r);

/* Stops the watchdog, drives the output off and closes the backend. Idempotent. */
void lkp_relay_output_close(struct lkp_relay_output *r);

/* A human-readable description for the start-up log ("sim log FILE", "gpio gpiochip0
 * line 17 (active low)"). */
void lkp_relay_output_describe(const struct lkp_relay_output *r, char *out, size_t cap);

#endif
