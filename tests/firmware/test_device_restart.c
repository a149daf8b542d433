/* test_device_restart.c - what keeps a restart from reopening a command's window and what
 * makes the ack trustworthy (docs/protocol.md "After a restart", "The signed ack"): a
 * retained command is never acted on, no command acts before the port trusts its clock,
 * a command whose window began before the port's not-before is refused, the acceptance is
 * recorded (id, exp, time) before the relay moves (and a failed record refuses), ids given
 * back after a restart are replays, and the ack the device
 * sends is signed with its own key over the canonical bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "device_harness.h"
#include "fake_net.h"
#include "fw_vectors.h"
#include "latchkey/b64url.h"
#include "latchkey/cmd_format.h"
#include "lk/device.h"

#define CMD "latchkey/home/door1/cmd"
#define IAT 1790000000 /* of the vector "ok-open" */

static void test_retained_command_never_acts(void **state)
{
    struct sent s;
    (void)state;
    device_up();
    deliver_ex(CMD, ok_payload, 1, 1);
    collect(&s);
    assert_int_equal(s.acks, 1);
    assert_string_equal(s.ack,
                        "{\"v\":1,\"id\":\"" ID
                        "\",\"result\":\"rejected\",\"reason\":\"retained\",\"at\":1790000001}");
    assert_int_equal(f.relay_on_count, 0);
    assert_int_equal(f.accepts, 0);
    assert_string_equal(ev_find(LK_EVENT_CMD_REJECTED, 0)->s3, "retained");
    /* not recorded as seen: the same command sent live (RETAIN 0) acts once */
    deliver_ex(CMD, ok_payload, 1, 0);
    assert_int_equal(f.relay_on_count, 1);
}

static void test_no_trusted_time_refuses(void **state)
{
    struct sent s;
    (void)state;
    device_up();
    dev.verifier.time_trusted = 0; /* as after lk_device_init, before lk_device_trust_time */
    deliver(CMD, ok_payload);
    collect(&s);
    assert_string_equal(
        s.ack, "{\"v\":1,\"id\":\"" ID
               "\",\"result\":\"rejected\",\"reason\":\"not-yet-valid\",\"at\":1790000001}");
    assert_int_equal(f.relay_on_count, 0);
    lk_device_trust_time(&dev, 0);
    deliver(CMD, ok_payload);
    assert_int_equal(f.relay_on_count, 1);
}

static void test_window_before_not_before_refused(void **state)
{
    struct sent s;
    (void)state;
    device_up();
    /* The device started (or the previous run last accepted) after the window opened. */
    lk_device_trust_time(&dev, IAT - LK_CMD_CLOCK_SKEW + 1);
    deliver(CMD, ok_payload);
    collect(&s);
    assert_string_equal(
        s.ack, "{\"v\":1,\"id\":\"" ID
               "\",\"result\":\"rejected\",\"reason\":\"before-start\",\"at\":1790000001}");
    assert_int_equal(f.relay_on_count, 0);
    assert_int_equal(f.accepts, 0);
    /* A window that opens exactly at not-before is the device's own. */
    lk_device_trust_time(&dev, IAT - LK_CMD_CLOCK_SKEW);
    deliver(CMD, ok_payload);
    assert_int_equal(f.relay_on_count, 1);
}

static void test_accept_recorded_before_relay(void **state)
{
    (void)state;
    device_up();
    deliver(CMD, ok_payload);
    assert_int_equal(f.accepts, 1);
    assert_int_equal(f.accepted_at, NOW);
    assert_string_equal(f.accepted_id, ID);
    assert_int_equal(f.accepted_exp, IAT + 30);
    assert_int_equal(f.relay_on_at_accept, 0); /* recorded while the relay was still off */
    assert_int_equal(f.relay_on, 1);
}

/* A restart with the previous run's ids given back: the replay is "replay", a fresh
 * command acts at once. */
static void test_remembered_id_is_replay(void **state)
{
    struct sent s;
    char fresh[512];
    (void)state;
    device_up();
    lk_device_remember(&dev, ID);
    lk_device_remember(&dev, "not an id"); /* ignored */
    deliver(CMD, ok_payload);
    collect(&s);
    assert_string_equal(s.ack,
                        "{\"v\":1,\"id\":\"" ID
                        "\",\"result\":\"rejected\",\"reason\":\"replay\",\"at\":1790000001}");
    assert_int_equal(f.relay_on_count, 0);
    assert_true(fw_make_cmd(fresh, sizeof fresh, "22222222222222222222222222222222", "home",
                            "door1", "open", "alice", NOW, NOW + 30) > 0);
    deliver(CMD, fresh);
    assert_int_equal(f.relay_on_count, 1);
}

static void test_accept_record_failure_refuses(void **state)
{
    struct sent s;
    (void)state;
    device_up();
    f.accept_fail = 1;
    deliver(CMD, ok_payload);
    collect(&s);
    assert_string_equal(s.ack,
                        "{\"v\":1,\"id\":\"" ID
                        "\",\"result\":\"rejected\",\"reason\":\"fault\",\"at\":1790000001}");
    assert_int_equal(f.relay_on_count, 0);
}

/* The ack's sig verifies with the device's ack key over the canonical bytes (and with no
 * other key, and not for another result). */
static void test_ack_is_signed(void **state)
{
    struct sent s;
    char msg[LK_ACK_MSG_MAX], want[300];
    const char *sig;
    uint8_t raw[LK_SIG_LEN];
    size_t n;
    (void)state;
    device_up();
    f.sign = fw_ack_sign;
    deliver(CMD, ok_payload);
    collect(&s);
    sig = strstr(s.ack, "\"sig\":\"");
    assert_non_null(sig);
    sig += 7;
    assert_int_equal(strlen(sig), LK_SIG_B64_LEN + 2); /* the signature, then "} */
    assert_int_equal(lk_b64url_decode(sig, LK_SIG_B64_LEN, raw, sizeof raw), LK_SIG_LEN);
    snprintf(want, sizeof want,
             "{\"v\":1,\"id\":\"" ID
             "\",\"result\":\"ok\",\"reason\":\"\",\"at\":1790000001,\"sig\":\"%.86s\"}",
             sig);
    assert_string_equal(s.ack, want);
    n = lk_ack_signing_message(ID, "home", "door1", "ok", "", NOW, msg, sizeof msg);
    assert_true(n > 0);
    assert_int_equal(fw_ed25519_verify(fw_ack_pub, (const uint8_t *)msg, n, raw), 1);
    assert_int_equal(fw_ed25519_verify(fw_pub, (const uint8_t *)msg, n, raw), 0);
    n = lk_ack_signing_message(ID, "home", "door1", "rejected", "busy", NOW, msg, sizeof msg);
    assert_int_equal(fw_ed25519_verify(fw_ack_pub, (const uint8_t *)msg, n, raw), 0);
    assert_int_equal(ev_find(LK_EVENT_ACK_PUBLISHED, 0)->n, 1); /* qos */
    assert_int_equal(dev.stats.acks_unsigned, 0);
    /* A failing signer: the ack still goes out, unsigned, and is counted. */
    f.sign = NULL;
    f.now_ms += 5000;
    deliver(CMD, ok_payload);
    collect(&s);
    assert_null(strstr(s.ack, "\"sig\""));
    assert_int_equal(dev.stats.acks_unsigned, 1);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_retained_command_never_acts),
        cmocka_unit_test(test_no_trusted_time_refuses),
        cmocka_unit_test(test_window_before_not_before_refused),
        cmocka_unit_test(test_accept_recorded_before_relay),
        cmocka_unit_test(test_accept_record_failure_refuses),
        cmocka_unit_test(test_remembered_id_is_replay),
        cmocka_unit_test(test_ack_is_signed),
    };
    if (argc != 2) {
        (void)fprintf(stderr, "usage: %s tests/vectors/commands.json\n", argv[0]);
        return 2;
    }
    vectors_path = argv[1];
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
