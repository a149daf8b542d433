/* test_device_ack.c - the Linux device's ack key and start rule (firmware/port/posix):
 * ack_signer.c signs every signer vector of tests/vectors/acks.json (argv[1]) with
 * wolfSSL exactly as the openssl reference did, from a PKCS#8 PEM as latchkey-certs writes
 * it, and refuses files that are not an Ed25519 private key; accept_state.c reads an
 * absent file as "nothing accepted", gives back across a reopen the ids that have not
 * expired, stays bounded, and refuses a corrupt file or one it cannot write. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "accept_state.h"
#include "ack_signer.h"
#include "latchkey/b64url.h"
#include "vectors.h"

/* RFC 8032 test 3 (the key of acks.json) as PKCS#8 PEM. */
static const char ack_pem[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIMWqjfQ/n4N77bdELzHct7Fm04U1B28JS4XOOi4LRFj3\n"
    "-----END PRIVATE KEY-----\n";
static const char *vectors_path;
static char dir[] = "/tmp/lk-ack-test-XXXXXX";

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

static void test_signs_every_vector(void **state)
{
    struct lkp_ack_signer s;
    char path[256], err[256], b64[LK_SIG_B64_LEN + 1];
    cJSON *doc = lk_vectors_load(vectors_path), *v;
    uint8_t sig[64];
    int count = 0;
    (void)state;
    snprintf(path, sizeof path, "%s/ack.key", dir);
    write_file(path, ack_pem);
    assert_int_equal(lkp_ack_signer_load(&s, path, err, sizeof err), 0);
    cJSON_ArrayForEach(v, cJSON_GetObjectItem(doc, "signer"))
    {
        const char *msg = cJSON_GetStringValue(cJSON_GetObjectItem(v, "message"));
        assert_int_equal(lkp_ack_sign(&s, (const uint8_t *)msg, strlen(msg), sig), 0);
        assert_int_equal(lk_b64url_encode(sig, 64, b64, sizeof b64), LK_SIG_B64_LEN);
        assert_string_equal(b64, cJSON_GetStringValue(cJSON_GetObjectItem(v, "sig")));
        count++;
    }
    assert_true(count >= 4);
    lkp_ack_signer_free(&s);
    assert_int_equal(lkp_ack_sign(&s, (const uint8_t *)"x", 1, sig), -1); /* freed */
    cJSON_Delete(doc);
}

static void test_refuses_bad_key_files(void **state)
{
    struct lkp_ack_signer s;
    char path[256], err[256];
    (void)state;
    snprintf(path, sizeof path, "%s/bad.key", dir);
    write_file(path, "not a key\n");
    assert_int_equal(lkp_ack_signer_load(&s, path, err, sizeof err), -1);
    assert_non_null(strstr(err, "PEM"));
    /* A P-256 key is a PEM private key, but not an Ed25519 one. */
    write_file(path,
               "-----BEGIN PRIVATE KEY-----\n"
               "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgrKIlAZV4wvGaM9y3\n"
               "h6PGpZ/crKcVY9h8+vVUbJ80gmehRANCAAT76nIkPLyDHrPsBHGL+OoHrLYJNIgX\n"
               "co+DZst0A8cb5SlE++FIi9UxYXvHO7tEebpuXjvFhC9udxsIaMJ3FRWg\n"
               "-----END PRIVATE KEY-----\n");
    assert_int_equal(lkp_ack_signer_load(&s, path, err, sizeof err), -1);
    snprintf(path, sizeof path, "%s/absent.key", dir);
    assert_int_equal(lkp_ack_signer_load(&s, path, err, sizeof err), -1);
}

#define ID_A "0123456789abcdef0123456789abcdef"
#define ID_B "fedcba9876543210fedcba9876543210"

static void test_accept_state(void **state)
{
    struct lkp_accept_state st;
    char path[512], err[256], ro[256];
    (void)state;
    snprintf(path, sizeof path, "%s/accept.state", dir);
    assert_int_equal(lkp_accept_state_open(&st, path, 1000, err, sizeof err), 0);
    assert_int_equal(st.n, 0);               /* absent: a new device accepted nothing */
    assert_int_equal(access(path, R_OK), 0); /* written back at once */
    assert_int_equal(lkp_accept_record(&st, ID_A, 1030, 1000), 0);
    assert_int_equal(lkp_accept_record(&st, ID_B, 1050, 1020), 0);
    /* Reopened (a restart): what has not expired comes back, oldest first. */
    assert_int_equal(lkp_accept_state_open(&st, path, 1030, err, sizeof err), 0);
    assert_int_equal(st.n, 2);
    assert_string_equal(st.e[0].id, ID_A);
    assert_int_equal(st.e[0].exp, 1030);
    assert_string_equal(st.e[1].id, ID_B);
    assert_int_equal(lkp_accept_state_open(&st, path, 1031, err, sizeof err), 0);
    assert_int_equal(st.n, 1); /* ID_A expired: dropped */
    assert_string_equal(st.e[0].id, ID_B);
    assert_int_equal(lkp_accept_record(&st, "not-an-id", 1, 1), -1);
    /* Full: the oldest is forgotten, as in the RAM cache. */
    for (int i = 0; i < (int)LK_REPLAY_SLOTS; i++) {
        char id[33];
        snprintf(id, sizeof id, "%032x", i);
        assert_int_equal(lkp_accept_record(&st, id, 2000, 1031), 0);
    }
    assert_int_equal(st.n, LK_REPLAY_SLOTS);
    assert_string_not_equal(st.e[0].id, ID_B);
    write_file(path, ID_A " 1790000005 junk\n");
    assert_int_equal(lkp_accept_state_open(&st, path, 0, err, sizeof err), -1);
    write_file(path, ID_A " 1790000005"); /* no newline */
    assert_int_equal(lkp_accept_state_open(&st, path, 0, err, sizeof err), -1);
    write_file(path, "0123456789ABCDEF0123456789abcdef 5\n");
    assert_int_equal(lkp_accept_state_open(&st, path, 0, err, sizeof err), -1);
    write_file(path, ""); /* empty: nothing accepted */
    assert_int_equal(lkp_accept_state_open(&st, path, 0, err, sizeof err), 0);
    /* A directory it cannot write: refused at start, not at the first command. */
    snprintf(ro, sizeof ro, "%s/ro", dir);
    assert_int_equal(mkdir(ro, 0500), 0);
    if (geteuid() != 0) { /* root writes anywhere */
        snprintf(path, sizeof path, "%s/accept.state", ro);
        assert_int_equal(lkp_accept_state_open(&st, path, 0, err, sizeof err), -1);
    }
    chmod(ro, 0700);
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(dir) != NULL ? 0 : -1;
}

static int teardown(void **state)
{
    char cmd[300];
    (void)state;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_signs_every_vector),
        cmocka_unit_test(test_refuses_bad_key_files),
        cmocka_unit_test(test_accept_state),
    };
    if (argc != 2) {
        (void)fprintf(stderr, "usage: %s tests/vectors/acks.json\n", argv[0]);
        return 2;
    }
    vectors_path = argv[1];
    return cmocka_run_group_tests(tests, setup, teardown);
}
