/* b64url.c - strict base64url without padding (RFC 4648 section 5). */
#include "latchkey/b64url.h"

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

size_t lk_b64url_encode(const uint8_t *in, size_t n, char *out, size_t cap)
{
    size_t need = LK_B64URL_ENCODED_LEN(n), i, o = 0;
    if (out == NULL || cap < need + 1 || (in == NULL && n != 0))
        return 0;
    for (i = 0; i + 2 < n; i += 3) {
        uint32_t v = ((uint32_t)in[i] << 16) | ((uint32_t)in[i + 1] << 8) | in[i + 2];
        out[o++] = alphabet[(v >> 18) & 63];
        out[o++] = alphabet[(v >> 12) & 63];
        out[o++] = alphabet[(v >> 6) & 63];
        out[o++] = alphabet[v & 63];
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)in[i] << 16;
        out[o++] = alphabet[(v >> 18) & 63];
        out[o++] = alphabet[(v >> 12) & 63];
    } else if (n - i == 2) {
        uint32_t v = ((uint32_t)in[i] << 16) | ((uint32_t)in[i + 1] << 8);
        out[o++] = alphabet[(v >> 18) & 63];
        out[o++] = alphabet[(v >> 12) & 63];
        out[o++] = alphabet[(v >> 6) & 63];
    }
    out[o] = '\0';
    return o;
}

static int value_of(char c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '-') return 62;
    if (c == '_') return 63;
    return -1;
}

size_t lk_b64url_decode(const char *in, size_t len, uint8_t *out, size_t cap)
{
    const size_t err = (size_t)-1;
    size_t i, o = 0, rem = len % 4;
    size_t outlen = len / 4 * 3 + (rem == 2 ? 1 : rem == 3 ? 2 : 0);
    uint32_t acc = 0;
    if (rem == 1 || (in == NULL && len != 0) || (out == NULL && len != 0) || outlen > cap)
        return err;
    for (i = 0; i < len; i++) {
        int v = value_of(in[i]);
        if (v < 0)
            return err;
        acc = (acc << 6) | (uint32_t)v;
        if (i % 4 == 3) {
            out[o++] = (uint8_t)(acc >> 16);
            out[o++] = (uint8_t)(acc >> 8);
            out[o++] = (uint8_t)acc;
            acc = 0;
        }
    }
    if (rem == 2) {
        if (acc & 0xF) /* 12 bits carry 8: the low 4 must be zero */
            return err;
        out[o++] = (uint8_t)(acc >> 4);
    } else if (rem == 3) {
        if (acc & 0x3) /* 18 bits carry 16: the low 2 must be zero */
            return err;
        out[o++] = (uint8_t)(acc >> 10);
        out[o++] = (uint8_t)(acc >> 2);
    }
    return o;
}
