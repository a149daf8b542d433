/* check_report.c - counted findings of --check-config on stderr (see check_report.h). */
#include "check_report.h"

#include <stdarg.h>
#include <stdio.h>

#include "gw_log.h"

#define LINE_MAX_CHARS 700

void check_error(struct check_report *r, const char *fmt, ...)
{
    char line[LINE_MAX_CHARS];
    va_list ap;
    va_start(ap, fmt);
    (void)vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    gw_err("%s: error: %s", r->config, line);
    r->errors++;
}

void check_warn(struct check_report *r, const char *fmt, ...)
{
    char line[LINE_MAX_CHARS];
    va_list ap;
    va_start(ap, fmt);
    (void)vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    gw_err("%s: warning: %s", r->config, line);
    r->warnings++;
}
