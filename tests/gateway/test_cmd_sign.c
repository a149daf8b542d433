/* test_cmd_sign.c - the gateway's command signer against the shared "signer" vectors of
 * tests/vectors/commands.json: same fields give the same message, signature and payload
 * bytes; the signature verifies with the vector's public key; bad fields are refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cJSON.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd_sign.h"
#include "latchkey/b64url.h"
#include "vectors.h"

static const char *vectors_path;
static cJSON *vectors;
static EVP_PKEY *priv, *pub;

static const char *str(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    assert_true(cJSON_IsString(v));
    return v->valuestring;
}

static int64_t num(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    assert_true(cJSON_IsNumber(v));
    return (int64_t)v->valuedouble;
}

static int setup(void **state)
{
    uint8_t seed[32], raw_pub[32];
    (void)state;
    vectors = lk_vectors_load(vectors_path);
    assert_non_null(vectors);
    assert_int_equal(lk_vectors_hex(str(vectors, "private_seed_hex"), seed, 32), 0);
    assert_int_equal(lk_vectors_hex(str(vectors, "public_key_hex"), raw_pub, 32), 0);
    priv = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, 32);
    pub = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, raw_pub, 32);
    assert_non_null(priv);
    assert_non_null(pub);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    cJSON_Delete(vectors);
    EVP_PKEY_free(priv);
    EVP_PKEY_free(pub);
    return 0;
}

static size_t build_from(EVP_PKEY *key, const cJSON *fields, struct lk_cmd *cmd, char *out, size_t cap)
{
    return cmd_build(key, str(fields, "id"), str(fields, "site"), str(fields, "door"),
                     str(fields, "action"), str(fields, "by"), num(fields, "iat"),
                     num(fields, "exp"), cmd, out, cap);
}

static void check_vectors(EVP_PKEY *key)
{
    const cJSON *signer = cJSON_GetObjectItemCaseSensitive(vectors, "signer"), *v;
    int count = 0;
    assert_true(cJSON_IsArray(signer));
    cJSON_ArrayForEach(v, signer) {
        const cJSON *fields = cJSON_GetObjectItemCaseSensitive(v, "fields");
        struct lk_cmd cmd;
        char payload[CMD_PAYLOAD_MAX], msg[LK_CMD_MSG_MAX + 1], sig_b64[LK_SIG_B64_LEN + 1];
        size_t len = build_from(key, fields, &cmd, payload, sizeof payload);
        size_t mlen;
        EVP_MD_CTX *md = EVP_MD_CTX_new();

        assert_int_not_equal(len, 0);
        assert_string_equal(payload, str(v, "payload"));
        assert_int_equal(len, strlen(str(v, "payload")));
        mlen = lk_cmd_signing_message(&cmd, msg, sizeof msg - 1);
        msg[mlen] = '\0';
        assert_string_equal(msg, str(v, "message"));
        assert_int_equal(lk_b64url_encode(cmd.sig, LK_SIG_LEN, sig_b64, sizeof sig_b64), LK_SIG_B64_LEN);
        assert_string_equal(sig_b64, str(v, "sig"));
        /* and it verifies with the vector's public key */
        assert_non_null(md);
        assert_int_equal(EVP_DigestVerifyInit(md, NULL, NULL, NULL, pub), 1);
        assert_int_equal(EVP_DigestVerify(md, cmd.sig, LK_SIG_LEN, (const unsigned char *)msg, mlen), 1);
        EVP_MD_CTX_free(md);
        count++;
    }
    assert_true(count >= 3);
}

static void test_signer_vectors(void **state)
{
    (void)state;
    check_vectors(priv);
}

/* The PEM loader gives a key that signs the same bytes. */
static void test_key_from_pem(void **state)
{
    char path[] = "/tmp/lk-cmdkey-XXXXXX", err[256];
    int fd = mkstemp(path);
    FILE *f;
    EVP_PKEY *k;
    (void)state;
    assert_true(fd >= 0);
    f = fdopen(fd, "w");
    assert_non_null(f);
    assert_int_equal(PEM_write_PrivateKey(f, priv, NULL, NULL, 0, NULL, NULL), 1);
    assert_int_equal(fclose(f), 0);
    k = cmd_key_load(path, err, sizeof err);
    assert_non_null(k);
    check_vectors(k);
    EVP_PKEY_free(k);
    unlink(path);
}

static void test_wrong_key_type(void **state)
{
    char path[] = "/tmp/lk-eckey-XXXXXX", err[256];
    int fd = mkstemp(path);
    FILE *f;
    EVP_PKEY *ec = EVP_EC_gen("P-256");
    (void)state;
    assert_non_null(ec);
    assert_true(fd >= 0);
    f = fdopen(fd, "w");
    assert_non_null(f);
    assert_int_equal(PEM_write_PrivateKey(f, ec, NULL, NULL, 0, NULL, NULL), 1);
    assert_int_equal(fclose(f), 0);
    assert_null(cmd_key_load(path, err, sizeof err));
    assert_non_null(strstr(err, "wrong key type"));
    assert_null(cmd_key_load("/nonexistent/key.pem", err, sizeof err));
    EVP_PKEY_free(ec);
    unlink(path);
}

static void test_bad_fields_refused(void **state)
{
    struct lk_cmd cmd;
    char out[CMD_PAYLOAD_MAX];
    const char *id = "0123456789abcdef0123456789abcdef";
    (void)state;
    assert_int_not_equal(cmd_build(priv, id, "home", "door1", "open", "alice", 100, 160, &cmd, out, sizeof out), 0);
    assert_int_equal(cmd_build(priv, id, "home", "door1", "open", "alice", 100, 161, &cmd, out, sizeof out), 0);
    assert_int_equal(cmd_build(priv, id, "home", "door1", "open", "alice", 100, 99, &cmd, out, sizeof out), 0);
    assert_int_equal(cmd_build(priv, "0123", "home", "door1", "open", "alice", 100, 130, &cmd, out, sizeof out), 0);
    assert_int_equal(cmd_build(priv, id, "Home", "door1", "open", "alice", 100, 130, &cmd, out, sizeof out), 0);
    assert_int_equal(cmd_build(priv, id, "home", "door/1", "open", "alice", 100, 130, &cmd, out, sizeof out), 0);
    assert_int_equal(cmd_build(priv, id, "home", "door1", "open", "al ice", 100, 130, &cmd, out, sizeof out), 0);
    assert_int_equal(cmd_build(priv, id, "home", "door1", "open", "\"x", 100, 130, &cmd, out, sizeof out), 0);
    assert_int_equal(cmd_build(priv, id, "home", "door1", "open", "alice", INT64_MIN, INT64_MAX, &cmd, out, sizeof out), 0);
    assert_int_equal(cmd_build(priv, id, "home", "door1", "open", "alice", 100, 130, &cmd, out, 50), 0);
    assert_int_equal(cmd_build(priv, id, "home", NULL, "open", "alice", 100, 130, &cmd, out, sizeof out), 0);
}

static void test_new_id(void **state)
{
    char a[LK_ID_HEX_LEN + 1], b[LK_ID_HEX_LEN + 1];
    (void)state;
    assert_int_equal(cmd_new_id(a), 0);
    assert_int_equal(cmd_new_id(b), 0);
    assert_true(lk_id_valid(a, strlen(a)));
    assert_true(lk_id_valid(b, strlen(b)));
    assert_string_not_equal(a, b);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_signer_vectors),
        cmocka_unit_test(test_key_from_pem),
        cmocka_unit_test(test_wrong_key_type),
        cmocka_unit_test(test_bad_fields_refused),
        cmocka_unit_test(test_new_id),
    };
    if (argc != 2) {
        (void)fprintf(stderr, "usage: %s commands.json\n", argv[0]);
        return 2;
    }
    vectors_path = argv[1];
    return cmocka_run_group_tests(tests, setup, teardown);
}
