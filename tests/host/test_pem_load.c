/* test_pem_load.c - lkhost/pem_load.h against files written here with OpenSSL: a
 * certificate and its key (plain and encrypted), another key, a missing file and a file
 * that is not PEM; an encrypted key without a passphrase fails instead of prompting. */
#define _DEFAULT_SOURCE /* mkdtemp */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include <lkhost/pem_load.h>

static char dir[64], crt[128], key[128], enc[128], other[128], junk[128];

static void path(char *out, const char *name)
{
    snprintf(out, 128, "%s/%s", dir, name);
}

static void write_key(const char *p, EVP_PKEY *k, const char *pass)
{
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    assert_int_equal(PEM_write_PKCS8PrivateKey(f, k, pass != NULL ? EVP_aes_256_cbc() : NULL, NULL, 0,
                                               NULL, (void *)pass), 1);
    assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
    EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    EVP_PKEY *k2 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    X509 *x = X509_new();
    FILE *f;
    (void)state;
    snprintf(dir, sizeof dir, "host_pem_XXXXXX");
    if (k == NULL || k2 == NULL || x == NULL || mkdtemp(dir) == NULL)
        return -1;
    path(crt, "c.crt");
    path(key, "c.key");
    path(enc, "enc.key");
    path(other, "other.key");
    path(junk, "junk.pem");
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC, (const unsigned char *)"t", -1, -1, 0);
    X509_set_issuer_name(x, X509_get_subject_name(x));
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    X509_set_pubkey(x, k);
    if (X509_sign(x, k, EVP_sha256()) <= 0 || (f = fopen(crt, "w")) == NULL)
        return -1;
    if (PEM_write_X509(f, x) != 1 || fclose(f) != 0)
        return -1;
    write_key(key, k, NULL);
    write_key(enc, k, "secret pass");
    write_key(other, k2, NULL);
    if ((f = fopen(junk, "w")) == NULL)
        return -1;
    if (fputs("not a PEM file\n", f) == EOF || fclose(f) != 0)
        return -1;
    X509_free(x);
    EVP_PKEY_free(k);
    EVP_PKEY_free(k2);
    return 0;
}

static int teardown(void **state)
{
    const char *const files[] = {crt, key, enc, other, junk};
    size_t i;
    (void)state;
    for (i = 0; i < sizeof files / sizeof files[0]; i++)
        unlink(files[i]);
    return rmdir(dir);
}

static void test_cert(void **state)
{
    X509 *x;
    (void)state;
    assert_non_null(x = lkh_cert_load(crt));
    X509_free(x);
    assert_null(lkh_cert_load(junk));
    assert_int_not_equal(ERR_peek_error(), 0); /* the reason is on the queue */
    ERR_clear_error();
    assert_null(lkh_cert_load("no-such-file.crt"));
    ERR_clear_error();
}

static void test_key(void **state)
{
    EVP_PKEY *k = (EVP_PKEY *)1;
    (void)state;
    assert_int_equal(lkh_key_load(key, NULL, &k), LKH_LOAD_OK);
    assert_non_null(k);
    EVP_PKEY_free(k);
    assert_int_equal(lkh_key_load(enc, "secret pass", &k), LKH_LOAD_OK);
    EVP_PKEY_free(k);
    /* no passphrase: refused, never asked for on the terminal */
    assert_int_equal(lkh_key_load(enc, NULL, &k), LKH_LOAD_BAD);
    assert_null(k);
    assert_int_equal(lkh_key_load(enc, "wrong", &k), LKH_LOAD_BAD);
    assert_int_equal(lkh_key_load(junk, NULL, &k), LKH_LOAD_BAD);
    assert_int_equal(lkh_key_load("no-such-file.key", NULL, &k), LKH_LOAD_NO_FILE);
    assert_null(k);
    ERR_clear_error();
}

static void test_key_for(void **state)
{
    X509 *x = lkh_cert_load(crt);
    EVP_PKEY *k = (EVP_PKEY *)1;
    (void)state;
    assert_non_null(x);
    assert_int_equal(lkh_key_load_for(x, key, NULL, &k), LKH_LOAD_OK);
    EVP_PKEY_free(k);
    assert_int_equal(lkh_key_load_for(x, enc, "secret pass", &k), LKH_LOAD_OK);
    EVP_PKEY_free(k);
    assert_int_equal(lkh_key_load_for(x, other, NULL, &k), LKH_LOAD_MISMATCH);
    assert_null(k);
    assert_int_equal(ERR_peek_error(), 0); /* cleared */
    assert_int_equal(lkh_key_load_for(x, enc, NULL, &k), LKH_LOAD_BAD);
    assert_int_equal(lkh_key_load_for(x, "no-such-file.key", NULL, &k), LKH_LOAD_NO_FILE);
    ERR_clear_error();
    X509_free(x);
}

static void test_passphrase_cb(void **state)
{
    char buf[8];
    (void)state;
    assert_int_equal(lkh_pem_passphrase(buf, sizeof buf, 0, NULL), -1);
    assert_int_equal(lkh_pem_passphrase(buf, sizeof buf, 0, "abc"), 3);
    assert_memory_equal(buf, "abc", 3);
    assert_int_equal(lkh_pem_passphrase(buf, sizeof buf, 0, "longer than 8"), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cert),
        cmocka_unit_test(test_key),
        cmocka_unit_test(test_key_for),
        cmocka_unit_test(test_passphrase_cb),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
