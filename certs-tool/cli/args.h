/* args.h - command line of latchkey-certs: the parsed options, the check of which options
 * a verb takes, per-verb help and the PKI directory. Secrets never come from argv
 * (secrets.h). */
#ifndef LK_CERTS_ARGS_H
#define LK_CERTS_ARGS_H

#include <stddef.h>

#define LK_MAX_POS 4   /* verb + up to 3 arguments */
#define LK_MAX_SAN 16  /* per kind (--dns, --ip) */

/* Option bits, to check that a verb is given only options it understands (64 bits:
 * bits 0-19 for the CA verbs, 20 and up for export/enroll/bundle/broker-config). */
typedef unsigned long long lk_optmask;
#define LK_OPT_NAME (1ULL << 0)
#define LK_OPT_DNS (1ULL << 1)
#define LK_OPT_IP (1ULL << 2)
#define LK_OPT_DAYS (1ULL << 3)
#define LK_OPT_PASSFILE (1ULL << 4)
#define LK_OPT_OUT (1ULL << 5)
#define LK_OPT_PWFILE (1ULL << 6)
#define LK_OPT_LEGACY (1ULL << 7)
#define LK_OPT_FORCE (1ULL << 8)
#define LK_OPT_KEY_TYPE (1ULL << 9)
#define LK_OPT_REASON (1ULL << 10)
#define LK_OPT_NEW_KEY (1ULL << 11)
#define LK_OPT_JSON (1ULL << 12)
#define LK_OPT_VERBOSE (1ULL << 13)
#define LK_OPT_MOBILECONFIG (1ULL << 20)
#define LK_OPT_EMBED_PW (1ULL << 21)
#define LK_OPT_LISTEN (1ULL << 22)
#define LK_OPT_MINUTES (1ULL << 23)
#define LK_OPT_SECONDS (1ULL << 24)
#define LK_OPT_ATTEMPTS (1ULL << 25)
#define LK_OPT_SERVER_NAME (1ULL << 26)
#define LK_OPT_URL_BASE (1ULL << 27)
#define LK_OPT_BROKER (1ULL << 28)
#define LK_OPT_SITE (1ULL << 29)
#define LK_OPT_PORT (1ULL << 30)
#define LK_OPT_CRL (1ULL << 31)
#define LK_OPT_HOME_BRIDGE (1ULL << 32)
#define LK_OPT_REMOTE (1ULL << 33)
#define LK_OPT_IDENTITY (1ULL << 34)
#define LK_OPT_RUN_AS_ROOT (1ULL << 35)
#define LK_OPT_BRIDGE_USER (1ULL << 36)
#define LK_OPT_PLUGIN (1ULL << 37)
#define LK_OPT_INSTALL_DIR (1ULL << 38)
#define LK_OPT_SCEP_LISTEN (1ULL << 39)
#define LK_OPT_SCEP_URL (1ULL << 40)
#define LK_OPT_EXPIRING (1ULL << 41)
#define LK_OPT_UNTIL (1ULL << 42)
#define LK_OPT_FORMAT (1ULL << 43)         /* bundle --format mcu */
#define LK_OPT_PULSE_MS (1ULL << 44)       /* bundle --format mcu */
#define LK_OPT_WIFI_SSID (1ULL << 45)      /* bundle --format mcu */
#define LK_OPT_WIFI_PASS_FILE (1ULL << 46) /* bundle --format mcu */
#define LK_OPT_INTERVAL_MS (1ULL << 47)    /* bundle --format mcu */
#define LK_OPT_STATE_DIR (1ULL << 48)      /* broker-config */

/* Where the packages install the broker plugin (broker/plugin.c). */
#define LK_REVOKE_PLUGIN_DEFAULT "/usr/lib/latchkey/latchkey_revoke.so"
/* broker-config: where the plugin keeps its CRL number unless --state-dir (Mosquitto's own,
 * writable by its user in the Debian package). */
#define LK_BROKER_STATE_DIR "/var/lib/mosquitto"

struct lk_cli {
    const char *dir;              /* -d DIR, else $LATCHKEY_PKI_DIR, else NULL */
    const char *pos[LK_MAX_POS];  /* pos[0] = verb */
    int npos;
    int help;
    lk_optmask seen;              /* LK_OPT_* given */
    const char *name;             /* init --name */
    const char *dns[LK_MAX_SAN];
    int ndns;
    const char *ip[LK_MAX_SAN];
    int nip;
    long days;                    /* 0 = profile default */
    const char *passphrase_file;
    const char *out;
    const char *password_file;
    int legacy;
    int force;
    /* init / revoke / renew / list / show / crl */
    const char *key_type;         /* init --key-type p256|p384|rsa3072 */
    const char *reason;           /* revoke --reason */
    int new_key;                  /* renew --new-key */
    int json;                     /* list / show --json */
    int verbose;                  /* -v: crl reports what it wrote */
    /* export / enroll / bundle / broker-config (values checked by the verb) */
    const char *mobileconfig;     /* export --mobileconfig FILE */
    int embed_password;           /* export --embed-password */
    const char *listen;           /* enroll ADDR:PORT, broker-config ADDR */
    long minutes, seconds, attempts, port; /* 0 = not given */
    const char *server_name;
    const char *url_base;         /* enroll --url-base https://HOST[:PORT] */
    const char *broker;           /* bundle HOST:PORT */
    const char *site;
    const char *crl;
    int home_bridge;
    const char *remote;           /* broker-config --home-bridge HOST:PORT */
    const char *identity;         /* bridge identity CN */
    int run_as_root;
    const char *bridge_user;      /* broker-config: CN allowed site-wide device topics */
    const char *plugin;           /* broker-config: path of latchkey_revoke.so, or "none" */
    const char *install_dir;      /* broker-config: where the files will be installed */
    const char *state_dir;        /* broker-config: where the plugin keeps its CRL number */
    const char *scep_listen;      /* scep: ADDR:PORT of the plain HTTP SCEP service */
    const char *scep_url;         /* scep: the SCEP URL the profile names */
    long expiring;                /* list --expiring DAYS (0 = not given) */
    const char *until;            /* issue client / guest --until: end of the visit, UTC */
    /* bundle --format mcu: the provisioning blob of a bare-metal device */
    const char *format; /* NULL (a bundle directory) or "mcu" */
    long pulse_ms;      /* 0 = the firmware's default */
    long interval_ms;   /* the relay's pause after a pulse; only with LK_OPT_INTERVAL_MS */
    const char *wifi_ssid;
    const char *wifi_pass_file; /* a secret: from a file, never argv */
};

/* Parses argv. Returns 0, or -1 after reporting the problem. */
int lk_cli_parse(int argc, char **argv, struct lk_cli *cli);

/* Checks that only options in allowed were given to verb (label used in the message). */
int lk_cli_check_allowed(const struct lk_cli *cli, lk_optmask allowed, const char *label);

/* Help text of a verb (NULL = global) on stdout. Returns 0, or -1 for an unknown verb. */
int lk_cli_help(const char *verb);

/* Short usage line of a verb, for error messages. */
const char *lk_cli_usage(const char *verb);

/* The PKI directory: -d, else $LATCHKEY_PKI_DIR. Reports and returns NULL if neither. */
const char *lk_cli_dir(const struct lk_cli *cli);

#endif
