/* mqtt_retry.c - the gateway's broker reconnect timer (see mqtt_retry.h): one thread that
 * sleeps on a condition variable (CLOCK_MONOTONIC) and calls the attempt function when a
 * requested retry is due. */
#include "mqtt_retry.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

struct mqtt_retry {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int (*attempt)(void *);
    void *arg;
    int wanted;         /* a retry was requested */
    int stopping;
    unsigned delay_ms;  /* delay before the next attempt */
    unsigned failures;  /* requests since the last connect */
};

static void deadline_after(struct timespec *ts, unsigned ms)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
    ts->tv_sec += (time_t)(ms / 1000);
    ts->tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

static void *retry_main(void *p)
{
    struct mqtt_retry *r = p;
    pthread_mutex_lock(&r->mu);
    while (!r->stopping) {
        struct timespec due;
        if (!r->wanted) {
            pthread_cond_wait(&r->cv, &r->mu);
            continue;
        }
        deadline_after(&due, r->delay_ms);
        while (!r->stopping && pthread_cond_timedwait(&r->cv, &r->mu, &due) == 0)
            ; /* woken early (another request, or stop): keep the deadline */
        if (r->stopping)
            break;
        r->wanted = 0;
        r->delay_ms = r->delay_ms * 2 > MQTT_RETRY_MAX_MS ? MQTT_RETRY_MAX_MS : r->delay_ms * 2;
        pthread_mutex_unlock(&r->mu);
        if (r->attempt(r->arg) != 0) { /* not even started: try again later */
            pthread_mutex_lock(&r->mu);
            r->wanted = 1;
            continue;
        }
        pthread_mutex_lock(&r->mu);
    }
    pthread_mutex_unlock(&r->mu);
    return NULL;
}

struct mqtt_retry *mqtt_retry_start(int (*attempt)(void *arg), void *arg)
{
    pthread_condattr_t ca;
    struct mqtt_retry *r = calloc(1, sizeof *r);
    if (r == NULL)
        return NULL;
    r->attempt = attempt;
    r->arg = arg;
    r->delay_ms = MQTT_RETRY_MIN_MS;
    if (pthread_condattr_init(&ca) != 0) {
        free(r);
        return NULL;
    }
    if (pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0 || pthread_cond_init(&r->cv, &ca) != 0) {
        pthread_condattr_destroy(&ca);
        free(r);
        return NULL;
    }
    pthread_condattr_destroy(&ca);
    if (pthread_mutex_init(&r->mu, NULL) != 0) {
        pthread_cond_destroy(&r->cv);
        free(r);
        return NULL;
    }
    if (pthread_create(&r->thread, NULL, retry_main, r) != 0) {
        pthread_mutex_destroy(&r->mu);
        pthread_cond_destroy(&r->cv);
        free(r);
        return NULL;
    }
    return r;
}

void mqtt_retry_request(struct mqtt_retry *r)
{
    pthread_mutex_lock(&r->mu);
    r->wanted = 1;
    r->failures++;
    pthread_cond_signal(&r->cv);
    pthread_mutex_unlock(&r->mu);
}

void mqtt_retry_connected(struct mqtt_retry *r)
{
    pthread_mutex_lock(&r->mu);
    r->wanted = 0;
    r->failures = 0;
    r->delay_ms = MQTT_RETRY_MIN_MS;
    pthread_mutex_unlock(&r->mu);
}

unsigned mqtt_retry_failures(struct mqtt_retry *r)
{
    unsigned n;
    pthread_mutex_lock(&r->mu);
    n = r->failures;
    pthread_mutex_unlock(&r->mu);
    return n;
}

void mqtt_retry_stop(struct mqtt_retry *r)
{
    if (r == NULL)
        return;
    pthread_mutex_lock(&r->mu);
    r->stopping = 1;
    pthread_cond_signal(&r->cv);
    pthread_mutex_unlock(&r->mu);
    pthread_join(r->thread, NULL);
}

void mqtt_retry_free(struct mqtt_retry *r)
{
    if (r == NULL)
        return;
    pthread_mutex_destroy(&r->mu);
    pthread_cond_destroy(&r->cv);
    free(r);
}
