/* pin_hash.c - peppered scrypt PIN hashing and verification with OpenSSL (HMAC-SHA256,
 * EVP_PBE_scrypt),
 * PHC-style encoding with OpenSSL's base64 (EVP_EncodeBlock/DecodeBlock, padding stripped),
 * strict parsing (a string that does not re-encode identically is rejected) and a
 * constant-time comparison (CRYPTO_memcmp). */
#include "pin_hash.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define SCHEME_VERSION 1 /* password = HMAC-SHA256(pepper, PIN) */
#define SALT_LEN 16
#define SALT_MAX 64
#define HASH_LEN 32
#define DEFAULT_LN 15
#define DEFAULT_R 8
#define DEFAULT_P 1
#define MAX_MEM_BYTES (256u * 1024u * 1024u)

struct phc {
    unsigned ln, r, p;
    uint8_t salt[SALT_MAX];
    size_t salt_len;
    uint8_t hash[HASH_LEN];
};

int pin_valid(const char *pin)
{
    size_t n;
    if (pin == NULL)
        return 0;
    for (n = 0; pin[n] != '\0'; n++)
        if (pin[n] < '0' || pin[n] > '9' || n >= PIN_MAX_LEN)
            return 0;
    return n >= PIN_MIN_LEN;
}

/* Standard base64 without padding, via OpenSSL. Returns chars written or 0. */
static size_t b64_encode(const uint8_t *in, size_t n, char *out, size_t cap)
{
    size_t len;
    if (cap < 4 * ((n + 2) / 3) + 1)
        return 0;
    len = (size_t)EVP_EncodeBlock((unsigned char *)out, in, (int)n);
    while (len > 0 && out[len - 1] == '=')
        out[--len] = '\0';
    return len;
}

/* Strict decode of unpadded standard base64 into exactly want bytes (or up to cap bytes
 * when want is 0). Returns the byte count or 0. */
static size_t b64_decode(const char *in, size_t len, uint8_t *out, size_t cap)
{
    char padded[4 * ((SALT_MAX + 2) / 3) + 4];
    uint8_t tmp[sizeof padded];
    char again[sizeof padded];
    size_t pad = (4 - len % 4) % 4, n;
    int got;

    if (len == 0 || pad == 3 || len + pad >= sizeof padded)
        return 0;
    memcpy(padded, in, len);
    memset(padded + len, '=', pad);
    padded[len + pad] = '\0';
    got = EVP_DecodeBlock(tmp, (const unsigned char *)padded, (int)(len + pad));
    if (got < 0 || (size_t)got < pad)
        return 0;
    n = (size_t)got - pad;
    if (n > cap)
        return 0;
    /* Canonical form only: whitespace, stray bits or padding inside would not survive. */
    if (b64_encode(tmp, n, again, sizeof again) != len || memcmp(again, in, len) != 0)
        return 0;
    memcpy(out, tmp, n);
    return n;
}

/* Reads a decimal number without sign or leading zero; advances *s. */
static int read_uint(const char **s, unsigned *out)
{
    unsigned v = 0;
    const char *p = *s;
    if (*p < '0' || *p > '9' || (*p == '0' && p[1] >= '0' && p[1] <= '9'))
        return -1;
    while (*p >= '0' && *p <= '9') {
        if (v > 100000)
            return -1;
        v = v * 10 + (unsigned)(*p++ - '0');
    }
    *s = p;
    *out = v;
    return 0;
}

static int expect(const char **s, const char *lit)
{
    size_t n = strlen(lit);
    if (strncmp(*s, lit, n) != 0)
        return -1;
    *s += n;
    return 0;
}

static int params_ok(unsigned ln, unsigned r, unsigned p)
{
    if (ln < 14 || ln > 20 || r < 1 || r > 32 || p < 1 || p > 16)
        return 0;
    return (uint64_t)128 * r * ((uint64_t)1 << ln) <= MAX_MEM_BYTES;
}

static int phc_parse(const char *s, struct phc *out)
{
    const char *salt, *dollar;
    if (s == NULL || strlen(s) >= PIN_HASH_MAX)
        return -1;
    if (expect(&s, "$scrypt$v=1$ln=") || read_uint(&s, &out->ln) || expect(&s, ",r=") ||
        read_uint(&s, &out->r) || expect(&s, ",p=") || read_uint(&s, &out->p) ||
        expect(&s, "$"))
        return -1;
    if (!params_ok(out->ln, out->r, out->p))
        return -1;
    salt = s;
    dollar = strchr(salt, '$');
    if (dollar == NULL)
        return -1;
    out->salt_len = b64_decode(salt, (size_t)(dollar - salt), out->salt, sizeof out->salt);
    if (out->salt_len < SALT_LEN)
        return -1;
    if (b64_decode(dollar + 1, strlen(dollar + 1), out->hash, sizeof out->hash) != HASH_LEN)
        return -1;
    return 0;
}

/* The KDF: scrypt over HMAC-SHA256(pepper, PIN). The HMAC keeps the pepper out of the
 * salt (which is stored) and gives scrypt a fixed-length password. */
static int derive(const struct pepper *pepper, const char *pin, const uint8_t *salt,
                  size_t salt_len, unsigned ln, unsigned r, unsigned p, uint8_t out[HASH_LEN])
{
    uint64_t n = (uint64_t)1 << ln;
    uint64_t maxmem = (uint64_t)128 * r * n + (uint64_t)128 * r * p + 1024 * 1024;
    unsigned char pw[32];
    unsigned int pw_len = 0;
    int rc;

    if (HMAC(EVP_sha256(), pepper->key, PEPPER_LEN, (const unsigned char *)pin, strlen(pin), pw,
             &pw_len) == NULL || pw_len != sizeof pw)
        return -1;
    rc = EVP_PBE_scrypt((const char *)pw, sizeof pw, salt, salt_len, n, r, p, maxmem, out,
                        HASH_LEN) == 1 ? 0 : -1;
    OPENSSL_cleanse(pw, sizeof pw);
    return rc;
}

static int phc_format(const struct phc *h, char *out, size_t cap)
{
    char salt[4 * ((SALT_MAX + 2) / 3) + 1], hash[4 * ((HASH_LEN + 2) / 3) + 1];
    int n;
    if (b64_encode(h->salt, h->salt_len, salt, sizeof salt) == 0 ||
        b64_encode(h->hash, HASH_LEN, hash, sizeof hash) == 0)
        return -1;
    n = snprintf(out, cap, "$scrypt$v=%d$ln=%u,r=%u,p=%u$%s$%s", SCHEME_VERSION, h->ln, h->r,
                 h->p, salt, hash);
    return n > 0 && (size_t)n < cap ? 0 : -1;
}

int pin_hash_create(const struct pepper *pepper, const char *pin, char *out, size_t cap)
{
    struct phc h;
    int rc;
    if (pepper == NULL || !pin_valid(pin) || out == NULL)
        return -1;
    h.ln = DEFAULT_LN;
    h.r = DEFAULT_R;
    h.p = DEFAULT_P;
    h.salt_len = SALT_LEN;
    if (RAND_bytes(h.salt, SALT_LEN) != 1 ||
        derive(pepper, pin, h.salt, h.salt_len, h.ln, h.r, h.p, h.hash) != 0)
        rc = -1;
    else
        rc = phc_format(&h, out, cap);
    OPENSSL_cleanse(&h, sizeof h);
    return rc;
}

int pin_hash_check_format(const char *phc)
{
    struct phc h;
    return phc_parse(phc, &h);
}

enum pin_verify pin_hash_verify(const struct pepper *pepper, const char *pin, const char *phc)
{
    struct phc h;
    uint8_t got[HASH_LEN];
    enum pin_verify rc;
    if (pepper == NULL || phc_parse(phc, &h) != 0)
        return PIN_HASH_INVALID;
    if (!pin_valid(pin))
        return PIN_MISMATCH;
    if (derive(pepper, pin, h.salt, h.salt_len, h.ln, h.r, h.p, got) != 0)
        return PIN_HASH_INVALID;
    rc = CRYPTO_memcmp(got, h.hash, HASH_LEN) == 0 ? PIN_MATCH : PIN_MISMATCH;
    OPENSSL_cleanse(got, sizeof got);
    return rc;
}
