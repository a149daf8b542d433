/* pin_cache.h - remembers, in this process's memory only, that a user's PIN was verified
 * by the full scrypt check, so that the user's next taps within [server] pin_cache_seconds
 * are checked in microseconds instead of ~100 ms.
 * An entry is HMAC-SHA256(k, user, stored PIN hash, PIN) with k random per process and
 * never written anywhere: the database and the pepper file gain nothing from it, and a
 * changed PIN (a new stored hash) no longer matches. The cache only ever says "this is
 * the right PIN"; anything else (no entry, another PIN, expired) goes to scrypt, and wrong
 * PINs count towards the lockout exactly as before. An entry lives for ttl seconds from
 * its scrypt verification (taps do not extend it); a wrong PIN forgets the user's entry. */
#ifndef GW_PIN_CACHE_H
#define GW_PIN_CACHE_H

#include <stdint.h>

#include "latchkey/cmd_format.h"

#define PIN_CACHE_SLOTS 64 /* users remembered at once; the oldest entry gives way */
#define PIN_CACHE_MAC_LEN 32

struct pin_cache_entry {
    char user[LK_BY_MAX + 1];          /* "" when free */
    unsigned char mac[PIN_CACHE_MAC_LEN];
    int64_t expires_ms;                /* monotonic */
};

struct pin_cache {
    unsigned char key[32];
    int64_t ttl_ms;                    /* 0: the cache is off */
    struct pin_cache_entry e[PIN_CACHE_SLOTS];
};

/* A fresh random key. ttl_s = 0 turns the cache off. 0, or -1 (RNG failure: stays off). */
int pin_cache_init(struct pin_cache *c, int ttl_s);

/* The entry value of (user, phc, pin) into mac. 0, or -1 (cache off, too long, HMAC error).
 * Computed when the check starts, so the PIN itself need not be kept until the verdict. */
int pin_cache_mac(const struct pin_cache *c, const char *user, const char *phc, const char *pin,
                  unsigned char mac[PIN_CACHE_MAC_LEN]);

/* 1 if user's entry holds mac and has not expired, else 0 (constant-time compare). */
int pin_cache_match(const struct pin_cache *c, const char *user,
                    const unsigned char mac[PIN_CACHE_MAC_LEN], int64_t now_ms);

/* Remembers the mac of a PIN that scrypt has just verified. */
void pin_cache_store(struct pin_cache *c, const char *user,
                     const unsigned char mac[PIN_CACHE_MAC_LEN], int64_t now_ms);

/* Forgets user's entry (wrong PIN, lockout). */
void pin_cache_forget(struct pin_cache *c, const char *user);

/* Wipes everything, key included (shutdown). */
void pin_cache_clear(struct pin_cache *c);

#endif
