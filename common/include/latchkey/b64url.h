/* b64url.h - base64url without padding (RFC 4648 section 5), as used for the command
 * signature. Shared by gateway and firmware; no malloc, strict decoding. */
#ifndef LATCHKEY_B64URL_H
#define LATCHKEY_B64URL_H

#include <stddef.h>
#include <stdint.h>

/* Encoded length of n bytes (no padding, no NUL). */
#define LK_B64URL_ENCODED_LEN(n) (((n) * 4 + 2) / 3)

/* Encodes n bytes into out, NUL-terminated. Returns the length without NUL, or 0 if
 * cap < LK_B64URL_ENCODED_LEN(n) + 1. */
size_t lk_b64url_encode(const uint8_t *in, size_t n, char *out, size_t cap);

/* Decodes len characters. Rejects padding, characters outside the url alphabet, an
 * impossible length (len % 4 == 1) and non-canonical trailing bits. Returns the number
 * of bytes written, or (size_t)-1 on any error or if cap is too small. */
size_t lk_b64url_decode(const char *in, size_t len, uint8_t *out, size_t cap);

#endif
