/* test_cert_user.c - certificate -> user name by [server] user_name_from (cert_user.h): the
 * CN as it is, the normalised CN ("Alice Smith" -> alice.smith, apostrophes dropped, runs
 * of spaces one dot, non-ASCII and other punctuation refused), the one e-mail SAN (lower
 * case; none or two refused), not exactly one CN, and the names of the rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <string.h>

#include "cert_user.h"

static EVP_PKEY *key;

/* A self-signed certificate with the given CNs (NULL-terminated; MBSTRING_UTF8) and, if
 * san is not NULL, that subjectAltName (X509V3 config text). */
static X509 *cert_with(const char *const *cns, const char *san)
{
    X509 *x = X509_new();
    X509_NAME *n = X509_NAME_new();
    assert_non_null(x);
    for (; *cns != NULL; cns++)
        assert_int_equal(X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8,
                                                    (const unsigned char *)*cns, -1, -1, 0),
                         1);
    X509_set_subject_name(x, n);
    X509_set_issuer_name(x, n);
    X509_set_pubkey(x, key);
    if (san != NULL) {
        X509V3_CTX v;
        X509_EXTENSION *e;
        X509V3_set_ctx(&v, x, x, NULL, NULL, 0);
        e = X509V3_EXT_conf_nid(NULL, &v, NID_subject_alt_name, san);
        assert_non_null(e);
        assert_int_equal(X509_add_ext(x, e, -1), 1);
        X509_EXTENSION_free(e);
    }
    assert_true(X509_sign(x, key, EVP_sha256()) > 0);
    X509_NAME_free(n);
    return x;
}

/* The user name of a certificate with one CN (and san) under rule how, or "-" for none. */
static const char *name_of(const char *cn, const char *san, enum cert_user_from how)
{
    static char user[80];
    const char *cns[] = {cn, NULL};
    X509 *x = cert_with(cns, san);
    int rc = cert_user_name(x, how, user, sizeof user);
    X509_free(x);
    return rc == 0 ? user : "-";
}

static void test_cn(void **state)
{
    static const char *const two[] = {"alice", "bob", NULL};
    char user[80];
    X509 *x;
    (void)state;
    assert_string_equal(name_of("alice", NULL, USER_FROM_CN), "alice");
    assert_string_equal(name_of("Alice Smith", NULL, USER_FROM_CN), "-");
    assert_string_equal(name_of("alice@example.org", NULL, USER_FROM_CN), "alice@example.org");
    x = cert_with(two, NULL); /* not exactly one CN: none, under every rule */
    assert_int_equal(cert_user_name(x, USER_FROM_CN, user, sizeof user), -1);
    assert_int_equal(cert_user_name(x, USER_FROM_CN_NORMALISED, user, sizeof user), -1);
    assert_string_equal(user, "");
    X509_free(x);
}

static void test_cn_normalised(void **state)
{
    (void)state;
    assert_string_equal(name_of("Alice Smith", NULL, USER_FROM_CN_NORMALISED), "alice.smith");
    assert_string_equal(name_of("  Alice   Smith  ", NULL, USER_FROM_CN_NORMALISED), "alice.smith");
    assert_string_equal(name_of("Mary O'Neil", NULL, USER_FROM_CN_NORMALISED), "mary.oneil");
    assert_string_equal(name_of("J. R. Hartley", NULL, USER_FROM_CN_NORMALISED), "j.r.hartley");
    assert_string_equal(name_of("bob_2-x@home", NULL, USER_FROM_CN_NORMALISED), "bob_2-x@home");
    assert_string_equal(name_of("Se\xc3\xa1n Murphy", NULL, USER_FROM_CN_NORMALISED), "-");
    assert_string_equal(name_of("Smith, Alice", NULL, USER_FROM_CN_NORMALISED), "-");
    assert_string_equal(name_of("a/b", NULL, USER_FROM_CN_NORMALISED), "-");
    assert_string_equal(name_of("' '", NULL, USER_FROM_CN_NORMALISED), "-"); /* nothing left */
}

static void test_normalise_bounds(void **state)
{
    char out[6], long_name[65], big[80];
    (void)state;
    assert_int_equal(cert_user_normalise((const unsigned char *)"Ab Cd", 5, out, sizeof out), 0);
    assert_string_equal(out, "ab.cd");
    assert_int_equal(cert_user_normalise((const unsigned char *)"Ab Cde", 6, out, sizeof out), -1);
    assert_int_equal(cert_user_normalise((const unsigned char *)"a\0b", 3, out, sizeof out), -1);
    assert_int_equal(cert_user_normalise((const unsigned char *)"a", 1, out, 0), -1);
    memset(long_name, 'A', 65); /* a user name is at most 64 */
    assert_int_equal(cert_user_normalise((const unsigned char *)long_name, 65, big, sizeof big),
                     -1);
    assert_int_equal(cert_user_normalise((const unsigned char *)long_name, 64, big, sizeof big), 0);
}

static void test_san_email(void **state)
{
    (void)state;
    assert_string_equal(name_of("Bob Jones", "email:Bob@Example.org", USER_FROM_SAN_EMAIL),
                        "bob@example.org");
    assert_string_equal(
        name_of("Bob Jones", "DNS:phone.example.org, email:bob@example.org", USER_FROM_SAN_EMAIL),
        "bob@example.org");
    assert_string_equal(
        name_of("Bob Jones", "email:bob@example.org, email:b@example.org", USER_FROM_SAN_EMAIL),
        "-"); /* two: which one? */
    assert_string_equal(name_of("bob", NULL, USER_FROM_SAN_EMAIL), "-");
    assert_string_equal(name_of("bob", "DNS:bob.example.org", USER_FROM_SAN_EMAIL), "-");
    assert_string_equal(name_of("bob", "email:bob smith@example.org", USER_FROM_SAN_EMAIL), "-");
}

static void test_parse(void **state)
{
    enum cert_user_from how = USER_FROM_CN;
    (void)state;
    assert_int_equal(cert_user_from_parse("cn-normalised", &how), 0);
    assert_int_equal(how, USER_FROM_CN_NORMALISED);
    assert_int_equal(cert_user_from_parse("san-email", &how), 0);
    assert_int_equal(how, USER_FROM_SAN_EMAIL);
    assert_int_equal(cert_user_from_parse("cn", &how), 0);
    assert_int_equal(how, USER_FROM_CN);
    assert_int_equal(cert_user_from_parse("CN", &how), -1);
    assert_int_equal(cert_user_from_parse("email", &how), -1);
}

static int setup(void **state)
{
    (void)state;
    key = EVP_EC_gen("P-256");
    return key != NULL ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    EVP_PKEY_free(key);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cn),
        cmocka_unit_test(test_cn_normalised),
        cmocka_unit_test(test_normalise_bounds),
        cmocka_unit_test(test_san_email),
        cmocka_unit_test(test_parse),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
