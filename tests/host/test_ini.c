/* test_ini.c - lkhost/ini.h with a small strict config of the kind the gateway and the
 * device read: its keys and their lines, duplicate keys (and continuation lines, which
 * reach key() again or are syntax errors), unknown keys, over-long lines, sections with no
 * key and missing ones, a key outside a section, the first problem winning, and the same
 * from a FILE as from text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <lkhost/ini.h>

/* The test config: [a] x, y and [b] z; every key at most once. */
struct cfg {
    struct lkh_ini ini;
    int line_x, line_y, line_z;
    char x[256];
    int headers[8], n_headers;
    char msg[512];
};

static int *key_line(struct cfg *c, const char *section, const char *name)
{
    if (strcmp(section, "a") == 0 && strcmp(name, "x") == 0)
        return &c->line_x;
    if (strcmp(section, "a") == 0 && strcmp(name, "y") == 0)
        return &c->line_y;
    if (strcmp(section, "b") == 0 && strcmp(name, "z") == 0)
        return &c->line_z;
    return NULL;
}

static int on_key(void *user, const char *section, const char *name, const char *value)
{
    struct cfg *c = user;
    int *line;
    if (section[0] == '\0')
        return lkh_ini_fail(&c->ini, c->ini.line, "key '%s' outside a section", name);
    if ((line = key_line(c, section, name)) == NULL)
        /* NOLINTNEXTLINE(clang-analyzer-core.NullDereference): user is the test's cfg */
        return lkh_ini_fail(&c->ini, c->ini.line, "unknown key '%s' in [%s]", name, section);
    if (*line != 0)
        return lkh_ini_fail(&c->ini, c->ini.line, "duplicate key '%s' (first at line %d)", name, *line);
    *line = c->ini.line;
    if (line == &c->line_x)
        snprintf(c->x, sizeof c->x, "%s", value);
    return 1;
}

static int on_header(void *user, const char *text, int line)
{
    struct cfg *c = user;
    if (strchr(text, ']') == NULL)
        return 0; /* not a header: inih reports the syntax error */
    if (strncmp(text, "[a]", 3) != 0 && strncmp(text, "[b]", 3) != 0 && strncmp(text, "[empty]", 7) != 0) {
        lkh_ini_fail(&c->ini, line, "unknown section %.10s", text);
        return -1;
    }
    if (c->n_headers < 8)
        c->headers[c->n_headers++] = line;
    return 0;
}

/* Parses text (from a temporary FILE when from_file) into c; returns lkh_ini_parse_*. */
static int parse(struct cfg *c, const char *text, int continuation, int from_file)
{
    int rc;
    memset(c, 0, sizeof *c);
    lkh_ini_init(&c->ini, c);
    c->ini.key = on_key;
    c->ini.header = on_header;
    c->ini.continuation = continuation;
    if (from_file) {
        FILE *f = tmpfile();
        assert_non_null(f);
        assert_int_equal(fputs(text, f) >= 0, 1);
        rewind(f);
        rc = lkh_ini_parse_file(&c->ini, f);
        (void)fclose(f); /* read-only: nothing is lost if it fails */
    } else {
        rc = lkh_ini_parse_text(&c->ini, text);
    }
    lkh_ini_message(&c->ini, "t.ini", c->msg, sizeof c->msg);
    return rc;
}

/* Both sources give the same result and message. */
static void expect(const char *text, int continuation, const char *msg)
{
    int src;
    for (src = 0; src < 2; src++) {
        struct cfg c;
        int rc = parse(&c, text, continuation, src);
        if (msg == NULL) {
            if (rc != 0)
                fail_msg("source %d: expected success, got '%s'", src, c.msg);
        } else if (rc != -1 || strncmp(c.msg, msg, strlen(msg)) != 0) {
            fail_msg("source %d: expected '%s...', got rc %d '%s'", src, msg, rc, c.msg);
        }
    }
}

static void test_good(void **state)
{
    struct cfg c;
    (void)state;
    assert_int_equal(parse(&c, "; comment\n[a]\nx = hello world\n\ny=2\n[b]\nz : 3\n", 1, 0), 0);
    assert_string_equal(c.x, "hello world");
    assert_int_equal(c.line_x, 3);
    assert_int_equal(c.line_y, 5);
    assert_int_equal(c.line_z, 7);
    assert_int_equal(c.n_headers, 2);
    assert_int_equal(c.headers[0], 2);
    assert_int_equal(c.headers[1], 6);
    /* a UTF-8 BOM on line 1 is not part of the header; no newline at the end is fine */
    assert_int_equal(parse(&c, "\xEF\xBB\xBF[a]\nx = 1", 1, 1), 0);
    assert_int_equal(c.n_headers, 1);
    assert_string_equal(c.x, "1");
}

static void test_duplicates(void **state)
{
    (void)state;
    expect("[a]\nx = 1\ny = 2\nx = 3\n", 1, "t.ini:4: duplicate key 'x' (first at line 2)");
    /* with continuation on, an indented line reaches key() again under the same name */
    expect("[a]\nx = 1\n  more\n", 1, "t.ini:3: duplicate key 'x' (first at line 2)");
    /* with it off, the same line is a syntax error */
    expect("[a]\nx = 1\n  more\n", 0, "t.ini:3: syntax error");
}

static void test_unknown(void **state)
{
    (void)state;
    expect("[a]\nx = 1\nw = 2\n", 1, "t.ini:3: unknown key 'w' in [a]");
    expect("[a]\nx = 1\n[c]\n", 1, "t.ini:3: unknown section [c]");
    expect("x = 1\n[a]\n", 1, "t.ini:1: key 'x' outside a section");
}

static void test_too_long(void **state)
{
    char text[512], value[300];
    struct cfg c;
    (void)state;
    memset(value, 'v', sizeof value - 1);
    value[sizeof value - 1] = '\0';
    snprintf(text, sizeof text, "[a]\ny = 1\nx = %s\n", value);
    expect(text, 1, "t.ini:3: line too long (at most 197 characters)");
    /* the longest line that fits: 197 characters and its newline */
    snprintf(text, sizeof text, "[a]\nx = %.193s\n", value);
    assert_int_equal(parse(&c, text, 1, 0), 0);
    assert_int_equal(strlen(c.x), 193);
    assert_int_equal(parse(&c, text, 1, 1), 0);
    assert_int_equal(strlen(c.x), 193);
}

static void worded(void *user, int line, int max)
{
    struct cfg *c = user;
    lkh_ini_fail(&c->ini, line, "line longer than %d characters", max);
}

static void test_too_long_worded(void **state)
{
    char text[512];
    struct cfg c;
    (void)state;
    memset(&c, 0, sizeof c);
    lkh_ini_init(&c.ini, &c);
    c.ini.key = on_key;
    c.ini.too_long = worded;
    snprintf(text, sizeof text, "[a]\nx = %0300d\n", 0);
    assert_int_equal(lkh_ini_parse_text(&c.ini, text), -1);
    lkh_ini_message(&c.ini, "g.conf", c.msg, sizeof c.msg);
    assert_string_equal(c.msg, "g.conf:2: line longer than 197 characters");
}

static void test_sections(void **state)
{
    struct cfg c;
    (void)state;
    /* a section with no key is seen by header() (inih alone would not report it) */
    assert_int_equal(parse(&c, "[a]\nx = 1\n[empty]\n[b]\nz = 1\n", 1, 0), 0);
    assert_int_equal(c.n_headers, 3);
    assert_int_equal(c.headers[1], 3);
    /* a missing section is the caller's check after the parse: here [b] never came */
    assert_int_equal(parse(&c, "[a]\nx = 1\n", 1, 1), 0);
    assert_int_equal(c.line_z, 0);
    lkh_ini_fail(&c.ini, 0, "missing [b] section");
    lkh_ini_message(&c.ini, "t.ini", c.msg, sizeof c.msg);
    assert_string_equal(c.msg, "t.ini: missing [b] section");
}

static void test_first_problem_wins(void **state)
{
    (void)state;
    /* a syntax error before a key error */
    expect("[a]\ngarbage\nw = 1\n", 1, "t.ini:2: syntax error");
    /* a key error before a syntax error */
    expect("[a]\nw = 1\ngarbage\n", 1, "t.ini:2: unknown key 'w'");
    /* an unterminated header is a syntax error of inih */
    expect("[a\nx = 1\n", 1, "t.ini:1: syntax error");
}

static void test_fail_keeps_first(void **state)
{
    struct lkh_ini ini;
    char msg[64];
    (void)state;
    lkh_ini_init(&ini, NULL);
    assert_int_equal(lkh_ini_fail(&ini, 0, "first %d", 1), 0);
    assert_int_equal(lkh_ini_fail(&ini, 7, "second"), 0);
    lkh_ini_message(&ini, "f", msg, sizeof msg);
    assert_string_equal(msg, "f: first 1");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good),
        cmocka_unit_test(test_duplicates),
        cmocka_unit_test(test_unknown),
        cmocka_unit_test(test_too_long),
        cmocka_unit_test(test_too_long_worded),
        cmocka_unit_test(test_sections),
        cmocka_unit_test(test_first_problem_wins),
        cmocka_unit_test(test_fail_keeps_first),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
