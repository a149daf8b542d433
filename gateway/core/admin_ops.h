/* admin_ops.h - the changes an administrator makes from the admin page (gateway/web/
 * http_admin.c): enable or disable a person, clear a lockout, change their doors, set or
 * clear a door's schedule, set or reset its uses. Every change asks for the admin's own
 * PIN again: checked like a door action's (the verified-PIN cache, else scrypt on the PIN
 * worker's thread; a wrong one counts toward the admin's lockout, and a locked admin
 * changes nothing), and only an
 * enabled admin may make one. Each change is logged with who made it. */
#ifndef GW_ADMIN_OPS_H
#define GW_ADMIN_OPS_H

#include <stddef.h>
#include <stdint.h>

#include "app.h"
#include "pin_hash.h"
#include "result.h"

struct admin_op {
    const char *op; /* enable disable unlock doors schedule clear-schedule uses */
    const char *user, *door;
    const char *doors;                         /* doors */
    const char *from, *until, *windows, *uses; /* schedule, uses (NULL or "": see below) */
};

/* A change whose PIN the PIN worker checks (admin_checks.h). */
struct admin_handle {
    int slot; /* -1: none */
    uint32_t gen;
};

enum admin_stage { ADMIN_ANSWERED = 0, ADMIN_CHECKING_PIN = 1 };

/* Loop. Checks admin and pin, then applies op. A PIN the verified-PIN cache knows is
 * answered at once; any other goes to the PIN worker (pin_worker.h), off the loop, like a
 * door action's: ADMIN_CHECKING_PIN with *h; owner is woken (ports.h wake_owner) when the
 * verdict is in, and admin_take finishes the change. ADMIN_ANSWERED: *rc is 0 with msg
 * (what was done) or -1 with *r (why not: forbidden, wrong-pin, locked, busy, bad-request,
 * audit-unavailable) and msg. In a schedule change an empty field keeps that part as it is
 * ("none" clears a date, "always" the windows); op "uses" with an empty field takes the
 * count away (any number of uses). */
int admin_start(struct gw_app *app, const char *admin, const char *pin, const struct admin_op *op,
                void *owner, struct admin_handle *h, int *rc, enum gw_result *r, char *msg,
                size_t cap);

/* Loop: the owner's turn after its wake-up. ADMIN_CHECKING_PIN while the check runs; else
 * ADMIN_ANSWERED as admin_start's, op (the same change, given again) applied if the PIN
 * was right, and the handle is done. */
int admin_take(struct gw_app *app, struct admin_handle h, const struct admin_op *op, int *rc,
               enum gw_result *r, char *msg, size_t cap);

/* Loop: the owner went away. The verdict still counts toward the admin's lockout; nothing
 * is applied. */
void admin_detach(struct gw_app *app, struct admin_handle h);

/* Loop, from the PIN worker's verdicts (action_collect): 1 if ctx is an admin change's
 * check, which takes the verdict v for user; 0 if ctx is not one of them. */
int admin_verdict(struct gw_app *app, const void *ctx, const char *user, enum pin_verify v);

#endif
