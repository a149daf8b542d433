/* crl_expiry.h - how long the CRL in force stays current, and when to say so: every
 * warning about a CRL's coming nextUpdate (the metric, the log line at start and daily,
 * the banner on admins' page) asks here, so they agree. Pure functions of a nextUpdate
 * and the time; whoever loads CRLs (tls_store.c) passes the nextUpdate in. */
#ifndef GW_CRL_EXPIRY_H
#define GW_CRL_EXPIRY_H

#include <stddef.h>
#include <time.h>

#define CRL_WARN_DAYS_DEFAULT 7     /* [server] crl_warn_days: warn below this many days */
#define CRL_WARN_EVERY (24 * 3600L) /* the log line repeats daily while under the threshold */

/* Seconds from now until next_update; 0 once it has passed (or without a nextUpdate). */
long crl_expiry_seconds_left(time_t next_update, int has_next, time_t now);

/* 1 if left (seconds) is under warn_days days: time to warn. */
int crl_expiry_warn(long left, int warn_days);

/* The log line's schedule: *last_warned is 0 before the first warning. Returns 1 (and
 * sets *last_warned = now) if a warning is due now: under the threshold and never warned,
 * or warned CRL_WARN_EVERY ago. Above the threshold it resets, so the next fall below
 * warns at once. */
int crl_expiry_log_due(long left, int warn_days, time_t now, time_t *last_warned);

/* left as words for people: "3 days 4 hours", "5 hours 2 minutes", "expired". */
void crl_expiry_text(long left, char *out, size_t cap);

#endif
