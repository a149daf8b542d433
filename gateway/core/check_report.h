/* check_report.h - what --check-config found: one line per finding on stderr
 * ("latchkey-gateway: CONFIG: error: ..." or "... warning: ..."), counted, so the run ends
 * with every problem listed rather than the first one. */
#ifndef GW_CHECK_REPORT_H
#define GW_CHECK_REPORT_H

struct check_report {
    const char *config; /* the config file's path, first on every line */
    int errors, warnings;
};

void check_error(struct check_report *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void check_warn(struct check_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
