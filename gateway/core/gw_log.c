/* gw_log.c - timestamped one-line log on stderr (journald friendly) and a monotonic clock. */
#include "gw_log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

void gw_log(const char *fmt, ...)
{
    char stamp[32];
    struct timespec ts;
    struct tm tm;
    va_list ap;

    if (clock_gettime(CLOCK_REALTIME, &ts) != 0 || gmtime_r(&ts.tv_sec, &tm) == NULL ||
        strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm) == 0)
        stamp[0] = '\0';
    flockfile(stderr);
    fprintf(stderr, "%s.%03ldZ latchkey-gateway: ", stamp, ts.tv_nsec / 1000000L);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(stderr);
    funlockfile(stderr);
}

int64_t gw_now_ms(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0;
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
