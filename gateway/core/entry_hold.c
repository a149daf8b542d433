/* entry_hold.c - an ok ack on a door with a sensor waits for the entry verdict (see
 * entry_hold.h). */
#include "entry_hold.h"

#include <stdio.h>

#include "door_status.h"
#include "gw_log.h"

int entry_hold(struct gw_app *app, struct attempt *a)
{
    struct door_status st;
    int wait = a->entry_wait_ms, v;

    if (a->out.result != GW_OPENED || wait <= 0)
        return 0;
    a->entry_wait_ms = 0; /* once: the verdict (or its absence) ends it next time */
    a->acked_ms = app_now_ms(app);
    v = attempts_await_entry(&app->attempts, a->self, a->acked_ms + wait);
    if (v == ENTRY_NONE) {
        door_status_get(a->rec.door, &st);
        gw_log("action acked user=%s door=%s id=%s: waiting up to %d ms for the door sensor%s",
               a->rec.user, a->rec.door, a->rec.cmd_id, wait,
               st.contact[0] != '\0' ? "" : " (its device has not reported a door contact)");
        return 1;
    }
    if (v == ENTRY_OPENED || v == ENTRY_NOT_OPENED) { /* the state came before the ack */
        a->out.result = v == ENTRY_OPENED ? GW_OPENED : GW_UNLOCKED_NOT_OPENED;
        snprintf(a->out.reason, sizeof a->out.reason, "%s", "door-sensor");
    }
    return 0;
}
