/* password.c - random export passwords: 16 characters from an alphabet without look-alike
 * characters (no 0/O, 1/l/I), drawn from RAND_bytes by rejection sampling (no bias). */
#include "password.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "diag.h"

static const char alphabet[] = "23456789abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";
#define ALPHABET_LEN (sizeof alphabet - 1)
/* Bytes at or above this would favour the first characters: they are skipped. */
#define ACCEPT_BELOW (256 - 256 % ALPHABET_LEN)

size_t lk_password_from_bytes(const unsigned char *rnd, size_t n, char *out, size_t want)
{
    size_t i, got = 0;
    for (i = 0; i < n && got < want; i++)
        if (rnd[i] < ACCEPT_BELOW)
            out[got++] = alphabet[rnd[i] % ALPHABET_LEN];
    return got;
}

int lk_password_generate(char out[LK_PASSWORD_LEN + 1])
{
    unsigned char rnd[64];
    size_t got = 0;
    int rounds;
    for (rounds = 0; got < LK_PASSWORD_LEN && rounds < 16; rounds++) {
        if (RAND_bytes(rnd, sizeof rnd) != 1) {
            lk_err_ssl("cannot get random bytes for a password");
            OPENSSL_cleanse(rnd, sizeof rnd);
            return -1;
        }
        got += lk_password_from_bytes(rnd, sizeof rnd, out + got, LK_PASSWORD_LEN - got);
    }
    OPENSSL_cleanse(rnd, sizeof rnd);
    if (got < LK_PASSWORD_LEN) {
        lk_err("cannot generate a password");
        return -1;
    }
    out[LK_PASSWORD_LEN] = '\0';
    return 0;
}
