/* relay_output.c - relay backend selection and the independent pulse watchdog
 * (relay_output.h). The watchdog thread sleeps on a CLOCK_MONOTONIC condition variable
 * until the deadline of the running pulse and drives the output off itself if the main
 * loop has not done so by then. */
#include "relay_output.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

static void backend_set(struct lkp_relay_output *r, int on)
{
    if (r->kind == LKP_RELAY_GPIO) {
        (void)lkp_relay_gpio_set(&r->gpio, on);
        r->on = r->gpio.on;
    } else {
        lkp_relay_sim_set(&r->sim, on);
        r->on = r->sim.on;
    }
}

static int after(const struct timespec *a, const struct timespec *b)
{
    return a->tv_sec > b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec >= b->tv_nsec);
}

static void *watchdog(void *arg)
{
    struct lkp_relay_output *r = arg;
    sigset_t all;

    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL); /* signals belong to the main loop */
    pthread_mutex_lock(&r->mu);
    while (!r->stop) {
        struct timespec now;
        if (!r->armed) {
            pthread_cond_wait(&r->cv, &r->mu);
            continue;
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (!after(&now, &r->deadline)) {
            (void)pthread_cond_timedwait(&r->cv, &r->mu, &r->deadline);
            continue; /* woken (re-armed, disarmed, stop) or timed out: look again */
        }
        r->armed = 0;
        if (r->on) {
            backend_set(r, 0);
            r->trips++;
            lkp_log_error("relay watchdog: the pulse was not ended within %lu ms (main loop "
                          "stalled?); output forced off", (unsigned long)r->limit_ms);
        }
    }
    pthread_mutex_unlock(&r->mu);
    return NULL;
}

int lkp_relay_output_open(struct lkp_relay_output *r, const struct lkp_config *cfg,
                          const struct lkp_gpio_ops *gpio_ops, char *err, size_t errlen)
{
    pthread_condattr_t ca;
    int rc;

    memset(r, 0, sizeof *r);
    r->sim.fd = -1;
    r->kind = cfg->backend;
    r->limit_ms = cfg->pulse_ms + LKP_RELAY_WATCHDOG_MARGIN_MS;
    if (r->kind == LKP_RELAY_GPIO) {
        if (lkp_relay_gpio_open(&r->gpio, gpio_ops != NULL ? gpio_ops : &lkp_gpio_libgpiod,
                                cfg->gpio_chip, cfg->gpio_line, cfg->active_low, err, errlen) != 0)
            return -1;
    } else if (r->kind == LKP_RELAY_SIM) {
        if (lkp_relay_sim_open(&r->sim, cfg->sim_log, err, errlen) != 0)
            return -1;
    } else {
        snprintf(err, errlen, "no relay backend configured");
        return -1;
    }
    if (pthread_mutex_init(&r->mu, NULL) != 0 || pthread_condattr_init(&ca) != 0) {
        snprintf(err, errlen, "relay watchdog: cannot initialise its lock");
        goto fail;
    }
    if (pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0 || pthread_cond_init(&r->cv, &ca) != 0) {
        pthread_condattr_destroy(&ca);
        pthread_mutex_destroy(&r->mu);
        snprintf(err, errlen, "relay watchdog: cannot initialise its clock");
        goto fail;
    }
    pthread_condattr_destroy(&ca);
    rc = pthread_create(&r->thread, NULL, watchdog, r);
    if (rc != 0) {
        pthread_cond_destroy(&r->cv);
        pthread_mutex_destroy(&r->mu);
        snprintf(err, errlen, "relay watchdog: cannot start its thread: %s", strerror(rc));
        goto fail;
    }
    r->thread_running = 1;
    return 0;
fail:
    if (r->kind == LKP_RELAY_GPIO)
        lkp_relay_gpio_close(&r->gpio);
    else
        lkp_relay_sim_close(&r->sim);
    return -1;
}

void lkp_relay_output_set(struct lkp_relay_output *r, int on)
{
    on = on != 0;
    if (!r->thread_running) {
        return; /* closed: stays off */
    }
    pthread_mutex_lock(&r->mu);
    if (on) {
        clock_gettime(CLOCK_MONOTONIC, &r->deadline);
        r->deadline.tv_sec += (time_t)(r->limit_ms / 1000u);
        r->deadline.tv_nsec += (long)(r->limit_ms % 1000u) * 1000000L;
        if (r->deadline.tv_nsec >= 1000000000L) {
            r->deadline.tv_sec++;
            r->deadline.tv_nsec -= 1000000000L;
        }
    }
    if (on != r->on)
        backend_set(r, on);
    r->armed = r->on; /* armed only while the output really is on */
    pthread_cond_signal(&r->cv);
    pthread_mutex_unlock(&r->mu);
}

int lkp_relay_output_is_on(struct lkp_relay_output *r)
{
    int on;
    if (!r->thread_running)
        return 0;
    pthread_mutex_lock(&r->mu);
    on = r->on;
    pthread_mutex_unlock(&r->mu);
    return on;
}

void lkp_relay_output_emergency_off(struct lkp_relay_output *r)
{
    if (r->kind == LKP_RELAY_GPIO)
        lkp_relay_gpio_off_now(&r->gpio);
    else
        lkp_relay_sim_off_now(&r->sim);
    r->on = 0;
}

void lkp_relay_output_close(struct lkp_relay_output *r)
{
    if (r->thread_running) {
        pthread_mutex_lock(&r->mu);
        r->stop = 1;
        r->armed = 0;
        pthread_cond_signal(&r->cv);
        pthread_mutex_unlock(&r->mu);
        pthread_join(r->thread, NULL);
        r->thread_running = 0;
        pthread_cond_destroy(&r->cv);
        pthread_mutex_destroy(&r->mu);
    }
    if (r->kind == LKP_RELAY_GPIO)
        lkp_relay_gpio_close(&r->gpio);
    else if (r->kind == LKP_RELAY_SIM)
        lkp_relay_sim_close(&r->sim);
    r->on = 0;
}

void lkp_relay_output_describe(const struct lkp_relay_output *r, char *out, size_t cap)
{
    if (r->kind == LKP_RELAY_GPIO)
        snprintf(out, cap, "gpio %s line %u%s", r->gpio.chip_name, r->gpio.offset,
                 r->gpio.active_low ? " (active low)" : "");
    else
        snprintf(out, cap, "sim log %s", r->sim.path);
}
