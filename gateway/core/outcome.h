/* outcome.h - the one end of every door action, whatever stopped it (a refusal, a wrong
 * PIN, the broker, the device's ack, the timeout): the audit row, the "action result" log
 * line, the metrics and the notification of the user's live pages, in that order. Loop
 * thread. */
#ifndef GW_OUTCOME_H
#define GW_OUTCOME_H

#include "app.h"

/* Ends attempt a with result r for reason (a short token; NULL or "" for none). The audit
 * row is appended, or completed if a command was sent (a->row); if the append fails the
 * outcome becomes audit-unavailable (nothing was sent). a->out then holds what the
 * requester is told. */
void outcome_finish(struct gw_app *app, struct attempt *a, enum gw_result r, const char *reason);

/* Before a command leaves: the attempt's row is written as pending (cmd_id, awaiting-ack)
 * and 0 returned; if that fails the attempt is finished audit-unavailable and -1 returned
 * (nothing may be sent). */
int outcome_write_pending(struct gw_app *app, struct attempt *a, const char *cmd_id);

/* A waiting requester whose attempt is gone (cannot happen while the table keeps its
 * promises): logged in the same line, answered not-confirmed by the caller. */
void outcome_lost(const char *user, const char *what);

#endif
