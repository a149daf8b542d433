/* diag.c - one-line error messages on stderr, optionally with OpenSSL's reason. */
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>

#include <openssl/err.h>

void lk_err(const char *fmt, ...)
{
    va_list ap;
    fputs(LK_PROG ": error: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void lk_err_ssl(const char *fmt, ...)
{
    va_list ap;
    unsigned long e = ERR_peek_last_error();
    const char *reason = e != 0 ? ERR_reason_error_string(e) : NULL;
    fputs(LK_PROG ": error: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    if (reason != NULL)
        fprintf(stderr, ": %s", reason);
    fputc('\n', stderr);
    ERR_clear_error();
}
