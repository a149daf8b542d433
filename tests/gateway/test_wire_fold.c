/* test_wire_fold.c - the obs-fold scanner of the HTTPS listener (gateway/web/wire_fold.h):
 * folds by space and tab, a fold split across reads, bodies framed by Content-Length (a
 * body line that starts with a space is no fold, the request after it is read again), and
 * stopping at what it cannot frame. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "wire_fold.h"

/* Feeds text in pieces of `step` bytes (0: all at once); returns the folded flag. */
static int folded_by(const char *text, size_t step)
{
    struct wire_fold_scan w;
    size_t n = strlen(text), i;

    wire_fold_scan_init(&w);
    if (step == 0)
        step = n;
    for (i = 0; i < n; i += step)
        wire_fold_scan_feed(&w, (const unsigned char *)text + i, n - i < step ? n - i : step);
    return w.folded;
}

static void assert_folded(const char *text, int want)
{
    size_t step;
    for (step = 0; step <= 3; step++)
        assert_int_equal(folded_by(text, step), want);
}

static void test_folds(void **state)
{
    (void)state;
    assert_folded("GET / HTTP/1.1\r\nHost: a\r\n\r\n", 0);
    assert_folded("GET / HTTP/1.1\r\nX-A: 1\r\n b\r\n\r\n", 1);
    assert_folded("GET / HTTP/1.1\r\nX-A: 1\r\n\tb\r\n\r\n", 1);
    assert_folded("GET / HTTP/1.1\n X-A: 1\n\n", 1); /* before the first header */
    assert_folded("GET / HTTP/1.1\r\nX-A: 1 b\r\nX-B:\t c\r\n\r\n", 0); /* inner spaces */
}

static void test_bodies(void **state)
{
    (void)state;
    assert_folded("POST /a HTTP/1.1\r\nContent-Length: 4\r\n\r\n\n a\n", 0);
    assert_folded(
        "POST /a HTTP/1.1\r\ncontent-length:4\r\n\r\n\n a\nGET / HTTP/1.1\r\nX: 1\r\n y\r\n\r\n",
        1);
    assert_folded("POST /a HTTP/1.1\r\nContent-Length: 4\r\n\r\nabcdGET / HTTP/1.1\r\nX: 1\r\n\r\n",
                  0);
}

static void test_unframed(void **state)
{
    (void)state;
    /* After Transfer-Encoding, an Upgrade or a bad length nothing more is read. */
    assert_folded("POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n\n a\r\n", 0);
    assert_folded("GET /ws HTTP/1.1\r\nUpgrade: websocket\r\n\r\n\n x", 0);
    assert_folded("POST /a HTTP/1.1\r\nContent-Length: 4x\r\n\r\n\n a\n", 0);
    /* ...but a fold in that block itself still counts */
    assert_folded("GET /ws HTTP/1.1\r\nUpgrade: websocket\r\n x\r\n\r\n", 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_folds),
        cmocka_unit_test(test_bodies),
        cmocka_unit_test(test_unframed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
