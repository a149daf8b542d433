/* diag.h - latchkey-certs' one-line messages on stderr ("latchkey-certs: error: ..."). */
#ifndef LK_CERTS_DIAG_H
#define LK_CERTS_DIAG_H

#define LK_PROG "latchkey-certs"

void lk_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same as a warning: "latchkey-certs: warning: MESSAGE". */
void lk_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Like lk_err, appends ": <reason>" of the most recent OpenSSL error and clears the queue. */
void lk_err_ssl(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
