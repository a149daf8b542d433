/* csrf.c - CSRF tokens (HMAC-SHA256, base64url via common/) and the Origin rule. */
#include "csrf.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "latchkey/b64url.h"

#define MAC_LEN 32

int csrf_init(struct csrf *c)
{
    return RAND_bytes(c->key, sizeof c->key) == 1 ? 0 : -1;
}

static int mac(const struct csrf *c, const char *binding, const char *when,
               unsigned char out[MAC_LEN])
{
    char msg[512];
    unsigned int len = 0;
    int n = snprintf(msg, sizeof msg, "latchkey-csrf-v1\n%s\n%s", when, binding);
    if (n <= 0 || (size_t)n >= sizeof msg)
        return -1;
    if (HMAC(EVP_sha256(), c->key, (int)sizeof c->key, (const unsigned char *)msg, (size_t)n,
             out, &len) == NULL || len != MAC_LEN)
        return -1;
    return 0;
}

int csrf_token(const struct csrf *c, const char *binding, int64_t now, char *out, size_t cap)
{
    unsigned char m[MAC_LEN];
    char when[24];
    size_t used;
    int n = snprintf(when, sizeof when, "%lld", (long long)now);

    if (n <= 0 || now < 0 || mac(c, binding, when, m) != 0)
        return -1;
    if ((size_t)n + 1 + LK_B64URL_ENCODED_LEN(MAC_LEN) + 1 > cap)
        return -1;
    memcpy(out, when, (size_t)n);
    out[n] = '.';
    used = lk_b64url_encode(m, MAC_LEN, out + n + 1, cap - (size_t)n - 1);
    if (used == 0)
        return -1;
    out[(size_t)n + 1 + used] = '\0';
    return 0;
}

enum csrf_verdict csrf_check(const struct csrf *c, const char *binding, const char *token,
                             int64_t now)
{
    unsigned char want[MAC_LEN], got[MAC_LEN + 2];
    char when[24];
    const char *dot;
    char *end;
    long long t;
    size_t wl;

    if (token == NULL || (dot = strchr(token, '.')) == NULL)
        return CSRF_MALFORMED;
    wl = (size_t)(dot - token);
    if (wl == 0 || wl >= sizeof when || token[0] < '0' || token[0] > '9')
        return CSRF_MALFORMED;
    memcpy(when, token, wl);
    when[wl] = '\0';
    t = strtoll(when, &end, 10);
    if (*end != '\0')
        return CSRF_MALFORMED;
    if (lk_b64url_decode(dot + 1, strlen(dot + 1), got, sizeof got) != MAC_LEN)
        return CSRF_MALFORMED;
    if (mac(c, binding, when, want) != 0)
        return CSRF_MALFORMED;
    if (CRYPTO_memcmp(want, got, MAC_LEN) != 0)
        return CSRF_BAD_MAC;
    if (t > now + 5 || now - t > CSRF_TOKEN_TTL)
        return CSRF_EXPIRED;
    return CSRF_OK;
}

int csrf_origin_ok(const char *own, const char *origin, const char *fetch_site, const char **why)
{
    /* "Origin: null" is an opaque origin: with Referrer-Policy: no-referrer, browsers send it
     * even on same-origin POSTs (Fetch: serializing a request origin). Then Sec-Fetch-Site
     * alone decides (a sandboxed or data: attacker page gets cross-site there); without it
     * (also: HTTP/2, where lws drops the header) the POST is refused. */
    if (origin != NULL && strcmp(origin, "null") == 0)
        origin = NULL;
    if (origin == NULL && fetch_site == NULL) {
        *why = "no Origin or Sec-Fetch-Site header";
        return 0;
    }
    if (origin != NULL && strcmp(origin, own) != 0) {
        *why = "cross-origin request (Origin)";
        return 0;
    }
    if (fetch_site != NULL && strcmp(fetch_site, "same-origin") != 0) {
        *why = "cross-site request (Sec-Fetch-Site)";
        return 0;
    }
    return 1;
}

const char *csrf_verdict_name(enum csrf_verdict v)
{
    switch (v) {
    case CSRF_OK: return "ok";
    case CSRF_MALFORMED: return "missing-or-malformed-token";
    case CSRF_EXPIRED: return "expired-token";
    case CSRF_BAD_MAC: return "invalid-token";
    }
    return "invalid-token";
}
