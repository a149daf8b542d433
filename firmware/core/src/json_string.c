/* json_string.c - JSON string literal decoding (escapes, \uXXXX to UTF-8); see json_string.h. */
#include "lk/json_string.h"

#include <stdint.h>

#define BAD ((size_t)-1)

static int hex4(const char *s, size_t len, size_t at, uint32_t *out)
{
    uint32_t v = 0;
    size_t i;
    if (len - at < 4)
        return 0;
    for (i = at; i < at + 4; i++) {
        char ch = s[i];
        v <<= 4;
        if (ch >= '0' && ch <= '9')
            v |= (uint32_t)(ch - '0');
        else if (ch >= 'a' && ch <= 'f')
            v |= (uint32_t)(ch - 'a' + 10);
        else if (ch >= 'A' && ch <= 'F')
            v |= (uint32_t)(ch - 'A' + 10);
        else
            return 0;
    }
    *out = v;
    return 1;
}

/* Appends the UTF-8 form of code point cp; 0 if it does not fit. */
static int put_utf8(char *out, size_t cap, size_t *n, uint32_t cp)
{
    uint8_t b[4];
    size_t k, i;
    if (cp < 0x80) {
        b[0] = (uint8_t)cp;
        k = 1;
    } else if (cp < 0x800) {
        b[0] = (uint8_t)(0xc0 | (cp >> 6));
        b[1] = (uint8_t)(0x80 | (cp & 0x3f));
        k = 2;
    } else if (cp < 0x10000) {
        b[0] = (uint8_t)(0xe0 | (cp >> 12));
        b[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
        b[2] = (uint8_t)(0x80 | (cp & 0x3f));
        k = 3;
    } else {
        b[0] = (uint8_t)(0xf0 | (cp >> 18));
        b[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f));
        b[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
        b[3] = (uint8_t)(0x80 | (cp & 0x3f));
        k = 4;
    }
    if (k > cap - 1 - *n) /* keep room for the NUL */
        return 0;
    for (i = 0; i < k; i++)
        out[(*n)++] = (char)b[i];
    return 1;
}

size_t lk_json_unescape(const char *s, size_t len, char *out, size_t cap)
{
    size_t i = 0, n = 0;
    if (s == NULL || out == NULL || cap == 0)
        return BAD;
    while (i < len) {
        unsigned char ch = (unsigned char)s[i];
        uint32_t cp;
        if (ch < 0x20)
            return BAD; /* raw control characters are not allowed in JSON strings */
        if (ch != '\\') {
            if (n >= cap - 1)
                return BAD;
            out[n++] = (char)ch;
            i++;
            continue;
        }
        if (i + 1 >= len)
            return BAD;
        switch (s[i + 1]) {
        case '"': cp = '"'; break;
        case '\\': cp = '\\'; break;
        case '/': cp = '/'; break;
        case 'b': cp = '\b'; break;
        case 'f': cp = '\f'; break;
        case 'n': cp = '\n'; break;
        case 'r': cp = '\r'; break;
        case 't': cp = '\t'; break;
        case 'u':
            if (!hex4(s, len, i + 2, &cp))
                return BAD;
            if (cp >= 0xdc00 && cp <= 0xdfff)
                return BAD; /* low surrogate without a high one */
            if (cp >= 0xd800 && cp <= 0xdbff) {
                uint32_t lo;
                if (len - (i + 6) < 6 || s[i + 6] != '\\' || s[i + 7] != 'u' ||
                    !hex4(s, len, i + 8, &lo) || lo < 0xdc00 || lo > 0xdfff)
                    return BAD;
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                i += 6;
            }
            i += 4;
            break;
        default:
            return BAD;
        }
        i += 2;
        if (!put_utf8(out, cap, &n, cp))
            return BAD;
    }
    out[n] = '\0';
    return n;
}
