/* test_leaf_cache.c - the verified-leaf cache (gateway/core/leaf_cache.h) with real
 * certificates and CRLs made here: a second handshake of a verified leaf skips the chain
 * verification and still gets its verified chain; a CRL that revokes it, its notAfter, the
 * age bound and a clock set back end the hits at once; another CA set, the same subject
 * with another key, a forged signature never hit; refused chains are not stored (also when
 * the no-certificate mode lets them through); the table stays within LEAF_CACHE_SLOTS; and
 * in-memory TLS 1.3 and 1.2 handshakes through SSL_CTX_set_cert_verify_callback, as the
 * gateway sets it up, leave libssl the verify result, peer certificate and chain. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "leaf_cache.h"
#include "tls_store.h"

static char dir[] = "/tmp/lk-leaf-XXXXXX";
static EVP_PKEY *ca_key, *ca2_key, *phone_key, *phone2_key;
static X509 *ca, *ca2, *alice, *alice_k2, *alice_forged, *carol, *server;
static long crl_no = 1; /* the next CRL's crlNumber */

/* cn's certificate for key, valid from an hour ago for life seconds, issued under issuer's
 * name (NULL: a self-signed CA) and signed with ikey; eku NULL for a CA. */
static X509 *cert(const char *cn, long serial, EVP_PKEY *key, X509 *issuer, EVP_PKEY *ikey,
                  long life, const char *eku)
{
    static const struct {
        int nid;
        const char *value; /* NULL: eku */
    } exts[2][3] = {{{NID_subject_key_identifier, "hash"},
                     {NID_basic_constraints, "critical,CA:TRUE"},
                     {NID_key_usage, "critical,keyCertSign,cRLSign"}},
                    {{NID_authority_key_identifier, "keyid:always"},
                     {NID_basic_constraints, "critical,CA:FALSE"},
                     {NID_ext_key_usage, NULL}}};
    X509 *x = X509_new();
    X509_NAME *name = X509_NAME_new();
    X509V3_CTX v;
    int i;

    assert_non_null(x);
    assert_non_null(name);
    assert_int_equal(
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0),
        1);
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
    X509_set_subject_name(x, name);
    X509_set_issuer_name(x, issuer != NULL ? X509_get_subject_name(issuer) : name);
    X509_gmtime_adj(X509_getm_notBefore(x), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x), life);
    X509_set_pubkey(x, key);
    X509V3_set_ctx(&v, issuer != NULL ? issuer : x, x, NULL, NULL, 0);
    for (i = 0; i < 3; i++) {
        X509_EXTENSION *e = X509V3_EXT_conf_nid(
            NULL, &v, exts[eku != NULL][i].nid,
            exts[eku != NULL][i].value != NULL ? exts[eku != NULL][i].value : eku);
        assert_non_null(e);
        assert_int_equal(X509_add_ext(x, e, -1), 1);
        X509_EXTENSION_free(e);
    }
    assert_true(X509_sign(x, ikey, EVP_sha256()) > 0);
    X509_NAME_free(name);
    return x;
}

static X509 *phone(const char *cn, long serial, EVP_PKEY *key, long life)
{
    return cert(cn, serial, key, ca, ca_key, life, "clientAuth");
}

/* issuer's CRL revoking serials (0-terminated), current for a day, the next crlNumber, at
 * path (a new file: the store notices it). */
static void crl(const char *path, X509 *issuer, EVP_PKEY *key, const long *serials)
{
    X509_CRL *c = X509_CRL_new();
    ASN1_TIME *t = ASN1_TIME_new();
    ASN1_INTEGER *n = ASN1_INTEGER_new();
    char tmp[64];
    FILE *f;

    assert_non_null(c);
    X509_CRL_set_version(c, 1);
    X509_CRL_set_issuer_name(c, X509_get_subject_name(issuer));
    X509_CRL_set1_lastUpdate(c, X509_gmtime_adj(t, -60));
    X509_CRL_set1_nextUpdate(c, X509_gmtime_adj(t, 86400));
    for (; *serials != 0; serials++) {
        X509_REVOKED *r = X509_REVOKED_new();
        ASN1_INTEGER_set(n, *serials);
        X509_REVOKED_set_serialNumber(r, n);
        X509_REVOKED_set_revocationDate(r, X509_gmtime_adj(t, -30));
        X509_CRL_add0_revoked(c, r);
    }
    ASN1_INTEGER_set(n, crl_no++);
    assert_int_equal(X509_CRL_add1_ext_i2d(c, NID_crl_number, n, 0, 0), 1);
    X509_CRL_sort(c);
    assert_true(X509_CRL_sign(c, key, EVP_sha256()) > 0);
    snprintf(tmp, sizeof tmp, "%s.new", path);
    f = fopen(tmp, "w");
    assert_non_null(f);
    assert_int_equal(PEM_write_X509_CRL(f, c), 1);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(rename(tmp, path), 0);
    ASN1_INTEGER_free(n);
    ASN1_TIME_free(t);
    X509_CRL_free(c);
}

static const long none[] = {0};

static int write_pem(const char *path, X509 *a, X509 *b)
{
    FILE *f = fopen(path, "w");
    int ok = f != NULL && PEM_write_X509(f, a) == 1 && (b == NULL || PEM_write_X509(f, b) == 1);
    return f != NULL && fclose(f) == 0 && ok ? 0 : -1;
}

static int setup(void **state)
{
    (void)state;
    if (mkdtemp(dir) == NULL || chdir(dir) != 0)
        return -1;
    ca_key = EVP_EC_gen("P-256");
    ca2_key = EVP_EC_gen("P-256");
    phone_key = EVP_EC_gen("P-256");
    phone2_key = EVP_EC_gen("P-256");
    ca = cert("Leaf Test CA", 1, ca_key, NULL, ca_key, 30 * 86400, NULL);
    ca2 = cert("Leaf Test CA 2", 2, ca2_key, NULL, ca2_key, 30 * 86400, NULL);
    alice = phone("alice", 11, phone_key, 7 * 86400);
    alice_k2 = phone("alice", 11, phone2_key, 7 * 86400); /* same subject and serial */
    /* alice's name, serial and issuer name, signed by a key that is not the CA's */
    alice_forged = cert("alice", 11, phone_key, ca, ca2_key, 7 * 86400, "clientAuth");
    carol = cert("carol", 21, phone_key, ca2, ca2_key, 7 * 86400, "clientAuth");
    server = cert("localhost", 31, ca2_key, ca, ca_key, 7 * 86400, "serverAuth");
    return write_pem("ca.pem", ca, NULL) || write_pem("both.pem", ca, ca2) ? -1 : 0;
}

static int teardown(void **state)
{
    char cmd[64];
    X509 **made_certs[] = {&ca, &ca2, &alice, &alice_k2, &alice_forged, &carol, &server};
    EVP_PKEY **made_keys[] = {&ca_key, &ca2_key, &phone_key, &phone2_key};
    size_t i;
    for (i = 0; i < sizeof made_certs / sizeof made_certs[0]; i++)
        X509_free(made_certs[i][0]);
    for (i = 0; i < sizeof made_keys / sizeof made_keys[0]; i++)
        EVP_PKEY_free(made_keys[i][0]);
    (void)state;
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* The gateway's verify callback (tls_verify.c) at the time of the check; accept_all: the
 * no-certificate mode, which lets a refused chain complete with its error kept. */
static const struct tls_store *cb_store;
static time_t cb_now;
static int cb_calls, accept_all;

static int verify_cb(int ok, X509_STORE_CTX *xs)
{
    int err = tls_store_verify(cb_store, xs, ok, cb_now);
    cb_calls++;
    if (err == X509_V_OK)
        return 1;
    X509_STORE_CTX_set_error(xs, err);
    return accept_all;
}

/* A full handshake's chain check of leaf (a fresh copy, as a handshake parses one) at now
 * through c: X509_V_OK or the refusal; *hit as leaf_cache_verify says. An accepted chain
 * must be leaf, then its CA. */
static int check(struct leaf_cache *c, const struct tls_store *t, X509 *leaf, time_t now, int *hit)
{
    X509_STORE_CTX *xs = X509_STORE_CTX_new();
    X509 *copy = X509_dup(leaf);
    STACK_OF(X509) * chain;
    int rc, err;

    assert_non_null(xs);
    assert_non_null(copy);
    assert_int_equal(X509_STORE_CTX_init(xs, t->store, copy, NULL), 1);
    X509_STORE_CTX_set_verify_cb(xs, verify_cb);
    X509_STORE_CTX_set_time(xs, 0, now); /* OpenSSL's own date checks at now as well */
    cb_store = t;
    cb_now = now;
    rc = leaf_cache_verify(c, t, xs, now, hit);
    err = X509_STORE_CTX_get_error(xs);
    if (rc == 1 && err == X509_V_OK) {
        chain = X509_STORE_CTX_get0_chain(xs);
        assert_non_null(chain);
        assert_int_equal(sk_X509_num(chain), 2);
        assert_ptr_equal(sk_X509_value(chain, 0), copy);
        assert_int_equal(X509_check_issued(sk_X509_value(chain, 1), copy), X509_V_OK);
    }
    X509_STORE_CTX_free(xs);
    X509_free(copy);
    ERR_clear_error();
    if (rc == 1 && err == X509_V_OK)
        return X509_V_OK;
    return err != X509_V_OK ? err : X509_V_ERR_UNSPECIFIED;
}

static void store_of(struct tls_store *t, const char *ca_file, const char *crl_spec)
{
    char err[256];
    assert_int_equal(tls_store_init(t, ca_file, crl_spec, NULL, err, sizeof err), 0);
    assert_int_equal(tls_store_state(t, time(NULL)), CRL_OK);
}

/* The usual start: client_ca = ca.pem, its CRL revoking revoked, an empty cache of an hour. */
static void begin(struct leaf_cache *c, struct tls_store *t, const long *revoked)
{
    crl("crl1.pem", ca, ca_key, revoked);
    store_of(t, "ca.pem", "crl1.pem");
    leaf_cache_init(c, 3600);
}

static void test_second_handshake_hits(void **state)
{
    static struct leaf_cache c;
    struct tls_store t;
    time_t now = time(NULL);
    int hit = -1, calls;
    (void)state;

    begin(&c, &t, none);
    cb_calls = 0;
    assert_int_equal(check(&c, &t, alice, now, &hit), X509_V_OK);
    assert_int_equal(hit, 0);
    assert_true(cb_calls >= 1); /* X509_verify_cert ran, with the gateway's callback */
    assert_int_equal(leaf_cache_count(&c), 1);
    calls = cb_calls;
    assert_int_equal(check(&c, &t, alice, now + 1, &hit), X509_V_OK);
    assert_int_equal(hit, 1);
    assert_int_equal(cb_calls, calls); /* no chain verification */
    assert_int_equal(check(&c, &t, alice, now + 2, &hit), X509_V_OK);
    assert_int_equal(hit, 1);
    assert_int_equal(c.hits, 2);
    assert_int_equal(c.misses, 1);
    assert_int_equal(leaf_cache_count(&c), 1);
    tls_store_free(&t);
}

static void test_revoked_by_new_crl(void **state)
{
    static struct leaf_cache c;
    static const long revoke_alice[] = {11, 0};
    struct tls_store t;
    const char *why = "";
    time_t now = time(NULL);
    int hit = -1;
    (void)state;

    begin(&c, &t, none);
    assert_int_equal(check(&c, &t, alice, now, &hit), X509_V_OK);
    assert_int_equal(check(&c, &t, alice, now, &hit), X509_V_OK);
    assert_int_equal(hit, 1);
    crl("crl1.pem", ca, ca_key, revoke_alice);
    assert_int_equal(tls_store_poll(&t), 1); /* the watch swaps the CRL in */
    assert_int_equal(check(&c, &t, alice, now, &hit), X509_V_ERR_CERT_REVOKED);
    assert_int_equal(hit, 0);
    assert_int_equal(check(&c, &t, alice, now, &hit), X509_V_ERR_CERT_REVOKED);
    assert_int_equal(hit, 0);
    assert_int_equal(tls_store_cert_ok(&t, alice, now, &why), 0); /* and every request */
    assert_string_equal(why, "revoked");
    /* A revocation lifted by a newer CRL: verified again, then cached again. */
    crl("crl1.pem", ca, ca_key, none);
    assert_int_equal(tls_store_poll(&t), 1);
    assert_int_equal(check(&c, &t, alice, now, &hit), X509_V_OK);
    assert_int_equal(hit, 0);
    assert_int_equal(check(&c, &t, alice, now, &hit), X509_V_OK);
    assert_int_equal(hit, 1);
    tls_store_free(&t);
}

static void test_dates_and_age(void **state)
{
    static struct leaf_cache c;
    struct tls_store t;
    time_t now = time(NULL);
    X509 *brief = phone("brief", 12, phone_key, 120); /* ends 2 minutes from now */
    int hit = -1;
    (void)state;

    begin(&c, &t, none);
    assert_int_equal(check(&c, &t, brief, now, &hit), X509_V_OK);
    assert_int_equal(check(&c, &t, brief, now + 60, &hit), X509_V_OK);
    assert_int_equal(hit, 1);
    /* past notAfter: no hit, and the chain check refuses it */
    assert_int_equal(check(&c, &t, brief, now + 121, &hit), X509_V_ERR_CERT_HAS_EXPIRED);
    assert_int_equal(hit, 0);
    assert_int_equal(leaf_cache_count(&c), 0);
    /* a clock set back before the verification: verified again */
    assert_int_equal(check(&c, &t, alice, now, &hit), X509_V_OK);
    assert_int_equal(check(&c, &t, alice, now - 10, &hit), X509_V_OK);
    assert_int_equal(hit, 0);
    X509_free(brief);

    leaf_cache_init(&c, 30); /* the age bound */
    assert_int_equal(check(&c, &t, alice, now, &hit), X509_V_OK);
    assert_int_equal(check(&c, &t, alice, now + 29, &hit), X509_V_OK);
    assert_int_equal(hit, 1);
    assert_int_equal(check(&c, &t, alice, now + 30, &hit), X509_V_OK);
    assert_int_equal(hit, 0);
    leaf_cache_init(&c, 0); /* off */
    assert_int_equal(check(&c, &t, alice, now, &hit), X509_V_OK);
    assert_int_equal(check(&c, &t, alice, now, &hit), X509_V_OK);
    assert_int_equal(hit, 0);
    assert_int_equal(leaf_cache_count(&c), 0);
    tls_store_free(&t);
}

static void test_ca_set_changed(void **state)
{
    static struct leaf_cache c;
    struct tls_store both, one;
    time_t now = time(NULL);
    int hit = -1;
    (void)state;

    crl("crl1.pem", ca, ca_key, none);
    crl("crl2.pem", ca2, ca2_key, none);
    store_of(&both, "both.pem", "crl1.pem crl2.pem");
    store_of(&one, "ca.pem", "crl1.pem");
    leaf_cache_init(&c, 3600);
    assert_int_equal(check(&c, &both, carol, now, &hit), X509_V_OK);
    assert_int_equal(check(&c, &both, alice, now, &hit), X509_V_OK);
    assert_int_equal(check(&c, &both, carol, now, &hit), X509_V_OK);
    assert_int_equal(hit, 1);
    /* client_ca without carol's CA: refused, not remembered from the old set */
    assert_int_equal(check(&c, &one, carol, now, &hit),
                     X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
    assert_int_equal(hit, 0);
    assert_int_equal(check(&c, &one, alice, now, &hit), X509_V_OK);
    assert_int_equal(hit, 0); /* verified again under the new set */
    tls_store_free(&both);
    tls_store_free(&one);
}

static void test_other_key_never_hits(void **state)
{
    static struct leaf_cache c;
    struct tls_store t;
    time_t now = time(NULL);
    int hit = -1;
    (void)state;

    begin(&c, &t, none);
    assert_int_equal(check(&c, &t, alice, now, &hit), X509_V_OK);
    assert_int_equal(check(&c, &t, alice_forged, now, &hit), X509_V_ERR_CERT_SIGNATURE_FAILURE);
    assert_int_equal(hit, 0);
    assert_int_equal(check(&c, &t, alice_forged, now, &hit), X509_V_ERR_CERT_SIGNATURE_FAILURE);
    assert_int_equal(hit, 0);
    assert_int_equal(check(&c, &t, alice_k2, now, &hit), X509_V_OK); /* a real one: verified */
    assert_int_equal(hit, 0);
    assert_int_equal(leaf_cache_count(&c), 2);
    tls_store_free(&t);
}

static void test_refusals_not_stored(void **state)
{
    static struct leaf_cache c;
    static const long revoke_rex[] = {13, 0};
    struct tls_store t;
    time_t now = time(NULL);
    X509 *rex = phone("rex", 13, phone_key, 7 * 86400);
    int hit = -1;
    (void)state;

    begin(&c, &t, revoke_rex);
    assert_int_equal(check(&c, &t, rex, now, &hit), X509_V_ERR_CERT_REVOKED);
    assert_int_equal(check(&c, &t, carol, now, &hit), X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
    accept_all = 1; /* the no-certificate mode: X509_verify_cert returns 1, the error stays */
    assert_int_equal(check(&c, &t, rex, now, &hit), X509_V_ERR_CERT_REVOKED);
    assert_int_equal(check(&c, &t, rex, now, &hit), X509_V_ERR_CERT_REVOKED);
    accept_all = 0;
    assert_int_equal(hit, 0);
    assert_int_equal(leaf_cache_count(&c), 0);
    assert_int_equal(c.hits, 0);
    X509_free(rex);
    tls_store_free(&t);
}

static void test_bound(void **state)
{
    static struct leaf_cache c;
    struct tls_store t;
    time_t now = time(NULL);
    X509 *first = NULL, *last = NULL;
    int i, hit = -1;
    (void)state;

    begin(&c, &t, none);
    for (i = 0; i < LEAF_CACHE_SLOTS + 8; i++) {
        char cn[16];
        X509 *x;
        snprintf(cn, sizeof cn, "u%d", i);
        x = phone(cn, 1000 + i, phone_key, 7 * 86400);
        assert_int_equal(check(&c, &t, x, now + i, &hit), X509_V_OK);
        assert_int_equal(hit, 0);
        assert_true(leaf_cache_count(&c) <= LEAF_CACHE_SLOTS);
        if (i == 0)
            first = x;
        else if (i == LEAF_CACHE_SLOTS + 7)
            last = x;
        else
            X509_free(x);
    }
    assert_int_equal(leaf_cache_count(&c), LEAF_CACHE_SLOTS);
    assert_int_equal(check(&c, &t, last, now + i, &hit), X509_V_OK);
    assert_int_equal(hit, 1);
    assert_int_equal(check(&c, &t, first, now + i, &hit), X509_V_OK); /* the oldest went */
    assert_int_equal(hit, 0);
    assert_int_equal(leaf_cache_count(&c), LEAF_CACHE_SLOTS);
    X509_free(first);
    X509_free(last);
    tls_store_free(&t);
}

/* ---- real handshakes in memory, the verification set up as gateway/web/leaf_verify.c */

static int cert_verify(X509_STORE_CTX *xs, void *arg)
{
    int hit;
    return leaf_cache_verify(arg, cb_store, xs, time(NULL), &hit);
}

/* One handshake of a client presenting phone_cert against a server that verifies it with t
 * through c; 1 if it completed. The server's SSL is left in *out (caller frees). */
static int handshake(SSL_CTX *sctx, X509 *phone_cert, EVP_PKEY *key, int tls12, SSL **out)
{
    SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
    SSL *s = SSL_new(sctx), *cl;
    BIO *sb, *cb;
    int i, s_done = 0, c_done = 0, failed = 0;

    assert_non_null(cctx);
    assert_non_null(s);
    if (tls12)
        assert_int_equal(SSL_CTX_set_max_proto_version(cctx, TLS1_2_VERSION), 1);
    assert_int_equal(SSL_CTX_use_certificate(cctx, phone_cert), 1);
    assert_int_equal(SSL_CTX_use_PrivateKey(cctx, key), 1);
    cl = SSL_new(cctx);
    assert_non_null(cl);
    assert_int_equal(BIO_new_bio_pair(&sb, 0, &cb, 0), 1);
    SSL_set_bio(s, sb, sb);
    SSL_set_bio(cl, cb, cb);
    SSL_set_accept_state(s);
    SSL_set_connect_state(cl);
    cb_now = time(NULL);
    for (i = 0; i < 64 && !failed && !(s_done && c_done); i++) {
        int r;
        if (!c_done) {
            r = SSL_do_handshake(cl);
            c_done = r == 1;
            failed |= r != 1 && SSL_get_error(cl, r) != SSL_ERROR_WANT_READ;
        }
        if (!s_done) {
            r = SSL_do_handshake(s);
            s_done = r == 1;
            failed |= r != 1 && SSL_get_error(s, r) != SSL_ERROR_WANT_READ;
        }
    }
    ERR_clear_error();
    SSL_free(cl);
    SSL_CTX_free(cctx);
    *out = s;
    return s_done && !failed;
}

static void test_handshakes(void **state)
{
    static struct leaf_cache c;
    static const long revoke_alice[] = {11, 0};
    struct tls_store t;
    SSL_CTX *sctx = SSL_CTX_new(TLS_server_method());
    SSL *s = NULL;
    int round;
    (void)state;

    crl("crl1.pem", ca, ca_key, none);
    store_of(&t, "ca.pem", "crl1.pem");
    cb_store = &t;
    leaf_cache_init(&c, 3600);
    assert_non_null(sctx);
    assert_int_equal(SSL_CTX_use_certificate(sctx, server), 1);
    assert_int_equal(SSL_CTX_use_PrivateKey(sctx, ca2_key), 1);
    SSL_CTX_set_verify(sctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, verify_cb);
    SSL_CTX_set1_cert_store(sctx, t.store);
    SSL_CTX_set_cert_verify_callback(sctx, cert_verify, &c);
    assert_int_equal(SSL_CTX_set_num_tickets(sctx, 0), 1); /* every handshake a full one */
    SSL_CTX_set_session_cache_mode(sctx, SSL_SESS_CACHE_OFF);
    for (round = 0; round < 4; round++) { /* TLS 1.3 twice, then TLS 1.2 twice */
        STACK_OF(X509) * chain;
        assert_int_equal(handshake(sctx, alice, phone_key, round >= 2, &s), 1);
        assert_int_equal(c.hits, (unsigned long long)round);
        assert_int_equal(SSL_get_verify_result(s), X509_V_OK);
        assert_int_equal(X509_cmp(SSL_get0_peer_certificate(s), alice), 0);
        chain = SSL_get0_verified_chain(s);
        assert_non_null(chain);
        assert_int_equal(sk_X509_num(chain), 2);
        assert_int_equal(X509_cmp(sk_X509_value(chain, 0), alice), 0);
        assert_int_equal(X509_cmp(sk_X509_value(chain, 1), ca), 0);
        SSL_free(s);
    }
    /* Revoked by a new CRL: the next handshake fails with the CRL's verdict. */
    crl("crl1.pem", ca, ca_key, revoke_alice);
    assert_int_equal(tls_store_poll(&t), 1);
    assert_int_equal(handshake(sctx, alice, phone_key, 0, &s), 0);
    assert_int_equal(SSL_get_verify_result(s), X509_V_ERR_CERT_REVOKED);
    assert_int_equal(c.hits, 3);
    SSL_free(s);
    SSL_CTX_free(sctx);
    tls_store_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_second_handshake_hits),
        cmocka_unit_test(test_revoked_by_new_crl),
        cmocka_unit_test(test_dates_and_age),
        cmocka_unit_test(test_ca_set_changed),
        cmocka_unit_test(test_other_key_never_hits),
        cmocka_unit_test(test_refusals_not_stored),
        cmocka_unit_test(test_bound),
        cmocka_unit_test(test_handshakes),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
