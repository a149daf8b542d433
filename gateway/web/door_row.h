/* door_row.h - one door on the page (door_row.c): its button and what the gateway knows
 * about it. The place for any further per-door line. */
#ifndef GW_DOOR_ROW_H
#define GW_DOOR_ROW_H

#include "conf.h"
#include "door_status.h"
#include "html.h"

/* The row of door d with status st: a submit button (disabled while the device says it is
 * offline) and a status line (online / offline / not heard from yet; the door's sensor,
 * open or closed, when it reports one). */
void door_row(struct html_buf *b, const struct conf_door *d, const struct door_status *st);

#endif
