/* config.c - loads and validates the device's INI config (strict reading on inih:
 * lkhost/ini.h). Every problem becomes
 * one line "file:line: what is wrong" (or "file: ..." when no line applies). The parser
 * (lkp_config_parse) works on text only, so it can be fuzzed without touching files. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lkhost/hex.h>
#include <lkhost/ini.h>
#include <lk/door_sensor.h>
#include <lk/ha_discovery.h>

#define LKP_CONFIG_FILE_MAX (64 * 1024)

/* One bit per key, to detect duplicates (and inih's multi-line continuations) and
 * missing required keys. */
enum {
    K_HOST = 1u << 0,
    K_PORT = 1u << 1,
    K_KEEPALIVE = 1u << 2,
    K_CA = 1u << 3,
    K_CERT = 1u << 4,
    K_KEY = 1u << 5,
    K_SITE = 1u << 6,
    K_DOOR = 1u << 7,
    K_PUBKEY = 1u << 8,
    K_BACKEND = 1u << 9,
    K_SIM_LOG = 1u << 10,
    K_PULSE = 1u << 11,
    K_MIN_INTERVAL = 1u << 12,
    K_GPIO_CHIP = 1u << 13,
    K_GPIO_LINE = 1u << 14,
    K_ACTIVE_LOW = 1u << 15,
    K_HA_DISCOVERY = 1u << 16,
    K_HA_PREFIX = 1u << 17,
    K_LOCAL_COMMAND = 1u << 18,
    K_ACK_KEY = 1u << 19,
    K_STATE_FILE = 1u << 20,
    K_DOOR_BACKEND = 1u << 21,
    K_DOOR_FILE = 1u << 22,
    K_DOOR_CHIP = 1u << 23,
    K_DOOR_LINE = 1u << 24,
    K_DOOR_BIAS = 1u << 25,
    K_DOOR_LOW = 1u << 26,
    K_DOOR_DEBOUNCE = 1u << 27,
    K_DOOR_WINDOW = 1u << 28,
    K_TIME_BEACON = 1u << 29
};

struct parse_state {
    struct lkh_ini ini;    /* the reader: line numbers and the first error */
    struct lkp_config *cfg;
    const char *name;      /* file name for messages */
    unsigned seen;
    char *err;
    size_t errlen;
};

static void set_err(struct parse_state *st, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void set_err(struct parse_state *st, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    lkh_ini_vfail(&st->ini, st->ini.line, fmt, ap); /* keeps the first error */
    va_end(ap);
}

static int section_known(const char *s, size_t len)
{
    return (len == 6 && memcmp(s, "broker", 6) == 0) || (len == 6 && memcmp(s, "device", 6) == 0) ||
           (len == 5 && memcmp(s, "relay", 5) == 0) ||
           (len == 13 && memcmp(s, "homeassistant", 13) == 0) ||
           (len == 11 && memcmp(s, "door_sensor", 11) == 0);
}

/* Refuses an unknown section at its header (inih does not report sections that hold
 * no key). */
static int header(void *user, const char *s, int line)
{
    struct parse_state *st = user;
    const char *end = strchr(s, ']');

    (void)line;
    if (end != NULL && !section_known(s + 1, (size_t)(end - s - 1))) {
        set_err(st,
                "unknown section [%.*s] (expected [broker], [device], [relay], "
                "[homeassistant] or [door_sensor])",
                (int)(end - s - 1), s + 1);
        return -1;
    }
    return 0;
}

/* Strict unsigned decimal in [min, max]. */
static int parse_u32(const char *v, uint32_t min, uint32_t max, uint32_t *out)
{
    unsigned long long x = 0;

    if (*v == '\0')
        return -1;
    for (; *v != '\0'; v++) {
        if (*v < '0' || *v > '9')
            return -1;
        x = x * 10u + (unsigned)(*v - '0');
        if (x > max)
            return -1;
    }
    if (x < min)
        return -1;
    *out = (uint32_t)x;
    return 0;
}

static int set_path(struct parse_state *st, const char *key, const char *v, char *dst)
{
    size_t n = strlen(v);

    if (n == 0) {
        set_err(st, "%s must not be empty", key);
        return 0;
    }
    if (n >= LKP_PATH_MAX) {
        set_err(st, "%s is too long (at most %d characters)", key, LKP_PATH_MAX - 1);
        return 0;
    }
    memcpy(dst, v, n + 1);
    return 1;
}

static int set_name(struct parse_state *st, const char *key, const char *v, char *dst)
{
    size_t n = strlen(v);

    if (!lk_name_valid(v, n)) {
        set_err(st, "%s '%s' is invalid (expected [a-z0-9_-]{1,%d})", key, v, LK_NAME_MAX);
        return 0;
    }
    memcpy(dst, v, n + 1);
    return 1;
}

static int set_u32(struct parse_state *st, const char *key, const char *v, uint32_t min,
                   uint32_t max, uint32_t *dst)
{
    if (parse_u32(v, min, max, dst) != 0) {
        set_err(st, "%s '%s' is invalid (expected an integer from %lu to %lu)", key, v,
                (unsigned long)min, (unsigned long)max);
        return 0;
    }
    return 1;
}

static int set_bool(struct parse_state *st, const char *key, const char *v, int *dst)
{
    if (strcmp(v, "true") == 0 || strcmp(v, "yes") == 0 || strcmp(v, "1") == 0) {
        *dst = 1;
        return 1;
    }
    if (strcmp(v, "false") == 0 || strcmp(v, "no") == 0 || strcmp(v, "0") == 0) {
        *dst = 0;
        return 1;
    }
    set_err(st, "%s '%s' is invalid (expected true or false)", key, v);
    return 0;
}

static int broker_key(struct parse_state *st, const char *k, const char *v)
{
    struct lkp_config *c = st->cfg;
    uint32_t x;

    if (strcmp(k, "host") == 0) {
        size_t i, n = strlen(v);
        if (n == 0 || n > LKP_HOST_MAX) {
            set_err(st, "host must be 1 to %d characters", LKP_HOST_MAX);
            return 0;
        }
        for (i = 0; i < n; i++) {
            if (isspace((unsigned char)v[i]) || !isprint((unsigned char)v[i])) {
                set_err(st, "host '%s' contains a space or control character", v);
                return 0;
            }
        }
        memcpy(c->host, v, n + 1);
        return 1;
    }
    if (strcmp(k, "port") == 0) {
        if (!set_u32(st, k, v, 1, 65535, &x))
            return 0;
        c->port = (uint16_t)x;
        return 1;
    }
    if (strcmp(k, "keepalive") == 0) {
        if (!set_u32(st, k, v, LKP_KEEPALIVE_S_MIN, LKP_KEEPALIVE_S_MAX, &x))
            return 0;
        c->keepalive_s = (uint16_t)x;
        return 1;
    }
    if (strcmp(k, "ca") == 0)
        return set_path(st, k, v, c->ca);
    if (strcmp(k, "cert") == 0)
        return set_path(st, k, v, c->cert);
    if (strcmp(k, "key") == 0)
        return set_path(st, k, v, c->key);
    set_err(st, "unknown key '%s' in [broker] (expected host, port, ca, cert, key, keepalive)", k);
    return 0;
}

static int device_key(struct parse_state *st, const char *k, const char *v)
{
    struct lkp_config *c = st->cfg;

    if (strcmp(k, "site") == 0)
        return set_name(st, k, v, c->site);
    if (strcmp(k, "door") == 0)
        return set_name(st, k, v, c->door);
    if (strcmp(k, "command_pubkey") == 0) {
        if (lkh_hex_decode(v, strlen(v), c->pubkey, LK_PUBKEY_LEN, LKH_HEX_ANY_CASE) != 0) {
            set_err(st, "command_pubkey must be exactly 64 hex characters (32 bytes)");
            return 0;
        }
        return 1;
    }
    if (strcmp(k, "ack_key") == 0)
        return set_path(st, k, v, c->ack_key);
    if (strcmp(k, "state_file") == 0)
        return set_path(st, k, v, c->state_file);
    if (strcmp(k, "time_beacon") == 0)
        return set_bool(st, k, v, &c->time_beacon);
    set_err(st,
            "unknown key '%s' in [device] (expected site, door, command_pubkey, ack_key, "
            "state_file, time_beacon)",
            k);
    return 0;
}

static int relay_key(struct parse_state *st, const char *k, const char *v)
{
    struct lkp_config *c = st->cfg;

    if (strcmp(k, "backend") == 0) {
        if (strcmp(v, "sim") == 0) {
            c->backend = LKP_RELAY_SIM;
            return 1;
        }
        if (strcmp(v, "gpio") == 0) {
            c->backend = LKP_RELAY_GPIO;
            return 1;
        }
        set_err(st, "unknown relay backend '%s' (expected sim or gpio)", v);
        return 0;
    }
    if (strcmp(k, "sim_log") == 0)
        return set_path(st, k, v, c->sim_log);
    if (strcmp(k, "gpio_chip") == 0) {
        size_t i, n = strlen(v);
        for (i = 0; i < n; i++)
            if (isspace((unsigned char)v[i]) || !isprint((unsigned char)v[i]))
                break;
        if (n == 0 || n > LKP_GPIO_CHIP_MAX || i != n) {
            set_err(st, "gpio_chip '%s' is invalid (expected a chip name like gpiochip0, "
                    "at most %d characters)", v, LKP_GPIO_CHIP_MAX);
            return 0;
        }
        memcpy(c->gpio_chip, v, n + 1);
        return 1;
    }
    if (strcmp(k, "gpio_line") == 0)
        return set_u32(st, k, v, 0, LKP_GPIO_LINE_MAX, &c->gpio_line);
    if (strcmp(k, "active_low") == 0)
        return set_bool(st, k, v, &c->active_low);
    if (strcmp(k, "pulse_ms") == 0)
        return set_u32(st, k, v, LK_RELAY_PULSE_MIN_MS, LK_RELAY_PULSE_MAX_MS, &c->pulse_ms);
    if (strcmp(k, "min_interval_ms") == 0)
        return set_u32(st, k, v, 0, LK_RELAY_INTERVAL_MAX_MS, &c->min_interval_ms);
    set_err(st, "unknown key '%s' in [relay] (expected backend, sim_log, pulse_ms, "
            "min_interval_ms, gpio_chip, gpio_line, active_low)", k);
    return 0;
}

static int ha_key(struct parse_state *st, const char *k, const char *v)
{
    struct lkp_config *c = st->cfg;

    if (strcmp(k, "discovery") == 0)
        return set_bool(st, k, v, &c->ha_discovery);
    if (strcmp(k, "local_command") == 0)
        return set_bool(st, k, v, &c->local_command);
    if (strcmp(k, "prefix") == 0) {
        if (!lk_ha_prefix_valid(v)) {
            set_err(st, "prefix '%s' is invalid (expected 1 to %u characters of "
                    "[A-Za-z0-9_-/], no empty level)", v, (unsigned)LK_HA_PREFIX_MAX);
            return 0;
        }
        memcpy(c->ha_prefix, v, strlen(v) + 1);
        return 1;
    }
    set_err(st, "unknown key '%s' in [homeassistant] (expected discovery, prefix, "
            "local_command)", k);
    return 0;
}

/* [door_sensor] (door_input.h): the contact's input, debounce and window. */
static int door_sensor_key(struct parse_state *st, const char *k, const char *v)
{
    struct lkp_config *c = st->cfg;
    static const char *const bias[] = {"as-is", "disable", "pull-up", "pull-down"};
    size_t i;

    if (strcmp(k, "backend") == 0) {
        if (strcmp(v, "gpio") != 0 && strcmp(v, "file") != 0) {
            set_err(st, "unknown door_sensor backend '%s' (expected gpio or file)", v);
            return 0;
        }
        c->door_backend = v[0] == 'g' ? LKP_DOOR_GPIO : LKP_DOOR_FILE;
        return 1;
    }
    if (strcmp(k, "file") == 0)
        return set_path(st, k, v, c->door_file);
    if (strcmp(k, "gpio_chip") == 0) {
        if (strlen(v) == 0 || strlen(v) > LKP_GPIO_CHIP_MAX || strpbrk(v, " \t") != NULL) {
            set_err(st, "gpio_chip '%s' is invalid (expected a chip name like gpiochip0)", v);
            return 0;
        }
        memcpy(c->door_chip, v, strlen(v) + 1);
        return 1;
    }
    if (strcmp(k, "gpio_line") == 0)
        return set_u32(st, k, v, 0, LKP_GPIO_LINE_MAX, &c->door_line);
    if (strcmp(k, "bias") == 0) {
        for (i = 0; i < sizeof bias / sizeof bias[0]; i++)
            if (strcmp(v, bias[i]) == 0) {
                c->door_bias = (enum lkp_bias)i;
                return 1;
            }
        set_err(st, "bias '%s' is invalid (expected as-is, disable, pull-up or pull-down)", v);
        return 0;
    }
    if (strcmp(k, "active_low") == 0)
        return set_bool(st, k, v, &c->door_active_low);
    if (strcmp(k, "debounce_ms") == 0)
        return set_u32(st, k, v, 1, LK_DOOR_DEBOUNCE_MAX_MS, &c->door_debounce_ms);
    if (strcmp(k, "window_ms") == 0)
        return set_u32(st, k, v, 1000, LK_DOOR_WINDOW_MAX_MS, &c->door_window_ms);
    set_err(st,
            "unknown key '%s' in [door_sensor] (expected backend, file, gpio_chip, "
            "gpio_line, bias, active_low, debounce_ms, window_ms)",
            k);
    return 0;
}

static unsigned key_bit(const char *section, const char *k)
{
    static const struct {
        const char *section, *key;
        unsigned bit;
    } keys[] = {
        {"broker", "host", K_HOST},
        {"broker", "port", K_PORT},
        {"broker", "keepalive", K_KEEPALIVE},
        {"broker", "ca", K_CA},
        {"broker", "cert", K_CERT},
        {"broker", "key", K_KEY},
        {"device", "site", K_SITE},
        {"device", "door", K_DOOR},
        {"device", "command_pubkey", K_PUBKEY},
        {"device", "ack_key", K_ACK_KEY},
        {"device", "state_file", K_STATE_FILE},
        {"device", "time_beacon", K_TIME_BEACON},
        {"relay", "backend", K_BACKEND},
        {"relay", "sim_log", K_SIM_LOG},
        {"relay", "pulse_ms", K_PULSE},
        {"relay", "min_interval_ms", K_MIN_INTERVAL},
        {"relay", "gpio_chip", K_GPIO_CHIP},
        {"relay", "gpio_line", K_GPIO_LINE},
        {"relay", "active_low", K_ACTIVE_LOW},
        {"homeassistant", "discovery", K_HA_DISCOVERY},
        {"homeassistant", "prefix", K_HA_PREFIX},
        {"homeassistant", "local_command", K_LOCAL_COMMAND},
        {"door_sensor", "backend", K_DOOR_BACKEND},
        {"door_sensor", "file", K_DOOR_FILE},
        {"door_sensor", "gpio_chip", K_DOOR_CHIP},
        {"door_sensor", "gpio_line", K_DOOR_LINE},
        {"door_sensor", "bias", K_DOOR_BIAS},
        {"door_sensor", "active_low", K_DOOR_LOW},
        {"door_sensor", "debounce_ms", K_DOOR_DEBOUNCE},
        {"door_sensor", "window_ms", K_DOOR_WINDOW},
    };
    size_t i;

    for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (strcmp(section, keys[i].section) == 0 && strcmp(k, keys[i].key) == 0)
            return keys[i].bit;
    return 0;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
    struct parse_state *st = user;
    unsigned bit;

    if (section[0] == '\0') {
        set_err(st, "key '%s' outside a section", name);
        return 0;
    }
    bit = key_bit(section, name);
    if (bit != 0 && (st->seen & bit) != 0) {
        set_err(st, "duplicate key '%s' in [%s] (or a continuation line)", name, section);
        return 0;
    }
    st->seen |= bit;
    if (strcmp(section, "broker") == 0)
        return broker_key(st, name, value);
    if (strcmp(section, "device") == 0)
        return device_key(st, name, value);
    if (strcmp(section, "homeassistant") == 0)
        return ha_key(st, name, value);
    if (strcmp(section, "door_sensor") == 0)
        return door_sensor_key(st, name, value);
    return relay_key(st, name, value); /* the reader let only known sections through */
}

static int check_required(struct parse_state *st)
{
    static const struct { unsigned bit; const char *what; } req[] = {
        {K_HOST, "[broker] host"}, {K_CA, "[broker] ca"}, {K_CERT, "[broker] cert"},
        {K_KEY, "[broker] key"}, {K_SITE, "[device] site"}, {K_DOOR, "[device] door"},
        {K_PUBKEY, "[device] command_pubkey"}, {K_BACKEND, "[relay] backend"},
    };
    size_t i;

    for (i = 0; i < sizeof req / sizeof req[0]; i++) {
        if ((st->seen & req[i].bit) == 0) {
            snprintf(st->err, st->errlen, "%s: missing required key %s", st->name, req[i].what);
            return -1;
        }
    }
    if (st->cfg->backend == LKP_RELAY_SIM && (st->seen & K_SIM_LOG) == 0) {
        snprintf(st->err, st->errlen, "%s: missing required key [relay] sim_log (backend = sim)",
                 st->name);
        return -1;
    }
    if (st->cfg->backend == LKP_RELAY_GPIO && (st->seen & K_GPIO_LINE) == 0) {
        snprintf(st->err, st->errlen, "%s: missing required key [relay] gpio_line (backend = gpio)",
                 st->name);
        return -1;
    }
    if ((st->seen & (K_DOOR_FILE | K_DOOR_CHIP | K_DOOR_LINE | K_DOOR_BIAS | K_DOOR_LOW |
                     K_DOOR_DEBOUNCE | K_DOOR_WINDOW)) != 0 &&
        (st->seen & K_DOOR_BACKEND) == 0) {
        snprintf(st->err, st->errlen, "%s: [door_sensor] needs backend = gpio or file", st->name);
        return -1;
    }
    if ((st->cfg->door_backend == LKP_DOOR_FILE && (st->seen & K_DOOR_FILE) == 0) ||
        (st->cfg->door_backend == LKP_DOOR_GPIO && (st->seen & K_DOOR_LINE) == 0)) {
        snprintf(st->err, st->errlen, "%s: [door_sensor] backend = %s needs %s", st->name,
                 st->cfg->door_backend == LKP_DOOR_FILE ? "file" : "gpio",
                 st->cfg->door_backend == LKP_DOOR_FILE ? "file" : "gpio_line");
        return -1;
    }
    if (st->cfg->backend != LKP_RELAY_GPIO && (st->seen & (K_GPIO_CHIP | K_GPIO_LINE | K_ACTIVE_LOW))) {
        snprintf(st->err, st->errlen, "%s: [relay] gpio_chip, gpio_line and active_low need "
                 "backend = gpio", st->name);
        return -1;
    }
    return 0;
}

int lkp_config_parse(const char *text, const char *name, struct lkp_config *cfg,
                     char *err, size_t errlen)
{
    struct parse_state st;

    memset(cfg, 0, sizeof *cfg);
    cfg->port = LKP_PORT_DEFAULT;
    cfg->keepalive_s = LK_DEVICE_KEEPALIVE_DEFAULT_S;
    cfg->pulse_ms = LK_RELAY_DEFAULT_PULSE_MS;
    cfg->min_interval_ms = LKP_MIN_INTERVAL_MS_DEFAULT;
    memcpy(cfg->gpio_chip, "gpiochip0", sizeof "gpiochip0");
    memcpy(cfg->door_chip, "gpiochip0", sizeof "gpiochip0");
    cfg->door_bias = LKP_BIAS_PULL_UP; /* a contact to ground, open = high */
    memcpy(cfg->ha_prefix, LKP_HA_PREFIX_DEFAULT, sizeof LKP_HA_PREFIX_DEFAULT);

    memset(&st, 0, sizeof st);
    st.cfg = cfg;
    st.name = name;
    st.err = err;
    st.errlen = errlen;
    if (errlen > 0)
        err[0] = '\0';

    lkh_ini_init(&st.ini, &st);
    st.ini.key = handler;
    st.ini.header = header;
    if (lkh_ini_parse_text(&st.ini, text) != 0) {
        lkh_ini_message(&st.ini, name, err, errlen); /* about the first bad line */
        return -1;
    }
    return check_required(&st);
}

/* Reads a whole (small) text file into a NUL-terminated heap buffer. */
static char *read_text(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    size_t n;

    if (f == NULL) {
        snprintf(err, errlen, "%s: cannot open config: %s", path, strerror(errno));
        return NULL;
    }
    buf = malloc(LKP_CONFIG_FILE_MAX + 1);
    if (buf == NULL) {
        (void)fclose(f); /* read-only */
        snprintf(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    n = fread(buf, 1, LKP_CONFIG_FILE_MAX + 1, f);
    if (ferror(f)) {
        snprintf(err, errlen, "%s: cannot read config: %s", path, strerror(errno));
        goto fail;
    }
    if (n > LKP_CONFIG_FILE_MAX) {
        snprintf(err, errlen, "%s: config is larger than %d bytes", path, LKP_CONFIG_FILE_MAX);
        goto fail;
    }
    if (memchr(buf, '\0', n) != NULL) {
        snprintf(err, errlen, "%s: config contains a NUL byte", path);
        goto fail;
    }
    buf[n] = '\0';
    (void)fclose(f); /* read-only: nothing is lost if it fails */
    return buf;
fail:
    (void)fclose(f); /* read-only */
    free(buf);
    return NULL;
}

static int check_readable(const char *cfg_path, const char *what, const char *path,
                          char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");

    if (f == NULL) {
        snprintf(err, errlen, "%s: cannot read %s file '%s': %s", cfg_path, what, path,
                 strerror(errno));
        return -1;
    }
    (void)fclose(f); /* read-only: nothing is lost if it fails */
    return 0;
}

/* A relative file path in the config is relative to the config file's directory. */
static int resolve(const char *cfg_path, const char *what, char *file, char *err, size_t errlen)
{
    char out[LKP_PATH_MAX];
    const char *slash = strrchr(cfg_path, '/');
    size_t dirlen;
    int n;

    if (file[0] == '/' || slash == NULL)
        return 0; /* absolute, or the config is in the working directory */
    dirlen = (size_t)(slash - cfg_path);
    n = snprintf(out, sizeof out, "%.*s/%s", (int)dirlen, cfg_path, file);
    if (n < 0 || (size_t)n >= sizeof out) {
        snprintf(err, errlen, "%s: %s '%s' is too long once made relative to the config's "
                 "directory", cfg_path, what, file);
        return -1;
    }
    memcpy(file, out, (size_t)n + 1);
    return 0;
}

int lkp_config_load(const char *path, struct lkp_config *cfg, char *err, size_t errlen)
{
    char *text = read_text(path, err, errlen);
    int rc;

    if (text == NULL)
        return -1;
    rc = lkp_config_parse(text, path, cfg, err, errlen);
    free(text);
    if (rc != 0)
        return -1;
    if (resolve(path, "[broker] ca", cfg->ca, err, errlen) != 0 ||
        resolve(path, "[broker] cert", cfg->cert, err, errlen) != 0 ||
        resolve(path, "[broker] key", cfg->key, err, errlen) != 0 ||
        (cfg->backend == LKP_RELAY_SIM &&
         resolve(path, "[relay] sim_log", cfg->sim_log, err, errlen) != 0) ||
        (cfg->ack_key[0] != '\0' &&
         resolve(path, "[device] ack_key", cfg->ack_key, err, errlen) != 0) ||
        (cfg->state_file[0] != '\0' &&
         resolve(path, "[device] state_file", cfg->state_file, err, errlen) != 0) ||
        (cfg->door_backend == LKP_DOOR_FILE &&
         resolve(path, "[door_sensor] file", cfg->door_file, err, errlen) != 0))
        return -1;
    if (check_readable(path, "[broker] ca", cfg->ca, err, errlen) != 0 ||
        check_readable(path, "[broker] cert", cfg->cert, err, errlen) != 0 ||
        check_readable(path, "[broker] key", cfg->key, err, errlen) != 0 ||
        (cfg->ack_key[0] != '\0' &&
         check_readable(path, "[device] ack_key", cfg->ack_key, err, errlen) != 0))
        return -1;
    return 0;
}
