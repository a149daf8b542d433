/* test_cmd_verify.c - the firmware's command verifier against every vector of
 * tests/vectors/commands.json (path in argv[1]), plus JSON edge cases, the replay ring
 * and the time-window arithmetic. Ed25519 here is OpenSSL's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fake_net.h"
#include "fw_vectors.h"
#include "latchkey/b64url.h"
#include "lk/cmd_verify.h"

static const char *vectors_path;
static cJSON *vec;
static struct fake_net f;
static struct lk_verifier v;

/* open-alice from the signer vectors (checked against the file in setup). */
#define ID "0123456789abcdef0123456789abcdef"
#define SIG "bpPeV4w9CO-aST_4qaqGMmUqo-Zji0NCdCgoohFh7JSd5iYF2pHzegoc7LVEE5pHwzuXTQN2dGDbv6s7bNt_Cw"
#define NOW 1790000001

static int group_setup(void **state)
{
    cJSON *s0;
    (void)state;
    vec = fw_vectors_load(vectors_path);
    if (vec == NULL)
        return -1;
    s0 = cJSON_GetArrayItem(cJSON_GetObjectItem(vec, "signer"), 0);
    if (s0 == NULL || strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(s0, "sig")), SIG) != 0) {
        (void)fprintf(stderr, "signer[0] is not the open-alice vector this test expects\n");
        return -1;
    }
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    fw_vectors_free();
    return 0;
}

static void new_verifier(const char *site, const char *door)
{
    fake_init(&f);
    f.verify = fw_ed25519_verify;
    lk_verifier_init(&v, &f.plat, fw_pub, site, door);
    lk_verifier_trust_time(&v, 0);
}

static enum lk_reason check(const char *payload, int64_t now, struct lk_cmd *out)
{
    return lk_cmd_verify(&v, (const uint8_t *)payload, strlen(payload), now, out);
}

static void test_every_verifier_vector(void **state)
{
    cJSON *dev = cJSON_GetObjectItem(vec, "device");
    cJSON *list = cJSON_GetObjectItem(vec, "verifier");
    cJSON *item;
    int count = 0;
    (void)state;
    assert_non_null(dev);
    assert_true(cJSON_GetArraySize(list) > 0);
    cJSON_ArrayForEach(item, list) {
        const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(item, "name"));
        const char *payload = cJSON_GetStringValue(cJSON_GetObjectItem(item, "payload"));
        const char *result = cJSON_GetStringValue(cJSON_GetObjectItem(item, "result"));
        const char *reason = cJSON_GetStringValue(cJSON_GetObjectItem(item, "reason"));
        cJSON *now = cJSON_GetObjectItem(item, "now");
        cJSON *seen = cJSON_GetObjectItem(item, "seen_ids"), *id, *nb;
        const char *want = strcmp(result, "ok") == 0 ? "ok" : reason;
        struct lk_cmd cmd;
        enum lk_reason r;
        uint32_t before;
        assert_non_null(name);
        assert_non_null(payload);
        assert_true(cJSON_IsNumber(now));
        new_verifier(cJSON_GetStringValue(cJSON_GetObjectItem(dev, "site")),
                     cJSON_GetStringValue(cJSON_GetObjectItem(dev, "door")));
        nb = cJSON_GetObjectItem(item, "not_before");
        if (cJSON_IsNull(nb))
            v.time_trusted = 0; /* no trusted time yet */
        else if (cJSON_IsNumber(nb))
            lk_verifier_trust_time(&v, (int64_t)nb->valuedouble);
        else
            fail_msg("vector %s: not_before is neither a number nor null", name);
        cJSON_ArrayForEach(id, seen) lk_replay_add(&v.replay, cJSON_GetStringValue(id));
        before = v.replay.count;
        r = lk_cmd_verify(&v, (const uint8_t *)payload, strlen(payload), (int64_t)now->valuedouble, &cmd);
        if (strcmp(lk_reason_name(r), want) != 0)
            fail_msg("vector %s: got %s, want %s", name, lk_reason_name(r), want);
        if (r == LK_OK) {
            assert_int_equal(v.replay.count, before + 1);
            /* the same command again is a replay */
            r = lk_cmd_verify(&v, (const uint8_t *)payload, strlen(payload), (int64_t)now->valuedouble, &cmd);
            assert_int_equal(r, LK_REPLAY);
        } else {
            assert_int_equal(v.replay.count, before); /* rejected ids are not recorded */
        }
        count++;
    }
    print_message("%d verifier vectors checked\n", count);
    assert_true(count >= 35);
}

static void test_every_signer_vector(void **state)
{
    cJSON *item;
    int count = 0;
    (void)state;
    cJSON_ArrayForEach(item, cJSON_GetObjectItem(vec, "signer")) {
        cJSON *fields = cJSON_GetObjectItem(item, "fields");
        const char *payload = cJSON_GetStringValue(cJSON_GetObjectItem(item, "payload"));
        const char *message = cJSON_GetStringValue(cJSON_GetObjectItem(item, "message"));
        const char *sig = cJSON_GetStringValue(cJSON_GetObjectItem(item, "sig"));
        struct lk_cmd cmd;
        char msg[LK_CMD_MSG_MAX];
        uint8_t raw[64];
        size_t n;
        assert_int_equal(lk_cmd_parse((const uint8_t *)payload, strlen(payload), &cmd), LK_OK);
        assert_string_equal(cmd.id, cJSON_GetStringValue(cJSON_GetObjectItem(fields, "id")));
        assert_string_equal(cmd.site, cJSON_GetStringValue(cJSON_GetObjectItem(fields, "site")));
        assert_string_equal(cmd.door, cJSON_GetStringValue(cJSON_GetObjectItem(fields, "door")));
        assert_string_equal(cmd.action, cJSON_GetStringValue(cJSON_GetObjectItem(fields, "action")));
        assert_string_equal(cmd.by, cJSON_GetStringValue(cJSON_GetObjectItem(fields, "by")));
        assert_int_equal(cmd.iat, (int64_t)cJSON_GetObjectItem(fields, "iat")->valuedouble);
        assert_int_equal(cmd.exp, (int64_t)cJSON_GetObjectItem(fields, "exp")->valuedouble);
        n = lk_cmd_signing_message(&cmd, msg, sizeof msg);
        assert_int_equal(n, strlen(message));
        assert_memory_equal(msg, message, n);
        assert_int_equal(lk_b64url_decode(sig, strlen(sig), raw, sizeof raw), 64);
        assert_memory_equal(cmd.sig, raw, 64);
        /* and a device of that site/door accepts it */
        new_verifier(cmd.site, cmd.door);
        assert_int_equal(check(payload, cmd.iat, &cmd), LK_OK);
        count++;
    }
    assert_true(count > 0);
}

static void test_json_variants_accepted(void **state)
{
    static const char *const ok[] = {
        /* keys in reverse order */
        "{\"sig\":\"" SIG "\",\"exp\":1790000030,\"iat\":1790000000,\"by\":\"alice\","
        "\"action\":\"open\",\"door\":\"door1\",\"site\":\"home\",\"id\":\"" ID "\",\"v\":1}",
        /* whitespace everywhere JSON allows it */
        " \r\n\t{ \"v\" : 1 ,\n \"id\" :\"" ID "\", \"site\":\"home\",\"door\":\"door1\",\"action\":\"open\","
        "\"by\":\"alice\",\"iat\":1790000000,\"exp\":1790000030,\"sig\":\"" SIG "\" }\n ",
        /* escapes that decode to the same canonical fields */
        "{\"\\u0076\":1,\"id\":\"" ID "\",\"site\":\"ho\\u006de\",\"door\":\"door\\u0031\",\"action\":\"open\","
        "\"by\":\"al\\u0069ce\",\"iat\":1790000000,\"exp\":1790000030,\"sig\":\"" SIG "\"}",
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        struct lk_cmd cmd;
        new_verifier("home", "door1");
        if (check(ok[i], NOW, &cmd) != LK_OK)
            fail_msg("variant %zu refused", i);
        assert_string_equal(cmd.by, "alice");
        assert_string_equal(cmd.site, "home");
    }
}

#define HEAD "{\"v\":1,\"id\":\"" ID "\",\"site\":\"home\",\"door\":\"door1\",\"action\":\"open\","
#define TAIL ",\"sig\":\"" SIG "\"}"

static void test_json_malformed(void **state)
{
    static const char *const bad[] = {
        HEAD "\"by\":\"alice\",\"iat\":1790000000,\"exp\":1790000030,\"x\":1" TAIL, /* extra key */
        HEAD "\"by\":\"alice\",\"iat\":1790000000,\"exp\":1790000030,\"v\":1" TAIL, /* duplicate v */
        HEAD "\"by\":\"alice\",\"iat\":1790000000,\"exp\" 1790000030" TAIL,        /* no colon */
        HEAD "\"by\":\"alice\",\"iat\":1790000000,\"exp\"::1790000030" TAIL,
        HEAD "\"by\":\"alice\",\"iat\":1790000000 \"exp\":1790000030" TAIL,         /* no comma */
        HEAD "\"by\":\"alice\",,\"iat\":1790000000,\"exp\":1790000030" TAIL,
        HEAD "\"by\":\"alice\",\"iat\":1790000000,\"exp\":1790000030,\"sig\":\"" SIG "\",}",
        HEAD "\"by\":\"alice\",\"iat\":1.79e9,\"exp\":1790000030" TAIL,
        HEAD "\"by\":\"alice\",\"iat\":1790000000.0,\"exp\":1790000030" TAIL,
        HEAD "\"by\":\"alice\",\"iat\":01790000000,\"exp\":1790000030" TAIL,
        HEAD "\"by\":\"alice\",\"iat\":+1790000000,\"exp\":1790000030" TAIL,
        HEAD "\"by\":\"alice\",\"iat\":true,\"exp\":1790000030" TAIL,
        HEAD "\"by\":\"alice\",\"iat\":null,\"exp\":1790000030" TAIL,
        HEAD "\"by\":\"alice\",\"iat\":{},\"exp\":1790000030" TAIL,
        HEAD "\"by\":\"alice\",\"iat\":[1790000000],\"exp\":1790000030" TAIL,
        HEAD "\"by\":\"alice\",\"iat\":1790000000,\"exp\":17900000300000000000" TAIL, /* > int64 */
        HEAD "\"by\":\"al\\u00e9ce\",\"iat\":1790000000,\"exp\":1790000030" TAIL,   /* non-ASCII */
        HEAD "\"by\":\"ali\\u0000ce\",\"iat\":1790000000,\"exp\":1790000030" TAIL,  /* NUL */
        HEAD "\"by\":\"alice\\ud800\",\"iat\":1790000000,\"exp\":1790000030" TAIL,  /* lone surrogate */
        HEAD "\"by\":\"al ice\",\"iat\":1790000000,\"exp\":1790000030" TAIL,
        HEAD "\"by\":\"\",\"iat\":1790000000,\"exp\":1790000030" TAIL,
        HEAD "\"by\":1,\"iat\":1790000000,\"exp\":1790000030" TAIL,
        "{\"v\":1.0,\"id\":\"" ID "\",\"site\":\"home\",\"door\":\"door1\",\"action\":\"open\","
        "\"by\":\"alice\",\"iat\":1790000000,\"exp\":1790000030" TAIL,
        "{\"v\":\"1\",\"id\":\"" ID "\",\"site\":\"home\",\"door\":\"door1\",\"action\":\"open\","
        "\"by\":\"alice\",\"iat\":1790000000,\"exp\":1790000030" TAIL,
        "{\"v\":01,\"id\":\"" ID "\",\"site\":\"home\",\"door\":\"door1\",\"action\":\"open\","
        "\"by\":\"alice\",\"iat\":1790000000,\"exp\":1790000030" TAIL,
        "{\"v\":1,\"id\":\"" ID "\",\"site\":\"home\",\"door\":\"door1\",\"action\":\"open\","
        "\"by\":\"alice\",\"iat\":1790000000,\"exp\":1790000030,\"sig\":\"" SIG "A\"}",
        "{}",
        "[]",
        "1",
        "\"string\"",
        "{\"v\":1}",
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct lk_cmd cmd;
        new_verifier("home", "door1");
        if (check(bad[i], NOW, &cmd) != LK_MALFORMED)
            fail_msg("case %zu not malformed: %s", i, bad[i]);
        assert_int_equal(v.replay.count, 0);
    }
}

static void test_payload_bounds(void **state)
{
    static char big[LK_CMD_PAYLOAD_MAX + 64];
    static const char good[] = HEAD "\"by\":\"alice\",\"iat\":1790000000,\"exp\":1790000030" TAIL;
    struct lk_cmd cmd;
    size_t n = sizeof good - 1;
    (void)state;
    new_verifier("home", "door1");
    /* embedded NUL after the object */
    memcpy(big, good, n);
    big[n] = '\0';
    big[n + 1] = '}';
    assert_int_equal(lk_cmd_verify(&v, (const uint8_t *)big, n + 2, NOW, &cmd), LK_MALFORMED);
    /* valid JSON padded with whitespace beyond the limit */
    memset(big, ' ', sizeof big);
    memcpy(big, good, n);
    assert_int_equal(lk_cmd_verify(&v, (const uint8_t *)big, LK_CMD_PAYLOAD_MAX, NOW, &cmd), LK_OK);
    new_verifier("home", "door1");
    assert_int_equal(lk_cmd_verify(&v, (const uint8_t *)big, LK_CMD_PAYLOAD_MAX + 1, NOW, &cmd), LK_MALFORMED);
    assert_int_equal(lk_cmd_verify(&v, NULL, 0, NOW, &cmd), LK_MALFORMED);
    /* every truncation of a good payload is malformed */
    for (n = 0; n < sizeof good - 1; n++) {
        new_verifier("home", "door1");
        assert_int_equal(lk_cmd_verify(&v, (const uint8_t *)good, n, NOW, &cmd), LK_MALFORMED);
    }
}

static void test_id_echo(void **state)
{
    struct lk_cmd cmd;
    (void)state;
    new_verifier("home", "door1");
    /* malformed elsewhere, id valid: echoed */
    assert_int_equal(check(HEAD "\"by\":\"alice\",\"iat\":\"x\",\"exp\":1790000030" TAIL, NOW, &cmd), LK_MALFORMED);
    assert_string_equal(cmd.id, ID);
    /* the bad field comes before id: still echoed */
    assert_int_equal(check("{\"v\":2,\"id\":\"" ID "\",\"site\":\"home\",\"door\":\"door1\",\"action\":\"open\","
                           "\"by\":\"alice\",\"iat\":1790000000,\"exp\":1790000030" TAIL, NOW, &cmd),
                     LK_MALFORMED);
    assert_string_equal(cmd.id, ID);
    /* invalid id: empty */
    assert_int_equal(check("{\"v\":1,\"id\":\"XYZ\",\"site\":\"home\",\"door\":\"door1\",\"action\":\"open\","
                           "\"by\":\"alice\",\"iat\":1790000000,\"exp\":1790000030" TAIL, NOW, &cmd),
                     LK_MALFORMED);
    assert_string_equal(cmd.id, "");
    assert_int_equal(check("not json", NOW, &cmd), LK_MALFORMED);
    assert_string_equal(cmd.id, "");
    /* rejected after parsing: id available too */
    assert_int_equal(check(HEAD "\"by\":\"alice\",\"iat\":1790000000,\"exp\":1790000030" TAIL, NOW + 100, &cmd),
                     LK_EXPIRED);
    assert_string_equal(cmd.id, ID);
}

static void test_rejected_id_not_recorded(void **state)
{
    static const char good[] = HEAD "\"by\":\"alice\",\"iat\":1790000000,\"exp\":1790000030" TAIL;
    static const char tampered[] = HEAD "\"by\":\"mallory\",\"iat\":1790000000,\"exp\":1790000030" TAIL;
    struct lk_cmd cmd;
    (void)state;
    new_verifier("home", "door1");
    assert_int_equal(check(tampered, NOW, &cmd), LK_BAD_SIGNATURE);
    assert_int_equal(check(good, NOW - 31 - 1000, &cmd), LK_NOT_YET_VALID);
    assert_int_equal(check(good, NOW + 1000, &cmd), LK_EXPIRED);
    assert_int_equal(check(good, NOW, &cmd), LK_OK);
    assert_int_equal(check(good, NOW, &cmd), LK_REPLAY);
}

static void test_replay_ring(void **state)
{
    char payload[512], first[512];
    unsigned i;
    struct lk_cmd cmd;
    (void)state;
    new_verifier("home", "door1");
    for (i = 0; i <= LK_REPLAY_SLOTS; i++) {
        char id[LK_ID_HEX_LEN + 1];
        snprintf(id, sizeof id, "%032x", i + 1);
        assert_true(fw_make_cmd(payload, sizeof payload, id, "home", "door1", "open", "bob", 1000, 1030) > 0);
        if (i == 0)
            memcpy(first, payload, sizeof payload);
        assert_int_equal(check(payload, 1010, &cmd), LK_OK);
        assert_int_equal(check(payload, 1010, &cmd), LK_REPLAY);
    }
    assert_int_equal(v.replay.count, LK_REPLAY_SLOTS);
    /* the oldest id has been forgotten (it could only replay inside its 90 s window) */
    assert_int_equal(check(first, 1010, &cmd), LK_OK);
    assert_int_equal(check(payload, 1010, &cmd), LK_REPLAY);
}

static void test_time_window(void **state)
{
    char payload[512];
    struct lk_cmd cmd;
    (void)state;
    new_verifier("home", "door1");
    assert_true(fw_make_cmd(payload, sizeof payload, ID, "home", "door1", "open", "bob", 5000, 5060) > 0);
    assert_int_equal(check(payload, INT64_MIN, &cmd), LK_NOT_YET_VALID);
    assert_int_equal(check(payload, INT64_MAX, &cmd), LK_EXPIRED);
    assert_int_equal(check(payload, 4969, &cmd), LK_NOT_YET_VALID);
    assert_int_equal(check(payload, 5061, &cmd), LK_EXPIRED);
    assert_int_equal(check(payload, 4970, &cmd), LK_OK);
    /* lifetime exactly 60 is fine, 61 is malformed (checked before the signature) */
    new_verifier("home", "door1");
    assert_true(fw_make_cmd(payload, sizeof payload, ID, "home", "door1", "open", "bob", 5000, 5061) > 0);
    assert_int_equal(check(payload, 5001, &cmd), LK_MALFORMED);
    /* check order: a bad signature wins over wrong target, action and time */
    new_verifier("home", "door2");
    assert_true(fw_make_cmd(payload, sizeof payload, ID, "home", "door1", "close", "bob", 5000, 5060) > 0);
    {
        size_t k = strlen(payload) - 20; /* a character inside the signature */
        payload[k] = payload[k] == 'A' ? 'B' : 'A';
    }
    assert_int_equal(check(payload, 99999, &cmd), LK_BAD_SIGNATURE);
    /* wrong target wins over unknown action and time */
    assert_true(fw_make_cmd(payload, sizeof payload, ID, "home", "door1", "close", "bob", 5000, 5060) > 0);
    assert_int_equal(check(payload, 99999, &cmd), LK_WRONG_TARGET);
    new_verifier("home", "door1");
    assert_int_equal(check(payload, 99999, &cmd), LK_UNKNOWN_ACTION);
}

/* Every single-byte change of a valid command (each position, several values) is refused. */
static void test_mutations_refused(void **state)
{
    static const char good[] = HEAD "\"by\":\"alice\",\"iat\":1790000000,\"exp\":1790000030" TAIL;
    static const uint8_t repl[] = {0x00, ' ', '"', '\\', '0', '1', 'a', 'A', '_', '-', '{', '}', ',', ':', 0x80, 0xff};
    char buf[sizeof good];
    size_t i, k;
    struct lk_cmd cmd;
    (void)state;
    for (i = 0; i < sizeof good - 1; i++) {
        for (k = 0; k < sizeof repl; k++) {
            enum lk_reason r;
            if ((uint8_t)good[i] == repl[k])
                continue;
            memcpy(buf, good, sizeof good);
            buf[i] = (char)repl[k];
            new_verifier("home", "door1");
            r = lk_cmd_verify(&v, (const uint8_t *)buf, sizeof good - 1, NOW, &cmd);
            if (r == LK_OK)
                fail_msg("mutation at %zu to 0x%02x accepted: %s", i, repl[k], buf);
        }
    }
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_verifier_vector),
        cmocka_unit_test(test_every_signer_vector),
        cmocka_unit_test(test_json_variants_accepted),
        cmocka_unit_test(test_json_malformed),
        cmocka_unit_test(test_payload_bounds),
        cmocka_unit_test(test_id_echo),
        cmocka_unit_test(test_rejected_id_not_recorded),
        cmocka_unit_test(test_replay_ring),
        cmocka_unit_test(test_time_window),
        cmocka_unit_test(test_mutations_refused),
    };
    if (argc != 2) {
        (void)fprintf(stderr, "usage: %s tests/vectors/commands.json\n", argv[0]);
        return 2;
    }
    vectors_path = argv[1];
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
