/* diag.c - one-line error and warning messages on stderr, optionally with OpenSSL's reason. */
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>

#include <openssl/err.h>

/* Writes "latchkey-certs: KIND: MESSAGE[: REASON]\n" as one line. A message that cannot be
 * written has nowhere else to go, and the command's exit status reports the failure anyway,
 * so the results are deliberately dropped. */
static void put_line(const char *kind, const char *reason, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
static void put_line(const char *kind, const char *reason, const char *fmt, va_list ap)
{
    flockfile(stderr);
    (void)fprintf(stderr, LK_PROG ": %s: ", kind);
    (void)vfprintf(stderr, fmt, ap);
    if (reason != NULL)
        (void)fprintf(stderr, ": %s", reason);
    (void)fputc('\n', stderr);
    funlockfile(stderr);
}

void lk_err(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    put_line("error", NULL, fmt, ap);
    va_end(ap);
}

void lk_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    put_line("warning", NULL, fmt, ap);
    va_end(ap);
}

void lk_err_ssl(const char *fmt, ...)
{
    va_list ap;
    unsigned long e = ERR_peek_last_error();
    const char *reason = e != 0 ? ERR_reason_error_string(e) : NULL;
    va_start(ap, fmt);
    put_line("error", reason, fmt, ap);
    va_end(ap);
    ERR_clear_error();
}
