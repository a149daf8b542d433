/* crl_warning.h - the HTTPS side's warnings before the CRL in force reaches its
 * nextUpdate (after which every phone is refused): the log line at start and daily while
 * under [server] crl_warn_days, the seconds left for the metrics page, and the banner on
 * an admin's page. The arithmetic is crl_expiry.h's. Loop thread only. */
#ifndef GW_CRL_WARNING_H
#define GW_CRL_WARNING_H

#include <time.h>

#include "html.h"
#include "web.h"

/* 1 and *left (seconds until nextUpdate, 0 once passed) when a CRL is configured and one
 * is in force (with several CAs, the soonest of their CRLs); 0 with crl = none or while
 * none is in force (then other states say why). */
int crl_warning_left(const struct web *sv, time_t now, long *left);

/* Logs the warning when it is due (crl_expiry_log_due); at_start also logs the nextUpdate
 * of a CRL that is far from it, once. */
void crl_warning_tick(struct web *sv, time_t now, int at_start);

/* A CRL reloaded: its own warning comes at the next tick. */
void crl_warning_reset(struct web *sv);

/* The banner's style, served with /style.css. */
extern const char crl_warning_css[];

/* Appends the admins' banner (<p class="warning" role="alert">) when under the threshold. */
void crl_warning_banner(struct html_buf *b, const struct web *sv, time_t now);

#endif
