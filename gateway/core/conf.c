/* conf.c - reads the gateway's INI file (strict reading on inih: lkhost/ini.h) and
 * validates all of it before the gateway starts: required keys, names, ranges, PIN hash
 * format and that every file named loads. Errors are one line with file:line. */
#include "conf.h"

#include <ctype.h>
#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lkhost/hex.h>
#include <lkhost/ini.h>

#include "cert_user.h"
#include "crl_expiry.h"
#include "pem_check.h"
#include "site_tz.h"
#include "tls_store.h"

/* The keys in hand-aligned groups. */
/* clang-format off */
enum key_id {
    K_S_LISTEN, K_S_PORT, K_S_CERT, K_S_KEY, K_S_CA, K_S_CRL, K_S_PIN_CACHE, K_S_MAXCONN,
    K_S_MAXADDR, K_S_ORIGIN, K_S_USER_FROM, K_S_NO_CERT, K_S_RENEW_WARN, K_S_CRL_WARN, K_S_USER,
    K_M_URI, K_M_CA, K_M_CERT, K_M_KEY, K_M_CLIENT_ID, K_M_ACK, K_M_WAIT_USER, K_M_WAIT_DOOR,
    K_C_KEY, K_C_SITE, K_C_TTL,
    K_MT_LISTEN, K_MT_PORT, K_MT_FORCE,
    K_ST_DB, K_ST_PEPPER, K_ST_BUSY,
    K_HA_PREFIX, K_HA_IDENTITY, K_N_WEBHOOK,
    K_S_TZ,
    K_S_CERT_CACHE,
    K_COUNT
};

static const struct {
    const char *section, *name;
    int required;
} keys[K_COUNT] = {
    [K_S_LISTEN] = {"server", "listen", 0},     [K_S_PORT] = {"server", "port", 1},
    [K_S_CERT] = {"server", "cert", 1},         [K_S_KEY] = {"server", "key", 1},
    [K_S_CA] = {"server", "client_ca", 1},      [K_M_URI] = {"mqtt", "uri", 1},
    [K_M_CA] = {"mqtt", "ca", 1},               [K_M_CERT] = {"mqtt", "cert", 1},
    [K_M_KEY] = {"mqtt", "key", 1},             [K_M_CLIENT_ID] = {"mqtt", "client_id", 0},
    [K_M_ACK] = {"mqtt", "ack_timeout_ms", 0},  [K_C_KEY] = {"command", "key", 1},
    [K_C_SITE] = {"command", "site", 1},        [K_C_TTL] = {"command", "ttl", 0},
    [K_S_CRL] = {"server", "crl", 1},           [K_MT_LISTEN] = {"metrics", "listen", 0},
    [K_MT_PORT] = {"metrics", "port", 0},
    [K_MT_FORCE] = {"metrics", "allow_non_loopback", 0},
    [K_ST_DB] = {"store", "database", 1},       [K_ST_PEPPER] = {"store", "pepper_file", 1},
    [K_ST_BUSY] = {"store", "busy_timeout_ms", 0},
    [K_S_PIN_CACHE] = {"server", "pin_cache_seconds", 0},
    [K_M_WAIT_USER] = {"mqtt", "max_waiting_per_user", 0},
    [K_M_WAIT_DOOR] = {"mqtt", "max_waiting_per_door", 0},
    [K_S_MAXCONN] = {"server", "max_connections", 0},
    [K_S_MAXADDR] = {"server", "max_connections_per_address", 0},
    [K_S_ORIGIN] = {"server", "public_origin", 0},
    [K_S_USER_FROM] = {"server", "user_name_from", 0},
    [K_S_NO_CERT] = {"server", "no_certificate_page", 0},
    [K_S_RENEW_WARN] = {"server", "cert_renew_warn_days", 0},
    [K_S_CRL_WARN] = {"server", "crl_warn_days", 0},
    [K_S_USER] = {"server", "user", 0},
    [K_HA_PREFIX] = {"homeassistant", "discovery_prefix", 0},
    [K_HA_IDENTITY] = {"homeassistant", "request_identity", 0},
    [K_N_WEBHOOK] = {"notify", "webhook", 0},
    [K_S_TZ] = {"server", "timezone", 0},
    [K_S_CERT_CACHE] = {"server", "cert_cache_seconds", 0},
};
/* clang-format on */

#define MAX_HEADERS (CONF_MAX_DOORS + 8)

enum section_kind {
    S_NONE,
    S_SERVER,
    S_MQTT,
    S_COMMAND,
    S_METRICS,
    S_STORE,
    S_HA,
    S_NOTIFY,
    S_DOOR,
    S_USER
};

struct parse {
    struct lkh_ini ini;           /* the reader: line numbers and the first error */
    struct conf *c;
    int headers[MAX_HEADERS];     /* lines of [section] headers seen by the reader */
    int n_headers;
    int cur_header;               /* header index of the section keys go to, or -1 */
    int used[MAX_HEADERS];        /* header got at least one key */
    enum section_kind kind;
    int index;                    /* door index for S_DOOR */
    int section_line[S_USER + 1]; /* for the fixed sections */
    int key_line[K_COUNT];
};

static int fail(struct parse *p, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(struct parse *p, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    lkh_ini_vfail(&p->ini, line, fmt, ap); /* keeps the first error */
    va_end(ap);
    return 0;
}

/* Notes the line of every [section] header (inih reports only sections with keys). */
static int header(void *user, const char *text, int line)
{
    struct parse *p = user;
    (void)text;
    if (p->n_headers == MAX_HEADERS) {
        fail(p, line, "too many sections");
        return -1;
    }
    p->headers[p->n_headers++] = line;
    return 0;
}

static void too_long(void *user, int line, int max)
{
    fail(user, line, "line longer than %d characters", max);
}

static int set_str(struct parse *p, char *dst, size_t cap, const char *value)
{
    size_t n = strlen(value);
    if (n == 0)
        return fail(p, p->ini.line, "empty value");
    if (n >= cap)
        return fail(p, p->ini.line, "value too long (max %zu characters)", cap - 1);
    memcpy(dst, value, n + 1);
    return 1;
}

static int set_int(struct parse *p, int *dst, const char *value, long lo, long hi)
{
    char *end;
    long v;
    errno = 0;
    if (!isdigit((unsigned char)value[0]))
        return fail(p, p->ini.line, "'%s' is not a number", value);
    v = strtol(value, &end, 10);
    if (errno != 0 || *end != '\0')
        return fail(p, p->ini.line, "'%s' is not a number", value);
    if (v < lo || v > hi)
        return fail(p, p->ini.line, "%ld is out of range %ld..%ld", v, lo, hi);
    *dst = (int)v;
    return 1;
}

/* "https://" host [":" port]: host lower-case letters, digits, '.', '-' (a DNS name or
 * IPv4 address) or "[IPv6]", port 1..65535 without leading zeros; nothing after it. */
static int origin_valid(const char *v)
{
    const char *h = v + 8, *end;
    long port;
    char *pe;

    if (strncmp(v, "https://", 8) != 0)
        return 0;
    if (*h == '[') {
        end = strchr(h, ']');
        if (end == NULL || end == h + 1 || strspn(h + 1, "0123456789abcdef:.") != (size_t)(end - h - 1))
            return 0;
        end++;
    } else {
        end = h + strspn(h, "abcdefghijklmnopqrstuvwxyz0123456789.-");
        if (end == h)
            return 0;
    }
    if (*end == '\0')
        return 1;
    if (*end != ':' || end[1] < '1' || end[1] > '9')
        return 0;
    port = strtol(end + 1, &pe, 10);
    return *pe == '\0' && port >= 1 && port <= 65535;
}

/* The contact of the no-certificate page: shown as it is, so plain text only. */
static int no_cert_contact_valid(const char *v)
{
    size_t n = strlen(v), i;
    for (i = 0; i < n; i++)
        if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f || strchr("<>&\"", v[i]) != NULL)
            return 0;
    return n >= 1 && n <= 100;
}

static int set_fixed(struct parse *p, enum key_id k, const char *v)
{
    struct conf *c = p->c;
    switch (k) {
    case K_S_LISTEN: return set_str(p, c->server.listen, sizeof c->server.listen, v);
    case K_S_PORT: return set_int(p, &c->server.port, v, 1, 65535);
    case K_S_CERT: return set_str(p, c->server.cert, sizeof c->server.cert, v);
    case K_S_KEY: return set_str(p, c->server.key, sizeof c->server.key, v);
    case K_S_CA: return set_str(p, c->server.client_ca, sizeof c->server.client_ca, v);
    case K_S_CRL: return set_str(p, c->server.crl, sizeof c->server.crl, v);
    case K_S_PIN_CACHE:
        return set_int(p, &c->server.pin_cache_seconds, v, 0, CONF_PIN_CACHE_MAX);
    case K_S_CERT_CACHE:
        return set_int(p, &c->server.cert_cache_seconds, v, 0, CONF_CERT_CACHE_MAX);
    case K_S_MAXCONN:
        return set_int(p, &c->server.max_connections, v, 16, CONF_CONNECTIONS_MAX);
    case K_S_ORIGIN:
        if (!origin_valid(v))
            return fail(p, p->ini.line, "public_origin must be https://HOST or https://HOST:PORT "
                        "(lower case, no path), as a browser writes the Origin header");
        return set_str(p, c->server.public_origin, sizeof c->server.public_origin, v);
    case K_S_TZ:
        if (!site_tz_valid(v))
            return fail(p, p->ini.line,
                        "timezone '%s' is not a zone of the tz data in %s "
                        "(for example Europe/Berlin or UTC)",
                        v, SITE_TZ_DIR);
        return set_str(p, c->server.timezone, sizeof c->server.timezone, v);
    case K_S_MAXADDR:
        return set_int(p, &c->server.max_per_address, v, 1, CONF_CONNECTIONS_MAX);
    case K_S_USER_FROM: {
        enum cert_user_from how;
        if (cert_user_from_parse(v, &how) != 0)
            return fail(p, p->ini.line, "user_name_from must be cn, cn-normalised or san-email");
        c->server.user_name_from = (int)how;
        return 1;
    }
    case K_S_NO_CERT:
        if (!no_cert_contact_valid(v))
            return fail(p, p->ini.line,
                        "no_certificate_page must be 1..100 printable "
                        "characters without < > & \" (whom to ask, e.g. Alice, 0612345678)");
        return set_str(p, c->server.no_cert_page, sizeof c->server.no_cert_page, v);
    case K_S_RENEW_WARN: return set_int(p, &c->server.cert_renew_warn_days, v, 0, 365);
    case K_S_CRL_WARN: return set_int(p, &c->server.crl_warn_days, v, 0, 365);
    case K_S_USER: return set_str(p, c->server.user, sizeof c->server.user, v);
    case K_ST_DB: return set_str(p, c->store.database, sizeof c->store.database, v);
    case K_ST_PEPPER: return set_str(p, c->store.pepper_file, sizeof c->store.pepper_file, v);
    case K_ST_BUSY: return set_int(p, &c->store.busy_timeout_ms, v, 10, 60000);
    case K_MT_LISTEN: return set_str(p, c->metrics.listen, sizeof c->metrics.listen, v);
    case K_MT_PORT: return set_int(p, &c->metrics.port, v, 1, 65535);
    case K_MT_FORCE:
        if (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0)
            return fail(p, p->ini.line, "allow_non_loopback must be yes or no");
        c->metrics.allow_non_loopback = strcmp(v, "yes") == 0;
        return 1;
    case K_M_URI:
        if (strncmp(v, "ssl://", 6) != 0 && strncmp(v, "mqtts://", 8) != 0)
            return fail(p, p->ini.line, "uri must start with ssl:// or mqtts:// (TLS only)");
        if (strchr(v, ':') == strrchr(v, ':'))
            return fail(p, p->ini.line, "uri needs host:port");
        return set_str(p, c->mqtt.uri, sizeof c->mqtt.uri, v);
    case K_M_CA: return set_str(p, c->mqtt.ca, sizeof c->mqtt.ca, v);
    case K_M_CERT: return set_str(p, c->mqtt.cert, sizeof c->mqtt.cert, v);
    case K_M_KEY: return set_str(p, c->mqtt.key, sizeof c->mqtt.key, v);
    case K_M_CLIENT_ID:
        if (!lk_by_valid(v, strlen(v)))
            return fail(p, p->ini.line, "client_id must be 1..64 of [A-Za-z0-9._@-]");
        return set_str(p, c->mqtt.client_id, sizeof c->mqtt.client_id, v);
    case K_M_ACK:
        return set_int(p, &c->mqtt.ack_timeout_ms, v, CONF_ACK_TIMEOUT_MIN, CONF_ACK_TIMEOUT_MAX);
    case K_M_WAIT_USER:
        return set_int(p, &c->mqtt.max_waiting_per_user, v, 1, CONF_WAITING_MAX);
    case K_M_WAIT_DOOR:
        return set_int(p, &c->mqtt.max_waiting_per_door, v, 1, CONF_WAITING_MAX);
    case K_C_KEY: return set_str(p, c->command.key, sizeof c->command.key, v);
    case K_C_SITE:
        if (!lk_name_valid(v, strlen(v)))
            return fail(p, p->ini.line, "site must be 1..32 of [a-z0-9_-]");
        return set_str(p, c->command.site, sizeof c->command.site, v);
    case K_C_TTL: return set_int(p, &c->command.ttl, v, 1, LK_CMD_MAX_LIFETIME);
    case K_HA_PREFIX:
        if (strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-/") !=
                strlen(v) ||
            v[0] == '/' || strstr(v, "//") != NULL || v[strlen(v) - 1] == '/')
            return fail(p, p->ini.line,
                        "discovery_prefix must be topic levels of "
                        "[A-Za-z0-9_-] joined by '/' (Home Assistant's default: homeassistant)");
        return set_str(p, c->ha.prefix, sizeof c->ha.prefix, v);
    case K_HA_IDENTITY:
        if (!lk_by_valid(v, strlen(v)))
            return fail(p, p->ini.line,
                        "request_identity must be a certificate CN of "
                        "[A-Za-z0-9._@-]{1,64}");
        return set_str(p, c->ha.identity, sizeof c->ha.identity, v);
    case K_N_WEBHOOK:
        if (strncmp(v, "http://", 7) != 0 && strncmp(v, "https://", 8) != 0)
            return fail(p, p->ini.line, "webhook must be an http:// or https:// URL");
        return set_str(p, c->notify.webhook, sizeof c->notify.webhook, v);
    case K_COUNT: break;
    }
    return fail(p, p->ini.line, "internal error");
}

/* "door front" -> "front"; NULL unless section starts with the word and a space. */
static const char *after_word(const char *section, const char *word)
{
    size_t n = strlen(word);
    if (strncmp(section, word, n) != 0 || (section[n] != ' ' && section[n] != '\t'))
        return NULL;
    section += n;
    while (*section == ' ' || *section == '\t')
        section++;
    return section;
}

static int begin_section(struct parse *p, const char *section)
{
    struct conf *c = p->c;
    const char *name;
    int i, line = p->headers[p->cur_header];
    enum section_kind fixed = S_NONE;

    if (strcmp(section, "server") == 0)
        fixed = S_SERVER;
    else if (strcmp(section, "mqtt") == 0)
        fixed = S_MQTT;
    else if (strcmp(section, "command") == 0)
        fixed = S_COMMAND;
    else if (strcmp(section, "metrics") == 0)
        fixed = S_METRICS;
    else if (strcmp(section, "store") == 0)
        fixed = S_STORE;
    else if (strcmp(section, "homeassistant") == 0)
        fixed = S_HA;
    else if (strcmp(section, "notify") == 0)
        fixed = S_NOTIFY;
    if (fixed != S_NONE) {
        if (p->section_line[fixed] != 0)
            return fail(p, line, "[%s] appears twice (first at line %d)", section,
                        p->section_line[fixed]);
        p->section_line[fixed] = line;
        p->kind = fixed;
        return 1;
    }
    if ((name = after_word(section, "door")) != NULL) {
        if (!lk_name_valid(name, strlen(name)))
            return fail(p, line, "door name '%s' must be 1..32 of [a-z0-9_-]", name);
        if ((i = conf_find_door(c, name)) >= 0)
            return fail(p, line, "[door %s] appears twice (first at line %d)", name, c->doors[i].line);
        if (c->n_doors == CONF_MAX_DOORS)
            return fail(p, line, "more than %d doors", CONF_MAX_DOORS);
        p->kind = S_DOOR;
        p->index = c->n_doors++;
        strcpy(c->doors[p->index].name, name);
        strcpy(c->doors[p->index].label, name);
        c->doors[p->index].line = line;
        return 1;
    }
    if (after_word(section, "user") != NULL)
        return fail(p, line, "[%s]: users are no longer configured here; they live in the "
                    "database ([store]): add them with 'latchkey-gateway -c FILE user add NAME'",
                    section);
    return fail(p, line, "unknown section [%s]", section);
}

static int door_key(struct parse *p, struct conf_door *d, const char *name, const char *value)
{
    char why[160];
    int rc = conf_sensor_key(&d->sensor, name, value, why, sizeof why);

    if (rc != 0)
        return rc > 0 ? 1 : fail(p, p->ini.line, "%s", why);
    if (strcmp(name, "ack_pubkey") == 0) {
        if (d->has_ack_key)
            return fail(p, p->ini.line, "'ack_pubkey' given twice");
        if (lkh_hex_decode(value, strlen(value), d->ack_key, sizeof d->ack_key, LKH_HEX_ANY_CASE) !=
            0)
            return fail(p, p->ini.line,
                        "ack_pubkey must be exactly 64 hex characters (the door's "
                        "ack.pub.hex from latchkey-certs bundle)");
        if (CRYPTO_memcmp(d->ack_key, (const uint8_t[LK_PUBKEY_LEN]){0}, LK_PUBKEY_LEN) == 0)
            return fail(p, p->ini.line,
                        "ack_pubkey is all zeros (a placeholder): give the door's "
                        "ack.pub.hex");
        d->has_ack_key = 1;
        return 1;
    }
    if (strcmp(name, "label") != 0)
        return fail(p, p->ini.line,
                    "unknown key '%s' in [door %s] (expected label, ack_pubkey, sensor, "
                    "entry_wait_ms)",
                    name, d->name);
    if (strcmp(d->label, d->name) != 0)
        return fail(p, p->ini.line, "'label' given twice");
    if (strchr(value, '\0') - value > CONF_LABEL_MAX)
        return fail(p, p->ini.line, "label longer than %d characters", CONF_LABEL_MAX);
    return set_str(p, d->label, sizeof d->label, value);
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
    struct parse *p = user;
    int k;

    if (p->n_headers == 0)
        return fail(p, p->ini.line, "'%s' is outside any [section]", name);
    if (p->cur_header != p->n_headers - 1) {
        p->cur_header = p->n_headers - 1;
        p->used[p->cur_header] = 1;
        if (!begin_section(p, section))
            return 0;
    }
    if (p->kind == S_DOOR)
        return door_key(p, &p->c->doors[p->index], name, value);
    for (k = 0; k < K_COUNT; k++)
        if (strcmp(keys[k].section, section) == 0 && strcmp(keys[k].name, name) == 0)
            break;
    if (k == K_COUNT)
        return fail(p, p->ini.line, "unknown key '%s' in [%s]", name, section);
    if (p->key_line[k] != 0)
        return fail(p, p->ini.line, "'%s' given twice (first at line %d)", name, p->key_line[k]);
    p->key_line[k] = p->ini.line;
    return set_fixed(p, (enum key_id)k, value);
}

static int check_file(struct parse *p, enum key_id k, const char *path, int key_type)
{
    char why[300];
    int rc = key_type < 0 ? pem_check_certs(path, why, sizeof why)
                          : pem_check_private_key(path, key_type, why, sizeof why);
    if (rc != 0)
        return fail(p, p->key_line[k], "[%s] %s: %s", keys[k].section, keys[k].name, why);
    return 1;
}

/* crl = none turns revocation off (unsafe, logged at start); otherwise the file must be a
 * PEM CRL signed by client_ca. An expired one is accepted here: the gateway then runs but
 * refuses every client until a current CRL is in place (see tls_store.h). */
static int check_crl(struct parse *p)
{
    char why[400];
    enum crl_state st;
    if (strcmp(p->c->server.crl, "none") == 0)
        return 1;
    if (tls_store_check_crl(p->c->server.crl, p->c->server.client_ca, &st, why, sizeof why) != 0)
        return fail(p, p->key_line[K_S_CRL], "[server] crl: %s", why);
    return 1;
}

static int check_all(struct parse *p)
{
    struct conf *c = p->c;
    static const char *const names[] = {[S_SERVER] = "server", [S_MQTT] = "mqtt", [S_COMMAND] = "command"};
    int i, k;

    for (i = 0; i < p->n_headers; i++)
        if (!p->used[i])
            return fail(p, p->headers[i], "section has no keys");
    for (i = S_SERVER; i <= S_COMMAND; i++)
        if (p->section_line[i] == 0)
            return fail(p, 0, "missing [%s] section", names[i]);
    if (p->section_line[S_STORE] == 0)
        return fail(p, 0, "missing [store] section (database and pepper_file)");
    for (k = 0; k < K_COUNT; k++)
        if (keys[k].required && p->key_line[k] == 0) {
            int s = strcmp(keys[k].section, "server") == 0 ? S_SERVER
                  : strcmp(keys[k].section, "mqtt") == 0 ? S_MQTT
                  : strcmp(keys[k].section, "store") == 0 ? S_STORE : S_COMMAND;
            return fail(p, p->section_line[s], "[%s] needs '%s'", keys[k].section, keys[k].name);
        }
    if (c->n_doors == 0)
        return fail(p, 0, "no [door NAME] section");
    return check_file(p, K_S_CERT, c->server.cert, -1) &&
           check_file(p, K_S_KEY, c->server.key, 0) &&
           check_file(p, K_S_CA, c->server.client_ca, -1) &&
           check_file(p, K_M_CA, c->mqtt.ca, -1) && check_file(p, K_M_CERT, c->mqtt.cert, -1) &&
           check_file(p, K_M_KEY, c->mqtt.key, 0) &&
           check_file(p, K_C_KEY, c->command.key, EVP_PKEY_ED25519) && check_crl(p);
}

int conf_load(const char *path, struct conf *c, char *err, size_t errlen)
{
    struct parse *p;
    FILE *f;
    int ok;

    memset(c, 0, sizeof *c);
    if (strlen(path) >= sizeof c->path) {
        snprintf(err, errlen, "%s: path too long", path);
        return -1;
    }
    strcpy(c->path, path);
    strcpy(c->server.listen, "127.0.0.1");
    c->server.pin_cache_seconds = 300;
    c->server.cert_cache_seconds = CONF_CERT_CACHE_DEFAULT;
    c->server.max_connections = 4096;
    c->server.max_per_address = 64;
    c->server.cert_renew_warn_days = 30;
    c->server.crl_warn_days = CRL_WARN_DAYS_DEFAULT;
    strcpy(c->server.timezone, "UTC");
    strcpy(c->mqtt.client_id, "latchkey-gateway");
    c->mqtt.ack_timeout_ms = 5000;
    c->mqtt.max_waiting_per_user = CONF_WAITING_DEFAULT;
    c->mqtt.max_waiting_per_door = CONF_WAITING_DEFAULT;
    c->command.ttl = 30;
    strcpy(c->metrics.listen, "127.0.0.1");
    c->store.busy_timeout_ms = 1000;

    p = calloc(1, sizeof *p);
    if (p == NULL) {
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    p->c = c;
    p->cur_header = -1;
    f = fopen(path, "r");
    if (f == NULL) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        free(p);
        return -1;
    }
    lkh_ini_init(&p->ini, p);
    p->ini.key = handler;
    p->ini.header = header;
    p->ini.too_long = too_long;
    p->ini.continuation = 0; /* a continuation line would silently join values */
    lkh_ini_parse_file(&p->ini, f);
    (void)fclose(f); /* read-only: nothing is lost if it fails */
    ok = !p->ini.failed && check_all(p);
    if (!ok)
        lkh_ini_message(&p->ini, path, err, errlen);
    free(p);
    return ok ? 0 : -1;
}

int conf_find_door(const struct conf *c, const char *name)
{
    int i;
    for (i = 0; i < c->n_doors; i++)
        if (strcmp(c->doors[i].name, name) == 0)
            return i;
    return -1;
}
