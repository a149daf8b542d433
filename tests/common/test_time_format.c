/* test_time_format.c - the canonical bytes of the signed time beacon (common/,
 * docs/protocol.md "Time beacon") against the shared vectors of tests/vectors/time.json,
 * and the builder's refusals (bad nonce, time <= 0, too small a buffer). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "latchkey/cmd_format.h"
#include "vectors.h"

static const char *vectors_path;

static void message_matches_vectors(void **state)
{
    cJSON *doc = lk_vectors_load(vectors_path), *v;
    int count = 0;

    (void)state;
    cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(doc, "signer")) {
        const char *nonce = cJSON_GetObjectItemCaseSensitive(v, "nonce")->valuestring;
        const char *want = cJSON_GetObjectItemCaseSensitive(v, "message")->valuestring;
        int64_t t = (int64_t)cJSON_GetObjectItemCaseSensitive(v, "time")->valuedouble;
        char msg[LK_TIME_MSG_MAX];
        size_t n = lk_time_signing_message(nonce, t, msg, sizeof msg);

        assert_int_equal(n, strlen(want));
        assert_memory_equal(msg, want, n);
        count++;
    }
    assert_true(count >= 3);
    cJSON_Delete(doc);
}

static void refuses_bad_fields(void **state)
{
    char msg[LK_TIME_MSG_MAX];

    (void)state;
    assert_int_equal(lk_time_signing_message("00112233445566778899AABBCCDDEEFF", 1, msg, sizeof msg), 0);
    assert_int_equal(lk_time_signing_message("00112233445566778899aabbccddee", 1, msg, sizeof msg), 0);
    assert_int_equal(lk_time_signing_message("00112233445566778899aabbccddeeff0", 1, msg, sizeof msg), 0);
    assert_int_equal(lk_time_signing_message(NULL, 1, msg, sizeof msg), 0);
    assert_int_equal(lk_time_signing_message("00112233445566778899aabbccddeeff", 0, msg, sizeof msg), 0);
    assert_int_equal(lk_time_signing_message("00112233445566778899aabbccddeeff", -5, msg, sizeof msg), 0);
}

static void worst_case_fits_bound(void **state)
{
    char msg[LK_TIME_MSG_MAX];
    const char *nonce = "ffffffffffffffffffffffffffffffff";

    (void)state;
    assert_int_equal(lk_time_signing_message(nonce, INT64_MAX, msg, sizeof msg), LK_TIME_MSG_MAX);
    assert_int_equal(lk_time_signing_message(nonce, INT64_MAX, msg, sizeof msg - 1), 0);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(message_matches_vectors),
        cmocka_unit_test(refuses_bad_fields),
        cmocka_unit_test(worst_case_fits_bound),
    };
    if (argc != 2) {
        (void)fprintf(stderr, "usage: %s tests/vectors/time.json\n", argv[0]);
        return 2;
    }
    vectors_path = argv[1];
    return cmocka_run_group_tests(tests, NULL, NULL);
}
