/* test_certs_deliver.c - unit tests of the pure helpers behind export --mobileconfig,
 * enroll, bundle and broker-config: XML escaping, the enrollment request parser,
 * HOST:PORT arguments and C string literals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "c_literal.h"
#include "enroll_http.h"
#include "hostport.h"
#include "mobileconfig.h"

static void test_xml_escape(void **state)
{
    char out[64];
    (void)state;
    assert_int_equal(lk_xml_escape("a<b&\"c'>d", out, sizeof out), 0);
    assert_string_equal(out, "a&lt;b&amp;&quot;c&apos;&gt;d");
    assert_int_equal(lk_xml_escape("plain", out, sizeof out), 0);
    assert_string_equal(out, "plain");
    assert_int_equal(lk_xml_escape("bell\a", out, sizeof out), -1);
    assert_int_equal(lk_xml_escape("&&&&", out, 17), -1); /* 20 bytes needed + NUL */
    assert_int_equal(lk_xml_escape("&&&&", out, 21), 0);
}

static void test_uuid(void **state)
{
    char a[37], b[37];
    (void)state;
    assert_int_equal(lk_uuid_random(a), 0);
    assert_int_equal(lk_uuid_random(b), 0);
    assert_int_equal(strlen(a), 36);
    assert_true(a[8] == '-' && a[13] == '-' && a[18] == '-' && a[23] == '-');
    assert_true(a[14] == '4');
    assert_true(strchr("89AB", a[19]) != NULL);
    assert_string_not_equal(a, b);
}

static enum lk_enroll_req parse(const char *req, const char **tok, size_t *len)
{
    return lk_enroll_parse(req, strlen(req), tok, len);
}

static void test_enroll_parse(void **state)
{
    const char *tok;
    size_t len;
    (void)state;
    assert_int_equal(parse("GET /enroll/abc_-9 HTTP/1.1\r\nHost: x\r\n\r\n", &tok, &len), LK_REQ_TOKEN);
    assert_int_equal(len, 6);
    assert_memory_equal(tok, "abc_-9", 6);
    assert_int_equal(parse("GET /enroll/abc HTTP/1.1\r\nHost: x\r\n", &tok, &len), LK_REQ_INCOMPLETE);
    assert_int_equal(parse("GET /enroll/abc HTTP/1.0\n\n", &tok, &len), LK_REQ_TOKEN);
    assert_int_equal(parse("POST /enroll/abc HTTP/1.1\r\n\r\n", &tok, &len), LK_REQ_METHOD);
    assert_int_equal(parse("GET /favicon.ico HTTP/1.1\r\n\r\n", &tok, &len), LK_REQ_OTHER_PATH);
    assert_int_equal(parse("GET /enroll/ HTTP/1.1\r\n\r\n", &tok, &len), LK_REQ_OTHER_PATH);
    assert_int_equal(parse("GET /enroll/a?b=c HTTP/1.1\r\n\r\n", &tok, &len), LK_REQ_WRONG_TOKEN);
    assert_int_equal(parse("GET /enroll/a/b HTTP/1.1\r\n\r\n", &tok, &len), LK_REQ_WRONG_TOKEN);
    assert_int_equal(parse("GET /enroll/abc HTTP/2.0\r\n\r\n", &tok, &len), LK_REQ_BAD);
    assert_int_equal(parse("GET /enroll/abc\r\n\r\n", &tok, &len), LK_REQ_BAD);
    assert_int_equal(parse("garbage\r\n\r\n", &tok, &len), LK_REQ_BAD);
    assert_int_equal(lk_enroll_parse("GET /enroll/a\0b HTTP/1.1\r\n\r\n", 28, &tok, &len), LK_REQ_BAD);
}

static void test_hostport(void **state)
{
    char host[64];
    long port;
    (void)state;
    assert_int_equal(lk_hostport_parse("localhost:8883", "t", host, sizeof host, &port), 0);
    assert_string_equal(host, "localhost");
    assert_int_equal(port, 8883);
    assert_int_equal(lk_hostport_parse("[::1]:1", "t", host, sizeof host, &port), 0);
    assert_string_equal(host, "::1");
    assert_int_equal(lk_hostport_parse("10.0.0.1:65535", "t", host, sizeof host, &port), 0);
    assert_int_equal(lk_hostport_parse("::1:80", "t", host, sizeof host, &port), -1);
    assert_int_equal(lk_hostport_parse("host", "t", host, sizeof host, &port), -1);
    assert_int_equal(lk_hostport_parse("host:0", "t", host, sizeof host, &port), -1);
    assert_int_equal(lk_hostport_parse("host:65536", "t", host, sizeof host, &port), -1);
    assert_int_equal(lk_hostport_parse("bad host:1", "t", host, sizeof host, &port), -1);
    assert_int_equal(lk_hostport_parse("a\"b:1", "t", host, sizeof host, &port), -1);
}

static void test_c_literal(void **state)
{
    BIO *b = BIO_new(BIO_s_mem());
    char *data;
    long len;
    (void)state;
    assert_non_null(b);
    assert_int_equal(lk_c_string_literal(b, "ab\n\"\\?\x01z", 8, "  "), 0);
    len = BIO_get_mem_data(b, &data);
    assert_int_equal(len, (long)strlen("  \"ab\\n\"\n  \"\\\"\\\\\\077\\001z\""));
    assert_memory_equal(data, "  \"ab\\n\"\n  \"\\\"\\\\\\077\\001z\"", (size_t)len);
    BIO_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xml_escape),  cmocka_unit_test(test_uuid),
        cmocka_unit_test(test_enroll_parse), cmocka_unit_test(test_hostport),
        cmocka_unit_test(test_c_literal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
