/* test_tls_store.c - the client CA + CRL store: states of a CRL file (missing, garbage,
 * signed by someone else, expired, not a plain CRL, good), revocation of one serial but not
 * another (by tls_store_cert_ok and by OpenSSL's chain verification with the store and the
 * gateway's verify callback, tls_store_verify), a leaf whose issuer is not the CRL's
 * signer, reload when the file is replaced, runtime expiry without a reload, crl = none,
 * the certificate's own dates, CRL rollback (the CRL number floor and its state file), a
 * root -> intermediate -> leaf chain with a CRL directory (a CRL per CA, one floor per CA),
 * and two CAs with a CRL file each. Certificates and CRLs are made here with OpenSSL in a temporary directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "crl_generation.h"
#include "tls_store.h"

static char dir[] = "/tmp/lk-tls-XXXXXX";
static EVP_PKEY *ca_key, *other_key, *leaf_key;
static X509 *ca, *leaf_a, *leaf_b;
static X509 *ca2, *leaf_c; /* a second CA (other name, other_key) and its leaf */
static X509 *ca_rolled, *leaf_r; /* the CA's name with other_key (a key rollover) */

static void add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX v;
    X509_EXTENSION *e;
    X509V3_set_ctx(&v, issuer, x, NULL, NULL, 0);
    e = X509V3_EXT_conf_nid(NULL, &v, nid, value);
    assert_non_null(e);
    assert_int_equal(X509_add_ext(x, e, -1), 1);
    X509_EXTENSION_free(e);
}

/* A certificate of cn signed by issuer (NULL: self-signed, a root) with ikey; a CA (key
 * identifiers, CA:TRUE, keyCertSign) when is_ca or self-signed. */
static X509 *make_cert_as(const char *cn, long serial, EVP_PKEY *key, X509 *issuer, EVP_PKEY *ikey,
                          int is_ca)
{
    X509 *x = X509_new();
    X509_NAME *n = X509_NAME_new();
    assert_non_null(x);
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
    X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
    X509_set_subject_name(x, n);
    X509_set_issuer_name(x, issuer != NULL ? X509_get_subject_name(issuer) : n);
    X509_gmtime_adj(X509_getm_notBefore(x), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x), 7 * 86400); /* past every CRL date used here */
    X509_set_pubkey(x, key);
    if (issuer != NULL) /* key identifiers: two CAs of one name (a key rollover) */
        add_ext(x, issuer, NID_authority_key_identifier, "keyid:always");
    if (issuer == NULL || is_ca) {
        add_ext(x, x, NID_subject_key_identifier, "hash");
        add_ext(x, x, NID_basic_constraints, "critical,CA:TRUE");
        add_ext(x, x, NID_key_usage, "critical,keyCertSign,cRLSign");
    }
    assert_true(X509_sign(x, ikey, EVP_sha256()) > 0);
    X509_NAME_free(n);
    return x;
}

static X509 *make_cert(const char *cn, long serial, EVP_PKEY *key, X509 *issuer, EVP_PKEY *ikey)
{
    return make_cert_as(cn, serial, key, issuer, ikey, 0);
}

/* The crlNumber of the next CRL written (then +1); 0: the next one has none. */
static long crl_number = 1;
/* Given to the entry of serial 1002 in the next CRLs written, if not NULL. */
static X509_EXTENSION *entry_extra;
/* The next CRLs list their entries in the order given, not sorted. */
static int crl_unsorted;

/* Writes a CRL of issuer, signed with key, revoking `serials` (0-terminated), with the
 * extension extra if not NULL and the crlNumber crl_number (unless extra is one), to path
 * via a temp file + rename. */
static void write_crl_of(const char *path, const long *serials, long last_off, long next_off,
                         X509 *issuer, EVP_PKEY *key, X509_EXTENSION *extra)
{
    X509_CRL *crl = X509_CRL_new();
    ASN1_TIME *t = ASN1_TIME_new();
    char tmp[256];
    FILE *f;
    assert_non_null(crl);
    X509_CRL_set_version(crl, 1);
    X509_CRL_set_issuer_name(crl, X509_get_subject_name(issuer));
    X509_gmtime_adj(t, last_off);
    X509_CRL_set1_lastUpdate(crl, t);
    X509_gmtime_adj(t, next_off);
    X509_CRL_set1_nextUpdate(crl, t);
    for (; *serials != 0; serials++) {
        X509_REVOKED *r = X509_REVOKED_new();
        ASN1_INTEGER *sn = ASN1_INTEGER_new();
        ASN1_INTEGER_set(sn, *serials);
        X509_REVOKED_set_serialNumber(r, sn);
        X509_gmtime_adj(t, -60);
        X509_REVOKED_set_revocationDate(r, t);
        if (*serials == 1002 && entry_extra != NULL)
            assert_int_equal(X509_REVOKED_add_ext(r, entry_extra, -1), 1);
        X509_CRL_add0_revoked(crl, r);
        ASN1_INTEGER_free(sn);
    }
    if (extra != NULL)
        assert_int_equal(X509_CRL_add_ext(crl, extra, -1), 1);
    if (crl_number > 0 && (extra == NULL ||
                           OBJ_obj2nid(X509_EXTENSION_get_object(extra)) != NID_crl_number)) {
        ASN1_INTEGER *n = ASN1_INTEGER_new();
        ASN1_INTEGER_set(n, crl_number);
        assert_int_equal(X509_CRL_add1_ext_i2d(crl, NID_crl_number, n, 0, 0), 1);
        ASN1_INTEGER_free(n);
        crl_number++;
    }
    if (!crl_unsorted)
        X509_CRL_sort(crl);
    assert_true(X509_CRL_sign(crl, key, EVP_sha256()) > 0);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    f = fopen(tmp, "w");
    assert_non_null(f);
    assert_int_equal(PEM_write_X509_CRL(f, crl), 1);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(rename(tmp, path), 0);
    ASN1_TIME_free(t);
    X509_CRL_free(crl);
}

static void write_crl(const char *path, const long *serials, long last_off, long next_off,
                      EVP_PKEY *key)
{
    write_crl_of(path, serials, last_off, next_off, ca, key, NULL);
}

static int setup(void **state)
{
    FILE *f;
    (void)state;
    if (mkdtemp(dir) == NULL || chdir(dir) != 0)
        return -1;
    ca_key = EVP_EC_gen("P-256");
    other_key = EVP_EC_gen("P-256");
    leaf_key = EVP_EC_gen("P-256");
    ca = make_cert("Test Latchkey CA", 1, ca_key, NULL, ca_key);
    leaf_a = make_cert("alice", 1001, leaf_key, ca, ca_key);
    leaf_b = make_cert("bob", 1002, leaf_key, ca, ca_key);
    ca2 = make_cert("Other Latchkey CA", 2, other_key, NULL, other_key);
    leaf_c = make_cert("carol", 1001, leaf_key, ca2, other_key); /* alice's serial */
    ca_rolled = make_cert("Test Latchkey CA", 3, other_key, NULL, other_key);
    leaf_r = make_cert("rita", 1003, leaf_key, ca_rolled, other_key);
    f = fopen("ca.pem", "w");
    if (f == NULL || PEM_write_X509(f, ca) != 1 || fclose(f) != 0)
        return -1;
    f = fopen("two-ca.pem", "w"); /* client_ca holding two CAs */
    if (f == NULL || PEM_write_X509(f, ca) != 1 || PEM_write_X509(f, ca2) != 1 || fclose(f) != 0)
        return -1;
    f = fopen("rolled-ca.pem", "w"); /* the CA's name twice: the old key and the new one */
    if (f == NULL || PEM_write_X509(f, ca) != 1 || PEM_write_X509(f, ca_rolled) != 1 ||
        fclose(f) != 0)
        return -1;
    f = fopen("garbage.pem", "w");
    if (f == NULL || fputs("-----BEGIN X509 CRL-----\nnot base64\n-----END X509 CRL-----\n", f) < 0 ||
        fclose(f) != 0)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    char cmd[64];
    (void)state;
    X509_free(ca);
    X509_free(leaf_a);
    X509_free(leaf_b);
    X509_free(ca2);
    X509_free(leaf_c);
    X509_free(ca_rolled);
    X509_free(leaf_r);
    EVP_PKEY_free(ca_key);
    EVP_PKEY_free(other_key);
    EVP_PKEY_free(leaf_key);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* The verdict of a handshake on cert: OpenSSL's chain verification with the store and the
 * gateway's verify callback (server.c calls tls_store_verify the same way). */
static const struct tls_store *cb_store;
static int cb_leaf_calls;

static int verify_cb(int ok, X509_STORE_CTX *xs)
{
    int err = tls_store_verify(cb_store, xs, ok, time(NULL));
    if (X509_STORE_CTX_get_error_depth(xs) == 0 && ok)
        cb_leaf_calls++;
    if (err == X509_V_OK)
        return 1;
    X509_STORE_CTX_set_error(xs, err);
    return 0;
}

static int chain_error(struct tls_store *t, X509 *cert)
{
    X509_STORE_CTX *x = X509_STORE_CTX_new();
    int rc, err;
    assert_non_null(x);
    assert_int_equal(X509_STORE_CTX_init(x, t->store, cert, NULL), 1);
    X509_STORE_CTX_set_verify_cb(x, verify_cb);
    cb_store = t;
    rc = X509_verify_cert(x);
    err = X509_STORE_CTX_get_error(x);
    X509_STORE_CTX_free(x);
    if (rc == 1)
        assert_int_equal(err, X509_V_OK);
    return rc == 1 ? X509_V_OK : err;
}

static void test_bad_files(void **state)
{
    struct tls_store t;
    char err[256];
    const char *why = NULL;
    enum crl_state st;
    static const long none[] = {0};
    (void)state;

    assert_int_equal(tls_store_init(&t, "ca.pem", "absent.pem", NULL, err, sizeof err), 0);
    assert_int_equal(tls_store_state(&t, time(NULL)), CRL_MISSING);
    assert_int_equal(tls_store_cert_ok(&t, leaf_b, time(NULL), &why), 0);
    assert_string_equal(why, "missing");
    /* fails closed at TLS too, with the error OpenSSL's CRL_CHECK gave */
    assert_int_equal(chain_error(&t, leaf_b), X509_V_ERR_UNABLE_TO_GET_CRL);
    tls_store_free(&t);

    assert_int_equal(tls_store_init(&t, "ca.pem", "garbage.pem", NULL, err, sizeof err), 0);
    assert_int_equal(tls_store_state(&t, time(NULL)), CRL_UNPARSABLE);
    assert_int_equal(chain_error(&t, leaf_b), X509_V_ERR_UNABLE_TO_GET_CRL);
    tls_store_free(&t);

    write_crl("other.pem", none, -60, 86400, other_key);
    assert_int_equal(tls_store_init(&t, "ca.pem", "other.pem", NULL, err, sizeof err), 0);
    assert_int_equal(tls_store_state(&t, time(NULL)), CRL_BAD_SIGNATURE);
    assert_int_equal(tls_store_cert_ok(&t, leaf_b, time(NULL), &why), 0);
    assert_int_equal(chain_error(&t, leaf_b), X509_V_ERR_UNABLE_TO_GET_CRL);
    tls_store_free(&t);

    assert_int_equal(tls_store_check_crl("garbage.pem", "ca.pem", &st, err, sizeof err), -1);
    assert_string_equal(err, "garbage.pem: not a PEM CRL");
    assert_int_equal(tls_store_check_crl("absent.pem", "ca.pem", &st, err, sizeof err), -1);
    assert_string_equal(err, "absent.pem: cannot open");
    assert_int_equal(tls_store_check_crl("other.pem", "ca.pem", &st, err, sizeof err), -1);
    assert_int_equal(tls_store_init(&t, "absent-ca.pem", "other.pem", NULL, err, sizeof err), -1);
}

static void test_revocation(void **state)
{
    struct tls_store t;
    char err[256];
    const char *why = NULL;
    enum crl_state st;
    static const long revoke_a[] = {1001, 0};
    time_t now = time(NULL);
    (void)state;

    write_crl("crl.pem", revoke_a, -60, 86400, ca_key);
    assert_int_equal(tls_store_check_crl("crl.pem", "ca.pem", &st, err, sizeof err), 0);
    assert_int_equal(st, CRL_OK);
    assert_int_equal(tls_store_init(&t, "ca.pem", "crl.pem", NULL, err, sizeof err), 0);
    assert_int_equal(tls_store_state(&t, now), CRL_OK);
    assert_int_equal(tls_store_cert_ok(&t, leaf_a, now, &why), 0);
    assert_string_equal(why, "revoked");
    assert_int_equal(tls_store_cert_ok(&t, leaf_b, now, &why), 1);
    cb_leaf_calls = 0;
    assert_int_equal(chain_error(&t, leaf_a), X509_V_ERR_CERT_REVOKED);
    assert_int_equal(cb_leaf_calls, 1); /* refused at the leaf, after its own checks */
    assert_int_equal(chain_error(&t, leaf_b), X509_V_OK);
    /* The store itself holds no CRL and does not check CRLs (no second CRL signature
     * verification per handshake): without the callback a revoked leaf passes. */
    assert_int_equal(X509_VERIFY_PARAM_get_flags(X509_STORE_get0_param(t.store)) &
                     (X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL), 0);
    {
        X509_STORE_CTX *x = X509_STORE_CTX_new();
        assert_int_equal(X509_STORE_CTX_init(x, t.store, leaf_a, NULL), 1);
        assert_int_equal(X509_verify_cert(x), 1);
        X509_STORE_CTX_free(x);
    }
    /* The same CRL, two days later: past nextUpdate without any reload. */
    assert_int_equal(tls_store_state(&t, now + 2 * 86400), CRL_EXPIRED);
    assert_int_equal(tls_store_cert_ok(&t, leaf_b, now + 2 * 86400, &why), 0);
    assert_string_equal(why, "expired");
    /* lastUpdate far in the future (a clock gone wrong) */
    assert_int_equal(tls_store_state(&t, now - 86400), CRL_NOT_YET_VALID);
    tls_store_free(&t);
}

static void test_reload(void **state)
{
    struct tls_store t;
    char err[256];
    const char *why = NULL;
    static const long none[] = {0}, revoke_b[] = {1002, 0};
    uint64_t gen;
    X509_STORE *store;
    (void)state;

    write_crl("live.pem", none, -60, 86400, ca_key);
    assert_int_equal(tls_store_init(&t, "ca.pem", "live.pem", NULL, err, sizeof err), 0);
    assert_int_equal(tls_store_poll(&t), 0); /* unchanged */
    assert_int_equal(tls_store_cert_ok(&t, leaf_b, time(NULL), &why), 1);
    assert_int_equal(chain_error(&t, leaf_b), X509_V_OK);
    gen = t.generation;
    store = t.store; /* the SSL_CTX holds this one: it must stay the one in use */

    write_crl("live.pem", revoke_b, -60, 86400, ca_key);
    assert_int_equal(tls_store_poll(&t), 1);
    assert_true(t.generation == gen + 1);
    assert_ptr_equal(t.store, store);
    assert_int_equal(tls_store_cert_ok(&t, leaf_b, time(NULL), &why), 0);
    assert_string_equal(why, "revoked");
    assert_int_equal(chain_error(&t, leaf_b), X509_V_ERR_CERT_REVOKED);
    assert_int_equal(tls_store_poll(&t), 0);

    /* Replaced by an expired CRL: refused with the reason, and by OpenSSL too. */
    write_crl("live.pem", none, -3 * 86400, -86400, ca_key);
    assert_int_equal(tls_store_poll(&t), 1);
    assert_int_equal(tls_store_state(&t, time(NULL)), CRL_EXPIRED);
    assert_int_equal(tls_store_cert_ok(&t, leaf_a, time(NULL), &why), 0);
    assert_string_equal(why, "expired");
    assert_int_equal(chain_error(&t, leaf_a), X509_V_ERR_CRL_HAS_EXPIRED);

    /* Deleted: missing, fails closed. */
    assert_int_equal(unlink("live.pem"), 0);
    assert_int_equal(tls_store_poll(&t), 1);
    assert_int_equal(tls_store_state(&t, time(NULL)), CRL_MISSING);
    assert_int_equal(chain_error(&t, leaf_b), X509_V_ERR_UNABLE_TO_GET_CRL);

    /* Back again: good. */
    write_crl("live.pem", none, -60, 86400, ca_key);
    assert_int_equal(tls_store_poll(&t), 1);
    assert_int_equal(tls_store_cert_ok(&t, leaf_a, time(NULL), &why), 1);
    assert_int_equal(chain_error(&t, leaf_a), X509_V_OK);

    /* lastUpdate 10 minutes ahead (beyond the 5 minutes of clock skew): refused. */
    write_crl("live.pem", none, 600, 86400, ca_key);
    assert_int_equal(tls_store_poll(&t), 1);
    assert_int_equal(chain_error(&t, leaf_a), X509_V_ERR_CRL_NOT_YET_VALID);
    tls_store_free(&t);
}

/* CRLs that a serial lookup cannot apply in full are refused as unparsable (fail closed):
 * delta CRLs, partitioned CRLs, unknown critical extensions. */
static void test_not_plain(void **state)
{
    static const long none[] = {0};
    static const struct {
        int nid, critical, ok;
    } cases[] = {
        {NID_delta_crl, 0, 0},
        {NID_issuing_distribution_point, 0, 0},
        {NID_crl_number, 1, 0},  /* critical where it must not be: not handled, refused */
        {NID_crl_number, 0, 1},  /* ordinary (latchkey-certs writes one) */
    };
    struct tls_store t;
    char err[256];
    size_t i;
    (void)state;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        X509_EXTENSION *e;
        if (cases[i].nid == NID_issuing_distribution_point) {
            X509V3_CTX v;
            X509V3_set_ctx(&v, ca, NULL, NULL, NULL, 0);
            e = X509V3_EXT_conf_nid(NULL, &v, cases[i].nid,
                                    "fullname:URI:http://example.invalid/crl");
        } else {
            ASN1_INTEGER *n = ASN1_INTEGER_new();
            assert_non_null(n);
            ASN1_INTEGER_set(n, 7);
            e = X509V3_EXT_i2d(cases[i].nid, cases[i].critical, n);
            ASN1_INTEGER_free(n);
        }
        assert_non_null(e);
        write_crl_of("ext.pem", none, -60, 86400, ca, ca_key, e);
        X509_EXTENSION_free(e);
        assert_int_equal(tls_store_init(&t, "ca.pem", "ext.pem", NULL, err, sizeof err), 0);
        assert_int_equal(tls_store_state(&t, time(NULL)), cases[i].ok ? CRL_OK : CRL_UNPARSABLE);
        assert_int_equal(chain_error(&t, leaf_b),
                         cases[i].ok ? X509_V_OK : X509_V_ERR_UNABLE_TO_GET_CRL);
        tls_store_free(&t);
    }
}

/* A leaf whose issuer is not the CA that signed the CRL is not covered by it: refused as
 * OpenSSL's CRL_CHECK did (no CRL for that issuer), never looked up by serial alone. */
static void test_other_issuer(void **state)
{
    static const long revoke_a[] = {1001, 0};
    struct tls_store t;
    char err[256];
    const char *why = NULL;
    (void)state;

    write_crl("crl-a.pem", revoke_a, -60, 86400, ca_key);
    assert_int_equal(tls_store_init(&t, "two-ca.pem", "crl-a.pem", NULL, err, sizeof err), 0);
    assert_int_equal(tls_store_state(&t, time(NULL)), CRL_OK);
    assert_int_equal(chain_error(&t, leaf_a), X509_V_ERR_CERT_REVOKED);
    assert_int_equal(chain_error(&t, leaf_b), X509_V_OK);
    /* carol has alice's serial but another issuer */
    assert_int_equal(chain_error(&t, leaf_c), X509_V_ERR_UNABLE_TO_GET_CRL);
    assert_int_equal(tls_store_cert_ok(&t, leaf_c, time(NULL), &why), 0);
    assert_string_equal(why, "no-crl-for-issuer");
    tls_store_free(&t);

    /* Same CA name, new key: the CRL signed with the old key does not cover the new
     * key's certificates. */
    assert_int_equal(tls_store_init(&t, "rolled-ca.pem", "crl-a.pem", NULL, err, sizeof err), 0);
    assert_int_equal(tls_store_state(&t, time(NULL)), CRL_OK);
    assert_int_equal(chain_error(&t, leaf_b), X509_V_OK);
    assert_int_equal(chain_error(&t, leaf_r), X509_V_ERR_UNABLE_TO_GET_CRL);
    tls_store_free(&t);
}

static void test_off(void **state)
{
    struct tls_store t;
    char err[256];
    const char *why = NULL;
    (void)state;
    assert_int_equal(tls_store_init(&t, "ca.pem", "none", NULL, err, sizeof err), 0);
    assert_int_equal(tls_store_state(&t, time(NULL)), CRL_OFF);
    assert_int_equal(tls_store_cert_ok(&t, leaf_a, time(NULL), &why), 1);
    assert_int_equal(tls_store_poll(&t), 0);
    assert_int_equal(chain_error(&t, leaf_a), X509_V_OK);
    assert_string_equal(crl_state_name(CRL_BAD_SIGNATURE), "not-signed-by-ca");
    tls_store_free(&t);
}

/* A certificate outside its own dates is refused whatever the CRL says (a resumed TLS
 * session skips the handshake's check; a connection stays open past notAfter). */
static void test_cert_dates(void **state)
{
    struct tls_store t;
    char err[256];
    const char *why = NULL;
    time_t now = time(NULL);
    (void)state;

    assert_int_equal(tls_store_init(&t, "ca.pem", "none", NULL, err, sizeof err), 0);
    assert_int_equal(tls_store_cert_ok(&t, leaf_a, now, &why), 1);
    assert_true(tls_store_cert_seconds_left(leaf_a, now) > 6 * 86400);
    assert_int_equal(tls_store_cert_ok(&t, leaf_a, now + 8 * 86400, &why), 0);
    assert_string_equal(why, CERT_EXPIRED);
    assert_int_equal(tls_store_cert_seconds_left(leaf_a, now + 8 * 86400), 0);
    assert_int_equal(tls_store_cert_ok(&t, leaf_a, now - 7200, &why), 0);
    assert_string_equal(why, CERT_NOT_YET_VALID);
    assert_int_equal(tls_store_cert_seconds_left(NULL, now), 0);
    tls_store_free(&t);
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_true(fputs(text, f) >= 0);
    assert_int_equal(fclose(f), 0);
}

/* CRL rollback: an older CRL (lower number, or the same number with other content) put in
 * place of the one in force is refused and the one in force stays; the floor is kept in
 * the state file, so after a restart the older CRL is still refused (fail closed: no CRL
 * in force then), until a newer one comes. No number: refused. */
static void test_rollback(void **state)
{
    struct tls_store t;
    char err[256];
    const char *why = NULL;
    static const long none[] = {0}, revoke_b[] = {1002, 0};
    enum crl_state st;
    unsigned long loads;
    (void)state;

    unlink("floor.state");
    crl_number = 5;
    write_crl("roll.pem", none, -60, 86400, ca_key);     /* 5: bob good */
    crl_number = 4;
    write_crl("old.pem", none, -60, 86400, ca_key);      /* 4: an old one, bob good */
    crl_number = 6;
    write_crl("roll.pem", revoke_b, -60, 86400, ca_key); /* 6: bob revoked */
    assert_int_equal(tls_store_init(&t, "ca.pem", "roll.pem", "floor.state", err, sizeof err), 0);
    assert_int_equal(tls_store_cert_ok(&t, leaf_b, time(NULL), &why), 0);
    assert_string_equal(why, "revoked");
    assert_int_equal(access("floor.state", F_OK), 0);

    /* The old CRL put back: refused, bob stays revoked. */
    assert_int_equal(rename("old.pem", "roll.pem"), 0);
    assert_int_equal(tls_store_poll(&t), 1);
    assert_int_equal(tls_store_state(&t, time(NULL)), CRL_OK);
    assert_int_equal(tls_store_cert_ok(&t, leaf_b, time(NULL), &why), 0);
    assert_string_equal(why, "revoked");
    /* Number 6 again but other content: refused too. */
    crl_number = 6;
    write_crl("roll.pem", none, -60, 86400, ca_key);
    assert_int_equal(tls_store_poll(&t), 1);
    assert_int_equal(tls_store_cert_ok(&t, leaf_b, time(NULL), &why), 0);
    tls_store_free(&t);

    /* A restart with the refused file in place: nothing in force, every client refused. */
    assert_int_equal(tls_store_init(&t, "ca.pem", "roll.pem", "floor.state", err, sizeof err), 0);
    assert_int_equal(tls_store_state(&t, time(NULL)), CRL_ROLLED_BACK);
    assert_int_equal(tls_store_cert_ok(&t, leaf_a, time(NULL), &why), 0);
    assert_string_equal(why, "rolled-back");
    assert_int_equal(chain_error(&t, leaf_a), X509_V_ERR_UNABLE_TO_GET_CRL);
    /* A newer one: in force. */
    crl_number = 7;
    write_crl("roll.pem", revoke_b, -60, 86400, ca_key);
    assert_int_equal(tls_store_poll(&t), 1);
    assert_int_equal(tls_store_state(&t, time(NULL)), CRL_OK);
    assert_int_equal(tls_store_cert_ok(&t, leaf_a, time(NULL), &why), 1);
    assert_int_equal(tls_store_cert_ok(&t, leaf_b, time(NULL), &why), 0);
    /* The same file again (touched, copied back): still accepted, and not parsed again
     * (its SHA-256 is the one loaded), by a poll nor by a rescan (SIGHUP). */
    loads = t.set->loads;
    assert_int_equal(system("cp roll.pem roll2.pem && mv roll2.pem roll.pem"), 0);
    assert_int_equal(tls_store_poll(&t), 0);
    assert_int_equal(tls_store_state(&t, time(NULL)), CRL_OK);
    tls_store_rescan(&t);
    assert_int_equal(tls_store_state(&t, time(NULL)), CRL_OK);
    assert_true(t.set->loads == loads);
    assert_true(t.set->unchanged == 2);
    /* No number: cannot be ordered, refused (and at start-up by the config check). */
    crl_number = 0;
    write_crl("roll.pem", none, -60, 86400, ca_key);
    assert_int_equal(tls_store_poll(&t), 1);
    assert_int_equal(tls_store_state(&t, time(NULL)), CRL_NO_NUMBER);
    assert_int_equal(tls_store_check_crl("roll.pem", "ca.pem", &st, err, sizeof err), -1);
    tls_store_free(&t);
    crl_number = 8;

    /* A state file that is not one: the store does not start (it would forget its floor). */
    write_text("floor.state", "crl_number=zz\n");
    assert_int_equal(tls_store_init(&t, "ca.pem", "roll.pem", "floor.state", err, sizeof err), -1);
    assert_non_null(strstr(err, "floor.state"));
    write_text("floor.state", "crl_number=07\nsha256=00\n");
    assert_int_equal(tls_store_init(&t, "ca.pem", "roll.pem", "floor.state", err, sizeof err), -1);
    unlink("floor.state");
}

static void write_certs(const char *path, X509 *a, X509 *b)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(PEM_write_X509(f, a), 1);
    assert_true(b == NULL || PEM_write_X509(f, b) == 1);
    assert_int_equal(fclose(f), 0);
}

static int files_named(const char *prefix)
{
    char cmd[128], line[16] = "";
    FILE *p;
    snprintf(cmd, sizeof cmd, "ls -1 | grep -c '^%s' || true", prefix);
    p = popen(cmd, "r");
    assert_non_null(p);
    assert_non_null(fgets(line, sizeof line, p));
    assert_int_equal(pclose(p), 0);
    return atoi(line);
}

/* root (ca) -> intermediate -> leaf, both CAs in client_ca, their CRLs in a directory: the
 * leaf is checked against the intermediate's CRL and the intermediate against the root's,
 * by the handshake and per request; a CRL taken out of the directory, or one added, is seen
 * at the next poll; one rollback floor per CA; a root alone cannot vouch for the
 * intermediate's CRL. */
static void test_intermediate(void **state)
{
    static const long none[] = {0}, revoke_leaf[] = {4001, 0}, revoke_int[] = {40, 0};
    struct tls_store t;
    char err[256];
    const char *why = NULL;
    EVP_PKEY *int_key = EVP_EC_gen("P-256");
    X509 *inter, *leaf;
    enum crl_state st;
    (void)state;

    assert_non_null(int_key);
    inter = make_cert_as("Test Phones CA", 40, int_key, ca, ca_key, 1); /* an intermediate */
    leaf = make_cert("dora", 4001, leaf_key, inter, int_key);
    write_certs("chain-ca.pem", ca, inter);
    assert_int_equal(system("rm -rf crls db.crl-number* && mkdir crls"), 0);
    write_crl_of("crls/int.pem", none, -60, 86400, inter, int_key, NULL);
    assert_int_equal(tls_store_init(&t, "chain-ca.pem", "crls", "db.crl-number", err, sizeof err),
                     0);
    /* Only the intermediate's CRL: the intermediate itself is unchecked, so refused. */
    assert_int_equal(tls_store_state(&t, time(NULL)), CRL_OK);
    assert_int_equal(chain_error(&t, leaf), X509_V_ERR_UNABLE_TO_GET_CRL);
    assert_int_equal(tls_store_cert_ok(&t, leaf, time(NULL), &why), 0);
    assert_string_equal(why, "no-crl-for-issuer");
    assert_int_equal(chain_error(&t, leaf_a), X509_V_ERR_UNABLE_TO_GET_CRL); /* root's leaf */

    write_crl("crls/root.pem", none, -60, 86400, ca_key); /* added to the directory */
    assert_int_equal(tls_store_poll(&t), 1);
    assert_int_equal(chain_error(&t, leaf), X509_V_OK);
    assert_int_equal(tls_store_cert_ok(&t, leaf, time(NULL), &why), 1);
    assert_int_equal(chain_error(&t, leaf_a), X509_V_OK);
    assert_int_equal(files_named("db.crl-number."), 2); /* a floor per CA */
    assert_int_equal(tls_store_poll(&t), 0);

    write_crl_of("crls/int.pem", revoke_leaf, -60, 86400, inter, int_key, NULL);
    assert_int_equal(tls_store_poll(&t), 1);
    assert_int_equal(chain_error(&t, leaf), X509_V_ERR_CERT_REVOKED);
    assert_int_equal(tls_store_cert_ok(&t, leaf, time(NULL), &why), 0);
    assert_string_equal(why, "revoked");
    assert_int_equal(chain_error(&t, leaf_a), X509_V_OK); /* serial 1001 of the root: other CA */

    write_crl_of("crls/int.pem", none, -60, 86400, inter, int_key, NULL);
    write_crl("crls/root.pem", revoke_int, -60, 86400, ca_key); /* the intermediate revoked */
    assert_int_equal(tls_store_poll(&t), 1);
    assert_int_equal(chain_error(&t, leaf), X509_V_ERR_CERT_REVOKED);
    assert_int_equal(tls_store_cert_ok(&t, leaf, time(NULL), &why), 0);
    assert_string_equal(why, "revoked");

    /* An older CRL of the intermediate put back: refused, the one in force stays. */
    assert_int_equal(unlink("crls/root.pem"), 0);
    write_crl("crls/root.pem", none, -60, 86400, ca_key);
    crl_number -= 3; /* below the intermediate's last */
    write_crl_of("crls/int.pem", revoke_leaf, -60, 86400, inter, int_key, NULL);
    crl_number += 3;
    assert_int_equal(tls_store_poll(&t), 1);
    assert_int_equal(tls_store_state(&t, time(NULL)), CRL_OK);
    assert_int_equal(chain_error(&t, leaf), X509_V_OK);
    /* Taken out: nothing vouches for the leaf any more. */
    assert_int_equal(unlink("crls/int.pem"), 0);
    assert_int_equal(tls_store_poll(&t), 1);
    assert_int_equal(chain_error(&t, leaf), X509_V_ERR_UNABLE_TO_GET_CRL);
    assert_int_equal(chain_error(&t, leaf_a), X509_V_OK);
    tls_store_free(&t);

    /* client_ca without the intermediate: its CRL is signed by no CA of client_ca. */
    write_crl_of("crls/int.pem", none, -60, 86400, inter, int_key, NULL);
    assert_int_equal(tls_store_check_crl("crls", "ca.pem", &st, err, sizeof err), -1);
    assert_int_equal(st, CRL_BAD_SIGNATURE);
    assert_non_null(strstr(err, "crls/int.pem: not signed by a CA of client_ca"));
    assert_int_equal(tls_store_check_crl("crls", "chain-ca.pem", &st, err, sizeof err), 0);
    assert_int_equal(system("rm -rf empty && mkdir empty"), 0);
    assert_int_equal(tls_store_check_crl("empty", "chain-ca.pem", &st, err, sizeof err), -1);
    assert_non_null(strstr(err, "no CRL file"));
    X509_free(inter);
    X509_free(leaf);
    EVP_PKEY_free(int_key);
}

/* Two CAs in client_ca, a CRL file for each in the crl list: both CAs' leaves admitted,
 * each checked against its own CRL. */
static void test_two_cas(void **state)
{
    static const long revoke_a[] = {1001, 0}, none[] = {0};
    struct tls_store t;
    char err[256];
    const char *why = NULL;
    (void)state;

    write_crl("crl-a.pem", revoke_a, -60, 86400, ca_key);
    write_crl_of("crl-c.pem", none, -60, 86400, ca2, other_key, NULL);
    assert_int_equal(
        tls_store_init(&t, "two-ca.pem", "crl-a.pem, crl-c.pem", NULL, err, sizeof err), 0);
    assert_int_equal(tls_store_state(&t, time(NULL)), CRL_OK);
    assert_int_equal(chain_error(&t, leaf_a), X509_V_ERR_CERT_REVOKED);
    assert_int_equal(chain_error(&t, leaf_b), X509_V_OK);
    assert_int_equal(chain_error(&t, leaf_c), X509_V_OK); /* alice's serial, other CA */
    assert_int_equal(tls_store_cert_ok(&t, leaf_c, time(NULL), &why), 1);
    tls_store_free(&t);
    assert_int_equal(
        tls_store_init(&t, "two-ca.pem", "crl-a.pem crl-c.pem missing.pem", NULL, err, sizeof err),
        0);
    assert_int_equal(tls_store_state(&t, time(NULL)), CRL_MISSING); /* one bad file: all refused */
    assert_int_equal(chain_error(&t, leaf_c), X509_V_ERR_UNABLE_TO_GET_CRL);
    assert_string_equal(tls_store_bad_path(&t), "missing.pem");
    tls_store_free(&t);
}

/* Entry extensions: a reason is read (removeFromCRL revokes nothing, as in OpenSSL's
 * lookup), an indirect entry (certificateIssuer) or a critical entry extension makes the
 * CRL unparsable. And a CRL of many entries written out of order: found all the same. */
static void test_entries(void **state)
{
    static const long revoke_b[] = {1002, 0};
    static const struct {
        int nid, critical;
        long value;
        enum crl_state st;
        int revoked;
    } cases[] = {
        {NID_crl_reason, 0, 8, CRL_OK, 0}, /* removeFromCRL */
        {NID_crl_reason, 0, 1, CRL_OK, 1}, /* keyCompromise */
        {NID_crl_reason, 1, 1, CRL_UNPARSABLE, 0},
        {NID_certificate_issuer, 0, 0, CRL_UNPARSABLE, 0},
    };
    long *many;
    struct tls_store t;
    char err[256];
    const char *why = NULL;
    size_t i;
    (void)state;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (cases[i].nid == NID_crl_reason) {
            ASN1_ENUMERATED *r = ASN1_ENUMERATED_new();
            assert_non_null(r);
            ASN1_ENUMERATED_set(r, cases[i].value);
            entry_extra = X509V3_EXT_i2d(NID_crl_reason, cases[i].critical, r);
            ASN1_ENUMERATED_free(r);
        } else {
            GENERAL_NAMES *gens = sk_GENERAL_NAME_new_null();
            GENERAL_NAME *g = GENERAL_NAME_new();
            ASN1_IA5STRING *dns = ASN1_IA5STRING_new();
            assert_true(gens != NULL && g != NULL && dns != NULL);
            assert_int_equal(ASN1_STRING_set(dns, "other.invalid", -1), 1);
            GENERAL_NAME_set0_value(g, GEN_DNS, dns);
            assert_true(sk_GENERAL_NAME_push(gens, g) > 0);
            entry_extra = X509V3_EXT_i2d(NID_certificate_issuer, 0, gens);
            GENERAL_NAMES_free(gens);
        }
        assert_non_null(entry_extra);
        write_crl("entry.pem", revoke_b, -60, 86400, ca_key);
        X509_EXTENSION_free(entry_extra);
        entry_extra = NULL;
        assert_int_equal(tls_store_init(&t, "ca.pem", "entry.pem", NULL, err, sizeof err), 0);
        assert_int_equal(tls_store_state(&t, time(NULL)), cases[i].st);
        if (cases[i].st == CRL_OK)
            assert_int_equal(tls_store_cert_ok(&t, leaf_b, time(NULL), &why), !cases[i].revoked);
        tls_store_free(&t);
    }

    many = calloc(3002, sizeof many[0]);
    assert_non_null(many);
    for (i = 0; i < 3000; i++)
        many[i] = (long)(3000000 - 977 * i); /* descending */
    many[3000] = 1002;
    crl_unsorted = 1;
    write_crl("many.pem", many, -60, 86400, ca_key);
    crl_unsorted = 0;
    assert_int_equal(tls_store_init(&t, "ca.pem", "many.pem", NULL, err, sizeof err), 0);
    assert_int_equal(tls_store_cert_ok(&t, leaf_b, time(NULL), &why), 0);
    assert_string_equal(why, "revoked");
    assert_int_equal(tls_store_cert_ok(&t, leaf_a, time(NULL), &why), 1);
    assert_true(t.set->crls[0].crl->x.n == 3001);
    tls_store_free(&t);
    free(many);
}

/* The CRL thread: a changed CRL is read there and swapped in by tls_store_poll; an older
 * one never replaces the one in force; a rescan of an unchanged file parses nothing. */
static int woken;
static void on_wake(void *arg)
{
    (void)arg;
    __atomic_store_n(&woken, 1, __ATOMIC_SEQ_CST);
}

/* Polls until a swap changed a CRL: 1, or 0 after 20 s (a loaded machine is slow, never
 * that slow). */
static int poll_until_swapped(struct tls_store *t)
{
    struct timespec ten_ms = {0, 10 * 1000 * 1000};
    int i;
    for (i = 0; i < 2000; i++) {
        if (tls_store_poll(t) == 1)
            return 1;
        nanosleep(&ten_ms, NULL);
    }
    return 0;
}

static void test_worker(void **state)
{
    static const long none[] = {0}, revoke_b[] = {1002, 0};
    struct timespec ten_ms = {0, 10 * 1000 * 1000};
    struct tls_store t;
    char err[256];
    const char *why = NULL;
    unsigned long loads;
    uint64_t gen;
    int i;
    (void)state;

    crl_number = 20;
    write_crl("w.pem", none, -60, 86400, ca_key);
    assert_int_equal(tls_store_init(&t, "ca.pem", "w.pem", NULL, err, sizeof err), 0);
    assert_true(t.set->loads == 1); /* one load at start-up */
    assert_int_equal(tls_store_start_worker(&t, on_wake, NULL), 0);
    gen = crl_generation();

    write_crl("w.pem", revoke_b, -60, 86400, ca_key); /* 21: bob revoked */
    assert_int_equal(poll_until_swapped(&t), 1);
    assert_int_equal(__atomic_load_n(&woken, __ATOMIC_SEQ_CST), 1);
    assert_true(crl_generation() == gen + 1);
    assert_int_equal(tls_store_cert_ok(&t, leaf_b, time(NULL), &why), 0);
    assert_string_equal(why, "revoked");

    crl_number = 19;
    write_crl("w.pem", none, -60, 86400, ca_key); /* older: refused, bob stays revoked */
    assert_int_equal(poll_until_swapped(&t), 1);
    assert_int_equal(tls_store_state(&t, time(NULL)), CRL_OK);
    assert_int_equal(tls_store_cert_ok(&t, leaf_b, time(NULL), &why), 0);

    loads = t.set->loads;
    tls_store_rescan(&t);
    for (i = 0; i < 2000 && t.set->unchanged == 0; i++) {
        nanosleep(&ten_ms, NULL);
        (void)tls_store_adopt(&t);
    }
    assert_true(t.set->unchanged >= 1);
    assert_true(t.set->loads == loads);
    tls_store_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_files),    cmocka_unit_test(test_revocation),
        cmocka_unit_test(test_reload),       cmocka_unit_test(test_not_plain),
        cmocka_unit_test(test_other_issuer), cmocka_unit_test(test_off),
        cmocka_unit_test(test_cert_dates),   cmocka_unit_test(test_rollback),
        cmocka_unit_test(test_intermediate), cmocka_unit_test(test_two_cas),
        cmocka_unit_test(test_entries),      cmocka_unit_test(test_worker),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
