/* result.h - the outcome of one door action as the user sees it: the data-result name of
 * the HTTP contract (docs/protocol.md, "Gateway answers"), its HTTP status and a short
 * human sentence. */
#ifndef GW_RESULT_H
#define GW_RESULT_H

enum gw_result {
    GW_OPENED = 0,
    GW_REJECTED, /* the device refused it (reason from its ack) */
    GW_WRONG_PIN,
    GW_FORBIDDEN,          /* unknown user or door not allowed */
    GW_NOT_CONFIRMED,      /* no ack before the timeout */
    GW_BROKER_UNAVAILABLE, /* not connected: the command was never sent */
    GW_BAD_REQUEST,
    GW_LOCKED,            /* too many wrong PINs: the user is locked for a while */
    GW_AUDIT_UNAVAILABLE, /* the audit log cannot be written: fail closed, nothing sent */
    GW_BUSY,              /* a bound was reached: the user's PIN check still runs, too many
                               run, or too many actions of the user, of the door or in all
                               wait for an ack (the reason says which); nothing was sent */
    GW_UNCONFIRMED,       /* an ack came, but not validly signed by the door's key (or
                             * the door has none configured): whether it opened is unknown */
    GW_OUTSIDE_SCHEDULE,  /* the user's schedule for the door does not allow it now (the
                             reason says why: window, dates, uses); not a wrong PIN */
    GW_OFFLINE,           /* the door's device is offline (its retained availability):
                             answered at once, nothing was sent */
    /* A door with a sensor ([door] sensor = yes): the device acked ok (signed), then */
    GW_UNLOCKED_NOT_OPENED, /* its sensor says the door was not opened within its window */
    GW_UNLOCKED             /* no verdict of its sensor came within entry_wait_ms */
};
#define GW_RESULT_LAST GW_UNLOCKED /* the last of enum gw_result */

const char *gw_result_name(enum gw_result r);     /* "opened", "wrong-pin", ... */
unsigned int gw_result_http_status(enum gw_result r);
const char *gw_result_message(enum gw_result r);  /* one sentence for the page */

#endif
