/* webhook.c - the webhook's queue and thread (see webhook.h). */
#include "webhook.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "door_event.h"
#include "gw_log.h"
#include "http_post.h"

struct webhook {
    struct http_url url;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int stop;
    unsigned head, count, dropped;
    char body[WEBHOOK_QUEUE_MAX][DOOR_EVENT_MAX];
    size_t len[WEBHOOK_QUEUE_MAX];
};

/* Waits ms or until stop is asked. 1 if asked to stop. Lock held. */
static int pause_ms(struct webhook *w, int ms)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += ms / 1000;
    until.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    while (!w->stop && pthread_cond_timedwait(&w->cond, &w->lock, &until) == 0)
        ;
    return w->stop;
}

static void deliver(struct webhook *w, const char *body, size_t len)
{
    int tries, code = -1;
    for (tries = 1; tries <= WEBHOOK_TRIES; tries++) {
        pthread_mutex_unlock(&w->lock);
        code = http_post(&w->url, body, len, WEBHOOK_TIMEOUT_MS);
        pthread_mutex_lock(&w->lock);
        if (code >= 200 && code < 300)
            return;
        if (tries == WEBHOOK_TRIES || pause_ms(w, 1000 * tries))
            break;
    }
    if (code < 0)
        gw_log("webhook: no answer from %s:%s after %d tries; event dropped", w->url.host,
               w->url.port, tries);
    else
        gw_log("webhook: %s:%s answered %d after %d tries; event dropped", w->url.host, w->url.port,
               code, tries);
}

static void *run(void *arg)
{
    struct webhook *w = arg;
    char body[DOOR_EVENT_MAX];
    size_t len;
    pthread_mutex_lock(&w->lock);
    while (!w->stop) {
        if (w->count == 0) {
            pthread_cond_wait(&w->cond, &w->lock);
            continue;
        }
        len = w->len[w->head];
        memcpy(body, w->body[w->head], len);
        w->head = (w->head + 1) % WEBHOOK_QUEUE_MAX;
        w->count--;
        deliver(w, body, len);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

struct webhook *webhook_start(const char *url, char *err, size_t errlen)
{
    struct webhook *w = calloc(1, sizeof *w);
    if (w == NULL) {
        snprintf(err, errlen, "webhook: out of memory");
        return NULL;
    }
    if (http_url_parse(url, &w->url) != 0) {
        snprintf(err, errlen, "[notify] webhook: cannot use '%s' (http[s]://host[:port][/path])",
                 url);
        free(w);
        return NULL;
    }
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->cond, NULL);
    if (pthread_create(&w->thread, NULL, run, w) != 0) {
        snprintf(err, errlen, "webhook: cannot start its thread");
        pthread_cond_destroy(&w->cond);
        pthread_mutex_destroy(&w->lock);
        free(w);
        return NULL;
    }
    return w;
}

int webhook_post(struct webhook *w, const char *json, size_t len)
{
    int rc = -1;
    if (w == NULL || len >= DOOR_EVENT_MAX)
        return -1;
    pthread_mutex_lock(&w->lock);
    if (w->count < WEBHOOK_QUEUE_MAX) {
        unsigned i = (w->head + w->count) % WEBHOOK_QUEUE_MAX;
        memcpy(w->body[i], json, len);
        w->len[i] = len;
        w->count++;
        rc = 0;
        pthread_cond_signal(&w->cond);
    } else {
        w->dropped++;
    }
    pthread_mutex_unlock(&w->lock);
    if (rc != 0)
        gw_log("webhook: %d events wait already; this one is dropped", WEBHOOK_QUEUE_MAX);
    return rc;
}

void webhook_stop(struct webhook *w)
{
    if (w == NULL)
        return;
    pthread_mutex_lock(&w->lock);
    w->stop = 1;
    pthread_cond_broadcast(&w->cond);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    pthread_cond_destroy(&w->cond);
    pthread_mutex_destroy(&w->lock);
    free(w);
}
