/* pin_hash.h - salted, peppered slow hash of a user's PIN (scrypt, OpenSSL), stored as a
 * PHC-style string: $scrypt$v=1$ln=15,r=8,p=1$<salt>$<hash> (standard base64, no padding).
 * Version 1: the password given to scrypt is HMAC-SHA256(pepper, PIN), the pepper being the
 * server secret of pepper.h. A future scheme gets a new v= and both are verified. */
#ifndef GW_PIN_HASH_H
#define GW_PIN_HASH_H

#include <stddef.h>

#include "pepper.h"

#define PIN_MIN_LEN 4
#define PIN_MAX_LEN 12
#define PIN_HASH_MAX 160 /* longest accepted string, with NUL */

/* 1 if pin is 4..12 ASCII digits, else 0. */
int pin_valid(const char *pin);

/* Hashes pin with the pepper, a fresh 16-byte random salt and the default cost (ln=15, r=8,
 * p=1). Returns 0, or -1 (bad PIN, RNG or KDF failure, cap too small). */
int pin_hash_create(const struct pepper *pepper, const char *pin, char *out, size_t cap);

/* 0 if phc is a well-formed hash string with acceptable parameters, else -1. */
int pin_hash_check_format(const char *phc);

enum pin_verify { PIN_MATCH = 0, PIN_MISMATCH = 1, PIN_HASH_INVALID = -1 };

/* Checks pin against phc in constant time (after the KDF). ~100 ms of CPU at the default
 * cost: the caller's thread (the lws loop) is blocked that long. */
enum pin_verify pin_hash_verify(const struct pepper *pepper, const char *pin, const char *phc);

#endif
