/* test_time_beacon.c - the gateway's side of the signed time beacon (gateway/core
 * time_beacon.h) with fake ports: the strict request parser, the answer's bytes against
 * the shared vectors (tests/vectors/time.json: the same signatures the firmware's test
 * verifies), and the loop's answers: one per configured door per second, never for an
 * unknown door, nothing when the broker link refuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "fake_ports.h"
#include "time_beacon.h"
#include "vectors.h"

static const char *time_path, *cmd_path;
static struct conf conf;
static struct gw_app app;
static struct fake_ports fake;

#define NONCE "00112233445566778899aabbccddeeff"

static int setup(void **state)
{
    cJSON *cmds = lk_vectors_load(cmd_path);
    uint8_t seed[32];
    (void)state;
    if (cmds == NULL ||
        lk_vectors_hex(cJSON_GetStringValue(cJSON_GetObjectItem(cmds, "private_seed_hex")), seed,
                       sizeof seed) != 0)
        return -1;
    cJSON_Delete(cmds);
    memset(&conf, 0, sizeof conf);
    strcpy(conf.doors[0].name, "door1");
    strcpy(conf.doors[1].name, "door2");
    conf.n_doors = 2;
    memset(&app, 0, sizeof app);
    app.conf = &conf;
    app.cmd_key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, sizeof seed);
    fake_ports_init(&fake, &app.ports);
    return app.cmd_key != NULL ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    EVP_PKEY_free(app.cmd_key);
    return 0;
}

static int parse(const char *s, char nonce[LK_NONCE_HEX_LEN + 1])
{
    return time_request_parse(s, strlen(s), nonce);
}

static void request_parser_is_strict(void **state)
{
    char nonce[LK_NONCE_HEX_LEN + 1], big[2 * TIME_REQUEST_MAX];
    (void)state;
    assert_int_equal(parse("{\"v\":1,\"nonce\":\"" NONCE "\"}", nonce), 0);
    assert_string_equal(nonce, NONCE);
    assert_int_equal(parse("{\"nonce\":\"" NONCE "\",\"v\":1}", nonce), 0);
    assert_int_equal(parse("{\"v\":2,\"nonce\":\"" NONCE "\"}", nonce), -1);
    assert_int_equal(parse("{\"v\":1,\"nonce\":\"00112233445566778899AABBCCDDEEFF\"}", nonce), -1);
    assert_int_equal(parse("{\"v\":1,\"nonce\":\"00112233445566778899aabbccddee\"}", nonce), -1);
    assert_int_equal(parse("{\"v\":1,\"nonce\":\"" NONCE "\",\"x\":0}", nonce), -1);
    assert_int_equal(parse("{\"v\":1,\"v\":1,\"nonce\":\"" NONCE "\"}", nonce), -1);
    assert_int_equal(parse("{\"v\":1}", nonce), -1);
    assert_int_equal(parse("{\"v\":\"1\",\"nonce\":\"" NONCE "\"}", nonce), -1);
    assert_int_equal(parse("[1]", nonce), -1);
    assert_int_equal(parse("", nonce), -1);
    /* Over the bound: refused before parsing, even if it is valid JSON. */
    (void)snprintf(big, sizeof big, "{\"v\":1,\"nonce\":\"" NONCE "\"}%*s", TIME_REQUEST_MAX - 40,
                   "");
    assert_true(strlen(big) > TIME_REQUEST_MAX);
    assert_int_equal(parse(big, nonce), -1);
}

static void beacon_matches_vectors(void **state)
{
    cJSON *doc = lk_vectors_load(time_path), *v;
    int count = 0;
    (void)state;
    cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(doc, "signer"))
    {
        const char *nonce = cJSON_GetStringValue(cJSON_GetObjectItem(v, "nonce"));
        const char *sig = cJSON_GetStringValue(cJSON_GetObjectItem(v, "sig"));
        int64_t t = (int64_t)cJSON_GetNumberValue(cJSON_GetObjectItem(v, "time"));
        char out[TIME_BEACON_MAX], want[TIME_BEACON_MAX];
        size_t n = time_beacon_build(app.cmd_key, nonce, t, out, sizeof out);
        (void)snprintf(want, sizeof want, "{\"v\":1,\"nonce\":\"%s\",\"time\":%lld,\"sig\":\"%s\"}",
                       nonce, (long long)t, sig);
        assert_int_equal(n, strlen(want));
        assert_string_equal(out, want);
        assert_int_equal(time_beacon_build(app.cmd_key, nonce, t, out, n), 0); /* no room for NUL */
        count++;
    }
    assert_true(count >= 3);
    /* The vector "accept" is exactly what the gateway writes. */
    cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(doc, "device"))
    {
        if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(v, "name")), "accept") == 0) {
            char out[TIME_BEACON_MAX];
            assert_true(time_beacon_build(app.cmd_key, NONCE, 1790000100, out, sizeof out) > 0);
            assert_string_equal(out, cJSON_GetStringValue(cJSON_GetObjectItem(v, "payload")));
            count++;
        }
    }
    assert_int_equal(count, 4);
    {
        char out[TIME_BEACON_MAX];
        assert_int_equal(time_beacon_build(app.cmd_key, NONCE, 0, out, sizeof out), 0);
        assert_int_equal(
            time_beacon_build(app.cmd_key, "00112233445566778899AABBCCDDEEFF", 5, out, sizeof out),
            0);
    }
    cJSON_Delete(doc);
}

static void queue(const char *door)
{
    struct time_request r;
    memset(&r, 0, sizeof r);
    strcpy(r.door, door);
    strcpy(r.nonce, NONCE);
    assert_int_equal(time_queue_push(&r), 0);
}

static void answers_once_per_second_per_door(void **state)
{
    char want[96];
    (void)state;
    fake.now_ms = 5000000;
    fake.wall_ms = 1790000100123LL;
    queue("door1");
    assert_int_equal(time_beacon_answer_queued(&app), 1);
    assert_int_equal(fake.beacons, 1);
    assert_string_equal(fake.beacon_door, "door1");
    (void)snprintf(want, sizeof want, "{\"v\":1,\"nonce\":\"%s\",\"time\":1790000100,", NONCE);
    assert_memory_equal(fake.beacon_json, want, strlen(want));
    /* Within the second: door1 is not answered again, door2 is; unknown doors never. */
    fake.now_ms += TIME_ANSWER_EVERY_MS - 1;
    queue("door1");
    queue("door2");
    queue("door9");
    assert_int_equal(time_beacon_answer_queued(&app), 1);
    assert_int_equal(fake.beacons, 2);
    assert_string_equal(fake.beacon_door, "door2");
    fake.now_ms += 1;
    queue("door1");
    assert_int_equal(time_beacon_answer_queued(&app), 1);
    assert_string_equal(fake.beacon_door, "door1");
    /* The broker link refuses: nothing counts as answered, the next second may try. */
    fake.now_ms += TIME_ANSWER_EVERY_MS;
    fake.refuse = 1;
    queue("door2");
    assert_int_equal(time_beacon_answer_queued(&app), 0);
    fake.refuse = 0;
    queue("door2");
    assert_int_equal(time_beacon_answer_queued(&app), 1);
    assert_int_equal(time_beacon_answer_queued(&app), 0); /* the queue is empty */
}

static void queue_is_bounded(void **state)
{
    struct time_request r;
    int i;
    (void)state;
    memset(&r, 0, sizeof r);
    strcpy(r.door, "door9");
    strcpy(r.nonce, NONCE);
    for (i = 0; i < TIME_QUEUE_MAX; i++)
        assert_int_equal(time_queue_push(&r), 0);
    assert_int_equal(time_queue_push(&r), -1);
    assert_int_equal(time_beacon_answer_queued(&app), 0); /* door9 is not configured */
    assert_int_equal(time_queue_push(&r), 0);
    assert_int_equal(time_beacon_answer_queued(&app), 0);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(request_parser_is_strict),
        cmocka_unit_test(beacon_matches_vectors),
        cmocka_unit_test(answers_once_per_second_per_door),
        cmocka_unit_test(queue_is_bounded),
    };
    if (argc != 3) {
        (void)fprintf(stderr, "usage: %s tests/vectors/time.json tests/vectors/commands.json\n",
                      argv[0]);
        return 2;
    }
    time_path = argv[1];
    cmd_path = argv[2];
    return cmocka_run_group_tests(tests, setup, teardown);
}
