/* test_device_relay.c - unit tests of latchkey-device's relay output
 * (firmware/port/posix/relay_output.c, relay_gpio.c): the independent watchdog that ends
 * a pulse when the main loop stalls, the GPIO backend's logic (off level at request,
 * active-low inversion, off at close, failures) through a fake libgpiod, and the real
 * libgpiod "chip missing" error. Real GPIO hardware is not exercised here. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "relay_gpio.h"
#include "relay_output.h"

static char path[64];
static struct lkp_config cfg;
static struct lkp_relay_output out;
static char err[512];

static void sim_cfg(uint32_t pulse_ms)
{
    int fd;
    snprintf(path, sizeof path, "/tmp/lk-relay-wd-XXXXXX");
    fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    memset(&cfg, 0, sizeof cfg);
    cfg.backend = LKP_RELAY_SIM;
    cfg.pulse_ms = pulse_ms;
    snprintf(cfg.sim_log, sizeof cfg.sim_log, "%s", path);
}

/* Reads the sim log: up to 8 transitions, times in ms and "on"/"off". */
static int read_log(long long *t, char (*what)[8])
{
    FILE *f = fopen(path, "r");
    int n = 0;
    assert_non_null(f);
    while (n < 8 && fscanf(f, "%lld %7s", &t[n], what[n]) == 2)
        n++;
    (void)fclose(f); /* read-only */
    return n;
}

/* The loop switches the relay on and then stalls: the watchdog ends the pulse at
 * pulse_ms + margin, without any call from the "loop". */
static void test_watchdog_ends_stalled_pulse(void **state)
{
    long long t[8];
    char w[8][8];
    (void)state;
    sim_cfg(100);
    assert_int_equal(lkp_relay_output_open(&out, &cfg, NULL, err, sizeof err), 0);
    assert_int_equal(out.limit_ms, 100 + LKP_RELAY_WATCHDOG_MARGIN_MS);
    lkp_relay_output_set(&out, 1);
    assert_int_equal(lkp_relay_output_is_on(&out), 1);
    usleep((100 + LKP_RELAY_WATCHDOG_MARGIN_MS + 300) * 1000); /* the stalled loop */
    assert_int_equal(lkp_relay_output_is_on(&out), 0);
    assert_int_equal(out.trips, 1);
    assert_int_equal(read_log(t, w), 2);
    assert_string_equal(w[0], "on");
    assert_string_equal(w[1], "off");
    assert_true(t[1] - t[0] >= 100 + LKP_RELAY_WATCHDOG_MARGIN_MS - 5);
    assert_true(t[1] - t[0] < 100 + LKP_RELAY_WATCHDOG_MARGIN_MS + 250);
    /* the loop catching up later changes nothing */
    lkp_relay_output_set(&out, 0);
    assert_int_equal(read_log(t, w), 2);
    lkp_relay_output_close(&out);
    unlink(path);
}

/* A loop that ends its pulses on time never sees the watchdog; it re-arms per pulse. */
static void test_watchdog_quiet_on_time(void **state)
{
    long long t[8];
    char w[8][8];
    int i;
    (void)state;
    sim_cfg(100);
    assert_int_equal(lkp_relay_output_open(&out, &cfg, NULL, err, sizeof err), 0);
    for (i = 0; i < 3; i++) {
        lkp_relay_output_set(&out, 1);
        usleep(200 * 1000); /* 200 < 100 + margin: inside the limit */
        lkp_relay_output_set(&out, 0);
    }
    usleep(500 * 1000);
    assert_int_equal(out.trips, 0);
    assert_int_equal(read_log(t, w), 6);
    /* then a stall after a few good pulses is still caught */
    lkp_relay_output_set(&out, 1);
    usleep((100 + LKP_RELAY_WATCHDOG_MARGIN_MS + 300) * 1000);
    assert_int_equal(out.trips, 1);
    assert_int_equal(lkp_relay_output_is_on(&out), 0);
    lkp_relay_output_close(&out);
    assert_int_equal(read_log(t, w), 8);
    assert_string_equal(w[7], "off");
    unlink(path);
}

/* Fatal-signal path: emergency off writes the off line without locks or stdio. */
static void test_emergency_off(void **state)
{
    long long t[8];
    char w[8][8];
    (void)state;
    sim_cfg(5000);
    assert_int_equal(lkp_relay_output_open(&out, &cfg, NULL, err, sizeof err), 0);
    lkp_relay_output_set(&out, 1);
    lkp_relay_output_emergency_off(&out);
    assert_int_equal(read_log(t, w), 2);
    assert_string_equal(w[1], "off");
    assert_true(t[1] >= t[0] && t[1] - t[0] < 1000);
    lkp_relay_output_close(&out);
    assert_int_equal(read_log(t, w), 2); /* already off: nothing more */
    unlink(path);
}

/* ---- GPIO backend through a fake libgpiod ---- */
struct fake_gpio {
    int chip_open, chip_closed, released, requested;
    int missing_chip, busy, fail_set;
    unsigned lines;
    int level;              /* current line level, -1 before the request */
    int levels[16];         /* every level written */
    int nlevels;
    char consumer[32];
};
static struct fake_gpio fg;
static int fake_chip_obj, fake_line_obj;

static void *f_chip_open(const char *name)
{
    (void)name;
    if (fg.missing_chip) {
        errno = ENOENT;
        return NULL;
    }
    fg.chip_open++;
    return &fake_chip_obj;
}
static unsigned f_num_lines(void *chip) { (void)chip; return fg.lines; }
static void *f_get_line(void *chip, unsigned offset) { (void)chip; (void)offset; return &fake_line_obj; }
static int f_request(void *line, const char *consumer, int v)
{
    (void)line;
    if (fg.busy) {
        errno = EBUSY;
        return -1;
    }
    fg.requested++;
    snprintf(fg.consumer, sizeof fg.consumer, "%s", consumer);
    fg.level = v;
    fg.levels[fg.nlevels++] = v;
    return 0;
}
static int f_set(void *line, int v)
{
    (void)line;
    if (fg.fail_set) {
        fg.fail_set--;
        errno = EIO;
        return -1;
    }
    fg.level = v;
    if (fg.nlevels < 16)
        fg.levels[fg.nlevels++] = v;
    return 0;
}
static void f_release(void *line) { (void)line; fg.released++; }
static void f_chip_close(void *chip) { (void)chip; fg.chip_closed++; }
static const struct lkp_gpio_ops fake_ops = {f_chip_open, f_num_lines, f_get_line, f_request,
                                             f_set, f_release, f_chip_close};

static void fake_reset(void)
{
    memset(&fg, 0, sizeof fg);
    fg.lines = 54;
    fg.level = -1;
}

static void test_gpio_levels(void **state)
{
    struct lkp_relay_gpio g;
    int al;
    (void)state;
    for (al = 0; al <= 1; al++) {
        fake_reset();
        assert_int_equal(lkp_relay_gpio_open(&g, &fake_ops, "gpiochip0", 17, al, err, sizeof err), 0);
        assert_int_equal(fg.requested, 1);
        assert_string_equal(fg.consumer, "latchkey-relay");
        assert_int_equal(fg.level, al ? 1 : 0);      /* requested at the OFF level */
        assert_int_equal(lkp_relay_gpio_set(&g, 1), 0);
        assert_int_equal(fg.level, al ? 0 : 1);      /* energised */
        assert_int_equal(g.on, 1);
        assert_int_equal(lkp_relay_gpio_set(&g, 0), 0);
        assert_int_equal(fg.level, al ? 1 : 0);
        assert_int_equal(lkp_relay_gpio_set(&g, 5), 0);
        lkp_relay_gpio_off_now(&g);
        assert_int_equal(fg.level, al ? 1 : 0);
        assert_int_equal(lkp_relay_gpio_set(&g, 1), 0);
        lkp_relay_gpio_close(&g);                     /* off, release, close */
        assert_int_equal(fg.level, al ? 1 : 0);
        assert_int_equal(fg.released, 1);
        assert_int_equal(fg.chip_closed, 1);
        assert_int_equal(lkp_relay_gpio_set(&g, 1), -1); /* closed: refuses */
        lkp_relay_gpio_close(&g);                     /* idempotent */
        assert_int_equal(fg.chip_closed, 1);
    }
}

static void test_gpio_set_failure_drives_off(void **state)
{
    struct lkp_relay_gpio g;
    (void)state;
    fake_reset();
    assert_int_equal(lkp_relay_gpio_open(&g, &fake_ops, "gpiochip0", 4, 0, err, sizeof err), 0);
    fg.fail_set = 1;
    assert_int_equal(lkp_relay_gpio_set(&g, 1), -1);
    assert_int_equal(g.on, 0);
    assert_int_equal(fg.level, 0); /* the retry drove it off */
    lkp_relay_gpio_close(&g);
}

static void test_gpio_errors(void **state)
{
    struct lkp_relay_gpio g;
    (void)state;
    fake_reset();
    fg.missing_chip = 1;
    assert_int_equal(lkp_relay_gpio_open(&g, &fake_ops, "gpiochip7", 17, 0, err, sizeof err), -1);
    assert_non_null(strstr(err, "cannot open GPIO chip 'gpiochip7': No such file or directory"));

    fake_reset();
    fg.lines = 28;
    assert_int_equal(lkp_relay_gpio_open(&g, &fake_ops, "gpiochip0", 40, 0, err, sizeof err), -1);
    assert_string_equal(err, "GPIO chip 'gpiochip0' has no line 40 (it has 28 lines: 0..27)");
    assert_int_equal(fg.chip_closed, 1);

    fake_reset();
    fg.busy = 1;
    assert_int_equal(lkp_relay_gpio_open(&g, &fake_ops, "gpiochip0", 17, 1, err, sizeof err), -1);
    assert_non_null(strstr(err, "cannot use line 17 of GPIO chip 'gpiochip0' as an output: "
                                "Device or resource busy (another program holds it"));
    assert_int_equal(fg.chip_closed, 1);
    assert_null(strchr(err, '\n'));
}

/* The real libgpiod: a chip that does not exist gives a clear error and no output. */
static void test_gpio_chip_missing_real(void **state)
{
    (void)state;
    memset(&cfg, 0, sizeof cfg);
    cfg.backend = LKP_RELAY_GPIO;
    cfg.pulse_ms = 500;
    snprintf(cfg.gpio_chip, sizeof cfg.gpio_chip, "latchkey-no-such-chip");
    cfg.gpio_line = 17;
    assert_int_equal(lkp_relay_output_open(&out, &cfg, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "cannot open GPIO chip 'latchkey-no-such-chip': "));
    assert_null(strchr(err, '\n'));
    assert_int_equal(lkp_relay_output_is_on(&out), 0);
}

/* The watchdog works the same over the GPIO backend. */
static void test_watchdog_gpio(void **state)
{
    (void)state;
    fake_reset();
    memset(&cfg, 0, sizeof cfg);
    cfg.backend = LKP_RELAY_GPIO;
    cfg.pulse_ms = 50;
    cfg.active_low = 1;
    snprintf(cfg.gpio_chip, sizeof cfg.gpio_chip, "gpiochip0");
    cfg.gpio_line = 17;
    assert_int_equal(lkp_relay_output_open(&out, &cfg, &fake_ops, err, sizeof err), 0);
    assert_int_equal(fg.level, 1);
    lkp_relay_output_set(&out, 1);
    assert_int_equal(fg.level, 0);
    usleep((50 + LKP_RELAY_WATCHDOG_MARGIN_MS + 300) * 1000);
    assert_int_equal(fg.level, 1);
    assert_int_equal(out.trips, 1);
    lkp_relay_output_close(&out);
    assert_int_equal(fg.released, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_watchdog_ends_stalled_pulse),
        cmocka_unit_test(test_watchdog_quiet_on_time),
        cmocka_unit_test(test_emergency_off),
        cmocka_unit_test(test_gpio_levels),
        cmocka_unit_test(test_gpio_set_failure_drives_off),
        cmocka_unit_test(test_gpio_errors),
        cmocka_unit_test(test_gpio_chip_missing_real),
        cmocka_unit_test(test_watchdog_gpio),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
