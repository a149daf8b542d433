/* test_cmd_format.c - the canonical signing message, validators and topics of common/
 * against docs/protocol.md and the shared vectors. */
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

static void fill(struct lk_cmd *c)
{
    memset(c, 0, sizeof *c);
    strcpy(c->id, "0123456789abcdef0123456789abcdef");
    strcpy(c->site, "home");
    strcpy(c->door, "door1");
    strcpy(c->action, "open");
    strcpy(c->by, "alice");
    c->iat = 1790000000;
    c->exp = 1790000030;
}

static void copy_field(char *dst, size_t cap, const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    assert_true(cJSON_IsString(v));
    assert_true(strlen(v->valuestring) < cap);
    strcpy(dst, v->valuestring);
}

static void signing_message_matches_vectors(void **state)
{
    (void)state;
    cJSON *doc = lk_vectors_load(vectors_path), *v;
    int count = 0;
    cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(doc, "signer")) {
        const cJSON *f = cJSON_GetObjectItemCaseSensitive(v, "fields");
        const char *want = cJSON_GetObjectItemCaseSensitive(v, "message")->valuestring;
        struct lk_cmd c;
        char msg[LK_CMD_MSG_MAX];
        size_t n;
        memset(&c, 0, sizeof c);
        copy_field(c.id, sizeof c.id, f, "id");
        copy_field(c.site, sizeof c.site, f, "site");
        copy_field(c.door, sizeof c.door, f, "door");
        copy_field(c.action, sizeof c.action, f, "action");
        copy_field(c.by, sizeof c.by, f, "by");
        c.iat = (int64_t)cJSON_GetObjectItemCaseSensitive(f, "iat")->valuedouble;
        c.exp = (int64_t)cJSON_GetObjectItemCaseSensitive(f, "exp")->valuedouble;
        n = lk_cmd_signing_message(&c, msg, sizeof msg);
        assert_int_equal(n, strlen(want));
        assert_memory_equal(msg, want, n);
        count++;
    }
    assert_true(count >= 3);
    cJSON_Delete(doc);
}

static void signing_message_worst_case_fits_bound(void **state)
{
    (void)state;
    struct lk_cmd c;
    char msg[LK_CMD_MSG_MAX];
    memset(&c, 0, sizeof c);
    memset(c.id, 'f', LK_ID_HEX_LEN);
    memset(c.site, 'a', LK_NAME_MAX);
    memset(c.door, 'b', LK_NAME_MAX);
    memset(c.action, 'c', LK_ACTION_MAX);
    memset(c.by, 'D', LK_BY_MAX);
    c.iat = INT64_MIN;
    c.exp = INT64_MIN; /* both 20 characters: the longest decimal */
    assert_int_equal(lk_cmd_signing_message(&c, msg, sizeof msg), LK_CMD_MSG_MAX);
    assert_int_equal(lk_cmd_signing_message(&c, msg, sizeof msg - 1), 0);
}

static void signing_message_refuses_invalid_fields(void **state)
{
    (void)state;
    struct lk_cmd c;
    char msg[LK_CMD_MSG_MAX];
    fill(&c);
    assert_true(lk_cmd_signing_message(&c, msg, sizeof msg) > 0);
    strcpy(c.by, "ali\nce"); /* a newline would make the message ambiguous */
    assert_int_equal(lk_cmd_signing_message(&c, msg, sizeof msg), 0);
    fill(&c);
    c.exp = c.iat - 1;
    assert_int_equal(lk_cmd_signing_message(&c, msg, sizeof msg), 0);
    fill(&c);
    c.id[0] = 'A';
    assert_int_equal(lk_cmd_signing_message(&c, msg, sizeof msg), 0);
    assert_int_equal(lk_cmd_signing_message(NULL, msg, sizeof msg), 0);
}

static void validators(void **state)
{
    (void)state;
    assert_true(lk_name_valid("home", 4));
    assert_true(lk_name_valid("a_b-9", 5));
    assert_false(lk_name_valid("", 0));
    assert_false(lk_name_valid("Home", 4));
    assert_false(lk_name_valid("a/b", 3));
    assert_false(lk_name_valid("a+", 2));
    assert_false(lk_name_valid("a#", 2));
    assert_true(lk_name_valid("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 32));
    assert_false(lk_name_valid("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 33));
    assert_true(lk_by_valid("Bob.Smith@example-org", 21));
    assert_false(lk_by_valid("bob smith", 9));
    assert_false(lk_by_valid("bob\"", 4));
    assert_true(lk_id_valid("0123456789abcdef0123456789abcdef", 32));
    assert_false(lk_id_valid("0123456789abcdef0123456789abcdeF", 32));
    assert_false(lk_id_valid("0123456789abcdef0123456789abcde", 31));
    assert_true(lk_action_valid("open", 4));
    assert_false(lk_action_valid("open door", 9));
}

static void topics(void **state)
{
    (void)state;
    char t[LK_TOPIC_MAX];
    assert_int_equal(lk_topic(t, sizeof t, "home", "door1", "cmd"), strlen("latchkey/home/door1/cmd"));
    assert_string_equal(t, "latchkey/home/door1/cmd");
    assert_int_equal(lk_topic(t, sizeof t, "home", "+", "cmd"), 0);
    assert_int_equal(lk_topic(t, sizeof t, "ho/me", "door1", "cmd"), 0);
    assert_int_equal(lk_topic(t, 10, "home", "door1", "cmd"), 0);
    /* The longest names and suffix fit LK_TOPIC_MAX exactly. */
    assert_true(lk_topic(t, sizeof t, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
                         "availability") > 0);
}

static void decimal(void **state)
{
    (void)state;
    char b[21];
    size_t n = lk_i64_to_dec(INT64_MIN, b, sizeof b);
    assert_int_equal(n, 20);
    assert_memory_equal(b, "-9223372036854775808", 20);
    n = lk_i64_to_dec(0, b, sizeof b);
    assert_int_equal(n, 1);
    assert_int_equal(b[0], '0');
    assert_int_equal(lk_i64_to_dec(12345, b, 4), 0);
}

static void reason_names(void **state)
{
    (void)state;
    assert_string_equal(lk_reason_name(LK_OK), "ok");
    assert_string_equal(lk_reason_name(LK_BAD_SIGNATURE), "bad-signature");
    assert_string_equal(lk_reason_name(LK_WRONG_TARGET), "wrong-target");
    assert_string_equal(lk_reason_name(LK_EXPIRED), "expired");
    assert_string_equal(lk_reason_name(LK_NOT_YET_VALID), "not-yet-valid");
    assert_string_equal(lk_reason_name(LK_REPLAY), "replay");
    assert_string_equal(lk_reason_name(LK_UNKNOWN_ACTION), "unknown-action");
    assert_string_equal(lk_reason_name(LK_MALFORMED), "malformed");
}

/* A field's length stops at its NUL or at the field's size, whichever comes first. */
static void field_len_is_bounded(void **state)
{
    const char full[4] = {'a', 'b', 'c', 'd'}; /* no NUL */
    (void)state;
    assert_int_equal(lk_field_len("ab", 8), 2);
    assert_int_equal(lk_field_len("", 8), 0);
    assert_int_equal(lk_field_len(full, sizeof full), 4);
    assert_int_equal(lk_field_len("abcdef", 3), 3);
    assert_int_equal(lk_field_len("abc", 0), 0);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(signing_message_matches_vectors),
        cmocka_unit_test(signing_message_worst_case_fits_bound),
        cmocka_unit_test(signing_message_refuses_invalid_fields),
        cmocka_unit_test(validators),
        cmocka_unit_test(topics),
        cmocka_unit_test(field_len_is_bounded),
        cmocka_unit_test(decimal),
        cmocka_unit_test(reason_names),
    };
    if (argc != 2) {
        (void)fprintf(stderr, "usage: %s tests/vectors/commands.json\n", argv[0]);
        return 2;
    }
    vectors_path = argv[1];
    return cmocka_run_group_tests(tests, NULL, NULL);
}
