/* check_report.c - counted findings of --check-config on stderr (see check_report.h). */
#include "check_report.h"

#include <stdarg.h>
#include <stdio.h>

#include "gw_log.h"

static void say(struct check_report *r, const char *kind, const char *fmt, va_list ap)
{
    char line[700];
    (void)vsnprintf(line, sizeof line, fmt, ap);
    gw_err("%s: %s: %s", r->config, kind, line);
}

void check_error(struct check_report *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say(r, "error", fmt, ap);
    va_end(ap);
    r->errors++;
}

void check_warn(struct check_report *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say(r, "warning", fmt, ap);
    va_end(ap);
    r->warnings++;
}
