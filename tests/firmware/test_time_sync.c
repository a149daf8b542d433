/* test_time_sync.c - the device's side of the signed time beacon (firmware/core
 * time_sync.h) against the shared vectors of tests/vectors/time.json (the gateway's test
 * signs the same ones): every verdict in the shared check order, and the timing of the
 * exchange: the nonce open for LK_TIME_OPEN_MS, the retry, the 6 h re-sync, the clock
 * from the beacon, the high-water mark written at most hourly. The fake port's RNG hands
 * out the nonce a vector expects. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "fw_vectors.h"
#include "lk/time_sync.h"
#include "vectors.h"

static const char *vectors_path;
static uint8_t pub[32];
static uint8_t next_random[16]; /* what the fake RNG hands out */
static int random_fails;
static int verifies; /* signature checks made */

static int fake_random(void *ctx, uint8_t *out, size_t len)
{
    (void)ctx;
    if (random_fails || len != sizeof next_random)
        return -1;
    memcpy(out, next_random, len);
    return 0;
}

static int fake_verify(void *ctx, const uint8_t key[32], const uint8_t *msg, size_t len,
                       const uint8_t sig[64])
{
    (void)ctx;
    verifies++;
    return fw_ed25519_verify(key, msg, len, sig);
}

static struct lk_platform plat = {.random = fake_random, .ed25519_verify = fake_verify};

static const char *str(const cJSON *o, const char *k)
{
    return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, k));
}

/* Opens nonce hex (32 chars) on ts at now_ms as a real request would. */
static void open_nonce(struct lk_time_sync *ts, const char *hex, uint32_t now_ms)
{
    char req[LK_TIME_REQ_LEN + 1], want[LK_TIME_REQ_LEN + 1];
    size_t i;
    assert_int_equal(lk_vectors_hex(hex, next_random, sizeof next_random), 0);
    assert_int_equal(lk_time_sync_request(ts, &plat, req, sizeof req), LK_TIME_REQ_LEN);
    (void)snprintf(want, sizeof want, "{\"v\":1,\"nonce\":\"%s\"}", hex);
    for (i = 0; want[i] != '\0'; i++) /* the device writes lowercase hex, always */
        if (want[i] >= 'A' && want[i] <= 'F')
            want[i] = (char)(want[i] - 'A' + 'a');
    assert_string_equal(req, want);
    lk_time_sync_sent(ts, now_ms);
}

static enum lk_time_verdict check(struct lk_time_sync *ts, const char *payload, uint32_t now_ms,
                                  int64_t *t)
{
    return lk_time_sync_check(ts, &plat, pub, (const uint8_t *)payload, strlen(payload), now_ms,
                              (uint64_t)now_ms, t);
}

static void device_vectors(void **state)
{
    cJSON *doc = lk_vectors_load(vectors_path), *v;
    int count = 0;
    (void)state;
    assert_int_equal(lk_vectors_hex(str(doc, "public_key_hex"), pub, sizeof pub), 0);
    cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(doc, "device"))
    {
        struct lk_time_sync ts;
        const char *name = str(v, "name"), *nonce = str(v, "open_nonce");
        const char *want = strcmp(str(v, "result"), "accept") == 0 ? "accepted" : str(v, "reason");
        int64_t hw =
            (int64_t)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(v, "high_water"));
        int64_t t = -1;
        enum lk_time_verdict got;
        lk_time_sync_init(&ts, hw);
        if (nonce[0] != '\0')
            open_nonce(&ts, nonce, 1000);
        verifies = 0;
        got = check(&ts, str(v, "payload"), 2000, &t);
        if (strcmp(lk_time_verdict_name(got), want) != 0)
            fail_msg("vector %s: %s, expected %s", name, lk_time_verdict_name(got), want);
        /* Unsolicited and malformed answers cost no signature check. */
        if (got == LK_TIME_MALFORMED || got == LK_TIME_UNSOLICITED)
            assert_int_equal(verifies, 0);
        if (got == LK_TIME_ACCEPTED) {
            assert_true(t > 0);
            assert_int_equal(lk_time_sync_now(&ts, 2000), t);
            assert_int_equal(lk_time_sync_now(&ts, 2000 + 61500), t + 61);
            /* The nonce is closed: the same answer again is unsolicited. */
            assert_int_equal(check(&ts, str(v, "payload"), 2100, &t), LK_TIME_UNSOLICITED);
            assert_int_equal(t, 0);
        } else {
            assert_int_equal(t, 0);
            assert_int_equal(lk_time_sync_now(&ts, 2000), 0);
        }
        count++;
    }
    assert_true(count >= 14);
    cJSON_Delete(doc);
}

static const char *accept_payload(cJSON **doc)
{
    cJSON *v;
    *doc = lk_vectors_load(vectors_path);
    assert_int_equal(lk_vectors_hex(str(*doc, "public_key_hex"), pub, sizeof pub), 0);
    cJSON_ArrayForEach(
        v, cJSON_GetObjectItemCaseSensitive(*doc, "device")) if (strcmp(str(v, "name"), "accept") ==
                                                                 0) return str(v, "payload");
    fail_msg("no vector \"accept\"");
    return NULL;
}

#define NONCE "00112233445566778899aabbccddeeff" /* the vector "accept"'s */
#define T_ACCEPT 1790000100

static void nonce_open_ten_seconds(void **state)
{
    struct lk_time_sync ts;
    cJSON *doc;
    const char *good = accept_payload(&doc);
    int64_t t;
    (void)state;
    lk_time_sync_init(&ts, 0);
    open_nonce(&ts, NONCE, 5000);
    assert_int_equal(check(&ts, good, 5000 + LK_TIME_OPEN_MS, &t), LK_TIME_UNSOLICITED);
    open_nonce(&ts, NONCE, 20000);
    assert_int_equal(check(&ts, good, 20000 + LK_TIME_OPEN_MS - 1, &t), LK_TIME_ACCEPTED);
    /* A new link closes the open nonce. */
    open_nonce(&ts, NONCE, 30000);
    lk_time_sync_link_down(&ts);
    assert_int_equal(check(&ts, good, 30001, &t), LK_TIME_UNSOLICITED);
    cJSON_Delete(doc);
}

static void requests_when_due(void **state)
{
    struct lk_time_sync ts;
    char req[LK_TIME_REQ_LEN + 1];
    cJSON *doc;
    const char *good = accept_payload(&doc);
    int64_t t;
    uint32_t t0 = 4000000000u; /* millis() wraps during the test */
    (void)state;
    lk_time_sync_init(&ts, 0);
    lk_time_sync_link_up(&ts);
    assert_true(lk_time_sync_due(&ts, t0));
    random_fails = 1; /* no random bytes: nothing is asked, nothing opens */
    assert_int_equal(lk_time_sync_request(&ts, &plat, req, sizeof req), 0);
    random_fails = 0;
    assert_int_equal(lk_time_sync_request(&ts, &plat, req, LK_TIME_REQ_LEN), 0);
    assert_true(lk_time_sync_due(&ts, t0));
    open_nonce(&ts, NONCE, t0);
    assert_false(lk_time_sync_due(&ts, t0 + LK_TIME_OPEN_MS - 1));
    /* Unanswered: closed after LK_TIME_OPEN_MS, asked again after LK_TIME_RETRY_MS. */
    assert_false(lk_time_sync_due(&ts, t0 + LK_TIME_RETRY_MS - 1));
    assert_true(lk_time_sync_due(&ts, t0 + LK_TIME_RETRY_MS));
    open_nonce(&ts, NONCE, t0 + LK_TIME_RETRY_MS);
    assert_int_equal(check(&ts, good, t0 + LK_TIME_RETRY_MS + 10, &t), LK_TIME_ACCEPTED);
    /* Synced: the next request comes LK_TIME_RESYNC_MS later, or with a new link. */
    assert_false(lk_time_sync_due(&ts, t0 + LK_TIME_RETRY_MS + LK_TIME_RESYNC_MS - 1));
    assert_true(lk_time_sync_due(&ts, t0 + LK_TIME_RETRY_MS + 10 + LK_TIME_RESYNC_MS));
    lk_time_sync_link_up(&ts);
    assert_true(lk_time_sync_due(&ts, t0 + LK_TIME_RETRY_MS + 20));
    cJSON_Delete(doc);
}

static void high_water_written_hourly(void **state)
{
    struct lk_time_sync ts;
    cJSON *doc;
    const char *good = accept_payload(&doc);
    int64_t t;
    (void)state;
    lk_time_sync_init(&ts, 1000);
    assert_false(lk_time_sync_persist_due(&ts, 0)); /* nothing new */
    open_nonce(&ts, NONCE, 100);
    assert_int_equal(check(&ts, good, 200, &t), LK_TIME_ACCEPTED);
    assert_int_equal(ts.high_water, T_ACCEPT);
    assert_true(lk_time_sync_persist_due(&ts, 200)); /* the first since boot: at once */
    lk_time_sync_persisted(&ts, 200, 0);             /* the write failed */
    assert_false(lk_time_sync_persist_due(&ts, 200 + LK_TIME_PERSIST_MS - 1));
    assert_true(lk_time_sync_persist_due(&ts, 200 + LK_TIME_PERSIST_MS));
    lk_time_sync_persisted(&ts, 200 + LK_TIME_PERSIST_MS, 1);
    assert_false(lk_time_sync_persist_due(&ts, 200 + 3 * LK_TIME_PERSIST_MS)); /* no rise */
    /* The same beacon again equals the mark: accepted, nothing new to write. */
    open_nonce(&ts, NONCE, 300);
    assert_int_equal(check(&ts, good, 400, &t), LK_TIME_ACCEPTED);
    assert_false(lk_time_sync_persist_due(&ts, 200 + 3 * LK_TIME_PERSIST_MS));
    cJSON_Delete(doc);
}

static void strict_scanner(void **state)
{
    static const char *const bad[] = {
        "",
        "{}",
        "[]",
        "{\"v\":1,\"nonce\":\"00112233445566778899aabbccddeeff\",\"time\":1790000100}",
        /* NOLINTNEXTLINE(bugprone-suspicious-missing-comma): one payload over two lines */
        "{\"v\":1,\"v\":1,\"nonce\":\"00112233445566778899aabbccddeeff\",\"time\":1790000100,"
        "\"sig\":\"x\"}",
        "{\"v\":1,\"nonce\":\"0011223344556677\\u003899aabbccddeeff\",\"time\":1,\"sig\":\"x\"}",
        "{\"v\":1.0,\"nonce\":\"00112233445566778899aabbccddeeff\",\"time\":1,\"sig\":\"x\"}",
        "{\"v\":1,\"nonce\":\"00112233445566778899aabbccddeeff\",\"time\":-5,\"sig\":\"x\"}",
        "{\"v\":1,\"nonce\":\"00112233445566778899aabbccddeeff\",\"time\":017,\"sig\":\"x\"}",
        "{\"v\":1,\"nonce\":\"00112233445566778899aabbccddeeff\",\"time\":true,\"sig\":\"x\"}",
    };
    struct lk_time_sync ts;
    cJSON *doc;
    const char *good = accept_payload(&doc);
    char buf[LK_TIME_PAYLOAD_MAX + 2];
    size_t i, n = strlen(good);
    int64_t t;
    (void)state;
    lk_time_sync_init(&ts, 0);
    open_nonce(&ts, NONCE, 100);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(check(&ts, bad[i], 200, &t), LK_TIME_MALFORMED);
    /* Trailing garbage, a second object, and a payload over the bound. */
    (void)snprintf(buf, sizeof buf, "%s x", good);
    assert_int_equal(check(&ts, buf, 200, &t), LK_TIME_MALFORMED);
    (void)snprintf(buf, sizeof buf, "%s{}", good);
    assert_int_equal(check(&ts, buf, 200, &t), LK_TIME_MALFORMED);
    memset(buf, ' ', sizeof buf);
    memcpy(buf, good, n);
    buf[LK_TIME_PAYLOAD_MAX + 1] = '\0';
    assert_int_equal(check(&ts, buf, 200, &t), LK_TIME_MALFORMED);
    buf[LK_TIME_PAYLOAD_MAX] = '\0'; /* exactly the bound, whitespace after: fine */
    assert_int_equal(check(&ts, buf, 200, &t), LK_TIME_ACCEPTED);
    cJSON_Delete(doc);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(device_vectors),    cmocka_unit_test(nonce_open_ten_seconds),
        cmocka_unit_test(requests_when_due), cmocka_unit_test(high_water_written_hourly),
        cmocka_unit_test(strict_scanner),
    };
    if (argc != 2) {
        (void)fprintf(stderr, "usage: %s tests/vectors/time.json\n", argv[0]);
        return 2;
    }
    vectors_path = argv[1];
    return cmocka_run_group_tests(tests, NULL, NULL);
}
