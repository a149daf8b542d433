/* conf.h - the gateway's INI configuration (format: docs/gateway.md, "Configuration
 * (INI)"), loaded and fully validated at start-up. Users are not configured here: they
 * live in the database named by [store] (users.h) and are managed with the `user` command
 * line. */
#ifndef GW_CONF_H
#define GW_CONF_H

#include <stddef.h>
#include <stdint.h>

#include "conf_sensor.h"
#include "latchkey/cmd_format.h"

#define CONF_MAX_DOORS 32 /* a user's doors are a bit mask */
#define CONF_STR_MAX 256
#define CONF_LABEL_MAX 64
#define CONF_ACK_TIMEOUT_MIN 100
#define CONF_ACK_TIMEOUT_MAX 60000
#define CONF_PIN_CACHE_MAX 3600
#define CONF_CERT_CACHE_MAX 86400 /* cert_cache_seconds: leaf_cache.h */
#define CONF_CERT_CACHE_DEFAULT 3600
#define CONF_WAITING_MAX 64 /* max_waiting_per_*: at most the actions that may wait in all */
#define CONF_WAITING_DEFAULT 4
#define CONF_CONNECTIONS_MAX 65536

struct conf_door {
    char name[LK_NAME_MAX + 1];
    char label[CONF_LABEL_MAX + 1];
    uint8_t ack_key[LK_PUBKEY_LEN]; /* ack_pubkey: the device's Ed25519 ack key, raw */
    int has_ack_key;                /* 0: no ack of this door can be confirmed */
    struct conf_sensor sensor; /* sensor, entry_wait_ms: an ok ack waits for the entry verdict */
    int line;
};

struct conf {
    char path[CONF_STR_MAX];
    struct {
        char listen[CONF_STR_MAX];
        int port;
        char cert[CONF_STR_MAX], key[CONF_STR_MAX], client_ca[CONF_STR_MAX];
        char crl[CONF_STR_MAX];   /* PEM CRLs of client_ca (files, dirs), or "none" (unsafe) */
        int pin_cache_seconds;    /* a verified PIN is remembered this long (0: never) */
        int cert_cache_seconds;   /* a verified client certificate likewise (leaf_cache.h) */
        int max_connections;      /* at once on the listener (before any authentication) */
        int max_per_address;      /* at once from one IPv4 address or IPv6 /64 */
        char public_origin[CONF_STR_MAX]; /* "https://host[:port]", "" = from the cert */
        int user_name_from;               /* enum cert_user_from: certificate -> user name */
        char no_cert_page[CONF_STR_MAX];  /* whom to ask, for the no-certificate page; "" off */
        int cert_renew_warn_days; /* the page warns this many days before the certificate ends (0: never) */
        int crl_warn_days;           /* warn when the CRL's nextUpdate is closer (crl_expiry.h) */
        char user[64];               /* the service's user, for --check-config; "" = unsaid */
        char timezone[CONF_STR_MAX]; /* the site's IANA zone (site_tz.h), default UTC */
    } server;
    struct {
        char uri[CONF_STR_MAX];
        char ca[CONF_STR_MAX], cert[CONF_STR_MAX], key[CONF_STR_MAX];
        char client_id[65];
        int ack_timeout_ms;
        int max_waiting_per_user; /* actions of one user waiting for an ack at once */
        int max_waiting_per_door; /* actions on one door waiting for its ack at once */
    } mqtt;
    struct {
        char key[CONF_STR_MAX];
        char site[LK_NAME_MAX + 1];
        int ttl;
    } command;
    struct {
        char listen[CONF_STR_MAX];
        int port;                 /* 0: no metrics listener */
        int allow_non_loopback;
    } metrics;
    struct {
        char database[CONF_STR_MAX];    /* SQLite file: users, lockouts, audit */
        char pepper_file[CONF_STR_MAX]; /* 32-byte PIN pepper (pepper.h) */
        int busy_timeout_ms;            /* wait for another writer's lock (default 1000) */
    } store;
    struct {
        char prefix[64];              /* discovery_prefix: "" = no discovery by the gateway */
        char identity[LK_BY_MAX + 1]; /* request_identity: "" = no MQTT requests */
    } ha;
    struct {
        char webhook[CONF_STR_MAX]; /* "" = no webhook; else every event is POSTed there */
    } notify;
    struct conf_door doors[CONF_MAX_DOORS];
    int n_doors;
};

/* Loads and validates path into *c. On error returns -1 and writes one line
 * ("FILE:LINE: what" or "FILE: what") into err. Files named in it must load. */
int conf_load(const char *path, struct conf *c, char *err, size_t errlen);

/* Index of the door, or -1. */
int conf_find_door(const struct conf *c, const char *name);

#endif
