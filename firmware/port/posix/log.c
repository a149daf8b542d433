/* log.c - writes latchkey-device's event lines to stderr, one complete line per call
 * flushed at once so a test or journald sees events as they happen. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>

static void vlog(const char *level, const char *fmt, va_list ap) LKP_PRINTF(2, 0);
static void vlog(const char *level, const char *fmt, va_list ap)
{
    char line[1024];
    int n = snprintf(line, sizeof line, "latchkey-device: %s: ", level);

    if (n < 0 || (size_t)n >= sizeof line)
        return;
    vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    /* A line that cannot be written has nowhere else to go: the device goes on. */
    (void)fprintf(stderr, "%s\n", line);
    (void)fflush(stderr);
}

void lkp_log_info(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vlog("info", fmt, ap);
    va_end(ap);
}

void lkp_log_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vlog("error", fmt, ap);
    va_end(ap);
}
