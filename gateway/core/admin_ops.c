/* admin_ops.c - the admin page's changes (admin_ops.h). The PIN check runs on the loop
 * thread: changes are rare and come from an authenticated administrator, and the
 * verified-PIN cache usually answers at once. */
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

/* The admin and their PIN. 0, or -1 with *r and msg. */
static int check_admin(struct gw_app *app, const char *admin, const char *pin, enum gw_result *r,
                       char *msg, size_t cap)
{
    unsigned char mac[PIN_CACHE_MAC_LEN];
    int64_t now = app_wall_ms(app) / 1000, until = 0;
    struct user_rec u;
    enum pin_verify v;
    int have_mac, rc = users_get(app->store, admin, &u);

    if (rc < 0)
        return refuse(r, GW_AUDIT_UNAVAILABLE, msg, cap, "The database cannot be read.");
    if (rc == 0 || !u.enabled || !u.admin)
        return refuse(r, GW_FORBIDDEN, msg, cap, "The admin page is for administrators only.");
    if (lockout_remaining_s(&u, now) > 0)
        return refuse(r, GW_LOCKED, msg, cap, "Locked after too many wrong PINs.");
    if (pin == NULL || pin[0] == '\0')
        return refuse(r, GW_BAD_REQUEST, msg, cap, "Every change needs your PIN.");
    have_mac = pin_cache_mac(&app->pin_cache, admin, u.pin_hash, pin, mac) == 0;
    if (have_mac && pin_cache_match(&app->pin_cache, admin, mac, app_now_ms(app))) {
        OPENSSL_cleanse(mac, sizeof mac);
        return 0;
    }
    v = pin_hash_verify(&app->pepper, pin, u.pin_hash);
    if (v == PIN_MATCH) {
        if ((u.failed != 0 || u.lockouts != 0) && lockout_success(app->store, admin) < 0)
            gw_log("store: cannot reset the lockout of %s", admin);
        if (have_mac)
            pin_cache_store(&app->pin_cache, admin, mac, app_now_ms(app));
        OPENSSL_cleanse(mac, sizeof mac);
        return 0;
    }
    OPENSSL_cleanse(mac, sizeof mac);
    pin_cache_forget(&app->pin_cache, admin);
    if (v == PIN_MISMATCH && lockout_failure(app->store, admin, now, &until) < 0)
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

int admin_apply(struct gw_app *app, const char *admin, const char *pin, const struct admin_op *op,
                enum gw_result *r, char *msg, size_t cap)
{
    if (op->op == NULL)
        return refuse(r, GW_BAD_REQUEST, msg, cap, "Unknown change.");
    if (check_admin(app, admin, pin, r, msg, cap) != 0)
        return -1;
    if (apply(app, op, r, msg, cap) != 0) {
        gw_log("admin change refused by=%s op=%s user=%s: %s", admin, op->op,
               op->user != NULL ? op->user : "-", msg);
        return -1;
    }
    gw_log("admin change by=%s op=%s user=%s door=%s: %s", admin, op->op, op->user,
           op->door != NULL ? op->door : "-", msg);
    return 0;
}
