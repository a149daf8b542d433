/* test_device_platform.c - unit tests of latchkey-device's board services
 * (firmware/port/posix/platform_posix.c, relay_sim.c): wolfSSL Ed25519 verification on
 * RFC 8032 test 1, clocks, getrandom, and the simulated relay's log (including a log that
 * cannot be written, which must leave the output off). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "platform_posix.h"
#include "relay_sim.h"

static void unhex(const char *h, uint8_t *out, size_t n)
{
    size_t i;
    unsigned v;

    assert_int_equal(strlen(h), 2 * n);
    for (i = 0; i < n; i++) {
        assert_int_equal(sscanf(h + 2 * i, "%2x", &v), 1);
        out[i] = (uint8_t)v;
    }
}

/* RFC 8032, 7.1, TEST 1 (empty message) */
#define T1_PUB "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
#define T1_SIG "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"

static void test_ed25519(void **state)
{
    uint8_t pub[32], sig[64], bad[64];
    const uint8_t msg[1] = {0};
    (void)state;
    unhex(T1_PUB, pub, 32);
    unhex(T1_SIG, sig, 64);
    assert_int_equal(lkp_ed25519_verify(NULL, pub, msg, 0, sig), 1);
    memcpy(bad, sig, 64);
    bad[10] ^= 0x01;
    assert_int_equal(lkp_ed25519_verify(NULL, pub, msg, 0, bad), 0);
    assert_int_equal(lkp_ed25519_verify(NULL, pub, msg, 1, sig), 0); /* other message */
    pub[0] ^= 0x01;
    assert_int_equal(lkp_ed25519_verify(NULL, pub, msg, 0, sig), 0); /* other key */
    memset(bad, 0xff, 64); /* S not reduced */
    unhex(T1_PUB, pub, 32);
    assert_int_equal(lkp_ed25519_verify(NULL, pub, msg, 0, bad), 0);
}

static void test_clocks_random(void **state)
{
    uint8_t a[300], b[300];
    uint32_t m1, m2;
    (void)state;
    assert_true(lkp_unix_time(NULL) > 1700000000);
    m1 = lkp_millis(NULL);
    usleep(20000);
    m2 = lkp_millis(NULL);
    assert_true((uint32_t)(m2 - m1) >= 20 && (uint32_t)(m2 - m1) < 2000);
    assert_int_equal(lkp_random(NULL, a, sizeof a), 0);
    assert_int_equal(lkp_random(NULL, b, sizeof b), 0);
    assert_memory_not_equal(a, b, sizeof a);
}

static void test_relay_sim_log(void **state)
{
    char path[] = "/tmp/lk-relay-XXXXXX", err[256], line[64];
    static struct lkp_relay_output r;
    static struct lkp_config cfg;
    struct lkp_platform p;
    struct lk_platform plat;
    long long t1, t2;
    char w1[8], w2[8];
    FILE *f;
    int fd;
    (void)state;
    fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    memset(&cfg, 0, sizeof cfg);
    cfg.backend = LKP_RELAY_SIM;
    cfg.pulse_ms = 5000;
    snprintf(cfg.sim_log, sizeof cfg.sim_log, "%s", path);
    assert_int_equal(lkp_relay_output_open(&r, &cfg, NULL, err, sizeof err), 0);
    lkp_platform_init(&p, &r, &plat);
    plat.relay_set(plat.ctx, 0);      /* already off: nothing written */
    plat.relay_set(plat.ctx, 1);
    plat.relay_set(plat.ctx, 1);      /* no change: nothing written */
    plat.relay_set(plat.ctx, 0);
    plat.relay_set(plat.ctx, 7);      /* any non-zero is on */
    lkp_relay_output_close(&r);       /* forces off */
    f = fopen(path, "r");
    assert_non_null(f);
    assert_non_null(fgets(line, sizeof line, f));
    assert_int_equal(sscanf(line, "%lld %7s", &t1, w1), 2);
    assert_string_equal(w1, "on");
    assert_non_null(fgets(line, sizeof line, f));
    assert_int_equal(sscanf(line, "%lld %7s", &t2, w2), 2);
    assert_string_equal(w2, "off");
    assert_true(t1 > 1700000000000LL && t2 >= t1);
    assert_non_null(fgets(line, sizeof line, f));
    assert_non_null(strstr(line, " on\n"));
    assert_non_null(fgets(line, sizeof line, f));
    assert_non_null(strstr(line, " off\n"));
    assert_null(fgets(line, sizeof line, f));
    (void)fclose(f); /* read-only */
    unlink(path);

    snprintf(cfg.sim_log, sizeof cfg.sim_log, "/nonexistent-dir/relay.log");
    assert_int_equal(lkp_relay_output_open(&r, &cfg, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "cannot open relay sim_log '/nonexistent-dir/relay.log'"));
}

static void test_relay_sim_write_error(void **state)
{
    char err[256];
    struct lkp_relay_sim r;
    (void)state;
    if (access("/dev/full", W_OK) != 0)
        skip();
    assert_int_equal(lkp_relay_sim_open(&r, "/dev/full", err, sizeof err), 0);
    lkp_relay_sim_set(&r, 1);
    assert_int_equal(r.on, 0);        /* could not record it: treated as off */
    lkp_relay_sim_close(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ed25519),
        cmocka_unit_test(test_clocks_random),
        cmocka_unit_test(test_relay_sim_log),
        cmocka_unit_test(test_relay_sim_write_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
