/* pin_hash.h - salted slow hash of a user's PIN (scrypt, OpenSSL), stored as a PHC-style
 * string: $scrypt$ln=15,r=8,p=1$<salt>$<hash> (standard base64, no padding). */
#ifndef GW_PIN_HASH_H
#define GW_PIN_HASH_H

#include <stddef.h>

#define PIN_MIN_LEN 4
#define PIN_MAX_LEN 12
#define PIN_HASH_MAX 160 /* longest accepted string, with NUL */

/* 1 if pin is 4..12 ASCII digits, else 0. */
int pin_valid(const char *pin);

/* Hashes pin with a fresh 16-byte random salt and the default cost (ln=15, r=8, p=1).
 * Returns 0, or -1 (bad PIN, RNG or KDF failure, cap too small). */
int pin_hash_create(const char *pin, char *out, size_t cap);

/* 0 if phc is a well-formed hash string with acceptable parameters, else -1. */
int pin_hash_check_format(const char *phc);

enum pin_verify { PIN_MATCH = 0, PIN_MISMATCH = 1, PIN_HASH_INVALID = -1 };

/* Checks pin against phc in constant time (after the KDF). */
enum pin_verify pin_hash_verify(const char *pin, const char *phc);

#endif
