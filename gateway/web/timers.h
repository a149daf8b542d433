/* timers.h - the lws loop's timers (timers.c): ack deadlines, the HTTP/2 hold, the CRL watch. */
#ifndef GW_TIMERS_H
#define GW_TIMERS_H

#include "web.h"

#define CRL_POLL_MS 200        /* a changed CRL is in force within this (+ one loop turn) */
#define HOLD_MS 5000           /* HTTP/2 connections of waiting actions: idle timer restarted */

/* Logs the CRL's state and starts watching it. */
void timers_start(struct web *w);
/* The deadlines_changed port: (re)schedules the ack timer for the earliest deadline. */
void timers_deadlines_changed(struct web *w);
void timers_stop(struct web *w);
/* The loop woken (EVENT_WAIT_CANCELLED): swaps in a CRL set the CRL thread has finished,
 * at once rather than at the next tick; rescan (SIGHUP): every CRL file read again there. */
void timers_crl_wake(struct web *w, int rescan);

#endif
