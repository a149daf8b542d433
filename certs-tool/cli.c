/* cli.c - parses latchkey-certs' command line (getopt_long, options allowed anywhere),
 * prints the global and per-verb help, and reads secrets from files or the environment. */
#include "cli.h"
#include "certs.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

enum {
    OPT_NAME = 256, OPT_DNS, OPT_IP, OPT_DAYS, OPT_PASSFILE, OPT_PWFILE, OPT_LEGACY, OPT_FORCE
};

static const struct option long_opts[] = {
    {"dir", required_argument, NULL, 'd'},
    {"help", no_argument, NULL, 'h'},
    {"name", required_argument, NULL, OPT_NAME},
    {"dns", required_argument, NULL, OPT_DNS},
    {"ip", required_argument, NULL, OPT_IP},
    {"days", required_argument, NULL, OPT_DAYS},
    {"passphrase-file", required_argument, NULL, OPT_PASSFILE},
    {"out", required_argument, NULL, 'o'},
    {"password-file", required_argument, NULL, OPT_PWFILE},
    {"legacy", no_argument, NULL, OPT_LEGACY},
    {"force", no_argument, NULL, OPT_FORCE},
    {NULL, 0, NULL, 0},
};

static const struct {
    unsigned bit;
    const char *name;
} opt_names[] = {
    {LK_OPT_NAME, "--name"}, {LK_OPT_DNS, "--dns"}, {LK_OPT_IP, "--ip"},
    {LK_OPT_DAYS, "--days"}, {LK_OPT_PASSFILE, "--passphrase-file"}, {LK_OPT_OUT, "--out"},
    {LK_OPT_PWFILE, "--password-file"}, {LK_OPT_LEGACY, "--legacy"}, {LK_OPT_FORCE, "--force"},
};

static int parse_days(const char *s, long *out)
{
    char *end = NULL;
    long v;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < 1 || v > 36500) {
        lk_err("--days must be a whole number of days from 1 to 36500, got '%s'", s);
        return -1;
    }
    *out = v;
    return 0;
}

static int add_san(const char **list, int *n, const char *value, const char *opt)
{
    if (*n >= LK_MAX_SAN) {
        lk_err("too many %s options (at most %d)", opt, LK_MAX_SAN);
        return -1;
    }
    list[(*n)++] = value;
    return 0;
}

static int add_pos(struct lk_cli *cli, const char *arg)
{
    if (cli->npos >= LK_MAX_POS) {
        lk_err("unexpected argument '%s'", arg);
        return -1;
    }
    cli->pos[cli->npos++] = arg;
    return 0;
}

int lk_cli_parse(int argc, char **argv, struct lk_cli *cli)
{
    int c;
    memset(cli, 0, sizeof *cli);
    opterr = 0;
    optind = 0; /* full re-initialisation of GNU getopt */
    /* Leading '-': non-options come back in order as code 1, independent of POSIXLY_CORRECT.
     * ':' after it: a missing argument is reported as ':' rather than '?'. */
    while ((c = getopt_long(argc, argv, "-:d:ho:", long_opts, NULL)) != -1) {
        switch (c) {
        case 1:
            if (add_pos(cli, optarg) != 0)
                return -1;
            break;
        case 'd': cli->dir = optarg; break;
        case 'h': cli->help = 1; break;
        case OPT_NAME: cli->name = optarg; cli->seen |= LK_OPT_NAME; break;
        case OPT_DNS:
            if (add_san(cli->dns, &cli->ndns, optarg, "--dns") != 0)
                return -1;
            cli->seen |= LK_OPT_DNS;
            break;
        case OPT_IP:
            if (add_san(cli->ip, &cli->nip, optarg, "--ip") != 0)
                return -1;
            cli->seen |= LK_OPT_IP;
            break;
        case OPT_DAYS:
            if (parse_days(optarg, &cli->days) != 0)
                return -1;
            cli->seen |= LK_OPT_DAYS;
            break;
        case OPT_PASSFILE: cli->passphrase_file = optarg; cli->seen |= LK_OPT_PASSFILE; break;
        case 'o': cli->out = optarg; cli->seen |= LK_OPT_OUT; break;
        case OPT_PWFILE: cli->password_file = optarg; cli->seen |= LK_OPT_PWFILE; break;
        case OPT_LEGACY: cli->legacy = 1; cli->seen |= LK_OPT_LEGACY; break;
        case OPT_FORCE: cli->force = 1; cli->seen |= LK_OPT_FORCE; break;
        case ':':
            lk_err("option '%s' needs a value (see --help)", argv[optind - 1]);
            return -1;
        default:
            lk_err("unknown option '%s' (see --help)", argv[optind - 1]);
            return -1;
        }
    }
    for (; optind < argc; optind++) /* after "--" */
        if (add_pos(cli, argv[optind]) != 0)
            return -1;
    return 0;
}

int lk_cli_check_allowed(const struct lk_cli *cli, unsigned allowed, const char *label)
{
    size_t i;
    for (i = 0; i < sizeof opt_names / sizeof opt_names[0]; i++) {
        if ((cli->seen & opt_names[i].bit) && !(allowed & opt_names[i].bit)) {
            lk_err("option %s does not apply to '%s'", opt_names[i].name, label);
            return -1;
        }
    }
    return 0;
}

const char *lk_cli_dir(const struct lk_cli *cli)
{
    const char *d = cli->dir;
    if (d == NULL || *d == '\0')
        d = getenv("LATCHKEY_PKI_DIR");
    if (d == NULL || *d == '\0') {
        lk_err("no PKI directory: give -d DIR or set LATCHKEY_PKI_DIR");
        return NULL;
    }
    return d;
}

int lk_read_secret_file(const char *path, const char *what, char *out, size_t cap)
{
    FILE *f = fopen(path, "r");
    size_t len;
    int ok;
    if (f == NULL) {
        lk_err("cannot open %s file %s: %s", what, path, strerror(errno));
        return -1;
    }
    ok = fgets(out, (int)cap, f) != NULL;
    if (!ok && ferror(f)) {
        lk_err("cannot read %s file %s: %s", what, path, strerror(errno));
        fclose(f);
        return -1;
    }
    fclose(f);
    if (!ok)
        out[0] = '\0';
    len = strlen(out);
    if (len == cap - 1 && out[len - 1] != '\n') {
        OPENSSL_cleanse(out, cap);
        lk_err("%s in %s is too long (at most %zu characters)", what, path, cap - 2);
        return -1;
    }
    while (len > 0 && (out[len - 1] == '\n' || out[len - 1] == '\r'))
        out[--len] = '\0';
    if (len == 0) {
        lk_err("%s file %s is empty: an empty %s is not allowed", what, path, what);
        return -1;
    }
    return 0;
}

int lk_cli_ca_passphrase(const struct lk_cli *cli, char *out, size_t cap)
{
    const char *env;
    if (cli->passphrase_file != NULL)
        return lk_read_secret_file(cli->passphrase_file, "CA passphrase", out, cap);
    env = getenv("LATCHKEY_CA_PASSPHRASE");
    if (env == NULL) {
        lk_err("no CA passphrase: use --passphrase-file FILE or set LATCHKEY_CA_PASSPHRASE");
        return -1;
    }
    if (*env == '\0') {
        lk_err("LATCHKEY_CA_PASSPHRASE is empty: an empty CA passphrase is not allowed");
        return -1;
    }
    if (strlen(env) >= cap) {
        lk_err("LATCHKEY_CA_PASSPHRASE is too long (at most %zu characters)", cap - 1);
        return -1;
    }
    memcpy(out, env, strlen(env) + 1);
    return 0;
}

/* ---- help ---- */

static const struct {
    const char *verb;
    const char *usage;
    const char *text;
} helps[] = {
    {"init", "latchkey-certs -d DIR init [--name NAME] [--days N] [--passphrase-file F]",
     "Creates the CA in DIR: an ECDSA P-256 key (DIR/ca/ca.key, PKCS#8 encrypted with\n"
     "AES-256-CBC under the CA passphrase) and a self-signed certificate DIR/ca/ca.crt with\n"
     "CN \"<NAME> Latchkey CA\" (NAME defaults to Latchkey), valid 3650 days by default.\n"
     "Refuses to overwrite an existing CA and refuses an empty passphrase.\n"},
    {"issue",
     "latchkey-certs -d DIR issue server|client|device|gateway [NAME] [--dns D]... [--ip A]... [--days N]",
     "Issues a leaf certificate signed by the CA (needs the CA passphrase):\n"
     "  issue server NAME --dns D... --ip A...  serverAuth, SAN from --dns/--ip (one needed), 397 days\n"
     "  issue client USER                       clientAuth, CN=USER (a phone), 365 days\n"
     "  issue device SITE/DOOR                  clientAuth, CN=SITE/DOOR, names [a-z0-9_-]{1,32}, 730 days\n"
     "  issue gateway                           clientAuth, CN=gateway, 730 days\n"
     "Writes DIR/issued/<stem>.crt and DIR/private/<stem>.key (stem = CN with '/' -> '.')\n"
     "and adds a line to DIR/index.tsv. Refuses a CN that is already issued and still valid.\n"},
    {"export", "latchkey-certs -d DIR export USER --out FILE.p12 [--password-file F] [--legacy]",
     "Writes a password-protected PKCS#12 with USER's client certificate, key and the CA\n"
     "certificate (friendlyName USER). Default: AES-256-CBC/PBKDF2 with a SHA-256 MAC.\n"
     "--legacy: 3DES (pbeWithSHA1And3-KeyTripleDES-CBC) and a SHA-1 MAC, for phones that refuse\n"
     "the modern form. Without --password-file (first line = password), a random password is\n"
     "generated and printed on stdout as \"password: <pw>\".\n"},
    {"cmdkey", "latchkey-certs -d DIR cmdkey [--force]",
     "Creates the gateway's Ed25519 command signing key: DIR/cmd/command.key (PKCS#8, 0600),\n"
     "DIR/cmd/command.pub (SubjectPublicKeyInfo PEM) and DIR/cmd/command.pub.hex (64 hex\n"
     "digits, for the device's command_pubkey). Refuses to overwrite them unless --force.\n"},
};

const char *lk_cli_usage(const char *verb)
{
    size_t i;
    for (i = 0; i < sizeof helps / sizeof helps[0]; i++)
        if (verb != NULL && strcmp(verb, helps[i].verb) == 0)
            return helps[i].usage;
    return "latchkey-certs -d DIR init|issue|export|cmdkey ... (see --help)";
}

int lk_cli_help(const char *verb)
{
    size_t i;
    if (verb == NULL) {
        printf("latchkey-certs - the Latchkey PKI: CA, leaf certificates, phone .p12, command key\n\n"
               "Usage: latchkey-certs -d DIR VERB [ARGS] [OPTIONS]\n\n");
        for (i = 0; i < sizeof helps / sizeof helps[0]; i++)
            printf("  %s\n", helps[i].usage);
        printf("\nDIR may also come from $LATCHKEY_PKI_DIR. The CA passphrase (init, issue) comes\n"
               "from --passphrase-file F (first line) or $LATCHKEY_CA_PASSPHRASE, never from argv.\n"
               "'latchkey-certs VERB --help' describes one verb.\n");
        return 0;
    }
    for (i = 0; i < sizeof helps / sizeof helps[0]; i++) {
        if (strcmp(verb, helps[i].verb) == 0) {
            printf("Usage: %s\n\n%s", helps[i].usage, helps[i].text);
            return 0;
        }
    }
    lk_err("unknown verb '%s' (expected init, issue, export or cmdkey)", verb);
    return -1;
}
