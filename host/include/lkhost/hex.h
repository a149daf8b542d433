/* hex.h - hex text of bytes, as the project's files carry it (command.pub.hex, the device
 * config's command_pubkey, command ids). */
#ifndef LKHOST_HEX_H
#define LKHOST_HEX_H

#include <stddef.h>

enum lkh_hex_case {
    LKH_HEX_ANY_CASE, /* 0-9, a-f and A-F */
    LKH_HEX_LOWER     /* 0-9 and a-f only: the form this project writes */
};

/* Lower-case hex of in[0..n) into out, NUL-terminated. Returns 2n, or 0 (out untouched) if
 * out cannot hold 2n + 1 characters. */
size_t lkh_hex_encode(const unsigned char *in, size_t n, char *out, size_t cap);

/* Decodes exactly n bytes from hex[0..len). Returns 0, or -1 if len is not 2n (an odd or
 * other length) or a character is not a hex digit of the allowed case (out may then be
 * partly written). */
int lkh_hex_decode(const char *hex, size_t len, unsigned char *out, size_t n, enum lkh_hex_case c);

#endif
