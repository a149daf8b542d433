/* test_device_config.c - unit tests of latchkey-device's config loader
 * (firmware/port/posix/config.c): a valid file, defaults, and one specific error for each
 * missing or bad key, bad hex, bad names, unknown keys and sections, unreadable files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"

#define PUBHEX "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"

/* The lines of a valid config; tests drop or replace one of them. */
static const char *const base[] = {
    "# device config",
    "[broker]",
    "host = localhost",
    "port = 18883",
    "ca = ca.crt",
    "cert = dev.crt",
    "key = dev.key",
    "",
    "[device]",
    "site = home",
    "door = door1",
    "command_pubkey = " PUBHEX, // NOLINT(bugprone-suspicious-missing-comma): key spliced in
    "",
    "[relay]",
    "backend = sim",
    "sim_log = relay.log",
    "pulse_ms = 700",
    "min_interval_ms = 1500",
};
#define NBASE (sizeof base / sizeof base[0])

static char text[8192];

/* Builds the config text: base with the line starting with `drop` removed (NULL: none),
 * the line starting with `replace_prefix` replaced by `with`, and `extra` appended. */
static const char *build(const char *drop, const char *replace_prefix, const char *with,
                         const char *extra)
{
    size_t i;

    text[0] = '\0';
    for (i = 0; i < NBASE; i++) {
        const char *l = base[i];
        if (drop != NULL && strncmp(l, drop, strlen(drop)) == 0)
            continue;
        if (replace_prefix != NULL && strncmp(l, replace_prefix, strlen(replace_prefix)) == 0)
            l = with;
        strcat(text, l);
        strcat(text, "\n");
    }
    if (extra != NULL)
        strcat(text, extra);
    return text;
}

static struct lkp_config cfg;
static char err[1024];

static int parse(const char *t)
{
    return lkp_config_parse(t, "dev.ini", &cfg, err, sizeof err);
}

static void expect_error(const char *t, const char *want)
{
    int rc = parse(t);

    if (rc == 0 || strstr(err, want) == NULL)
        fail_msg("expected an error containing \"%s\", got rc=%d err=\"%s\"", want, rc, err);
    assert_null(strchr(err, '\n')); /* one line */
}

static void test_valid(void **state)
{
    static const uint8_t pub0[4] = {0xd7, 0x5a, 0x98, 0x01};
    (void)state;
    assert_int_equal(parse(build(NULL, NULL, NULL, NULL)), 0);
    assert_string_equal(cfg.host, "localhost");
    assert_int_equal(cfg.port, 18883);
    assert_string_equal(cfg.ca, "ca.crt");
    assert_string_equal(cfg.cert, "dev.crt");
    assert_string_equal(cfg.key, "dev.key");
    assert_string_equal(cfg.site, "home");
    assert_string_equal(cfg.door, "door1");
    assert_memory_equal(cfg.pubkey, pub0, 4);
    assert_int_equal(cfg.pubkey[31], 0x1a);
    assert_int_equal(cfg.backend, LKP_RELAY_SIM);
    assert_string_equal(cfg.sim_log, "relay.log");
    assert_int_equal(cfg.pulse_ms, 700);
    assert_int_equal(cfg.min_interval_ms, 1500);
    assert_int_equal(cfg.keepalive_s, LK_DEVICE_KEEPALIVE_DEFAULT_S);
}

static void test_defaults(void **state)
{
    (void)state;
    assert_int_equal(parse(build("pulse_ms", "port", "", NULL)), 0);
    assert_int_equal(cfg.port, 8883);
    assert_int_equal(cfg.pulse_ms, 500);
    assert_int_equal(parse(build("min_interval_ms", NULL, NULL, NULL)), 0);
    assert_int_equal(cfg.min_interval_ms, 2000);
    assert_int_equal(cfg.time_beacon, 0); /* the system clock, unless asked */
}

static void test_time_beacon(void **state)
{
    (void)state;
    assert_int_equal(parse(build(NULL, "door = ", "door = door1\ntime_beacon = true", NULL)), 0);
    assert_int_equal(cfg.time_beacon, 1);
    assert_int_equal(parse(build(NULL, "door = ", "door = door1\ntime_beacon = false", NULL)), 0);
    assert_int_equal(cfg.time_beacon, 0);
    expect_error(build(NULL, "door = ", "door = door1\ntime_beacon = sometimes", NULL),
                 "time_beacon");
}

static void test_missing_required(void **state)
{
    static const struct { const char *line, *want; } cases[] = {
        {"host", "dev.ini: missing required key [broker] host"},
        {"ca", "dev.ini: missing required key [broker] ca"},
        {"cert", "dev.ini: missing required key [broker] cert"},
        {"key", "dev.ini: missing required key [broker] key"},
        {"site", "dev.ini: missing required key [device] site"},
        {"door", "dev.ini: missing required key [device] door"},
        {"command_pubkey", "dev.ini: missing required key [device] command_pubkey"},
        {"backend", "dev.ini: missing required key [relay] backend"},
        {"sim_log", "dev.ini: missing required key [relay] sim_log"},
    };
    size_t i;
    char prefix[64];
    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(prefix, sizeof prefix, "%s =", cases[i].line);
        expect_error(build(prefix, NULL, NULL, NULL), cases[i].want);
    }
}

static void test_bad_hex(void **state)
{
    (void)state;
    expect_error(build(NULL, "command_pubkey", "command_pubkey = abcd", NULL),
                 "dev.ini:12: command_pubkey must be exactly 64 hex characters");
    expect_error(build(NULL, "command_pubkey",
                       "command_pubkey = g75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
                       NULL),
                 "dev.ini:12: command_pubkey must be exactly 64 hex characters");
    expect_error(build(NULL, "command_pubkey", "command_pubkey = " PUBHEX "00", NULL),
                 "command_pubkey must be exactly 64 hex characters");
    expect_error(build(NULL, "command_pubkey", "command_pubkey =", NULL),
                 "command_pubkey must be exactly 64 hex characters");
}

static void test_bad_names(void **state)
{
    (void)state;
    expect_error(build(NULL, "site", "site = Home", NULL), "dev.ini:10: site 'Home' is invalid");
    expect_error(build(NULL, "site", "site = ho/me", NULL), "site 'ho/me' is invalid");
    expect_error(build(NULL, "site", "site =", NULL), "site '' is invalid");
    expect_error(build(NULL, "door", "door = 0123456789012345678901234567890123", NULL),
                 "dev.ini:11: door '0123456789012345678901234567890123' is invalid");
    assert_int_equal(parse(build(NULL, "door", "door = 01234567890123456789012345678901", NULL)), 0);
}

static void test_unknown(void **state)
{
    (void)state;
    expect_error(build(NULL, "port", "prot = 8883", NULL),
                 "dev.ini:4: unknown key 'prot' in [broker]");
    expect_error(build(NULL, NULL, NULL, "colour = red\n"),
                 "dev.ini:19: unknown key 'colour' in [relay]");
    expect_error(build(NULL, NULL, NULL, "[extra]\nx = 1\n"), "dev.ini:19: unknown section [extra]");
    expect_error(build(NULL, NULL, NULL, "[empty]\n"), "dev.ini:19: unknown section [empty]");
    expect_error("x = 1\n[broker]\n", "dev.ini:1: key 'x' outside a section");
}

static void test_bad_values(void **state)
{
    (void)state;
    expect_error(build(NULL, "backend", "backend = gpio", NULL),
                 "dev.ini: missing required key [relay] gpio_line (backend = gpio)");
    expect_error(build(NULL, "backend", "backend = lpt", NULL), "unknown relay backend 'lpt'");
    expect_error(build(NULL, "pulse_ms", "pulse_ms = 49", NULL),
                 "dev.ini:17: pulse_ms '49' is invalid (expected an integer from 50 to 10000)");
    expect_error(build(NULL, "pulse_ms", "pulse_ms = 10001", NULL), "pulse_ms '10001' is invalid");
    expect_error(build(NULL, "pulse_ms", "pulse_ms = 5x", NULL), "pulse_ms '5x' is invalid");
    expect_error(build(NULL, "pulse_ms", "pulse_ms = -1", NULL), "pulse_ms '-1' is invalid");
    expect_error(build(NULL, "pulse_ms", "pulse_ms = 99999999999999999999", NULL),
                 "pulse_ms '99999999999999999999' is invalid");
    assert_int_equal(parse(build(NULL, "pulse_ms", "pulse_ms = 50", NULL)), 0);
    assert_int_equal(parse(build(NULL, "pulse_ms", "pulse_ms = 10000", NULL)), 0);
    expect_error(build(NULL, "min_interval_ms", "min_interval_ms = many", NULL),
                 "min_interval_ms 'many' is invalid");
    expect_error(build(NULL, "port", "port = 0", NULL), "dev.ini:4: port '0' is invalid");
    expect_error(build(NULL, "port", "port = 65536", NULL), "port '65536' is invalid");
    expect_error(build(NULL, "host", "host =", NULL), "dev.ini:3: host must be 1 to");
    expect_error(build(NULL, "ca", "ca =", NULL), "dev.ini:5: ca must not be empty");
}

static void test_gpio_and_homeassistant(void **state)
{
    (void)state;
    assert_int_equal(parse(build("sim_log", "backend", "backend = gpio",
                                 "gpio_line = 17\nactive_low = true\n")), 0);
    assert_int_equal(cfg.backend, LKP_RELAY_GPIO);
    assert_string_equal(cfg.gpio_chip, "gpiochip0"); /* default */
    assert_int_equal(cfg.gpio_line, 17);
    assert_int_equal(cfg.active_low, 1);
    assert_int_equal(parse(build("sim_log", "backend", "backend = gpio",
                                 "gpio_chip = gpiochip4\ngpio_line = 0\nactive_low = no\n")), 0);
    assert_string_equal(cfg.gpio_chip, "gpiochip4");
    assert_int_equal(cfg.active_low, 0);
    expect_error(build("sim_log", "backend", "backend = gpio", "gpio_line = 1024\n"),
                 "gpio_line '1024' is invalid (expected an integer from 0 to 1023)");
    expect_error(build("sim_log", "backend", "backend = gpio", "gpio_line = 1\nactive_low = maybe\n"),
                 "active_low 'maybe' is invalid (expected true or false)");
    expect_error(build("sim_log", "backend", "backend = gpio", "gpio_line = 1\ngpio_chip = a b\n"),
                 "gpio_chip 'a b' is invalid");
    expect_error(build(NULL, NULL, NULL, "gpio_line = 3\n"),
                 "gpio_chip, gpio_line and active_low need backend = gpio");

    /* Home Assistant: off by default, prefix default homeassistant */
    assert_int_equal(parse(build(NULL, NULL, NULL, NULL)), 0);
    assert_int_equal(cfg.ha_discovery, 0);
    assert_int_equal(cfg.local_command, 0);
    assert_string_equal(cfg.ha_prefix, "homeassistant");
    assert_int_equal(parse(build(NULL, NULL, NULL, "[homeassistant]\ndiscovery = true\n")), 0);
    assert_int_equal(cfg.ha_discovery, 1);
    assert_int_equal(cfg.local_command, 0);
    assert_int_equal(parse(build(NULL, NULL, NULL,
                                 "[homeassistant]\ndiscovery = 1\nprefix = ha/test\n"
                                 "local_command = true\n")), 0);
    assert_string_equal(cfg.ha_prefix, "ha/test");
    assert_int_equal(cfg.local_command, 1);
    expect_error(build(NULL, NULL, NULL, "[homeassistant]\nprefix = ha/+/x\n"),
                 "dev.ini:20: prefix 'ha/+/x' is invalid");
    expect_error(build(NULL, NULL, NULL, "[homeassistant]\nprefix = /ha\n"), "prefix '/ha' is invalid");
    expect_error(build(NULL, NULL, NULL, "[homeassistant]\ndiscovery = on\n"),
                 "discovery 'on' is invalid");
    expect_error(build(NULL, NULL, NULL, "[homeassistant]\nbutton = true\n"),
                 "unknown key 'button' in [homeassistant]");
}

static void test_syntax(void **state)
{
    char longline[400];
    (void)state;
    expect_error(build(NULL, "port", "port 8883", NULL), "dev.ini:4: syntax error");
    expect_error(build(NULL, NULL, NULL, "pulse_ms = 600\n"), "dev.ini:19: duplicate key 'pulse_ms'");
    expect_error(build(NULL, NULL, NULL, "  continued\n"), "dev.ini:19: duplicate key 'min_interval_ms'");
    memset(longline, 'a', sizeof longline);
    memcpy(longline, "sim_log = ", 10);
    longline[sizeof longline - 1] = '\0';
    expect_error(build(NULL, "sim_log", longline, NULL), "dev.ini:16: line too long");
    /* the first error wins, even if it is a syntax error before a handler error */
    expect_error(build(NULL, "host", "host localhost", "prot = 1\n"), "dev.ini:3: syntax error");
}

/* lkp_config_load: file access. Runs in a temporary directory. */
static char dir[] = "/tmp/lk-devcfg-XXXXXX";

static void write_file(const char *name, const char *content)
{
    char path[256];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fputs(content, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

static void test_load(void **state)
{
    char path[256], line[400];
    (void)state;
    assert_non_null(mkdtemp(dir));
    assert_int_equal(chdir(dir), 0);
    write_file("ca.crt", "x");
    write_file("dev.crt", "x");
    write_file("dev.key", "x");
    write_file("dev.ini", build(NULL, NULL, NULL, NULL));
    snprintf(path, sizeof path, "%s/dev.ini", dir);
    assert_int_equal(lkp_config_load(path, &cfg, err, sizeof err), 0);
    assert_string_equal(cfg.site, "home");

    assert_int_equal(lkp_config_load("nonexistent.ini", &cfg, err, sizeof err), -1);
    assert_non_null(strstr(err, "nonexistent.ini: cannot open config: No such file or directory"));

    write_file("dev.ini", build(NULL, "key", "key = missing.key", NULL));
    assert_int_equal(lkp_config_load(path, &cfg, err, sizeof err), -1);
    snprintf(line, sizeof line, "%s: cannot read [broker] key file '%s/missing.key': No such file",
             path, dir);
    assert_non_null(strstr(err, line));

    write_file("dev.ini", build(NULL, "ca", "ca = missing-ca.crt", NULL));
    assert_int_equal(lkp_config_load(path, &cfg, err, sizeof err), -1);
    assert_non_null(strstr(err, "/missing-ca.crt'"));

    /* relative paths are relative to the config's directory, not the working directory */
    write_file("dev.ini", build(NULL, NULL, NULL, NULL));
    assert_int_equal(chdir("/"), 0);
    assert_int_equal(lkp_config_load(path, &cfg, err, sizeof err), 0);
    snprintf(line, sizeof line, "%s/ca.crt", dir);
    assert_string_equal(cfg.ca, line);
    snprintf(line, sizeof line, "%s/dev.key", dir);
    assert_string_equal(cfg.key, line);
    snprintf(line, sizeof line, "%s/relay.log", dir);
    assert_string_equal(cfg.sim_log, line);
    /* absolute paths are kept */
    snprintf(line, sizeof line, "ca = %s/ca.crt", dir);
    write_file("dev.ini", build(NULL, "ca", line, NULL));
    assert_int_equal(lkp_config_load(path, &cfg, err, sizeof err), 0);
    assert_string_equal(cfg.ca, line + 5);
    assert_int_equal(chdir(dir), 0);

    write_file("dev.ini", build("door", NULL, NULL, NULL));
    assert_int_equal(lkp_config_load(path, &cfg, err, sizeof err), -1);
    snprintf(line, sizeof line, "%s: missing required key [device] door", path);
    assert_string_equal(err, line);

    unlink("ca.crt");
    unlink("dev.crt");
    unlink("dev.key");
    unlink("dev.ini");
    assert_int_equal(chdir("/"), 0);
    assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),       cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_time_beacon), cmocka_unit_test(test_missing_required),
        cmocka_unit_test(test_bad_hex),     cmocka_unit_test(test_bad_names),
        cmocka_unit_test(test_unknown),     cmocka_unit_test(test_bad_values),
        cmocka_unit_test(test_syntax),      cmocka_unit_test(test_gpio_and_homeassistant),
        cmocka_unit_test(test_load),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
