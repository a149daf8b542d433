/* crl_worker.c - the CRL thread and its one-run hand-over (see crl_worker.h). */
#include "crl_worker.h"

#include <pthread.h>
#include <stdlib.h>

enum run_state { RUN_IDLE, RUN_RUNNING, RUN_DONE };

struct crl_worker {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    pthread_t thread;
    int stopping;
    enum run_state state;
    const struct crl_set *base; /* RUNNING: the set to build on */
    int force, want_force;
    struct crl_set *result; /* DONE */
    int changed;
    crl_build_fn build;
    void *ctx;
    void (*wake)(void *);
    void *wake_arg;
};

static void *run(void *arg)
{
    struct crl_worker *w = arg;
    struct crl_set *set;
    int changed;

    pthread_mutex_lock(&w->lock);
    for (;;) {
        while (!w->stopping && w->state != RUN_RUNNING)
            pthread_cond_wait(&w->cond, &w->lock);
        if (w->stopping)
            break;
        pthread_mutex_unlock(&w->lock);
        changed = 0;
        set = w->build(w->ctx, w->base, w->force, &changed);
        pthread_mutex_lock(&w->lock);
        w->result = set;
        w->changed = changed;
        w->state = RUN_DONE;
        pthread_cond_broadcast(&w->cond);
        if (set != NULL && w->wake != NULL) {
            pthread_mutex_unlock(&w->lock);
            w->wake(w->wake_arg);
            pthread_mutex_lock(&w->lock);
        }
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

struct crl_worker *crl_worker_start(crl_build_fn build, void *ctx, void (*wake)(void *), void *arg)
{
    struct crl_worker *w = calloc(1, sizeof *w);

    if (w == NULL)
        return NULL;
    w->build = build;
    w->ctx = ctx;
    w->wake = wake;
    w->wake_arg = arg;
    if (pthread_mutex_init(&w->lock, NULL) != 0) {
        free(w);
        return NULL;
    }
    if (pthread_cond_init(&w->cond, NULL) != 0) {
        pthread_mutex_destroy(&w->lock);
        free(w);
        return NULL;
    }
    if (pthread_create(&w->thread, NULL, run, w) != 0) {
        pthread_cond_destroy(&w->cond);
        pthread_mutex_destroy(&w->lock);
        free(w);
        return NULL;
    }
    return w;
}

struct crl_set *crl_worker_stop(struct crl_worker *w)
{
    struct crl_set *left;

    if (w == NULL)
        return NULL;
    pthread_mutex_lock(&w->lock);
    while (w->state == RUN_RUNNING)
        pthread_cond_wait(&w->cond, &w->lock);
    w->stopping = 1;
    left = w->state == RUN_DONE ? w->result : NULL;
    pthread_cond_broadcast(&w->cond);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    pthread_cond_destroy(&w->cond);
    pthread_mutex_destroy(&w->lock);
    free(w);
    return left;
}

int crl_worker_request(struct crl_worker *w, const struct crl_set *base, int force)
{
    int rc = -1;

    pthread_mutex_lock(&w->lock);
    if (w->state == RUN_IDLE) {
        w->base = base;
        w->force = force || w->want_force;
        w->want_force = 0;
        w->state = RUN_RUNNING;
        pthread_cond_broadcast(&w->cond);
        rc = 0;
    } else if (force) {
        w->want_force = 1;
    }
    pthread_mutex_unlock(&w->lock);
    return rc;
}

int crl_worker_take(struct crl_worker *w, struct crl_set **set, int *changed)
{
    int done;

    pthread_mutex_lock(&w->lock);
    done = w->state == RUN_DONE;
    if (done) {
        *set = w->result;
        *changed = w->changed;
        w->result = NULL;
        w->state = RUN_IDLE;
    }
    pthread_mutex_unlock(&w->lock);
    return done;
}

int crl_worker_force_waiting(struct crl_worker *w)
{
    int want;

    pthread_mutex_lock(&w->lock);
    want = w->want_force;
    pthread_mutex_unlock(&w->lock);
    return want;
}
