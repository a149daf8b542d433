/* test_ack_verify.c - the gateway's check of device acks (core/ack_verify.c through
 * attempts_ack) against every gateway vector of tests/vectors/acks.json (argv[1]): the
 * verdict, and what the waiting attempt becomes (opened / rejected only for a valid
 * signature; unconfirmed at once without a configured key; unconfirmed with the flaw at
 * the timeout after an unsigned or forged ack; untouched by another command's ack); and
 * that a forged ack first cannot hide the device's real one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "attempts.h"
#include "signed_ack.h"
#include "vectors.h"

static const char *vectors_path;
static cJSON *doc;

static const char *str(const cJSON *o, const char *k)
{
    return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, k));
}

/* An attempt of alice on door, published as id, waiting until 1000 ms; key: 64 hex or "". */
static struct attempt_handle waiting(struct attempts *t, const char *id, const char *door,
                                     const char *key_hex)
{
    struct attempt *a = attempts_new(t);
    struct attempt_handle h;
    assert_non_null(a);
    strcpy(a->rec.cmd_id, id);
    strcpy(a->rec.user, "alice");
    strcpy(a->rec.door, door);
    a->owner = t; /* anyone: the outcome is kept for attempts_take */
    a->has_ack_key = key_hex[0] != '\0';
    if (a->has_ack_key)
        assert_int_equal(lk_vectors_hex(key_hex, a->ack_key, sizeof a->ack_key), 0);
    h = a->self;
    assert_int_equal(attempts_await_ack(t, h, 1000, NULL), 0);
    return h;
}

/* The attempt's outcome once done (collected and settled). */
static void outcome(struct attempts *t, struct attempt_handle h, struct action_outcome *out)
{
    struct attempt_handle done[ATTEMPTS_MAX];
    int i, n = attempts_collect(t, done, ATTEMPTS_MAX);
    for (i = 0; i < n; i++)
        (void)attempts_settle(t, done[i]);
    assert_int_equal(attempts_take(t, h, out), ATTEMPT_FINISHED);
}

static void test_every_gateway_vector(void **state)
{
    cJSON *v;
    int count = 0;
    (void)state;
    cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(doc, "gateway"))
    {
        const char *name = str(v, "name"), *want = str(v, "verdict"), *payload = str(v, "payload");
        struct attempts t;
        struct attempt_handle h;
        struct action_outcome out;
        struct gw_ack ack;
        enum ack_verdict got;
        assert_int_equal(attempts_init(&t, NULL, NULL), 0);
        h = waiting(&t, str(v, "pending_id"), "door1", str(v, "ack_key_hex"));
        if (ack_parse(payload, strlen(payload), &ack) != 0) {
            got = ACK_MALFORMED;
        } else {
            got = attempts_ack(&t, str(v, "site"), str(v, "door"), &ack);
        }
        if (strcmp(ack_verdict_name(got), want) != 0)
            fail_msg("vector %s: verdict %s, want %s", name, ack_verdict_name(got), want);
        if (got == ACK_VALID || got == ACK_NO_KEY) {
            outcome(&t, h, &out);
        } else {
            assert_int_equal(attempts_state(&t, h), ATTEMPT_AWAITING_ACK); /* waits on */
            assert_int_equal(attempts_expire(&t, 1000), 1);
            outcome(&t, h, &out);
        }
        switch (got) {
        case ACK_VALID:
            assert_int_equal(out.result,
                             strcmp(str(v, "result"), "ok") == 0 ? GW_OPENED : GW_REJECTED);
            if (out.result == GW_REJECTED)
                assert_string_equal(out.reason, str(v, "reason"));
            break;
        case ACK_NO_KEY:
            assert_int_equal(out.result, GW_UNCONFIRMED);
            assert_string_equal(out.reason, "ack-no-key");
            break;
        case ACK_UNSIGNED:
        case ACK_BAD_SIGNATURE:
            assert_int_equal(out.result, GW_UNCONFIRMED);
            assert_string_equal(out.reason,
                                got == ACK_UNSIGNED ? "ack-unsigned" : "ack-bad-signature");
            break;
        default: /* malformed, unknown id: as if nothing came */
            assert_int_equal(out.result, GW_NOT_CONFIRMED);
            assert_string_equal(out.reason, "timeout");
            break;
        }
        attempts_destroy(&t);
        count++;
    }
    print_message("%d gateway ack vectors checked\n", count);
    assert_true(count >= 26);
}

/* A forger answering first ("ok", unsigned or badly signed) cannot hide the device's
 * real, signed "rejected": the attempt ends with the truth. */
static void test_forged_first_then_real(void **state)
{
    static const char id[] = "0123456789abcdef0123456789abcdef";
    static const char forged[] =
        "{\"v\":1,\"id\":\"0123456789abcdef0123456789abcdef\",\"result\":\"ok\","
        "\"reason\":\"\",\"at\":1}";
    struct attempts t;
    struct attempt_handle h;
    struct action_outcome out;
    struct gw_ack ack;
    char hex[65];
    size_t i;
    (void)state;
    for (i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", test_ack_pub[i]);
    assert_int_equal(attempts_init(&t, NULL, NULL), 0);
    h = waiting(&t, id, "door1", hex);
    assert_int_equal(ack_parse(forged, strlen(forged), &ack), 0);
    assert_int_equal(attempts_ack(&t, "home", "door1", &ack), ACK_UNSIGNED);
    assert_int_equal(attempts_state(&t, h), ATTEMPT_AWAITING_ACK);
    assert_int_equal(signed_ack(&t, id, "door2", 1, NULL), -1); /* another door's topic */
    assert_int_equal(signed_ack(&t, id, "door1", 0, "busy"), 0);
    outcome(&t, h, &out);
    assert_int_equal(out.result, GW_REJECTED);
    assert_string_equal(out.reason, "busy");
    attempts_destroy(&t);
}

static void test_result_names(void **state)
{
    (void)state;
    assert_string_equal(gw_result_name(GW_UNCONFIRMED), "unconfirmed");
    assert_int_equal(gw_result_http_status(GW_UNCONFIRMED), 502);
    assert_non_null(strstr(gw_result_message(GW_UNCONFIRMED), "may or may not"));
}

static int setup(void **state)
{
    (void)state;
    doc = lk_vectors_load(vectors_path);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    cJSON_Delete(doc);
    return 0;
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_gateway_vector),
        cmocka_unit_test(test_forged_first_then_real),
        cmocka_unit_test(test_result_names),
    };
    if (argc != 2) {
        (void)fprintf(stderr, "usage: %s tests/vectors/acks.json\n", argv[0]);
        return 2;
    }
    vectors_path = argv[1];
    return cmocka_run_group_tests(tests, setup, teardown);
}
