/* test_ack_format.c - the canonical bytes of the signed ack (common/, docs/protocol.md
 * "The signed ack") against the shared vectors of tests/vectors/acks.json, and the
 * builder's refusals (bad id, names, result/reason pairs, too small a buffer). */
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

static const char *field(const cJSON *o, const char *k)
{
    return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, k));
}

static void message_matches_vectors(void **state)
{
    cJSON *doc = lk_vectors_load(vectors_path), *v;
    int count = 0;

    (void)state;
    cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(doc, "signer"))
    {
        const cJSON *f = cJSON_GetObjectItemCaseSensitive(v, "fields");
        const char *want = field(v, "message");
        int64_t at = (int64_t)cJSON_GetObjectItemCaseSensitive(f, "at")->valuedouble;
        char msg[LK_ACK_MSG_MAX];
        size_t n =
            lk_ack_signing_message(field(f, "id"), field(f, "site"), field(f, "door"),
                                   field(f, "result"), field(f, "reason"), at, msg, sizeof msg);

        assert_non_null(want);
        assert_int_equal(n, strlen(want));
        assert_memory_equal(msg, want, n);
        count++;
    }
    assert_true(count >= 4);
    cJSON_Delete(doc);
}

static void refuses_bad_fields(void **state)
{
    static const char id[] = "0123456789abcdef0123456789abcdef";
    char msg[LK_ACK_MSG_MAX];

    (void)state;
    assert_true(lk_ack_signing_message(id, "home", "door1", "ok", "", 1, msg, sizeof msg) > 0);
    assert_true(lk_ack_signing_message("", "home", "door1", "rejected", "malformed", 1, msg,
                                       sizeof msg) > 0);
    assert_int_equal(lk_ack_signing_message("0123456789ABCDEF0123456789abcdef", "home", "door1",
                                            "ok", "", 1, msg, sizeof msg),
                     0);
    assert_int_equal(lk_ack_signing_message("0123", "home", "door1", "ok", "", 1, msg, sizeof msg),
                     0);
    assert_int_equal(lk_ack_signing_message(id, "Home", "door1", "ok", "", 1, msg, sizeof msg), 0);
    assert_int_equal(lk_ack_signing_message(id, "home", "door\n1", "ok", "", 1, msg, sizeof msg),
                     0);
    assert_int_equal(lk_ack_signing_message(id, "home", "door1", "ok", "busy", 1, msg, sizeof msg),
                     0);
    assert_int_equal(
        lk_ack_signing_message(id, "home", "door1", "rejected", "", 1, msg, sizeof msg), 0);
    assert_int_equal(lk_ack_signing_message(id, "home", "door1", "opened", "", 1, msg, sizeof msg),
                     0);
    assert_int_equal(
        lk_ack_signing_message(id, "home", "door1", "rejected", "a b", 1, msg, sizeof msg), 0);
    assert_int_equal(lk_ack_signing_message(id, "home", "door1", "rejected",
                                            "a23456789012345678901234567890123", 1, msg,
                                            sizeof msg),
                     0);
    assert_int_equal(lk_ack_signing_message(NULL, "home", "door1", "ok", "", 1, msg, sizeof msg),
                     0);
    assert_false(lk_ack_result_valid(NULL, ""));
}

static void worst_case_fits_bound(void **state)
{
    char msg[LK_ACK_MSG_MAX];
    static const char name[] = "abcdefghijklmnopqrstuvwxyz012345"; /* 32 */

    (void)state;
    assert_int_equal(lk_ack_signing_message("ffffffffffffffffffffffffffffffff", name, name,
                                            "rejected", name, INT64_MIN, msg, sizeof msg),
                     LK_ACK_MSG_MAX);
    assert_int_equal(lk_ack_signing_message("ffffffffffffffffffffffffffffffff", name, name,
                                            "rejected", name, INT64_MIN, msg, sizeof msg - 1),
                     0);
}

/* No ack message can ever equal a command's or a beacon's: the first line differs. */
static void domains_differ(void **state)
{
    (void)state;
    assert_string_not_equal(LK_ACK_SIG_DOMAIN, LK_CMD_SIG_DOMAIN);
    assert_string_not_equal(LK_ACK_SIG_DOMAIN, LK_TIME_SIG_DOMAIN);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(message_matches_vectors),
        cmocka_unit_test(refuses_bad_fields),
        cmocka_unit_test(worst_case_fits_bound),
        cmocka_unit_test(domains_differ),
    };
    if (argc != 2) {
        (void)fprintf(stderr, "usage: %s tests/vectors/acks.json\n", argv[0]);
        return 2;
    }
    vectors_path = argv[1];
    return cmocka_run_group_tests(tests, NULL, NULL);
}
