/* test_json.c - the core's JSON helpers: string unescaping (escapes, \uXXXX to UTF-8,
 * surrogates, bounds) and the bounded object writer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lk/json_string.h"
#include "lk/json_writer.h"

#define BAD ((size_t)-1)

static size_t unesc(const char *in, char *out, size_t cap)
{
    return lk_json_unescape(in, strlen(in), out, cap);
}

static void test_unescape_ok(void **state)
{
    char out[32];
    (void)state;
    assert_int_equal(unesc("alice", out, sizeof out), 5);
    assert_string_equal(out, "alice");
    assert_int_equal(unesc("al\\u0069ce", out, sizeof out), 5);
    assert_string_equal(out, "alice");
    assert_int_equal(unesc("a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t", out, sizeof out), 12);
    assert_memory_equal(out, "a\"b\\c/d\b\f\n\r\t", 12);
    assert_int_equal(unesc("\\u00e9", out, sizeof out), 2); /* é */
    assert_memory_equal(out, "\xc3\xa9", 2);
    assert_int_equal(unesc("\\u20AC", out, sizeof out), 3); /* € */
    assert_memory_equal(out, "\xe2\x82\xac", 3);
    assert_int_equal(unesc("\\ud83d\\ude00", out, sizeof out), 4); /* U+1F600 */
    assert_memory_equal(out, "\xf0\x9f\x98\x80", 4);
    assert_int_equal(unesc("", out, sizeof out), 0);
    assert_string_equal(out, "");
    assert_int_equal(unesc("\\u0000", out, sizeof out), 1); /* decoded; validators reject it */
    assert_int_equal(out[0], 0);
}

static void test_unescape_bad(void **state)
{
    char out[8];
    (void)state;
    assert_int_equal(unesc("a\nb", out, sizeof out), BAD);        /* raw control */
    assert_int_equal(unesc("\\x", out, sizeof out), BAD);
    assert_int_equal(unesc("\\", out, sizeof out), BAD);
    assert_int_equal(unesc("\\u12", out, sizeof out), BAD);
    assert_int_equal(unesc("\\u12g4", out, sizeof out), BAD);
    assert_int_equal(unesc("\\ude00", out, sizeof out), BAD);     /* lone low surrogate */
    assert_int_equal(unesc("\\ud83d", out, sizeof out), BAD);     /* lone high surrogate */
    assert_int_equal(unesc("\\ud83dx\\ude00", out, sizeof out), BAD);
    assert_int_equal(unesc("\\ud83d\\u0041", out, sizeof out), BAD);
    assert_int_equal(unesc("1234567", out, sizeof out), 7);       /* exactly fits */
    assert_int_equal(unesc("12345678", out, sizeof out), BAD);    /* no room for NUL */
    assert_int_equal(unesc("123456\\u00e9", out, sizeof out), BAD);
}

static void test_writer(void **state)
{
    char buf[96];
    struct lk_jw w;
    size_t n;
    (void)state;
    lk_jw_begin(&w, buf, sizeof buf);
    lk_jw_int(&w, "v", 1);
    lk_jw_str(&w, "id", "abc");
    lk_jw_str(&w, "q", "a\"b\\c\n");
    lk_jw_int(&w, "at", -1790000000);
    n = lk_jw_end(&w);
    assert_int_equal(n, strlen(buf));
    assert_string_equal(buf, "{\"v\":1,\"id\":\"abc\",\"q\":\"a\\\"b\\\\c\\u000a\",\"at\":-1790000000}");

    lk_jw_begin(&w, buf, sizeof buf);
    assert_int_equal(lk_jw_end(&w), 2);
    assert_string_equal(buf, "{}");
}

static void test_writer_overflow(void **state)
{
    char buf[64];
    struct lk_jw w;
    size_t cap;
    const char *want = "{\"v\":1,\"relay\":\"idle\"}";
    (void)state;
    for (cap = 0; cap <= strlen(want); cap++) {
        memset(buf, 'x', sizeof buf);
        lk_jw_begin(&w, buf, cap);
        lk_jw_int(&w, "v", 1);
        lk_jw_str(&w, "relay", "idle");
        assert_int_equal(lk_jw_end(&w), 0);
        assert_int_equal(buf[cap], 'x'); /* never wrote past cap */
    }
    lk_jw_begin(&w, buf, cap);
    lk_jw_int(&w, "v", 1);
    lk_jw_str(&w, "relay", "idle");
    assert_int_equal(lk_jw_end(&w), strlen(want));
    assert_string_equal(buf, want);
}

static void test_writer_nested(void **state)
{
    char buf[128];
    struct lk_jw w;
    (void)state;
    lk_jw_begin(&w, buf, sizeof buf);
    lk_jw_str(&w, "a", "1");
    lk_jw_obj_begin(&w, "dev");
    lk_jw_str(&w, "ids", "x");
    lk_jw_int(&w, "n", 2);
    lk_jw_obj_end(&w);
    lk_jw_str(&w, "b", "2");
    assert_int_equal(lk_jw_end(&w), strlen("{\"a\":\"1\",\"dev\":{\"ids\":\"x\",\"n\":2},\"b\":\"2\"}"));
    assert_string_equal(buf, "{\"a\":\"1\",\"dev\":{\"ids\":\"x\",\"n\":2},\"b\":\"2\"}");
    /* empty nested object, then misuse: two levels, unclosed, close without open */
    lk_jw_begin(&w, buf, sizeof buf);
    lk_jw_obj_begin(&w, "e");
    lk_jw_obj_end(&w);
    assert_int_equal(lk_jw_end(&w), strlen("{\"e\":{}}"));
    lk_jw_begin(&w, buf, sizeof buf);
    lk_jw_obj_begin(&w, "a");
    lk_jw_obj_begin(&w, "b");
    assert_int_equal(lk_jw_end(&w), 0);
    lk_jw_begin(&w, buf, sizeof buf);
    lk_jw_obj_begin(&w, "a");
    assert_int_equal(lk_jw_end(&w), 0);
    lk_jw_begin(&w, buf, sizeof buf);
    lk_jw_obj_end(&w);
    assert_int_equal(lk_jw_end(&w), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unescape_ok),
        cmocka_unit_test(test_unescape_bad),
        cmocka_unit_test(test_writer),
        cmocka_unit_test(test_writer_overflow),
        cmocka_unit_test(test_writer_nested),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
