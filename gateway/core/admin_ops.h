/* admin_ops.h - the changes an administrator makes from the admin page (gateway/web/
 * http_admin.c): enable or disable a person, clear a lockout, change their doors, set or
 * clear a door's schedule, set or reset its uses. Every change asks for the admin's own
 * PIN again: checked like a door action's (the verified-PIN cache, else scrypt; a wrong
 * one counts toward the admin's lockout, and a locked admin changes nothing), and only an
 * enabled admin may make one. Each change is logged with who made it. */
#ifndef GW_ADMIN_OPS_H
#define GW_ADMIN_OPS_H

#include <stddef.h>

#include "app.h"
#include "result.h"

struct admin_op {
    const char *op; /* enable disable unlock doors schedule clear-schedule uses */
    const char *user, *door;
    const char *doors;                         /* doors */
    const char *from, *until, *windows, *uses; /* schedule, uses (NULL or "": see below) */
};

/* Checks admin and pin, then applies op. 0 with msg (what was done); -1 with *r (why not:
 * forbidden, wrong-pin, locked, bad-request, audit-unavailable) and msg. In a schedule
 * change an empty field keeps that part as it is ("none" clears a date, "always" the
 * windows); op "uses" with an empty field takes the count away (any number of uses). */
int admin_apply(struct gw_app *app, const char *admin, const char *pin, const struct admin_op *op,
                enum gw_result *r, char *msg, size_t cap);

#endif
