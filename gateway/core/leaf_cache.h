/* leaf_cache.h - the verified-leaf cache of the phones' TLS listener: a full handshake of a
 * client certificate this process has already verified skips OpenSSL's chain verification
 * (path building and the ECDSA check of the CA's signature on the certificate, ~1 M
 * instructions) and runs only the checks every request runs (tls_store_cert_ok: the
 * certificate's dates now, the CRL in force, the issuer in client_ca).
 * An entry is keyed by the SHA-256 of the leaf's DER, the SHA-256 of the CA set (client_ca
 * as loaded) and the CRL generation (tls_store.generation, +1 on every CRL (re)load): another
 * certificate (the same subject with another key included), another CA set or a reloaded
 * CRL never hits. It holds the indices in client_ca of the verified chain above the leaf,
 * which a hit hands to OpenSSL as the connection's verified chain. An entry lives at most
 * max_age seconds, never past the earliest notAfter of its chain nor at a time before it was
 * verified (so never before a notBefore: a clock set back drops it), and only a chain X509_verify_cert accepted with X509_V_OK is stored. Fixed table,
 * LEAF_CACHE_SLOTS entries; a new entry takes a free or stale slot, else the oldest. Memory
 * of this process only; loop thread only (no locking). */
#ifndef GW_LEAF_CACHE_H
#define GW_LEAF_CACHE_H

#include <stdint.h>
#include <time.h>

#include <openssl/x509.h>

#include "tls_store.h"

#define LEAF_CACHE_SLOTS 256 /* phones remembered at once */
#define LEAF_CACHE_DEPTH 8   /* certificates above the leaf in a remembered chain */
#define LEAF_CACHE_MAX_AGE 86400

struct leaf_cache_entry {
    unsigned char leaf[32];   /* SHA-256 of the leaf's DER */
    unsigned char ca_set[32]; /* SHA-256 of the CA set it was verified against */
    uint64_t generation;      /* the CRL generation it was verified under */
    time_t stored;            /* when verified (0: free); a hit needs a time >= it */
    time_t until;             /* usable before: the chain's earliest notAfter, max_age */
    unsigned char chain[LEAF_CACHE_DEPTH]; /* index in client_ca of each CA above the leaf */
    int depth;                             /* how many of chain are used */
};

struct leaf_cache {
    long max_age; /* seconds; 0: the cache is off (every handshake verifies the chain) */
    unsigned long long hits, misses;
    struct leaf_cache_entry e[LEAF_CACHE_SLOTS];
};

/* An empty cache whose entries live max_age seconds (0: off; capped at LEAF_CACHE_MAX_AGE). */
void leaf_cache_init(struct leaf_cache *c, long max_age);

/* In place of X509_verify_cert (SSL_CTX_set_cert_verify_callback), xs as libssl set it up
 * with t's store: on a hit whose certificate passes tls_store_cert_ok now, sets the verified
 * chain (the leaf, then the remembered CAs of t) and X509_V_OK and returns 1 without
 * verifying; otherwise (no entry, or it fails now: the entry is dropped) returns
 * X509_verify_cert(xs) and remembers the leaf if that accepted it with X509_V_OK. *hit: 1 if
 * the chain verification was skipped. */
int leaf_cache_verify(struct leaf_cache *c, const struct tls_store *t, X509_STORE_CTX *xs,
                      time_t now, int *hit);

/* Entries in use (for tests and the bound). */
int leaf_cache_count(const struct leaf_cache *c);

#endif
