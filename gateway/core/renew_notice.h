/* renew_notice.h - whether the phone page tells its user that their certificate ends soon
 * ([server] cert_renew_warn_days), and how many whole days are left. Pure. */
#ifndef GW_RENEW_NOTICE_H
#define GW_RENEW_NOTICE_H

/* Whole days left (0 = ends within a day) when a certificate with seconds_left ends within
 * warn_days; -1: no notice (warn_days 0, already ended, or further away). */
int renew_notice_days(long seconds_left, int warn_days);

#endif
