/* renew_notice.c - the certificate-ends-soon decision of the phone page (renew_notice.h). */
#include "renew_notice.h"

#define DAY_S 86400L

int renew_notice_days(long seconds_left, int warn_days)
{
    if (warn_days <= 0 || seconds_left <= 0 || seconds_left > (long)warn_days * DAY_S)
        return -1;
    return (int)(seconds_left / DAY_S);
}
