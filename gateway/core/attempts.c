/* attempts.c - the mutex-protected table of door actions under way (see attempts.h). */
#include "attempts.h"

#include <openssl/crypto.h>
#include <string.h>

int attempts_init(struct attempts *t, void (*wake)(void *), void *wake_arg)
{
    memset(t->state, 0, sizeof t->state);
    memset(t->gen, 0, sizeof t->gen);
    memset(t->a, 0, sizeof t->a);
    memset(t->entry, 0, sizeof t->entry);
    t->next_gen = 1;
    t->wake = wake;
    t->wake_arg = wake_arg;
    return pthread_mutex_init(&t->lock, NULL) == 0 ? 0 : -1;
}

void attempts_destroy(struct attempts *t)
{
    OPENSSL_cleanse(t->a, sizeof t->a);
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

/* Locked. The slot of a live handle, or -1. */
static int lookup(const struct attempts *t, struct attempt_handle h)
{
    if (h.slot < 0 || h.slot >= ATTEMPTS_MAX || t->state[h.slot] == ATTEMPT_FREE ||
        t->gen[h.slot] != h.gen)
        return -1;
    return h.slot;
}

/* Locked. How many slots are in state s. */
static int count(const struct attempts *t, enum attempt_state s)
{
    int i, n = 0;
    for (i = 0; i < ATTEMPTS_MAX; i++)
        n += t->state[i] == s;
    return n;
}

/* Locked. Whether slot i holds a place among the waiting (an ack or an entry verdict). */
static int waits(const struct attempts *t, int i)
{
    return t->state[i] == ATTEMPT_AWAITING_ACK || t->state[i] == ATTEMPT_AWAITING_ENTRY;
}

/* Locked. Moves a live slot from `from` to `to`; 0, or -1 if it is not in `from`. */
static int move(struct attempts *t, struct attempt_handle h, enum attempt_state from,
                enum attempt_state to)
{
    int i = lookup(t, h);
    if (i < 0 || t->state[i] != from)
        return -1;
    t->state[i] = to;
    return 0;
}

struct attempt *attempts_new(struct attempts *t)
{
    struct attempt *a = NULL;
    int i;
    pthread_mutex_lock(&t->lock);
    for (i = 0; i < ATTEMPTS_MAX; i++) {
        if (t->state[i] != ATTEMPT_FREE)
            continue;
        t->state[i] = ATTEMPT_DECIDING;
        t->gen[i] = t->next_gen++;
        if (t->next_gen == 0)
            t->next_gen = 1;
        t->entry[i] = ENTRY_NONE;
        a = &t->a[i];
        memset(a, 0, sizeof *a);
        a->self.slot = i;
        a->self.gen = t->gen[i];
        break;
    }
    pthread_mutex_unlock(&t->lock);
    return a;
}

struct attempt *attempts_get(struct attempts *t, struct attempt_handle h)
{
    int i;
    pthread_mutex_lock(&t->lock);
    i = lookup(t, h);
    pthread_mutex_unlock(&t->lock);
    return i < 0 ? NULL : &t->a[i];
}

enum attempt_state attempts_state(struct attempts *t, struct attempt_handle h)
{
    enum attempt_state s;
    int i;
    pthread_mutex_lock(&t->lock);
    i = lookup(t, h);
    s = i < 0 ? ATTEMPT_FREE : t->state[i];
    pthread_mutex_unlock(&t->lock);
    return s;
}

int attempts_check_pin(struct attempts *t, struct attempt_handle h)
{
    int rc = -1;
    pthread_mutex_lock(&t->lock);
    if (count(t, ATTEMPT_CHECKING_PIN) < ATTEMPTS_PIN_MAX)
        rc = move(t, h, ATTEMPT_DECIDING, ATTEMPT_CHECKING_PIN);
    pthread_mutex_unlock(&t->lock);
    return rc;
}

void attempts_decide(struct attempts *t, struct attempt_handle h)
{
    pthread_mutex_lock(&t->lock);
    (void)move(t, h, ATTEMPT_CHECKING_PIN, ATTEMPT_DECIDING);
    pthread_mutex_unlock(&t->lock);
}

/* Locked. Which bound one more waiting attempt of user on door would pass. */
static enum attempt_room room(const struct attempts *t, const char *user, const char *door,
                              const struct attempt_limits *lim)
{
    int i, all = 0, of_user = 0, of_door = 0;
    for (i = 0; i < ATTEMPTS_MAX; i++) {
        if (!waits(t, i))
            continue;
        all++;
        of_user += strcmp(t->a[i].rec.user, user) == 0;
        of_door += strcmp(t->a[i].rec.door, door) == 0;
    }
    if (lim != NULL && of_user >= lim->per_user)
        return ROOM_USER_FULL;
    if (lim != NULL && of_door >= lim->per_door)
        return ROOM_DOOR_FULL;
    return all >= ATTEMPTS_ACK_MAX ? ROOM_GATEWAY_FULL : ROOM_FREE;
}

enum attempt_room attempts_room(struct attempts *t, const char *user, const char *door,
                                const struct attempt_limits *lim)
{
    enum attempt_room r;
    pthread_mutex_lock(&t->lock);
    r = room(t, user, door, lim);
    pthread_mutex_unlock(&t->lock);
    return r;
}

int attempts_await_ack(struct attempts *t, struct attempt_handle h, int64_t deadline_ms,
                       const struct attempt_limits *lim)
{
    int rc = -1, i;
    pthread_mutex_lock(&t->lock);
    i = lookup(t, h);
    if (i >= 0 && t->state[i] == ATTEMPT_DECIDING) {
        rc = (int)room(t, t->a[i].rec.user, t->a[i].rec.door, lim);
        if (rc == ROOM_FREE) {
            t->a[i].deadline_ms = deadline_ms;
            t->a[i].out.result = GW_NOT_CONFIRMED;
            t->state[i] = ATTEMPT_AWAITING_ACK;
        }
    }
    pthread_mutex_unlock(&t->lock);
    return rc;
}

void attempts_withdraw(struct attempts *t, struct attempt_handle h)
{
    pthread_mutex_lock(&t->lock);
    (void)move(t, h, ATTEMPT_AWAITING_ACK, ATTEMPT_DECIDING);
    pthread_mutex_unlock(&t->lock);
}

static void wake(struct attempts *t)
{
    if (t->wake != NULL)
        t->wake(t->wake_arg);
}

/* Locked: a waiting slot i is done with result and reason. */
static void end_wait(struct attempts *t, int i, enum gw_result result, const char *reason)
{
    t->state[i] = ATTEMPT_DONE;
    t->a[i].out.result = result;
    copy(t->a[i].out.reason, sizeof t->a[i].out.reason, reason);
}

/* Locked: the slot waiting for id on door, or -1. */
static int waiting_for(struct attempts *t, const char *id, const char *door)
{
    int i;
    for (i = 0; i < ATTEMPTS_MAX; i++)
        if (t->state[i] == ATTEMPT_AWAITING_ACK && strcmp(t->a[i].rec.cmd_id, id) == 0 &&
            strcmp(t->a[i].rec.door, door) == 0)
            return i;
    return -1;
}

enum ack_verdict attempts_ack(struct attempts *t, const char *site, const char *door,
                              const struct gw_ack *ack)
{
    enum ack_verdict v = ACK_UNKNOWN_ID;
    struct attempt *a;
    int i, done = 0;
    pthread_mutex_lock(&t->lock);
    i = waiting_for(t, ack->id, door);
    if (i >= 0) {
        a = &t->a[i];
        v = ack_check(ack, site, door, a->has_ack_key ? a->ack_key : NULL);
        done = v == ACK_VALID || v == ACK_NO_KEY;
        if (v == ACK_VALID)
            end_wait(t, i, strcmp(ack->result, "ok") == 0 ? GW_OPENED : GW_REJECTED,
                     ack->reason[0] != '\0' ? ack->reason : NULL);
        else if (v == ACK_NO_KEY)
            end_wait(t, i, GW_UNCONFIRMED, "ack-no-key");
        else if (a->ack_flaw[0] == '\0')
            copy(a->ack_flaw, sizeof a->ack_flaw,
                 v == ACK_UNSIGNED ? "ack-unsigned" : "ack-bad-signature");
    }
    pthread_mutex_unlock(&t->lock);
    if (done)
        wake(t);
    return v;
}

int attempts_entry(struct attempts *t, const char *door, const char *id, enum attempt_entry e)
{
    int i, found = 0, done = 0;
    if (e == ENTRY_NONE || id == NULL || id[0] == '\0') /* "": no command (the local path) */
        return 0;
    pthread_mutex_lock(&t->lock);
    for (i = 0; i < ATTEMPTS_MAX && !found; i++) {
        if (t->state[i] == ATTEMPT_FREE || strcmp(t->a[i].rec.cmd_id, id) != 0 ||
            strcmp(t->a[i].rec.door, door) != 0)
            continue;
        found = 1;
        t->entry[i] = (uint8_t)e;
        if (t->state[i] == ATTEMPT_AWAITING_ENTRY) {
            end_wait(t, i, e == ENTRY_OPENED ? GW_OPENED : GW_UNLOCKED_NOT_OPENED, "door-sensor");
            done = 1;
        }
    }
    pthread_mutex_unlock(&t->lock);
    if (done)
        wake(t);
    return found;
}

int attempts_await_entry(struct attempts *t, struct attempt_handle h, int64_t deadline_ms)
{
    int rc = -1, i;
    pthread_mutex_lock(&t->lock);
    i = lookup(t, h);
    if (i >= 0 && t->state[i] == ATTEMPT_DECIDING) {
        rc = t->entry[i];
        if (rc == ENTRY_NONE) {
            t->a[i].deadline_ms = deadline_ms;
            t->state[i] = ATTEMPT_AWAITING_ENTRY;
        }
    }
    pthread_mutex_unlock(&t->lock);
    return rc;
}

void attempts_fail(struct attempts *t, struct attempt_handle h, enum gw_result result,
                   const char *reason)
{
    int i, changed = 0;
    pthread_mutex_lock(&t->lock);
    i = lookup(t, h);
    if (i >= 0 && t->state[i] == ATTEMPT_AWAITING_ACK) {
        end_wait(t, i, result, reason);
        changed = 1;
    }
    pthread_mutex_unlock(&t->lock);
    if (changed)
        wake(t);
}

int attempts_expire(struct attempts *t, int64_t now_ms)
{
    int i, n = 0;
    pthread_mutex_lock(&t->lock);
    for (i = 0; i < ATTEMPTS_MAX; i++)
        if (t->state[i] == ATTEMPT_AWAITING_ACK && now_ms >= t->a[i].deadline_ms) {
            end_wait(t, i, t->a[i].ack_flaw[0] != '\0' ? GW_UNCONFIRMED : GW_NOT_CONFIRMED,
                     t->a[i].ack_flaw[0] != '\0' ? t->a[i].ack_flaw : "timeout");
            n++;
        } else if (t->state[i] == ATTEMPT_AWAITING_ENTRY && now_ms >= t->a[i].deadline_ms) {
            end_wait(t, i, GW_UNLOCKED, "no-entry-report");
            n++;
        }
    pthread_mutex_unlock(&t->lock);
    return n;
}

int64_t attempts_next_deadline(struct attempts *t)
{
    int64_t best = -1;
    int i;
    pthread_mutex_lock(&t->lock);
    for (i = 0; i < ATTEMPTS_MAX; i++)
        if (waits(t, i) && (best < 0 || t->a[i].deadline_ms < best))
            best = t->a[i].deadline_ms;
    pthread_mutex_unlock(&t->lock);
    return best;
}

int attempts_collect(struct attempts *t, struct attempt_handle *done, int cap)
{
    int i, n = 0;
    pthread_mutex_lock(&t->lock);
    for (i = 0; i < ATTEMPTS_MAX && n < cap; i++)
        if (t->state[i] == ATTEMPT_DONE) {
            t->state[i] = ATTEMPT_DECIDING;
            done[n++] = t->a[i].self;
        }
    pthread_mutex_unlock(&t->lock);
    return n;
}

/* Locked: wipes slot i (the PIN-derived cache value lives in it) and frees it. */
static void free_slot(struct attempts *t, int i)
{
    OPENSSL_cleanse(&t->a[i], sizeof t->a[i]);
    t->a[i].self.slot = -1;
    t->entry[i] = ENTRY_NONE;
    t->state[i] = ATTEMPT_FREE;
}

void *attempts_settle(struct attempts *t, struct attempt_handle h)
{
    void *owner = NULL;
    int i;
    pthread_mutex_lock(&t->lock);
    i = lookup(t, h);
    if (i >= 0 && t->state[i] == ATTEMPT_DECIDING) {
        owner = t->a[i].owner;
        if (owner != NULL) {
            t->state[i] = ATTEMPT_FINISHED;
            OPENSSL_cleanse(t->a[i].mac, sizeof t->a[i].mac);
        } else {
            free_slot(t, i);
        }
    }
    pthread_mutex_unlock(&t->lock);
    return owner;
}

enum attempt_state attempts_take(struct attempts *t, struct attempt_handle h,
                                 struct action_outcome *out)
{
    enum attempt_state s;
    int i;
    pthread_mutex_lock(&t->lock);
    i = lookup(t, h);
    s = i < 0 ? ATTEMPT_FREE : t->state[i];
    if (s == ATTEMPT_FINISHED) {
        *out = t->a[i].out;
        free_slot(t, i);
    }
    pthread_mutex_unlock(&t->lock);
    return s;
}

void attempts_detach(struct attempts *t, struct attempt_handle h)
{
    int i;
    pthread_mutex_lock(&t->lock);
    i = lookup(t, h);
    if (i >= 0) {
        t->a[i].owner = NULL;
        if (t->state[i] == ATTEMPT_FINISHED)
            free_slot(t, i);
    }
    pthread_mutex_unlock(&t->lock);
}

int attempts_waiting_owners(struct attempts *t, void **owners, int cap)
{
    int i, n = 0;
    pthread_mutex_lock(&t->lock);
    for (i = 0; i < ATTEMPTS_MAX && n < cap; i++)
        if (waits(t, i) && t->a[i].owner != NULL)
            owners[n++] = t->a[i].owner;
    pthread_mutex_unlock(&t->lock);
    return n;
}

void attempts_free(struct attempts *t, struct attempt_handle h)
{
    int i;
    pthread_mutex_lock(&t->lock);
    i = lookup(t, h);
    if (i >= 0)
        free_slot(t, i);
    pthread_mutex_unlock(&t->lock);
}
