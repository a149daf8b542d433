/* admin_ops.c - the admin page's changes (admin_ops.h). A PIN the verified-PIN cache does
 * not know is checked on the PIN worker's thread, as a door action's is: scrypt (~0.1 s,
 * 32 MiB) never runs on the loop that serves every phone. */
#include "admin_ops.h"

#include <openssl/crypto.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "gw_log.h"
#include "lockout.h"
#include "pin_hash.h"
#include "sched_input.h"
#include "sched_store.h"
#include "sched_text.h"
#include "users.h"

static int refuse(enum gw_result *r, enum gw_result why, char *msg, size_t cap, const char *fmt,
                  ...) __attribute__((format(printf, 5, 6)));
static int refuse(enum gw_result *r, enum gw_result why, char *msg, size_t cap, const char *fmt,
                  ...)
{
    va_list ap;
    *r = why;
    va_start(ap, fmt);
    vsnprintf(msg, cap, fmt, ap);
    va_end(ap);
    return -1;
}

/* The admin as the store has them now: an enabled admin, not locked. 0 with *u, or -1 with
 * *r and msg. */
static int admin_gate(struct gw_app *app, const char *admin, struct user_rec *u, enum gw_result *r,
                      char *msg, size_t cap)
{
    int rc = users_get(app->store, admin, u);

    if (rc < 0)
        return refuse(r, GW_AUDIT_UNAVAILABLE, msg, cap, "The database cannot be read.");
    if (rc == 0 || !u->enabled || !u->admin)
        return refuse(r, GW_FORBIDDEN, msg, cap, "The admin page is for administrators only.");
    if (lockout_remaining_s(u, app_wall_ms(app) / 1000) > 0)
        return refuse(r, GW_LOCKED, msg, cap, "Locked after too many wrong PINs.");
    return 0;
}

/* What a PIN verdict does: a right PIN resets the lockout and goes into the cache (mac, if
 * not NULL), a wrong one counts toward the lockout. 0 if right, else -1 with *r and msg. */
static int pin_judged(struct gw_app *app, const char *admin, const struct user_rec *u,
                      enum pin_verify v, const unsigned char *mac, enum gw_result *r, char *msg,
                      size_t cap)
{
    int64_t until = 0;

    if (v == PIN_MATCH) {
        if ((u->failed != 0 || u->lockouts != 0) && lockout_success(app->store, admin) < 0)
            gw_log("store: cannot reset the lockout of %s", admin);
        if (mac != NULL)
            pin_cache_store(&app->pin_cache, admin, mac, app_now_ms(app));
        return 0;
    }
    pin_cache_forget(&app->pin_cache, admin);
    if (v == PIN_MISMATCH &&
        lockout_failure(app->store, admin, app_wall_ms(app) / 1000, &until) < 0)
        return refuse(r, GW_AUDIT_UNAVAILABLE, msg, cap, "The database cannot be written.");
    gw_log("admin change refused by=%s reason=wrong-pin%s", admin, until > 0 ? " (locked)" : "");
    return refuse(r, GW_WRONG_PIN, msg, cap, "Wrong PIN. Nothing was changed.");
}

/* A user change's return code into the answer. */
static int done(int rc, enum gw_result *r, char *msg, size_t cap, const char *user)
{
    if (rc < 0)
        return refuse(r, GW_AUDIT_UNAVAILABLE, msg, cap, "The database cannot be written.");
    if (rc == 1)
        return refuse(r, GW_BAD_REQUEST, msg, cap, "There is no user \"%s\".", user);
    return 0;
}

static int set_schedule(struct gw_app *app, const struct admin_op *op, enum gw_result *r, char *msg,
                        size_t cap)
{
    struct sched_input in = {op->from, op->until, op->windows, op->uses};
    char err[256], text[SCHED_TEXT_MAX];
    struct schedule s;

    if (sched_store_get(app->store, op->user, op->door, &s) < 0)
        return refuse(r, GW_AUDIT_UNAVAILABLE, msg, cap, "The database cannot be read.");
    if (in.from != NULL && in.from[0] == '\0')
        in.from = NULL;
    if (in.until != NULL && in.until[0] == '\0')
        in.until = NULL;
    if (in.windows != NULL && in.windows[0] == '\0')
        in.windows = NULL;
    if (in.uses != NULL && in.uses[0] == '\0' && strcmp(op->op, "schedule") == 0)
        in.uses = NULL; /* "uses" with an empty field is the reset to no count */
    if (sched_input_apply(&in, &s, err, sizeof err) != 0)
        return refuse(r, GW_BAD_REQUEST, msg, cap, "%s", err);
    if (done(sched_store_set(app->store, op->user, op->door, &s), r, msg, cap, op->user) != 0)
        return -1;
    sched_text_summary(&s, text, sizeof text);
    snprintf(msg, cap, "%s on %s: %s", op->user, op->door, text);
    return 0;
}

static int apply(struct gw_app *app, const struct admin_op *op, enum gw_result *r, char *msg,
                 size_t cap)
{
    const struct conf *c = app->conf;
    char doors[USER_DOORS_MAX], err[256];
    const char *what = op->op;

    if (op->user == NULL || !lk_by_valid(op->user, strlen(op->user)))
        return refuse(r, GW_BAD_REQUEST, msg, cap, "The change names no valid user.");
    if (strcmp(what, "enable") == 0 || strcmp(what, "disable") == 0) {
        if (done(users_set_enabled(app->store, op->user, what[0] == 'e'), r, msg, cap, op->user) !=
            0)
            return -1;
        snprintf(msg, cap, "%s is %sd.", op->user, what);
        return 0;
    }
    if (strcmp(what, "unlock") == 0) {
        if (done(users_unlock(app->store, op->user), r, msg, cap, op->user) != 0)
            return -1;
        pin_cache_forget(&app->pin_cache, op->user);
        snprintf(msg, cap, "The lockout of %s is cleared.", op->user);
        return 0;
    }
    if (strcmp(what, "doors") == 0) {
        if (op->doors == NULL ||
            users_doors_canonical(c, op->doors, doors, sizeof doors, err, sizeof err) != 0)
            return refuse(r, GW_BAD_REQUEST, msg, cap, "%s",
                          op->doors == NULL ? "No doors given." : err);
        if (done(users_set_doors(app->store, op->user, doors), r, msg, cap, op->user) != 0)
            return -1;
        snprintf(msg, cap, "%s may open %s.", op->user, doors);
        return 0;
    }
    if (op->door == NULL || conf_find_door(c, op->door) < 0)
        return refuse(r, GW_BAD_REQUEST, msg, cap, "The change names no configured door.");
    if (strcmp(what, "schedule") == 0 || strcmp(what, "uses") == 0) {
        struct admin_op only_uses = {what, op->user, op->door, NULL,
                                     NULL, NULL,     NULL,     op->uses != NULL ? op->uses : ""};
        return set_schedule(app, what[0] == 'u' ? &only_uses : op, r, msg, cap);
    }
    if (strcmp(what, "clear-schedule") == 0) {
        if (sched_store_clear(app->store, op->user, op->door) < 0)
            return refuse(r, GW_AUDIT_UNAVAILABLE, msg, cap, "The database cannot be written.");
        snprintf(msg, cap, "%s on %s: any time", op->user, op->door);
        return 0;
    }
    return refuse(r, GW_BAD_REQUEST, msg, cap, "Unknown change.");
}

/* The change itself, once the admin and the PIN passed, logged with who made it. */
static int change(struct gw_app *app, const char *admin, const struct admin_op *op,
                  enum gw_result *r, char *msg, size_t cap)
{
    if (apply(app, op, r, msg, cap) != 0) {
        gw_log("admin change refused by=%s op=%s user=%s: %s", admin, op->op,
               op->user != NULL ? op->user : "-", msg);
        return -1;
    }
    gw_log("admin change by=%s op=%s user=%s door=%s: %s", admin, op->op, op->user,
           op->door != NULL ? op->door : "-", msg);
    return 0;
}

/* A slot back to free, wiped (its generation kept: stale handles stay stale). */
static void release(struct admin_check *c)
{
    uint32_t gen = c->gen;
    OPENSSL_cleanse(c, sizeof *c);
    c->gen = gen;
}

static struct admin_check *check_of(struct gw_app *app, struct admin_handle h)
{
    struct admin_check *c;
    if (h.slot < 0 || h.slot >= ADMIN_CHECKS_MAX)
        return NULL;
    c = &app->admin_checks.c[h.slot];
    return c->state != ADMIN_CHECK_FREE && c->gen == h.gen ? c : NULL;
}

/* The PIN step of admin_start when the cache does not know the PIN: a job for the worker. */
static int submit(struct gw_app *app, const char *admin, const char *pin, const struct user_rec *u,
                  const unsigned char *mac, int have_mac, void *owner, struct admin_handle *h,
                  enum gw_result *r, char *msg, size_t cap)
{
    struct admin_checks *t = &app->admin_checks;
    struct admin_check *c = NULL;
    int i;

    for (i = 0; i < ADMIN_CHECKS_MAX && c == NULL; i++)
        if (t->c[i].state == ADMIN_CHECK_FREE)
            c = &t->c[i];
    if (c == NULL)
        return refuse(r, GW_BUSY, msg, cap,
                      "The gateway is checking many PINs right now. Try again in a moment.");
    snprintf(c->admin, sizeof c->admin, "%s", admin);
    snprintf(c->phc, sizeof c->phc, "%s", u->pin_hash);
    memcpy(c->mac, mac, sizeof c->mac);
    c->have_mac = have_mac;
    c->owner = owner;
    switch (pin_worker_submit(&app->pins, admin, pin, u->pin_hash, c)) {
    case PIN_SUBMITTED:
        c->state = ADMIN_CHECK_RUNNING;
        c->gen = ++t->next_gen;
        h->slot = (int)(c - t->c);
        h->gen = c->gen;
        return 0;
    case PIN_SUBMIT_USER_BUSY:
        release(c);
        return refuse(r, GW_BUSY, msg, cap,
                      "Your previous PIN is still being checked. Try again in a moment.");
    case PIN_SUBMIT_FULL:
        release(c);
        return refuse(r, GW_BUSY, msg, cap,
                      "The gateway is checking many PINs right now. Try again in a moment.");
    case PIN_SUBMIT_INVALID: break;
    }
    /* A PIN too long for a job is no PIN: pin_hash_verify says so without the KDF. */
    release(c);
    return pin_judged(app, admin, u, pin_hash_verify(&app->pepper, pin, u->pin_hash), NULL, r, msg,
                      cap);
}

int admin_start(struct gw_app *app, const char *admin, const char *pin, const struct admin_op *op,
                void *owner, struct admin_handle *h, int *rc, enum gw_result *r, char *msg,
                size_t cap)
{
    unsigned char mac[PIN_CACHE_MAC_LEN];
    struct user_rec u;
    int have_mac;

    h->slot = -1;
    *rc = -1;
    if (op->op == NULL) {
        (void)refuse(r, GW_BAD_REQUEST, msg, cap, "Unknown change.");
        return ADMIN_ANSWERED;
    }
    if (admin_gate(app, admin, &u, r, msg, cap) != 0)
        return ADMIN_ANSWERED;
    if (pin == NULL || pin[0] == '\0') {
        (void)refuse(r, GW_BAD_REQUEST, msg, cap, "Every change needs your PIN.");
        return ADMIN_ANSWERED;
    }
    have_mac = pin_cache_mac(&app->pin_cache, admin, u.pin_hash, pin, mac) == 0;
    if (have_mac && pin_cache_match(&app->pin_cache, admin, mac, app_now_ms(app))) {
        OPENSSL_cleanse(mac, sizeof mac);
        *rc = change(app, admin, op, r, msg, cap);
        return ADMIN_ANSWERED;
    }
    if (!have_mac)
        memset(mac, 0, sizeof mac);
    if (submit(app, admin, pin, &u, mac, have_mac, owner, h, r, msg, cap) != 0) {
        OPENSSL_cleanse(mac, sizeof mac);
        return ADMIN_ANSWERED;
    }
    OPENSSL_cleanse(mac, sizeof mac);
    if (h->slot >= 0)
        return ADMIN_CHECKING_PIN;
    *rc = change(app, admin, op, r, msg, cap); /* a PIN checked at once (PIN_SUBMIT_INVALID) */
    return ADMIN_ANSWERED;
}

int admin_verdict(struct gw_app *app, const void *ctx, const char *user, enum pin_verify v)
{
    struct admin_check *c = NULL;
    struct user_rec u;
    int i;

    for (i = 0; i < ADMIN_CHECKS_MAX; i++)
        if (ctx == &app->admin_checks.c[i])
            c = &app->admin_checks.c[i];
    if (c == NULL || c->state != ADMIN_CHECK_RUNNING)
        return 0;
    (void)user; /* c->admin: the job was submitted for them */
    /* The admin as they are now (an administrator may have changed them meanwhile). */
    c->pin_ok = 0;
    if (admin_gate(app, c->admin, &u, &c->r, c->msg, sizeof c->msg) == 0) {
        if (strcmp(u.pin_hash, c->phc) != 0)
            (void)refuse(&c->r, GW_WRONG_PIN, c->msg, sizeof c->msg,
                         "Your PIN was changed meanwhile. Enter the new one.");
        else
            c->pin_ok = pin_judged(app, c->admin, &u, v, c->have_mac ? c->mac : NULL, &c->r, c->msg,
                                   sizeof c->msg) == 0;
    }
    OPENSSL_cleanse(c->phc, sizeof c->phc);
    OPENSSL_cleanse(c->mac, sizeof c->mac);
    c->have_mac = 0;
    c->state = ADMIN_CHECK_DONE;
    if (c->owner == NULL)
        release(c); /* nobody waits: the verdict counted, nothing is changed */
    else
        app->ports.wake_owner(app->ports.ctx, c->owner);
    return 1;
}

int admin_take(struct gw_app *app, struct admin_handle h, const struct admin_op *op, int *rc,
               enum gw_result *r, char *msg, size_t cap)
{
    struct admin_check *c = check_of(app, h);

    *rc = -1;
    if (c == NULL) {
        (void)refuse(r, GW_BAD_REQUEST, msg, cap, "Unknown change.");
        return ADMIN_ANSWERED;
    }
    if (c->state == ADMIN_CHECK_RUNNING)
        return ADMIN_CHECKING_PIN;
    if (c->pin_ok)
        *rc = change(app, c->admin, op, r, msg, cap);
    else
        (void)refuse(r, c->r, msg, cap, "%s", c->msg);
    release(c);
    return ADMIN_ANSWERED;
}

void admin_detach(struct gw_app *app, struct admin_handle h)
{
    struct admin_check *c = check_of(app, h);
    if (c == NULL)
        return;
    if (c->state == ADMIN_CHECK_RUNNING)
        c->owner = NULL;
    else
        release(c);
}
