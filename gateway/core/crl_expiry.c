/* crl_expiry.c - seconds left until a CRL's nextUpdate and the warning schedule (see
 * crl_expiry.h). */
#include "crl_expiry.h"

#include <stdio.h>

long crl_expiry_seconds_left(time_t next_update, int has_next, time_t now)
{
    if (!has_next || next_update <= now)
        return 0;
    return (long)(next_update - now);
}

int crl_expiry_warn(long left, int warn_days)
{
    return left < (long)warn_days * 86400L;
}

int crl_expiry_log_due(long left, int warn_days, time_t now, time_t *last_warned)
{
    if (!crl_expiry_warn(left, warn_days)) {
        *last_warned = 0;
        return 0;
    }
    if (*last_warned != 0 && now - *last_warned < CRL_WARN_EVERY)
        return 0;
    *last_warned = now;
    return 1;
}

void crl_expiry_text(long left, char *out, size_t cap)
{
    long days = left / 86400, hours = left % 86400 / 3600, minutes = left % 3600 / 60;

    if (left <= 0)
        snprintf(out, cap, "expired");
    else if (days > 0)
        snprintf(out, cap, "%ld day%s %ld hour%s", days, days == 1 ? "" : "s", hours,
                 hours == 1 ? "" : "s");
    else
        snprintf(out, cap, "%ld hour%s %ld minute%s", hours, hours == 1 ? "" : "s", minutes,
                 minutes == 1 ? "" : "s");
}
