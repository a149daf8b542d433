/* gw_log.c - timestamped one-line log on stderr (journald friendly) and a monotonic clock. */
#include "gw_log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

/* Writes "[STAMP.MSZ ]latchkey-gateway: MESSAGE\n" to stderr as one locked unit. A line
 * that cannot be written has nowhere else to go: the process goes on (the gateway) or
 * exits with its own status (the commands), so the results are deliberately dropped. */
static void put_line(const char *stamp, long ms, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
static void put_line(const char *stamp, long ms, const char *fmt, va_list ap)
{
    flockfile(stderr);
    if (stamp != NULL)
        (void)fprintf(stderr, "%s.%03ldZ ", stamp, ms);
    (void)fputs("latchkey-gateway: ", stderr);
    (void)vfprintf(stderr, fmt, ap);
    (void)fputc('\n', stderr);
    (void)fflush(stderr);
    funlockfile(stderr);
}

void gw_log(const char *fmt, ...)
{
    char stamp[32];
    struct timespec ts;
    struct tm tm;
    va_list ap;

    if (clock_gettime(CLOCK_REALTIME, &ts) != 0 || gmtime_r(&ts.tv_sec, &tm) == NULL ||
        strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm) == 0)
        stamp[0] = '\0';
    va_start(ap, fmt);
    put_line(stamp, ts.tv_nsec / 1000000L, fmt, ap);
    va_end(ap);
}

void gw_err(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    put_line(NULL, 0, fmt, ap);
    va_end(ap);
}

int64_t gw_now_ms(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0;
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t gw_now_us(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0;
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}
