/* csrf.h - the CSRF defence of POST requests (the client certificate is an ambient
 * credential: a foreign page could make the browser post with it).
 * 1. Origin check: an Origin header must equal the gateway's own origin and a
 *    Sec-Fetch-Site header must say same-origin; a POST with neither header is refused
 *    (every browser that can hold a client certificate sends at least one of them).
 *    "Origin: null" counts as no Origin (browsers send it on same-origin POSTs from a page
 *    under Referrer-Policy: no-referrer), so Sec-Fetch-Site: same-origin must then be
 *    present. Our pages are served with same-origin, so browsers send the real Origin (on
 *    HTTP/2 lws drops Sec-Fetch-Site: there Origin: null is always refused).
 * 2. A per-page token: "<unix time>.<base64url HMAC-SHA256>" over the time and a binding
 *    (the connection's certificate serial and user), keyed with a random key made at
 *    start-up; embedded in the form by GET /, valid CSRF_TOKEN_TTL seconds. */
#ifndef GW_CSRF_H
#define GW_CSRF_H

#include <stddef.h>
#include <stdint.h>

#define CSRF_KEY_LEN 32
#define CSRF_TOKEN_MAX 80
#define CSRF_TOKEN_TTL 600

struct csrf {
    unsigned char key[CSRF_KEY_LEN];
};

enum csrf_verdict { CSRF_OK = 0, CSRF_MALFORMED, CSRF_EXPIRED, CSRF_BAD_MAC };

/* Fresh random key. -1 if the RNG fails. */
int csrf_init(struct csrf *c);

/* Writes the token for binding at time now into out (cap >= CSRF_TOKEN_MAX). 0 or -1. */
int csrf_token(const struct csrf *c, const char *binding, int64_t now, char *out, size_t cap);

/* Checks a submitted token (may be NULL) for binding at time now. */
enum csrf_verdict csrf_check(const struct csrf *c, const char *binding, const char *token,
                             int64_t now);

/* Origin rule above. own = "https://host[:port]"; origin / fetch_site NULL when absent.
 * 1 if allowed, else 0 and *why. */
int csrf_origin_ok(const char *own, const char *origin, const char *fetch_site, const char **why);

const char *csrf_verdict_name(enum csrf_verdict v);

#endif
