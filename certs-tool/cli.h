/* cli.h - command line of latchkey-certs: parsed options, per-verb help, and the sources of
 * secrets (CA passphrase, export password), which never come from argv. */
#ifndef LATCHKEY_CERTS_CLI_H
#define LATCHKEY_CERTS_CLI_H

#include <stddef.h>

#define LK_MAX_POS 4   /* verb + up to 3 arguments */
#define LK_MAX_SAN 16  /* per kind (--dns, --ip) */

/* Option bits, to check that a verb is given only options it understands. */
enum {
    LK_OPT_NAME = 1 << 0,
    LK_OPT_DNS = 1 << 1,
    LK_OPT_IP = 1 << 2,
    LK_OPT_DAYS = 1 << 3,
    LK_OPT_PASSFILE = 1 << 4,
    LK_OPT_OUT = 1 << 5,
    LK_OPT_PWFILE = 1 << 6,
    LK_OPT_LEGACY = 1 << 7,
    LK_OPT_FORCE = 1 << 8
};

struct lk_cli {
    const char *dir;              /* -d DIR, else $LATCHKEY_PKI_DIR, else NULL */
    const char *pos[LK_MAX_POS];  /* pos[0] = verb */
    int npos;
    int help;
    unsigned seen;                /* LK_OPT_* given */
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
};

/* Parses argv. Returns 0, or -1 after reporting the problem. */
int lk_cli_parse(int argc, char **argv, struct lk_cli *cli);

/* Checks that only options in allowed were given to verb (label used in the message). */
int lk_cli_check_allowed(const struct lk_cli *cli, unsigned allowed, const char *label);

/* Help text of a verb (NULL = global) on stdout. Returns 0, or -1 for an unknown verb. */
int lk_cli_help(const char *verb);

/* Short usage line of a verb, for error messages. */
const char *lk_cli_usage(const char *verb);

/* The PKI directory: -d, else $LATCHKEY_PKI_DIR. Reports and returns NULL if neither. */
const char *lk_cli_dir(const struct lk_cli *cli);

/* Reads the first line of path (without \r\n) into out. Refuses an empty or too long line. */
int lk_read_secret_file(const char *path, const char *what, char *out, size_t cap);

/* The CA passphrase: --passphrase-file, else $LATCHKEY_CA_PASSPHRASE. Refuses empty. */
int lk_cli_ca_passphrase(const struct lk_cli *cli, char *out, size_t cap);

#endif
