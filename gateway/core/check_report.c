/* check_report.c - counted findings of --check-config on stderr (see check_report.h). */
#include "check_report.h"

#include <stdarg.h>
#include <stdio.h>

#include "gw_log.h"

#define LINE_MAX_CHARS 700

/* One finding of the given kind ("error" or "warning") on stderr. */
static void report(const struct check_report *r, const char *kind, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
static void report(const struct check_report *r, const char *kind, const char *fmt, va_list ap)
{
    char line[LINE_MAX_CHARS];
    (void)vsnprintf(line, sizeof line, fmt, ap);
    gw_err("%s: %s: %s", r->config, kind, line);
}

void check_error(struct check_report *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report(r, "error", fmt, ap);
    va_end(ap);
    r->errors++;
}

void check_warn(struct check_report *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report(r, "warning", fmt, ap);
    va_end(ap);
    r->warnings++;
}
