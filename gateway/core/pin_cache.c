/* pin_cache.c - the in-memory verified-PIN cache (see pin_cache.h). */
#include "pin_cache.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <string.h>

int pin_cache_init(struct pin_cache *c, int ttl_s)
{
    memset(c, 0, sizeof *c);
    if (ttl_s <= 0)
        return 0;
    if (RAND_bytes(c->key, sizeof c->key) != 1)
        return -1;
    c->ttl_ms = (int64_t)ttl_s * 1000;
    return 0;
}

/* HMAC over the three strings, each with its terminating NUL (no ambiguity). */
int pin_cache_mac(const struct pin_cache *c, const char *user, const char *phc, const char *pin,
                  unsigned char out[PIN_CACHE_MAC_LEN])
{
    unsigned char msg[LK_BY_MAX + 1 + 256 + 32];
    size_t lu, lh, lp;
    unsigned int len = 0;
    int ok;

    if (user == NULL || phc == NULL || pin == NULL)
        return -1;
    lu = strlen(user) + 1;
    lh = strlen(phc) + 1;
    lp = strlen(pin) + 1;
    if (c->ttl_ms <= 0 || lu > LK_BY_MAX + 1 || lh > 256 || lp > 32)
        return -1;
    memcpy(msg, user, lu);
    memcpy(msg + lu, phc, lh);
    memcpy(msg + lu + lh, pin, lp);
    ok = HMAC(EVP_sha256(), c->key, sizeof c->key, msg, lu + lh + lp, out, &len) != NULL &&
         len == PIN_CACHE_MAC_LEN;
    OPENSSL_cleanse(msg, sizeof msg);
    return ok ? 0 : -1;
}

static int find(const struct pin_cache *c, const char *user)
{
    int i;
    for (i = 0; i < PIN_CACHE_SLOTS; i++)
        if (c->e[i].user[0] != '\0' && strcmp(c->e[i].user, user) == 0)
            return i;
    return -1;
}

int pin_cache_match(const struct pin_cache *c, const char *user,
                    const unsigned char mac[PIN_CACHE_MAC_LEN], int64_t now_ms)
{
    int i;
    if (c->ttl_ms <= 0 || user == NULL || (i = find(c, user)) < 0 ||
        now_ms >= c->e[i].expires_ms)
        return 0;
    return CRYPTO_memcmp(mac, c->e[i].mac, PIN_CACHE_MAC_LEN) == 0;
}

void pin_cache_store(struct pin_cache *c, const char *user,
                     const unsigned char mac[PIN_CACHE_MAC_LEN], int64_t now_ms)
{
    int i, j;

    if (c->ttl_ms <= 0 || user == NULL || strlen(user) > LK_BY_MAX)
        return;
    i = find(c, user);
    if (i < 0) { /* a free slot, else the one that expires first */
        for (i = 0, j = 1; j < PIN_CACHE_SLOTS && c->e[i].user[0] != '\0'; j++)
            if (c->e[j].user[0] == '\0' || c->e[j].expires_ms < c->e[i].expires_ms)
                i = j;
    }
    memcpy(c->e[i].mac, mac, PIN_CACHE_MAC_LEN);
    strcpy(c->e[i].user, user);
    c->e[i].expires_ms = now_ms + c->ttl_ms;
}

void pin_cache_forget(struct pin_cache *c, const char *user)
{
    int i = find(c, user);
    if (i >= 0)
        OPENSSL_cleanse(&c->e[i], sizeof c->e[i]);
}

void pin_cache_clear(struct pin_cache *c)
{
    OPENSSL_cleanse(c, sizeof *c);
}
