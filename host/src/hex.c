/* hex.c - hex encoding and strict decoding (hex.h). */
#include "lkhost/hex.h"

static const char digits[] = "0123456789abcdef";

size_t lkh_hex_encode(const unsigned char *in, size_t n, char *out, size_t cap)
{
    size_t i;
    if (cap == 0 || n > (cap - 1) / 2)
        return 0;
    for (i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
    return 2 * n;
}

static int nibble(char ch, enum lkh_hex_case c)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (c == LKH_HEX_ANY_CASE && ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

int lkh_hex_decode(const char *hex, size_t len, unsigned char *out, size_t n, enum lkh_hex_case c)
{
    size_t i;
    if (len / 2 != n || len % 2 != 0)
        return -1;
    for (i = 0; i < n; i++) {
        int hi = nibble(hex[2 * i], c), lo = nibble(hex[2 * i + 1], c);
        if (hi < 0 || lo < 0)
            return -1;
        out[i] = (unsigned char)(hi << 4 | lo);
    }
    return 0;
}
