/* guests.h - a guest in one step: a user whose access ends with the visit (users.expires,
 * the same moment the guest's certificate ends, docs/gateway.md "Guests") and a schedule
 * on each of their doors with the visit's dates (and windows and uses if given), all in
 * one transaction. */
#ifndef GW_GUESTS_H
#define GW_GUESTS_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "schedule.h"
#include "store.h"

/* Adds guest name with pin_hash, the canonical door list doors and schedule s (until is
 * required and becomes the user's expires). 0, 1 if the name exists, -1 with err. */
int guest_add(struct store *st, const struct conf *c, const char *name, const char *pin_hash,
              const char *doors, const struct schedule *s, int64_t now, char *err, size_t errlen);

#endif
