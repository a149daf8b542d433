/* pin_worker.c - the PIN-check thread and its fixed job table (see pin_worker.h). */
#include "pin_worker.h"

#include <openssl/crypto.h>
#include <string.h>

static void wipe(struct pin_job *j)
{
    OPENSSL_cleanse(j, sizeof *j);
    j->state = PIN_JOB_FREE;
}

/* Oldest queued job, or NULL. Lock held. */
static struct pin_job *next_queued(struct pin_worker *w)
{
    struct pin_job *best = NULL;
    int i;
    for (i = 0; i < PIN_WORKER_SLOTS; i++)
        if (w->jobs[i].state == PIN_JOB_QUEUED && (best == NULL || w->jobs[i].seq < best->seq))
            best = &w->jobs[i];
    return best;
}

static void *run(void *arg)
{
    struct pin_worker *w = arg;
    struct pin_job *j;
    char pin[PIN_MAX_LEN + 1], phc[PIN_HASH_MAX];
    enum pin_verify v;

    pthread_mutex_lock(&w->lock);
    for (;;) {
        while (!w->stopping && (j = next_queued(w)) == NULL)
            pthread_cond_wait(&w->cond, &w->lock);
        if (w->stopping)
            break;
        j->state = PIN_JOB_RUNNING;
        memcpy(pin, j->pin, sizeof pin);
        memcpy(phc, j->phc, sizeof phc);
        OPENSSL_cleanse(j->pin, sizeof j->pin);
        pthread_mutex_unlock(&w->lock);

        v = pin_hash_verify(w->pepper, pin, phc); /* the slow part, unlocked */
        OPENSSL_cleanse(pin, sizeof pin);

        pthread_mutex_lock(&w->lock);
        j->verdict = v;
        j->state = PIN_JOB_DONE;
        pthread_mutex_unlock(&w->lock);
        if (w->wake != NULL)
            w->wake(w->wake_arg);
        pthread_mutex_lock(&w->lock);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

int pin_worker_start(struct pin_worker *w, const struct pepper *pepper, void (*wake)(void *),
                     void *wake_arg)
{
    int i;
    memset(w, 0, sizeof *w);
    for (i = 0; i < PIN_WORKER_SLOTS; i++)
        w->jobs[i].state = PIN_JOB_FREE;
    w->pepper = pepper;
    w->wake = wake;
    w->wake_arg = wake_arg;
    if (pthread_mutex_init(&w->lock, NULL) != 0)
        return -1;
    if (pthread_cond_init(&w->cond, NULL) != 0) {
        pthread_mutex_destroy(&w->lock);
        return -1;
    }
    if (pthread_create(&w->thread, NULL, run, w) != 0) {
        pthread_cond_destroy(&w->cond);
        pthread_mutex_destroy(&w->lock);
        return -1;
    }
    w->started = 1;
    return 0;
}

void pin_worker_stop(struct pin_worker *w)
{
    int i;
    if (!w->started)
        return;
    pthread_mutex_lock(&w->lock);
    w->stopping = 1;
    pthread_cond_broadcast(&w->cond);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    for (i = 0; i < PIN_WORKER_SLOTS; i++)
        wipe(&w->jobs[i]);
    pthread_cond_destroy(&w->cond);
    pthread_mutex_destroy(&w->lock);
    w->started = 0;
}

enum pin_submit pin_worker_submit(struct pin_worker *w, const char *user, const char *pin,
                                  const char *phc, void *ctx)
{
    struct pin_job *slot = NULL;
    enum pin_submit rc = PIN_SUBMITTED;
    int i;

    if (user == NULL || strlen(user) > LK_BY_MAX || pin == NULL || strlen(pin) > PIN_MAX_LEN ||
        phc == NULL || strlen(phc) >= PIN_HASH_MAX)
        return PIN_SUBMIT_INVALID;
    pthread_mutex_lock(&w->lock);
    for (i = 0; i < PIN_WORKER_SLOTS; i++) {
        struct pin_job *j = &w->jobs[i];
        if (j->state == PIN_JOB_FREE) {
            if (slot == NULL)
                slot = j;
        } else if (j->state != PIN_JOB_DONE && strcmp(j->user, user) == 0) {
            rc = PIN_SUBMIT_USER_BUSY;
        }
    }
    if (rc == PIN_SUBMITTED && slot == NULL)
        rc = PIN_SUBMIT_FULL;
    if (rc == PIN_SUBMITTED && !w->stopping) {
        strcpy(slot->user, user); /* lengths checked above */
        strcpy(slot->pin, pin);
        strcpy(slot->phc, phc);
        slot->ctx = ctx;
        slot->seq = w->next_seq++;
        slot->state = PIN_JOB_QUEUED;
        pthread_cond_signal(&w->cond);
    } else if (rc == PIN_SUBMITTED) {
        rc = PIN_SUBMIT_FULL;
    }
    pthread_mutex_unlock(&w->lock);
    return rc;
}

int pin_worker_collect(struct pin_worker *w,
                       void (*done)(void *arg, void *ctx, const char *user, enum pin_verify v),
                       void *arg)
{
    struct pin_job finished;
    int i, n = 0;

    for (i = 0; i < PIN_WORKER_SLOTS; i++) {
        pthread_mutex_lock(&w->lock);
        if (w->jobs[i].state != PIN_JOB_DONE) {
            pthread_mutex_unlock(&w->lock);
            continue;
        }
        finished = w->jobs[i];
        wipe(&w->jobs[i]);
        pthread_mutex_unlock(&w->lock);
        done(arg, finished.ctx, finished.user, finished.verdict); /* unlocked: may submit */
        OPENSSL_cleanse(&finished, sizeof finished);
        n++;
    }
    return n;
}

int pin_worker_busy(struct pin_worker *w)
{
    int i, n = 0;
    pthread_mutex_lock(&w->lock);
    for (i = 0; i < PIN_WORKER_SLOTS; i++)
        n += w->jobs[i].state == PIN_JOB_QUEUED || w->jobs[i].state == PIN_JOB_RUNNING;
    pthread_mutex_unlock(&w->lock);
    return n;
}
