/* test_certs_scep.c - unit tests of SCEP enrollment's pure parts: the decisions of
 * scep_policy.c (expiry, one-time challenge, key types, the invited name), the request
 * parser and route table of http_request.c, and a round trip of scep_msg.c's envelopes
 * (a PKCSReq built here with OpenSSL CMS as a client would, read, answered, the answer
 * verified and decrypted as the client would). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/cms.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "ca.h"
#include "certgen.h"
#include "http_request.h"
#include "scep_msg.h"
#include "scep_policy.h"
#include "scep_ra.h"

/* ---------------------------------------------------------------- helpers */

static EVP_PKEY *key_of(const char *kind)
{
    if (strcmp(kind, "rsa1024") == 0)
        return EVP_RSA_gen(1024);
    if (strcmp(kind, "rsa2048") == 0)
        return EVP_RSA_gen(2048);
    if (strcmp(kind, "ed25519") == 0)
        return EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    return EVP_PKEY_Q_keygen(NULL, NULL, "EC", kind); /* P-256, P-384, P-521 */
}

/* A CSR for cn (NULL: none; "a,b": two CNs) with challenge (NULL: none), signed by signer
 * (NULL: its own key). */
static X509_REQ *csr_make(EVP_PKEY *key, const char *cn, const char *challenge, EVP_PKEY *signer)
{
    X509_REQ *req = X509_REQ_new();
    X509_NAME *name = X509_REQ_get_subject_name(req);
    assert_non_null(req);
    if (cn != NULL && strcmp(cn, "a,b") == 0) {
        assert_int_equal(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                                    (const unsigned char *)"a", -1, -1, 0),
                         1);
        assert_int_equal(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                                    (const unsigned char *)"b", -1, -1, 0),
                         1);
    } else if (cn != NULL) {
        assert_int_equal(X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                                                    (const unsigned char *)"scep-client", -1, -1,
                                                    0),
                         1);
        assert_int_equal(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                                    (const unsigned char *)cn, -1, -1, 0),
                         1);
    }
    assert_int_equal(X509_REQ_set_pubkey(req, key), 1);
    if (challenge != NULL)
        assert_int_equal(X509_REQ_add1_attr_by_NID(req, NID_pkcs9_challengePassword, MBSTRING_UTF8,
                                                   (const unsigned char *)challenge, -1),
                         1);
    assert_true(X509_REQ_sign(req, signer != NULL ? signer : key,
                              EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519 ? NULL : EVP_sha256()) >
                0);
    return req;
}

static struct lk_scep_invite invite(void)
{
    struct lk_scep_invite inv;
    memset(&inv, 0, sizeof inv);
    strcpy(inv.user, "carol");
    strcpy(inv.challenge, "s3cret-challenge");
    inv.expires = 1000;
    return inv;
}

/* The verdict on a CSR of kind for cn with challenge, at time now. */
static enum lk_scep_verdict verdict(const struct lk_scep_invite *inv, const char *kind,
                                    const char *cn, const char *challenge, time_t now)
{
    EVP_PKEY *key = key_of(kind), *pub = NULL;
    X509_REQ *req = csr_make(key, cn, challenge, NULL);
    char why[256];
    enum lk_scep_verdict v = lk_scep_check(inv, req, now, &pub, why, sizeof why);
    assert_true(v == LK_SCEP_OK ? pub != NULL : pub == NULL);
    assert_true(strlen(why) > 0 || v == LK_SCEP_OK);
    if (v != LK_SCEP_OK && inv->challenge[0] != '\0')
        assert_null(strstr(why, inv->challenge)); /* never says the challenge */
    EVP_PKEY_free(pub);
    EVP_PKEY_free(key);
    X509_REQ_free(req);
    return v;
}

/* ---------------------------------------------------------------- policy */

static void test_policy_challenge(void **state)
{
    struct lk_scep_invite inv = invite();
    (void)state;
    assert_int_equal(verdict(&inv, "rsa2048", "carol", "s3cret-challenge", 999), LK_SCEP_OK);
    assert_int_equal(verdict(&inv, "rsa2048", "carol", NULL, 999), LK_SCEP_NO_CHALLENGE);
    assert_int_equal(verdict(&inv, "rsa2048", "carol", "s3cret-challengE", 999),
                     LK_SCEP_WRONG_CHALLENGE);
    assert_int_equal(verdict(&inv, "rsa2048", "carol", "s3cret-challeng", 999),
                     LK_SCEP_WRONG_CHALLENGE);
    assert_int_equal(verdict(&inv, "rsa2048", "carol", "s3cret-challenge-", 999),
                     LK_SCEP_WRONG_CHALLENGE);
    /* expiry first: even the right challenge is too late */
    assert_int_equal(verdict(&inv, "rsa2048", "carol", "s3cret-challenge", 1000), LK_SCEP_EXPIRED);
    inv.used = 1;
    assert_int_equal(verdict(&inv, "rsa2048", "carol", "s3cret-challenge", 999), LK_SCEP_USED);
    assert_int_equal(verdict(&inv, "rsa2048", "carol", "wrong", 999), LK_SCEP_WRONG_CHALLENGE);
    /* an invitation without a challenge matches nothing */
    inv = invite();
    inv.challenge[0] = '\0';
    assert_int_equal(verdict(&inv, "rsa2048", "carol", "x", 999), LK_SCEP_WRONG_CHALLENGE);
}

static void test_policy_keys_and_names(void **state)
{
    struct lk_scep_invite inv = invite();
    const char *c = "s3cret-challenge";
    (void)state;
    assert_int_equal(verdict(&inv, "P-256", "carol", c, 0), LK_SCEP_OK);
    assert_int_equal(verdict(&inv, "P-384", "carol", c, 0), LK_SCEP_OK);
    assert_int_equal(verdict(&inv, "P-521", "carol", c, 0), LK_SCEP_WEAK_KEY);
    assert_int_equal(verdict(&inv, "rsa1024", "carol", c, 0), LK_SCEP_WEAK_KEY);
    assert_int_equal(verdict(&inv, "ed25519", "carol", c, 0), LK_SCEP_WEAK_KEY);
    assert_int_equal(verdict(&inv, "P-256", "bob", c, 0), LK_SCEP_WRONG_NAME);
    assert_int_equal(verdict(&inv, "P-256", "Carol", c, 0), LK_SCEP_WRONG_NAME);
    assert_int_equal(verdict(&inv, "P-256", "carol ", c, 0), LK_SCEP_WRONG_NAME);
    assert_int_equal(verdict(&inv, "P-256", "a,b", c, 0), LK_SCEP_WRONG_NAME);
    assert_int_equal(verdict(&inv, "P-256", NULL, c, 0), LK_SCEP_WRONG_NAME);
}

static void test_policy_bad_signature(void **state)
{
    struct lk_scep_invite inv = invite();
    EVP_PKEY *key = key_of("P-256"), *other = key_of("P-256"), *pub = NULL;
    X509_REQ *req = csr_make(key, "carol", "s3cret-challenge", other);
    char why[256];
    (void)state;
    assert_int_equal(lk_scep_check(&inv, req, 0, &pub, why, sizeof why), LK_SCEP_BAD_CSR);
    assert_null(pub);
    assert_non_null(strstr(why, "bad self-signature"));
    EVP_PKEY_free(key);
    EVP_PKEY_free(other);
    X509_REQ_free(req);
}

static void test_policy_fail_info(void **state)
{
    (void)state;
    assert_int_equal(lk_scep_fail_info(LK_SCEP_WEAK_KEY), 0);
    assert_int_equal(lk_scep_fail_info(LK_SCEP_BAD_CSR), 1);
    assert_int_equal(lk_scep_fail_info(LK_SCEP_WRONG_NAME), 2);
    assert_int_equal(lk_scep_fail_info(LK_SCEP_WRONG_CHALLENGE), 2);
    assert_int_equal(lk_scep_fail_info(LK_SCEP_EXPIRED), 3);
    assert_true(lk_scep_verdict_counts(LK_SCEP_WRONG_CHALLENGE));
    assert_true(lk_scep_verdict_counts(LK_SCEP_NO_CHALLENGE));
    assert_false(lk_scep_verdict_counts(LK_SCEP_WRONG_NAME));
    assert_false(lk_scep_verdict_counts(LK_SCEP_EXPIRED));
}

/* ---------------------------------------------------------------- http_request */

static enum lk_http_parse parse(const char *s, struct lk_http_req *r)
{
    return lk_http_req_parse(s, strlen(s), 100, r);
}

static void test_http_parse(void **state)
{
    struct lk_http_req r;
    const char *v;
    size_t n;
    (void)state;
    assert_int_equal(parse("GET /scep?operation=GetCACaps&message=x HTTP/1.1\r\nHost: h\r\n", &r),
                     LK_HTTP_INCOMPLETE);
    assert_int_equal(
        parse("GET /scep?operation=GetCACaps&message=x HTTP/1.1\r\nHost: h\r\n\r\n", &r),
        LK_HTTP_OK);
    assert_int_equal(r.path_len, 5);
    assert_memory_equal(r.path, "/scep", 5);
    assert_int_equal(lk_http_query_get(&r, "operation", &v, &n), 1);
    assert_int_equal(n, 9);
    assert_memory_equal(v, "GetCACaps", 9);
    assert_int_equal(lk_http_query_get(&r, "message", &v, &n), 1);
    assert_int_equal(n, 1);
    assert_int_equal(lk_http_query_get(&r, "op", &v, &n), 0);
    assert_int_equal(lk_http_query_get(&r, "operatio", &v, &n), 0);
    assert_int_equal(r.body_len, 0);
    /* a body: incomplete until Content-Length bytes are in */
    assert_int_equal(parse("POST /scep HTTP/1.1\r\ncontent-length: 5\r\n\r\nabc", &r),
                     LK_HTTP_INCOMPLETE);
    assert_int_equal(parse("POST /scep HTTP/1.1\r\nContent-Length:  5 \r\n\r\nabcde", &r),
                     LK_HTTP_OK);
    assert_int_equal(r.body_len, 5);
    assert_memory_equal(r.body, "abcde", 5);
    assert_int_equal(r.query_len, 0);
    assert_int_equal(lk_http_query_get(&r, "operation", &v, &n), 0); /* no query at all */
    assert_int_equal(parse("POST /scep HTTP/1.1\r\nContent-Length: 101\r\n\r\n", &r),
                     LK_HTTP_TOO_LARGE);
    assert_int_equal(
        parse("POST /scep HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx", &r),
        LK_HTTP_BAD);
    assert_int_equal(parse("POST /scep HTTP/1.1\r\nContent-Length: -1\r\n\r\n", &r), LK_HTTP_BAD);
    assert_int_equal(parse("POST /scep HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n", &r),
                     LK_HTTP_BAD);
    assert_int_equal(parse("POST /scep HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", &r),
                     LK_HTTP_BAD);
    assert_int_equal(parse("GET scep HTTP/1.1\r\n\r\n", &r), LK_HTTP_BAD);
    assert_int_equal(parse("GET /scep HTTP/2.0\r\n\r\n", &r), LK_HTTP_BAD);
    assert_int_equal(parse("GET  /scep HTTP/1.1\r\n\r\n", &r), LK_HTTP_BAD);
    assert_int_equal(lk_http_req_parse("GET /\0 HTTP/1.1\r\n\r\n", 20, 100, &r), LK_HTTP_BAD);
}

static int calls;
static void handle_ok(void *arg, const struct lk_http_req *req, const char *peer,
                      struct lk_enroll_reply *reply)
{
    (void)req;
    (void)peer;
    calls += *(int *)arg;
    lk_http_text(reply, 200, "ok\n");
}

static int dispatch(const char *s, struct lk_enroll_reply *r)
{
    static const struct lk_http_route routes[] = {{"GET", "/scep", handle_ok},
                                                  {"GET", "/enroll/", handle_ok}};
    int one = 1;
    return lk_http_dispatch(routes, 2, &one, s, strlen(s), "peer", r);
}

static void test_http_dispatch(void **state)
{
    struct lk_enroll_reply r;
    (void)state;
    calls = 0;
    assert_int_equal(dispatch("GET /scep HTTP/1.1\r\n", &r), 0);
    assert_int_equal(dispatch("GET /scep?operation=x HTTP/1.1\r\n\r\n", &r), 1);
    assert_int_equal(r.status, 200);
    assert_int_equal(dispatch("GET /enroll/tok HTTP/1.1\r\n\r\n", &r), 1);
    assert_int_equal(r.status, 200);
    assert_int_equal(calls, 2);
    assert_int_equal(dispatch("GET /enroll/ HTTP/1.1\r\n\r\n", &r), 1); /* a prefix needs more */
    assert_int_equal(r.status, 404);
    assert_int_equal(dispatch("GET /scepx HTTP/1.1\r\n\r\n", &r), 1);
    assert_int_equal(r.status, 404);
    assert_int_equal(dispatch("POST /scep HTTP/1.1\r\nContent-Length: 0\r\n\r\n", &r), 1);
    assert_int_equal(r.status, 405);
    assert_int_equal(dispatch("BREW /scep\r\n\r\n", &r), 1);
    assert_int_equal(r.status, 400);
    assert_int_equal(dispatch("POST /scep HTTP/1.1\r\nContent-Length: 99999\r\n\r\n", &r), 1);
    assert_int_equal(r.status, 413);
    assert_int_equal(calls, 2);
}

/* ---------------------------------------------------------------- scep_msg */

#define OID_TYPE "2.16.840.1.113733.1.9.2"
#define OID_STATUS "2.16.840.1.113733.1.9.3"
#define OID_FAIL "2.16.840.1.113733.1.9.4"
#define OID_SNONCE "2.16.840.1.113733.1.9.5"
#define OID_RNONCE "2.16.840.1.113733.1.9.6"
#define OID_TID "2.16.840.1.113733.1.9.7"

static X509 *self_signed(EVP_PKEY *key, const char *cn)
{
    X509 *c = X509_new();
    assert_non_null(c);
    assert_int_equal(lk_set_random_serial(c), 0);
    assert_int_equal(lk_set_subject_cn(c, cn), 0);
    assert_int_equal(X509_set_issuer_name(c, X509_get_subject_name(c)), 1);
    assert_int_equal(lk_set_validity(c, 1), 0);
    assert_int_equal(X509_set_pubkey(c, key), 1);
    assert_true(X509_sign(c, key, EVP_sha256()) > 0);
    return c;
}

static void der_of_cms(CMS_ContentInfo *cms, unsigned char **der, size_t *len)
{
    BIO *b = BIO_new(BIO_s_mem());
    char *p;
    long n;
    assert_int_equal(i2d_CMS_bio(b, cms), 1);
    n = BIO_get_mem_data(b, &p);
    assert_true(n > 0);
    *der = OPENSSL_memdup(p, (size_t)n);
    *len = (size_t)n;
    BIO_free(b);
}

/* A pkiMessage as a client builds it: content encrypted to recipient, signed by the client. */
static void client_message(const unsigned char *content, size_t clen, X509 *recipient, X509 *cert,
                           EVP_PKEY *key, const char *type, unsigned char **der, size_t *len)
{
    STACK_OF(X509) *rs = sk_X509_new_null();
    BIO *in = BIO_new_mem_buf(content, (int)clen), *envb;
    CMS_ContentInfo *env, *sig;
    CMS_SignerInfo *si;
    unsigned char *env_der, nonce[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    size_t env_len;
    assert_true(sk_X509_push(rs, recipient) > 0);
    env = CMS_encrypt(rs, in, EVP_aes_128_cbc(), CMS_BINARY);
    assert_non_null(env);
    der_of_cms(env, &env_der, &env_len);
    sig = CMS_sign(NULL, NULL, NULL, NULL, CMS_PARTIAL | CMS_BINARY);
    si = CMS_add1_signer(sig, cert, key, EVP_sha256(), CMS_PARTIAL | CMS_BINARY | CMS_NOSMIMECAP);
    assert_non_null(si);
    assert_int_equal(
        CMS_signed_add1_attr_by_txt(si, OID_TYPE, V_ASN1_PRINTABLESTRING, type, (int)strlen(type)),
        1);
    assert_int_equal(CMS_signed_add1_attr_by_txt(si, OID_TID, V_ASN1_PRINTABLESTRING, "tid-42", 6),
                     1);
    assert_int_equal(CMS_signed_add1_attr_by_txt(si, OID_SNONCE, V_ASN1_OCTET_STRING, nonce, 16),
                     1);
    envb = BIO_new_mem_buf(env_der, (int)env_len);
    assert_int_equal(CMS_final(sig, envb, NULL, CMS_BINARY), 1);
    der_of_cms(sig, der, len);
    BIO_free(envb);
    BIO_free(in);
    OPENSSL_free(env_der);
    CMS_ContentInfo_free(env);
    CMS_ContentInfo_free(sig);
    sk_X509_free(rs);
}

static const char *attr_text(CMS_SignerInfo *si, const char *oid, int type, char *buf, size_t cap)
{
    ASN1_OBJECT *o = OBJ_txt2obj(oid, 1);
    ASN1_STRING *s = CMS_signed_get0_data_by_OBJ(si, o, -3, type);
    ASN1_OBJECT_free(o);
    if (s == NULL || (size_t)ASN1_STRING_length(s) >= cap)
        return NULL;
    memcpy(buf, ASN1_STRING_get0_data(s), (size_t)ASN1_STRING_length(s));
    buf[ASN1_STRING_length(s)] = '\0';
    return buf;
}

/* The reply as the client reads it: verified with the RA, its attributes, and (SUCCESS) the
 * certificate inside the envelope decrypted with the client's key. */
static X509 *client_read_reply(const unsigned char *der, size_t len, X509 *ra, X509 *cert,
                               EVP_PKEY *key, const char *status)
{
    const unsigned char *p = der;
    CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &p, (long)len), *env, *degen;
    STACK_OF(X509) *certs = sk_X509_new_null(), *got;
    BIO *inner = BIO_new(BIO_s_mem()), *plain = BIO_new(BIO_s_mem());
    CMS_SignerInfo *si;
    char buf[64] = {0};
    X509 *out = NULL;
    assert_non_null(cms);
    assert_true(sk_X509_push(certs, ra) > 0);
    assert_int_equal(
        CMS_verify(cms, certs, NULL, NULL, inner, CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY), 1);
    si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0);
    assert_string_equal(attr_text(si, OID_TYPE, V_ASN1_PRINTABLESTRING, buf, sizeof buf), "3");
    assert_string_equal(attr_text(si, OID_TID, V_ASN1_PRINTABLESTRING, buf, sizeof buf), "tid-42");
    assert_string_equal(attr_text(si, OID_STATUS, V_ASN1_PRINTABLESTRING, buf, sizeof buf), status);
    assert_non_null(attr_text(si, OID_RNONCE, V_ASN1_OCTET_STRING, buf, sizeof buf));
    assert_int_equal(buf[0], 1);
    assert_int_equal(buf[15], 16);
    assert_non_null(attr_text(si, OID_SNONCE, V_ASN1_OCTET_STRING, buf, sizeof buf));
    if (strcmp(status, "0") == 0) {
        env = d2i_CMS_bio(inner, NULL);
        assert_non_null(env);
        assert_int_equal(CMS_decrypt(env, key, cert, NULL, plain, CMS_BINARY), 1);
        degen = d2i_CMS_bio(plain, NULL);
        assert_non_null(degen);
        got = CMS_get1_certs(degen);
        assert_int_equal(sk_X509_num(got), 1);
        out = sk_X509_value(got, 0);
        assert_int_equal(X509_up_ref(out), 1);
        sk_X509_pop_free(got, X509_free);
        CMS_ContentInfo_free(degen);
        CMS_ContentInfo_free(env);
    } else {
        assert_string_equal(attr_text(si, OID_FAIL, V_ASN1_PRINTABLESTRING, buf, sizeof buf), "2");
    }
    BIO_free(inner);
    BIO_free(plain);
    sk_X509_free(certs);
    CMS_ContentInfo_free(cms);
    return out;
}

static void test_msg_round_trip(void **state)
{
    EVP_PKEY *ca_key = key_of("P-256"), *ra_key = NULL, *ckey = key_of("rsa2048"),
             *other_key = key_of("rsa2048");
    X509 *ca = lk_ca_cert_build(ca_key, "Test CA", 30), *ra = NULL, *cert, *other, *got;
    X509_REQ *req = csr_make(ckey, "carol", "s3cret-challenge", NULL);
    unsigned char *csr_der = NULL, *msg = NULL, *reply = NULL, *list = NULL;
    struct lk_scep_msg m;
    char why[200];
    size_t msg_len, reply_len, list_len;
    int csr_len;
    const unsigned char *lp;
    PKCS7 *p7;
    (void)state;

    assert_non_null(ca);
    assert_int_equal(lk_scep_ra_make(ca, ca_key, &ra, &ra_key), 0);
    assert_int_equal(EVP_PKEY_get_base_id(ra_key), EVP_PKEY_RSA);
    cert = self_signed(ckey, "carol");
    other = self_signed(other_key, "other");
    csr_len = i2d_X509_REQ(req, &csr_der);
    assert_true(csr_len > 0);

    /* GetCACert: CA and RA, certificates only */
    assert_int_equal(lk_scep_ca_ra_certs(ca, ra, &list, &list_len), 0);
    lp = list;
    p7 = d2i_PKCS7(NULL, &lp, (long)list_len);
    assert_non_null(p7);
    assert_int_equal(sk_X509_num(p7->d.sign->cert), 2);
    PKCS7_free(p7);

    /* a PKCSReq reads back to its parts */
    lk_scep_msg_init(&m);
    client_message(csr_der, (size_t)csr_len, ra, cert, ckey, "19", &msg, &msg_len);
    assert_int_equal(lk_scep_msg_read(msg, msg_len, ra, ra_key, &m, why, sizeof why), 0);
    assert_int_equal(m.type, LK_SCEP_MSG_PKCSREQ);
    assert_string_equal(m.tid, "tid-42");
    assert_int_equal(m.nonce_len, 16);
    assert_int_equal(X509_cmp(m.signer, cert), 0);
    assert_int_equal(m.content_len, (size_t)csr_len);
    assert_memory_equal(m.content, csr_der, (size_t)csr_len);

    /* SUCCESS: the certificate, only for the requester's key */
    assert_int_equal(lk_scep_certrep(&m, other, 0, ra, ra_key, &reply, &reply_len), 0);
    got = client_read_reply(reply, reply_len, ra, cert, ckey, "0");
    assert_int_equal(X509_cmp(got, other), 0);
    X509_free(got);
    OPENSSL_free(reply);
    /* FAILURE badRequest */
    assert_int_equal(lk_scep_certrep(&m, NULL, 2, ra, ra_key, &reply, &reply_len), 0);
    assert_null(client_read_reply(reply, reply_len, ra, cert, ckey, "2"));
    OPENSSL_free(reply);
    OPENSSL_free(msg);

    /* encrypted to another certificate: unusable, but signed, so a FAILURE can be sent */
    client_message(csr_der, (size_t)csr_len, other, cert, ckey, "19", &msg, &msg_len);
    assert_int_equal(lk_scep_msg_read(msg, msg_len, ra, ra_key, &m, why, sizeof why), -1);
    assert_non_null(strstr(why, "cannot decrypt"));
    assert_non_null(m.signer);
    OPENSSL_free(msg);
    /* tampered: one byte of the signed content flipped */
    client_message(csr_der, (size_t)csr_len, ra, cert, ckey, "20", &msg, &msg_len);
    assert_int_equal(lk_scep_msg_read(msg, msg_len, ra, ra_key, &m, why, sizeof why), 0);
    assert_int_equal(m.type, LK_SCEP_MSG_CERTPOLL);
    msg[msg_len / 3] ^= 0x01;
    assert_int_equal(lk_scep_msg_read(msg, msg_len, ra, ra_key, &m, why, sizeof why), -1);
    assert_null(m.signer);
    OPENSSL_free(msg);
    assert_int_equal(
        lk_scep_msg_read((const unsigned char *)"junk", 4, ra, ra_key, &m, why, sizeof why), -1);
    assert_non_null(strstr(why, "not a SCEP pkiMessage"));

    lk_scep_msg_free(&m);
    OPENSSL_free(csr_der);
    OPENSSL_free(list);
    X509_REQ_free(req);
    X509_free(ca);
    X509_free(ra);
    X509_free(cert);
    X509_free(other);
    EVP_PKEY_free(ca_key);
    EVP_PKEY_free(ra_key);
    EVP_PKEY_free(ckey);
    EVP_PKEY_free(other_key);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_policy_challenge),     cmocka_unit_test(test_policy_keys_and_names),
        cmocka_unit_test(test_policy_bad_signature), cmocka_unit_test(test_policy_fail_info),
        cmocka_unit_test(test_http_parse),           cmocka_unit_test(test_http_dispatch),
        cmocka_unit_test(test_msg_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
