/* c_literal.h - C source text for the device bundle header. */
#ifndef LK_CERTS_C_LITERAL_H
#define LK_CERTS_C_LITERAL_H

#include <stddef.h>

#include <openssl/bio.h>

/* Appends s as one or more adjacent C string literals (a line per input line). */
int lk_c_string_literal(BIO *out, const char *s, size_t len, const char *indent);

#endif
