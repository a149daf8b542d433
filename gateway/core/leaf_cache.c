/* leaf_cache.c - the verified-leaf cache of the phones' TLS listener (see leaf_cache.h). */
#include "leaf_cache.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <string.h>

#define DIGEST_LEN 32

/* The CRL generation an entry is keyed by (tls_store.h: +1 on every CRL (re)load). */
static uint64_t crl_generation(const struct tls_store *t)
{
    return t->generation;
}

void leaf_cache_init(struct leaf_cache *c, long max_age)
{
    memset(c, 0, sizeof *c);
    c->max_age = max_age < 0 ? 0 : (max_age > LEAF_CACHE_MAX_AGE ? LEAF_CACHE_MAX_AGE : max_age);
}

int leaf_cache_count(const struct leaf_cache *c)
{
    int i, n = 0;
    for (i = 0; i < LEAF_CACHE_SLOTS; i++)
        n += c->e[i].stored != 0;
    return n;
}

static int der_digest(X509 *x, unsigned char out[DIGEST_LEN])
{
    unsigned int n = 0;
    return X509_digest(x, EVP_sha256(), out, &n) == 1 && n == DIGEST_LEN;
}

/* SHA-256 over the DER digests of client_ca's certificates, in file order. */
static int ca_set_digest(const struct tls_store *t, unsigned char out[DIGEST_LEN])
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned char d[DIGEST_LEN];
    int i, ok = md != NULL && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1;

    for (i = 0; ok && i < sk_X509_num(t->ca); i++)
        ok = der_digest(sk_X509_value(t->ca, i), d) && EVP_DigestUpdate(md, d, sizeof d) == 1;
    ok = ok && EVP_DigestFinal_ex(md, out, NULL) == 1;
    EVP_MD_CTX_free(md);
    return ok;
}

/* The slot of (leaf, ca_set, generation), -1 if none. */
static int find(const struct leaf_cache *c, const unsigned char leaf[DIGEST_LEN],
                const unsigned char ca_set[DIGEST_LEN], uint64_t generation)
{
    int i;
    for (i = 0; i < LEAF_CACHE_SLOTS; i++) {
        const struct leaf_cache_entry *e = &c->e[i];
        if (e->stored != 0 && e->generation == generation &&
            memcmp(e->leaf, leaf, DIGEST_LEN) == 0 && memcmp(e->ca_set, ca_set, DIGEST_LEN) == 0)
            return i;
    }
    return -1;
}

/* Where a new entry goes: the leaf's own slot, a free or stale one (past its until, from
 * another CRL generation or CA set), else the oldest. */
static struct leaf_cache_entry *slot_for(struct leaf_cache *c, const unsigned char leaf[DIGEST_LEN],
                                         const unsigned char ca_set[DIGEST_LEN],
                                         uint64_t generation, time_t now)
{
    struct leaf_cache_entry *oldest = &c->e[0];
    int i;
    for (i = 0; i < LEAF_CACHE_SLOTS; i++) {
        struct leaf_cache_entry *e = &c->e[i];
        if (e->stored == 0 || memcmp(e->leaf, leaf, DIGEST_LEN) == 0 || e->until <= now ||
            e->generation != generation || memcmp(e->ca_set, ca_set, DIGEST_LEN) != 0)
            return e;
        if (e->stored < oldest->stored)
            oldest = e;
    }
    return oldest;
}

/* Remembers the chain X509_verify_cert has just accepted (leaf first); left out if a CA of it
 * is not one of client_ca. */
static void remember(struct leaf_cache *c, const struct tls_store *t, STACK_OF(X509) * chain,
                     const unsigned char leaf[DIGEST_LEN], const unsigned char ca_set[DIGEST_LEN],
                     time_t now)
{
    struct leaf_cache_entry n;
    int d, k, depth = sk_X509_num(chain) - 1;

    if (depth < 1 || depth > LEAF_CACHE_DEPTH)
        return;
    memset(&n, 0, sizeof n);
    memcpy(n.leaf, leaf, DIGEST_LEN);
    memcpy(n.ca_set, ca_set, DIGEST_LEN);
    n.generation = crl_generation(t);
    n.stored = now;
    n.until = now + c->max_age;
    n.depth = depth;
    /* Not before any notBefore: they were all <= now, and a hit needs a time >= stored. */
    for (d = 0; d <= depth; d++) {
        X509 *x = sk_X509_value(chain, d);
        time_t until = now + tls_store_cert_seconds_left(x, now);
        if (until < n.until)
            n.until = until;
        if (d > 0) {
            if ((k = tls_store_ca_index(t, x)) < 0)
                return;
            n.chain[d - 1] = (unsigned char)k;
        }
    }
    if (n.until <= now)
        return;
    *slot_for(c, leaf, ca_set, n.generation, now) = n;
}

/* The verified chain of a hit: leaf, then the remembered CAs; NULL if out of memory. */
static STACK_OF(X509) *
    chain_of(const struct leaf_cache_entry *e, const struct tls_store *t, X509 *leaf)
{
    STACK_OF(X509) *sk = sk_X509_new_reserve(NULL, e->depth + 1);
    int d;

    for (d = 0; sk != NULL && d <= e->depth; d++) {
        X509 *x = d == 0 ? leaf : sk_X509_value(t->ca, e->chain[d - 1]);
        if (x == NULL || X509_up_ref(x) != 1)
            break;
        if (sk_X509_push(sk, x) == 0) {
            X509_free(x);
            break;
        }
    }
    if (sk == NULL || d <= e->depth) {
        sk_X509_pop_free(sk, X509_free);
        return NULL;
    }
    return sk;
}

/* A usable entry for leaf now: in its dates and age, and leaf passes the per-request check;
 * the chain to hand to OpenSSL, or NULL (an entry that failed is dropped). */
static STACK_OF(X509) *
    lookup(struct leaf_cache *c, const struct tls_store *t, X509 *leaf, int i, time_t now)
{
    struct leaf_cache_entry *e = &c->e[i];
    const char *why = "";
    STACK_OF(X509) * sk;

    if (now >= e->until || now < e->stored || !tls_store_cert_ok(t, leaf, now, &why) ||
        (sk = chain_of(e, t, leaf)) == NULL) {
        memset(e, 0, sizeof *e);
        ERR_clear_error();
        return NULL;
    }
    return sk;
}

int leaf_cache_verify(struct leaf_cache *c, const struct tls_store *t, X509_STORE_CTX *xs,
                      time_t now, int *hit)
{
    unsigned char leaf_md[DIGEST_LEN], ca_md[DIGEST_LEN];
    X509 *leaf = X509_STORE_CTX_get0_cert(xs);
    STACK_OF(X509) *sk = NULL;
    int i, keyed, rc;

    *hit = 0;
    keyed = c->max_age > 0 && leaf != NULL && der_digest(leaf, leaf_md) && ca_set_digest(t, ca_md);
    if (keyed && (i = find(c, leaf_md, ca_md, crl_generation(t))) >= 0 &&
        (sk = lookup(c, t, leaf, i, now)) != NULL) {
        X509_STORE_CTX_set0_verified_chain(xs, sk); /* takes sk */
        X509_STORE_CTX_set_error(xs, X509_V_OK);
        c->hits++;
        *hit = 1;
        return 1;
    }
    ERR_clear_error();
    rc = X509_verify_cert(xs);
    c->misses++;
    /* Only a clean verdict: the no-certificate mode lets a refused chain complete with 1
     * and the error kept. */
    if (keyed && rc == 1 && X509_STORE_CTX_get_error(xs) == X509_V_OK &&
        X509_STORE_CTX_get0_chain(xs) != NULL)
        remember(c, t, X509_STORE_CTX_get0_chain(xs), leaf_md, ca_md, now);
    return rc;
}
