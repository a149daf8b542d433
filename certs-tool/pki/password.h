/* password.h - generated export passwords, and the size of every secret buffer. */
#ifndef LK_CERTS_PASSWORD_H
#define LK_CERTS_PASSWORD_H

#include <stddef.h>

#define LK_SECRET_MAX 1024 /* passphrase / password buffer, including the NUL */
#define LK_PASSWORD_LEN 16
/* Maps random bytes to alphabet characters (rejection sampling, no bias). Consumes bytes
 * from rnd[0..n); returns the number of characters written to out (<= want). */
size_t lk_password_from_bytes(const unsigned char *rnd, size_t n, char *out, size_t want);
/* 16 characters from RAND_bytes + NUL. */
int lk_password_generate(char out[LK_PASSWORD_LEN + 1]);

#endif
