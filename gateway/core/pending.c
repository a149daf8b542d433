/* pending.c - mutex-protected table of in-flight door actions (see pending.h). */
#include "pending.h"

#include <string.h>

int pending_init(struct pending_table *t, void (*wake)(void *), void *wake_arg)
{
    memset(t->e, 0, sizeof t->e);
    t->next_gen = 1;
    t->wake = wake;
    t->wake_arg = wake_arg;
    return pthread_mutex_init(&t->lock, NULL) == 0 ? 0 : -1;
}

void pending_destroy(struct pending_table *t)
{
    pthread_mutex_destroy(&t->lock);
}

static void copy(char *dst, size_t cap, const char *src)
{
    size_t n = src != NULL ? strlen(src) : 0;
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src != NULL ? src : "", n);
    dst[n] = '\0';
}

/* Locked. The entry of a handle if it is live. */
static struct pending_entry *lookup(struct pending_table *t, struct pending_handle h)
{
    struct pending_entry *e;
    if (h.slot < 0 || h.slot >= PENDING_MAX)
        return NULL;
    e = &t->e[h.slot];
    return e->state != PENDING_FREE && e->gen == h.gen ? e : NULL;
}

int pending_add(struct pending_table *t, const char *id, const char *user, const char *door,
                int64_t now_ms, int64_t deadline_ms, void *owner, struct pending_handle *h)
{
    int i, rc = -1;
    pthread_mutex_lock(&t->lock);
    for (i = 0; i < PENDING_MAX; i++) {
        struct pending_entry *e = &t->e[i];
        if (e->state != PENDING_FREE)
            continue;
        memset(e, 0, sizeof *e);
        e->state = PENDING_WAITING;
        e->gen = t->next_gen++;
        if (t->next_gen == 0)
            t->next_gen = 1;
        e->deadline_ms = deadline_ms;
        copy(e->info.id, sizeof e->info.id, id);
        copy(e->info.user, sizeof e->info.user, user);
        copy(e->info.door, sizeof e->info.door, door);
        e->info.result = GW_NOT_CONFIRMED;
        e->info.started_ms = now_ms;
        e->info.owner = owner;
        h->slot = i;
        h->gen = e->gen;
        rc = 0;
        break;
    }
    pthread_mutex_unlock(&t->lock);
    return rc;
}

static void wake(struct pending_table *t)
{
    if (t->wake != NULL)
        t->wake(t->wake_arg);
}

int pending_ack(struct pending_table *t, const char *id, const char *door, int ok,
                const char *reason)
{
    int i, found = 0;
    pthread_mutex_lock(&t->lock);
    for (i = 0; i < PENDING_MAX; i++) {
        struct pending_entry *e = &t->e[i];
        if (e->state != PENDING_WAITING || strcmp(e->info.id, id) != 0 ||
            strcmp(e->info.door, door) != 0)
            continue;
        e->state = PENDING_DONE;
        e->info.result = ok ? GW_OPENED : GW_REJECTED;
        copy(e->info.reason, sizeof e->info.reason, reason);
        found = 1;
        break;
    }
    pthread_mutex_unlock(&t->lock);
    if (found)
        wake(t);
    return found ? 0 : -1;
}

void pending_fail(struct pending_table *t, struct pending_handle h, enum gw_result result,
                  const char *reason)
{
    struct pending_entry *e;
    int changed = 0;
    pthread_mutex_lock(&t->lock);
    e = lookup(t, h);
    if (e != NULL && e->state == PENDING_WAITING) {
        e->state = PENDING_DONE;
        e->info.result = result;
        copy(e->info.reason, sizeof e->info.reason, reason);
        changed = 1;
    }
    pthread_mutex_unlock(&t->lock);
    if (changed)
        wake(t);
}

int pending_expire(struct pending_table *t, int64_t now_ms)
{
    int i, n = 0;
    pthread_mutex_lock(&t->lock);
    for (i = 0; i < PENDING_MAX; i++) {
        struct pending_entry *e = &t->e[i];
        if (e->state == PENDING_WAITING && now_ms >= e->deadline_ms) {
            e->state = PENDING_DONE;
            e->info.result = GW_NOT_CONFIRMED;
            copy(e->info.reason, sizeof e->info.reason, "timeout");
            n++;
        }
    }
    pthread_mutex_unlock(&t->lock);
    return n;
}

int64_t pending_next_deadline(struct pending_table *t)
{
    int64_t best = -1;
    int i;
    pthread_mutex_lock(&t->lock);
    for (i = 0; i < PENDING_MAX; i++)
        if (t->e[i].state == PENDING_WAITING && (best < 0 || t->e[i].deadline_ms < best))
            best = t->e[i].deadline_ms;
    pthread_mutex_unlock(&t->lock);
    return best;
}

void pending_collect(struct pending_table *t, void (*on_done)(void *arg, void *owner),
                     void (*on_orphan)(void *arg, const struct pending_info *info), void *arg)
{
    struct pending_info orphans[PENDING_MAX];
    void *owners[PENDING_MAX];
    int i, n_orphans = 0, n_owners = 0;

    /* Gather under the lock, call back without it (callbacks may take entries). */
    pthread_mutex_lock(&t->lock);
    for (i = 0; i < PENDING_MAX; i++) {
        struct pending_entry *e = &t->e[i];
        if (e->state != PENDING_DONE)
            continue;
        if (e->info.owner != NULL) {
            owners[n_owners++] = e->info.owner;
        } else {
            orphans[n_orphans++] = e->info;
            e->state = PENDING_FREE;
        }
    }
    pthread_mutex_unlock(&t->lock);
    for (i = 0; i < n_owners; i++)
        on_done(arg, owners[i]);
    for (i = 0; i < n_orphans; i++)
        on_orphan(arg, &orphans[i]);
}

int pending_take(struct pending_table *t, struct pending_handle h, struct pending_info *out)
{
    struct pending_entry *e;
    int rc;
    pthread_mutex_lock(&t->lock);
    e = lookup(t, h);
    if (e == NULL) {
        rc = -1;
    } else if (e->state != PENDING_DONE) {
        rc = 0;
    } else {
        *out = e->info;
        e->state = PENDING_FREE;
        rc = 1;
    }
    pthread_mutex_unlock(&t->lock);
    return rc;
}

int pending_waiting_owners(struct pending_table *t, void **owners, int cap)
{
    int i, n = 0;
    pthread_mutex_lock(&t->lock);
    for (i = 0; i < PENDING_MAX && n < cap; i++)
        if (t->e[i].state == PENDING_WAITING && t->e[i].info.owner != NULL)
            owners[n++] = t->e[i].info.owner;
    pthread_mutex_unlock(&t->lock);
    return n;
}

void pending_detach(struct pending_table *t, struct pending_handle h)
{
    struct pending_entry *e;
    pthread_mutex_lock(&t->lock);
    e = lookup(t, h);
    if (e != NULL)
        e->info.owner = NULL;
    pthread_mutex_unlock(&t->lock);
}
