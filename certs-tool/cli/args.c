/* args.c - parses latchkey-certs' command line (getopt_long, options allowed anywhere),
 * prints the global and per-verb help, and finds the PKI directory (secrets: secrets.c). */
#include "args.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "diag.h"

enum {
    OPT_NAME = 256,
    OPT_DNS,
    OPT_IP,
    OPT_DAYS,
    OPT_PASSFILE,
    OPT_PWFILE,
    OPT_LEGACY,
    OPT_FORCE,
    OPT_KEY_TYPE,
    OPT_REASON,
    OPT_NEW_KEY,
    OPT_JSON,
    /* export / enroll / bundle / broker-config */
    OPT_MOBILECONFIG = 400,
    OPT_EMBED_PW,
    OPT_LISTEN,
    OPT_MINUTES,
    OPT_SECONDS,
    OPT_ATTEMPTS,
    OPT_SERVER_NAME,
    OPT_URL_BASE,
    OPT_BROKER,
    OPT_SITE,
    OPT_PORT,
    OPT_CRL,
    OPT_HOME_BRIDGE,
    OPT_REMOTE,
    OPT_IDENTITY,
    OPT_RUN_AS_ROOT,
    OPT_BRIDGE_USER,
    OPT_PLUGIN,
    OPT_INSTALL_DIR
};
enum { OPT_SCEP_LISTEN = 500, OPT_SCEP_URL, OPT_EXPIRING }; /* scep, list */
enum { OPT_UNTIL = 600 };                                   /* issue client / guest */
enum {
    OPT_FORMAT = 700,
    OPT_PULSE_MS,
    OPT_WIFI_SSID,
    OPT_WIFI_PASS_FILE,
    OPT_INTERVAL_MS
};                            /* bundle mcu */
enum { OPT_STATE_DIR = 800 }; /* broker-config */

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
    {"key-type", required_argument, NULL, OPT_KEY_TYPE},
    {"reason", required_argument, NULL, OPT_REASON},
    {"new-key", no_argument, NULL, OPT_NEW_KEY},
    {"json", no_argument, NULL, OPT_JSON},
    {"verbose", no_argument, NULL, 'v'},
    {"mobileconfig", required_argument, NULL, OPT_MOBILECONFIG},
    {"embed-password", no_argument, NULL, OPT_EMBED_PW},
    {"listen", required_argument, NULL, OPT_LISTEN},
    {"minutes", required_argument, NULL, OPT_MINUTES},
    {"seconds", required_argument, NULL, OPT_SECONDS},
    {"attempts", required_argument, NULL, OPT_ATTEMPTS},
    {"server-name", required_argument, NULL, OPT_SERVER_NAME},
    {"url-base", required_argument, NULL, OPT_URL_BASE},
    {"broker", required_argument, NULL, OPT_BROKER},
    {"site", required_argument, NULL, OPT_SITE},
    {"port", required_argument, NULL, OPT_PORT},
    {"crl", required_argument, NULL, OPT_CRL},
    {"home-bridge", no_argument, NULL, OPT_HOME_BRIDGE},
    {"remote", required_argument, NULL, OPT_REMOTE},
    {"identity", required_argument, NULL, OPT_IDENTITY},
    {"run-as-root", no_argument, NULL, OPT_RUN_AS_ROOT},
    {"bridge-user", required_argument, NULL, OPT_BRIDGE_USER},
    {"plugin", required_argument, NULL, OPT_PLUGIN},
    {"scep-listen", required_argument, NULL, OPT_SCEP_LISTEN},
    {"scep-url", required_argument, NULL, OPT_SCEP_URL},
    {"expiring", required_argument, NULL, OPT_EXPIRING},
    {"install-dir", required_argument, NULL, OPT_INSTALL_DIR},
    {"until", required_argument, NULL, OPT_UNTIL},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"pulse-ms", required_argument, NULL, OPT_PULSE_MS},
    {"interval-ms", required_argument, NULL, OPT_INTERVAL_MS},
    {"wifi-ssid", required_argument, NULL, OPT_WIFI_SSID},
    {"wifi-pass-file", required_argument, NULL, OPT_WIFI_PASS_FILE},
    {"state-dir", required_argument, NULL, OPT_STATE_DIR},
    {NULL, 0, NULL, 0},
};

static const struct {
    lk_optmask bit;
    const char *name;
} opt_names[] = {
    {LK_OPT_NAME, "--name"},
    {LK_OPT_DNS, "--dns"},
    {LK_OPT_IP, "--ip"},
    {LK_OPT_DAYS, "--days"},
    {LK_OPT_PASSFILE, "--passphrase-file"},
    {LK_OPT_OUT, "--out"},
    {LK_OPT_PWFILE, "--password-file"},
    {LK_OPT_LEGACY, "--legacy"},
    {LK_OPT_FORCE, "--force"},
    {LK_OPT_KEY_TYPE, "--key-type"},
    {LK_OPT_REASON, "--reason"},
    {LK_OPT_NEW_KEY, "--new-key"},
    {LK_OPT_JSON, "--json"},
    {LK_OPT_VERBOSE, "-v/--verbose"},
    {LK_OPT_MOBILECONFIG, "--mobileconfig"},
    {LK_OPT_EMBED_PW, "--embed-password"},
    {LK_OPT_LISTEN, "--listen"},
    {LK_OPT_MINUTES, "--minutes"},
    {LK_OPT_SECONDS, "--seconds"},
    {LK_OPT_ATTEMPTS, "--attempts"},
    {LK_OPT_SERVER_NAME, "--server-name"},
    {LK_OPT_URL_BASE, "--url-base"},
    {LK_OPT_BROKER, "--broker"},
    {LK_OPT_SITE, "--site"},
    {LK_OPT_PORT, "--port"},
    {LK_OPT_CRL, "--crl"},
    {LK_OPT_HOME_BRIDGE, "--home-bridge"},
    {LK_OPT_REMOTE, "--remote"},
    {LK_OPT_IDENTITY, "--identity"},
    {LK_OPT_RUN_AS_ROOT, "--run-as-root"},
    {LK_OPT_BRIDGE_USER, "--bridge-user"},
    {LK_OPT_PLUGIN, "--plugin"},
    {LK_OPT_SCEP_LISTEN, "--scep-listen"},
    {LK_OPT_SCEP_URL, "--scep-url"},
    {LK_OPT_EXPIRING, "--expiring"},
    {LK_OPT_INSTALL_DIR, "--install-dir"},
    {LK_OPT_FORMAT, "--format"},
    {LK_OPT_PULSE_MS, "--pulse-ms"},
    {LK_OPT_INTERVAL_MS, "--interval-ms"},
    {LK_OPT_WIFI_SSID, "--wifi-ssid"},
    {LK_OPT_WIFI_PASS_FILE, "--wifi-pass-file"},
    {LK_OPT_STATE_DIR, "--state-dir"},
};

/* A whole number option from lo to hi; unit ("" or " of days") is named in the error. */
static int parse_range(const char *s, const char *opt, const char *unit, long lo, long hi, long *out)
{
    char *end = NULL;
    long v;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi) {
        lk_err("%s must be a whole number%s from %ld to %ld, got '%s'", opt, unit, lo, hi, s);
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
    while ((c = getopt_long(argc, argv, "-:d:ho:v", long_opts, NULL)) != -1) {
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
            if (parse_range(optarg, "--days", " of days", 1, 36500, &cli->days) != 0)
                return -1;
            cli->seen |= LK_OPT_DAYS;
            break;
        case OPT_PASSFILE: cli->passphrase_file = optarg; cli->seen |= LK_OPT_PASSFILE; break;
        case 'o': cli->out = optarg; cli->seen |= LK_OPT_OUT; break;
        case OPT_PWFILE: cli->password_file = optarg; cli->seen |= LK_OPT_PWFILE; break;
        case OPT_LEGACY: cli->legacy = 1; cli->seen |= LK_OPT_LEGACY; break;
        case OPT_FORCE: cli->force = 1; cli->seen |= LK_OPT_FORCE; break;
        case OPT_KEY_TYPE: cli->key_type = optarg; cli->seen |= LK_OPT_KEY_TYPE; break;
        case OPT_REASON: cli->reason = optarg; cli->seen |= LK_OPT_REASON; break;
        case OPT_NEW_KEY: cli->new_key = 1; cli->seen |= LK_OPT_NEW_KEY; break;
        case OPT_JSON: cli->json = 1; cli->seen |= LK_OPT_JSON; break;
        case 'v': cli->verbose = 1; cli->seen |= LK_OPT_VERBOSE; break;
        case OPT_MOBILECONFIG: cli->mobileconfig = optarg; cli->seen |= LK_OPT_MOBILECONFIG; break;
        case OPT_EMBED_PW: cli->embed_password = 1; cli->seen |= LK_OPT_EMBED_PW; break;
        case OPT_LISTEN: cli->listen = optarg; cli->seen |= LK_OPT_LISTEN; break;
        case OPT_MINUTES:
            if (parse_range(optarg, "--minutes", "", 1, 1440, &cli->minutes) != 0)
                return -1;
            cli->seen |= LK_OPT_MINUTES;
            break;
        case OPT_SECONDS:
            if (parse_range(optarg, "--seconds", "", 1, 86400, &cli->seconds) != 0)
                return -1;
            cli->seen |= LK_OPT_SECONDS;
            break;
        case OPT_ATTEMPTS:
            if (parse_range(optarg, "--attempts", "", 1, 100, &cli->attempts) != 0)
                return -1;
            cli->seen |= LK_OPT_ATTEMPTS;
            break;
        case OPT_PORT:
            if (parse_range(optarg, "--port", "", 1, 65535, &cli->port) != 0)
                return -1;
            cli->seen |= LK_OPT_PORT;
            break;
        case OPT_SERVER_NAME: cli->server_name = optarg; cli->seen |= LK_OPT_SERVER_NAME; break;
        case OPT_URL_BASE: cli->url_base = optarg; cli->seen |= LK_OPT_URL_BASE; break;
        case OPT_BROKER: cli->broker = optarg; cli->seen |= LK_OPT_BROKER; break;
        case OPT_SITE: cli->site = optarg; cli->seen |= LK_OPT_SITE; break;
        case OPT_CRL: cli->crl = optarg; cli->seen |= LK_OPT_CRL; break;
        case OPT_HOME_BRIDGE: cli->home_bridge = 1; cli->seen |= LK_OPT_HOME_BRIDGE; break;
        case OPT_REMOTE: cli->remote = optarg; cli->seen |= LK_OPT_REMOTE; break;
        case OPT_IDENTITY: cli->identity = optarg; cli->seen |= LK_OPT_IDENTITY; break;
        case OPT_RUN_AS_ROOT: cli->run_as_root = 1; cli->seen |= LK_OPT_RUN_AS_ROOT; break;
        case OPT_BRIDGE_USER: cli->bridge_user = optarg; cli->seen |= LK_OPT_BRIDGE_USER; break;
        case OPT_PLUGIN: cli->plugin = optarg; cli->seen |= LK_OPT_PLUGIN; break;
        case OPT_SCEP_LISTEN:
            cli->scep_listen = optarg;
            cli->seen |= LK_OPT_SCEP_LISTEN;
            break;
        case OPT_SCEP_URL:
            cli->scep_url = optarg;
            cli->seen |= LK_OPT_SCEP_URL;
            break;
        case OPT_EXPIRING:
            if (parse_range(optarg, "--expiring", " of days", 1, 3650, &cli->expiring) != 0)
                return -1;
            cli->seen |= LK_OPT_EXPIRING;
            break;
        case OPT_INSTALL_DIR:
            cli->install_dir = optarg;
            cli->seen |= LK_OPT_INSTALL_DIR;
            break;
        case OPT_STATE_DIR:
            cli->state_dir = optarg;
            cli->seen |= LK_OPT_STATE_DIR;
            break;
        case OPT_UNTIL:
            cli->until = optarg;
            cli->seen |= LK_OPT_UNTIL;
            break;
        case OPT_FORMAT:
            cli->format = optarg;
            cli->seen |= LK_OPT_FORMAT;
            break;
        case OPT_PULSE_MS:
            if (parse_range(optarg, "--pulse-ms", "", 50, 10000, &cli->pulse_ms) != 0)
                return -1;
            cli->seen |= LK_OPT_PULSE_MS;
            break;
        case OPT_INTERVAL_MS:
            if (parse_range(optarg, "--interval-ms", "", 0, 600000, &cli->interval_ms) != 0)
                return -1;
            cli->seen |= LK_OPT_INTERVAL_MS;
            break;
        case OPT_WIFI_SSID:
            cli->wifi_ssid = optarg;
            cli->seen |= LK_OPT_WIFI_SSID;
            break;
        case OPT_WIFI_PASS_FILE:
            cli->wifi_pass_file = optarg;
            cli->seen |= LK_OPT_WIFI_PASS_FILE;
            break;
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

int lk_cli_check_allowed(const struct lk_cli *cli, lk_optmask allowed, const char *label)
{
    size_t i;
    if ((cli->seen & LK_OPT_UNTIL) && !(allowed & LK_OPT_UNTIL)) {
        lk_err("option --until does not apply to '%s'", label);
        return -1;
    }
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

static const struct {
    const char *verb;
    const char *usage;
    const char *text;
} helps[] = {
    {"init",
     "latchkey-certs -d DIR init [--name NAME] [--days N] [--key-type p256|p384|rsa3072] "
     "[--passphrase-file F]",
     "Creates the CA in DIR: a key (--key-type: ECDSA P-256 by default, P-384 or RSA-3072;\n"
     "DIR/ca/ca.key, PKCS#8 encrypted with AES-256-CBC under the CA passphrase) and a\n"
     "self-signed certificate DIR/ca/ca.crt with CN \"<NAME> Latchkey CA\" (NAME defaults to\n"
     "Latchkey), valid 3650 days by default. Without --passphrase-file or\n"
     "$LATCHKEY_CA_PASSPHRASE, and with a terminal on stdin, the passphrase is asked twice.\n"
     "Refuses to overwrite an existing CA and refuses an empty passphrase.\n"},
    {"issue",
     "latchkey-certs -d DIR issue server|client|device|gateway [NAME] [--dns D]... [--ip A]... "
     "[--days N | --until WHEN]",
     "Issues a leaf certificate signed by the CA (needs the CA passphrase):\n"
     "  issue server NAME --dns D... --ip A...  serverAuth, SAN from --dns/--ip (one needed), 397 "
     "days\n"
     "  issue client USER                       clientAuth, CN=USER (a phone), 365 days\n"
     "  issue device SITE/DOOR                  clientAuth, CN=SITE/DOOR, names [a-z0-9_-]{1,32}, "
     "730 days\n"
     "  issue gateway                           clientAuth, CN=gateway, 730 days\n"
     "Writes DIR/issued/<stem>.crt and DIR/private/<stem>.key (stem = CN with '/' -> '.')\n"
     "and adds a line to DIR/index.tsv. Refuses a CN that is already issued and still valid.\n"
     "--until WHEN (client only; UTC, 2026-12-27T11:00Z): valid until then plus 10 minutes\n"
     "instead of --days (a guest's visit, see 'guest').\n"},
    {"guest", "latchkey-certs -d DIR guest NAME --until WHEN [--passphrase-file F]",
     "Issues a guest's client certificate: CN=NAME, clientAuth, valid from now until WHEN\n"
     "(UTC, 2026-12-27T11:00Z) plus 10 minutes, so that it stops working when the visit\n"
     "ends whatever the gateway's database says. The same as 'issue client NAME --until\n"
     "WHEN'; then 'enroll NAME' hands it to the guest's phone and the gateway's 'user guest'\n"
     "gives the record the same end (docs/gateway.md, \"Guests\").\n"},
    {"export",
     "latchkey-certs -d DIR export USER [--out FILE.p12] [--mobileconfig FILE] [--password-file F] "
     "[--legacy] [--embed-password]",
     "Writes a password-protected PKCS#12 with USER's client certificate, key and the CA\n"
     "certificate (friendlyName USER). Default: AES-256-CBC/PBKDF2 with a SHA-256 MAC.\n"
     "--legacy: 3DES (pbeWithSHA1And3-KeyTripleDES-CBC) and a SHA-1 MAC, for phones that refuse\n"
     "the modern form. Without --password-file (first line = password), a random password is\n"
     "generated and printed on stdout as \"password: <pw>\".\n"
     "--mobileconfig FILE: also (or instead of --out) an iOS configuration profile carrying the\n"
     "p12 (always the legacy form, which iOS imports) and the CA as a root certificate payload.\n"
     "The password is NOT in the profile (iOS asks for it) unless --embed-password is given.\n"},
    {"enroll",
     "latchkey-certs -d DIR enroll USER [--listen ADDR:PORT] [--minutes N] [--attempts N] "
     "[--legacy] [--server-name NAME] [--url-base URL] [--password-file F]",
     "Serves USER's p12 once over HTTPS at /enroll/<token> (128-bit random, single use), shows\n"
     "the link as a QR code and prints the p12 password separately (never in the link). The TLS\n"
     "certificate is the server certificate NAME (--server-name) or the first valid one in the\n"
     "inventory. Stops after a successful download (plus a short grace period in which a second\n"
     "use of the link is answered 410 and reported), after N minutes (default 10; --seconds N\n"
     "instead, for tests) or after N wrong requests (--attempts, default 5). Listens on\n"
     "0.0.0.0:8444 by default. --url-base https://HOST[:PORT] sets the start of the printed link\n"
     "(e.g. a publicly trusted name that forwards to this port). Exit status 0 = delivered.\n"},
    {"scep",
     "latchkey-certs -d DIR scep USER [--listen ADDR:PORT] [--scep-listen ADDR:PORT] [--minutes N] "
     "[--attempts N] [--server-name NAME] [--url-base URL] [--scep-url URL] [--legacy] "
     "[--passphrase-file F]",
     "An invitation for a device that makes its own key (iPhone, iPad, Mac, any SCEP client):\n"
     "serves a one-time HTTPS link (--listen, default 0.0.0.0:8444; shown as a QR code) to a\n"
     ".mobileconfig with the CA and a SCEP payload, and the SCEP service (RFC 8894) over plain\n"
     "HTTP (--scep-listen, default 0.0.0.0:8445; its messages are signed and encrypted). The\n"
     "device's request must carry the one-time challenge and be for CN=USER (RSA >= 2048, P-256\n"
     "or P-384); one client certificate is issued into the inventory, no key is stored here.\n"
     "Stops shortly after the certificate, after N minutes (default 10; --seconds N for tests)\n"
     "or after N wrong requests (--attempts, default 5). --scep-url sets the URL the profile\n"
     "names (default http://<server name>:<port>/scep). --legacy also accepts requests\n"
     "encrypted with single DES (older SCEP clients; Apple devices use AES). Needs the CA\n"
     "passphrase.\n"
     "Exit status 0 = a certificate was issued.\n"},
    {"bundle",
     "latchkey-certs -d DIR bundle SITE/DOOR --out DIR2|BLOB --broker HOST:PORT [--force] "
     "[--format mcu [--pulse-ms N] [--interval-ms N] [--wifi-ssid SSID [--wifi-pass-file FILE]]]",
     "Writes everything one device needs into DIR2: device.conf (paths relative to DIR2),\n"
     "ca.crt, device.crt, device.key (0600), command.pub.hex, ack.key (0600: the device's own\n"
     "Ed25519 key that signs its acks; made on the first bundle and kept in DIR/ack/), "
     "ack.pub.hex\n"
     "(the gateway's [door] ack_pubkey, also printed) and latchkey_device_bundle.h (the same as\n"
     "C string literals and bytes, for firmware without a file system). The device certificate\n"
     "must already be issued ('issue device SITE/DOOR') and 'cmdkey' must have run.\n"
     "Refuses to replace an existing bundle unless --force.\n"
     "--format mcu writes instead the provisioning blob of a bare-metal device (the same\n"
     "material as DER, the ack key's seed, the broker, the relay pulse, Wi-Fi for the module;\n"
     "versioned, CRC-checked, at most 16 KiB) to the file BLOB, to flash at the board's\n"
     "provisioning offset (docs/firmware.md). HOST must be the broker's DNS name.\n"},
    {"broker-config",
     "latchkey-certs -d DIR broker-config --out DIR2 --site SITE [--listen ADDR] [--port N] "
     "[--server-name NAME] [--crl PATH] [--plugin SO|none] [--bridge-user CN] [--run-as-root] "
     "[--install-dir DIR3] [--state-dir DIR4]\n"
     "       latchkey-certs -d DIR broker-config --home-bridge --remote HOST:PORT --out DIR2 "
     "--site SITE [--identity CN]",
     "Mosquitto 2.0 configuration from the inventory. Default: the internet-facing broker:\n"
     "DIR2/mosquitto.conf (mTLS listener on ADDR:N, default all addresses:8883, TLS 1.2+,\n"
     "packets <= 2048 bytes, CRL from --crl PATH, ACL file, and the plugin latchkey_revoke,\n"
     "--plugin SO, default " LK_REVOKE_PLUGIN_DEFAULT ": only a certificate whose CN is\n"
     "in the ACL connects, with client id latchkey-CN ('/' as '-'), as user CN)\n"
     "and DIR2/acl (gateway: write latchkey/SITE/+/cmd, read ack/state/availability; each valid\n"
     "device of SITE: its own topics and its three Home Assistant discovery configs, by exact\n"
     "name; phones: nothing), with copies of ca.crt, server.crt, server.key (server certificate\n"
     "NAME, default the first valid one). With --crl, the plugin also disconnects live\n"
     "sessions of certificates the CRL revokes when Mosquitto reloads.\n"
     "--bridge-user CN gives CN every device's rights in SITE (a home broker's bridge identity).\n"
     "--run-as-root adds 'user root' (Mosquitto otherwise drops to user mosquitto).\n"
     "--install-dir DIR3: the configs name DIR3 (where the files will be installed on the\n"
     "broker's host) instead of DIR2; --crl is then that host's path, taken as given.\n"
     "--state-dir DIR4: the plugin keeps the number of the newest CRL it accepted in\n"
     "DIR4/latchkey-SITE.crl-number (absolute, on the broker's host; default " LK_BROKER_STATE_DIR
     ").\n"
     "--plugin none: no plugin (a broker without latchkey_revoke installed).\n"
     "DIR2/acl.local (made commented on the first run) holds your own ACL lines (Home\n"
     "Assistant, a monitoring identity): copied into every regenerated acl, never rewritten.\n"
     "--home-bridge: DIR2/bridge.conf for a home broker (include it in its config): one outbound\n"
     "TLS bridge to HOST:PORT with identity CN (default: the only valid device of SITE), clean\n"
     "session, commands in, answers out; plus bridge-ca.crt, bridge.crt, bridge.key.\n"},
    {"host-bundle",
     "latchkey-certs -d DIR host-bundle vps --out DIR2 --site SITE --server-name NAME\n"
     "       latchkey-certs -d DIR host-bundle home SITE/DOOR --out DIR2 --remote HOST:PORT "
     "--server-name NAME",
     "One directory per destination host with its own DIR2/install.sh (run it as root there):\n"
     "it puts each file where the packaged services read it, with owners and modes (keys\n"
     "0640 root:latchkey or root:mosquitto, the CRL world-readable in /etc/latchkey/crl).\n"
     "  vps   the gateway's certificates and keys (server NAME, gateway, command key) for\n"
     "        /etc/latchkey/pki, a gateway.conf for SITE (kept if one is installed), the\n"
     "        internet-facing broker's config (broker-config, installed in\n"
     "        /etc/mosquitto/latchkey and conf.d/latchkey.conf) and the CRL.\n"
     "  home  the device bundle of SITE/DOOR (for /etc/latchkey/device, broker NAME:8883), the\n"
     "        home broker's listener (server certificate NAME) and its bridge to HOST:PORT as\n"
     "        SITE/DOOR (conf.d/latchkey.conf, conf.d/latchkey-bridge.conf) and the CRL.\n"
     "The configs name the installed paths. DIR2/mosquitto/acl.local holds your own ACL lines:\n"
     "copied into every regenerated acl, never rewritten. Run it again after 'crl' to carry a\n"
     "new CRL; install.sh makes a running Mosquitto reload it.\n"},
    {"sign",
     "latchkey-certs -d DIR sign server|client|device|gateway FILE.csr [--out FILE.crt] [--days N] "
     "[--dns D]... [--ip A]...",
     "Signs a CSR made elsewhere (openssl req, a phone, ykman piv, XCA). Its self-signature\n"
     "must verify; its key must be ECDSA P-256/P-384, RSA >= 2048 or Ed25519. Only the subject\n"
     "CN is used, checked like 'issue' checks a name; every extension the CSR asks for is\n"
     "ignored (the profile decides: a CSR asking for CA:TRUE gets a leaf). Server SANs come from\n"
     "--dns/--ip only. Writes DIR/issued/<stem>.crt (and --out) and the inventory; no key.\n"},
    {"revoke",
     "latchkey-certs -d DIR revoke SERIAL|NAME [--reason "
     "keyCompromise|superseded|cessationOfOperation|affiliationChanged|unspecified]",
     "Marks a certificate revoked in DIR/index.tsv with today's date and the reason (default\n"
     "unspecified). NAME is the current certificate of that CN; a SERIAL can name any entry\n"
     "(e.g. one superseded by renew). Publish the change with 'crl'. Needs no passphrase.\n"},
    {"crl", "latchkey-certs -d DIR crl [--days N] [--out PATH] [--passphrase-file F] [-v]",
     "Signs a CRL v2 of every revoked certificate (CRL number from DIR/crlnumber, +1 each time;\n"
     "AKI; nextUpdate = now + N days, default 30) and writes it atomically to PATH (default\n"
     "DIR/crl.pem). Silent on success unless -v: run it from a timer well before nextUpdate.\n"},
    {"list", "latchkey-certs -d DIR list [--json] [--expiring DAYS]",
     "The inventory: serial, profile, subject, notAfter, status (valid, expired, revoked,\n"
     "superseded) and days left; EXPIRING marks valid certificates ending within 30 days.\n"
     "--expiring DAYS: only the valid certificates ending within DAYS (who needs a new one).\n"},
    {"show", "latchkey-certs -d DIR show NAME|SERIAL [--json]",
     "One certificate in detail: status, dates, revocation, key type, SAN and its files.\n"},
    {"renew", "latchkey-certs -d DIR renew NAME [--new-key] [--days N] [--passphrase-file F]",
     "A new certificate (new serial) for NAME's current one: same subject, profile and SAN,\n"
     "the profile's default validity unless --days. Keeps the key unless --new-key (a\n"
     "certificate signed from a CSR keeps its public key). The old certificate becomes\n"
     "'superseded' and stays trusted until it expires; revoke it by serial if it must not.\n"},
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
    return "latchkey-certs -d DIR VERB ... (see --help)";
}

int lk_cli_help(const char *verb)
{
    size_t i;
    if (verb == NULL) {
        printf("latchkey-certs - the Latchkey PKI: CA, leaf certificates, phone .p12, command key\n\n"
               "Usage: latchkey-certs -d DIR VERB [ARGS] [OPTIONS]\n\n");
        for (i = 0; i < sizeof helps / sizeof helps[0]; i++)
            printf("  %s\n", helps[i].usage);
        printf("\nDIR may also come from $LATCHKEY_PKI_DIR. The CA passphrase (init, issue, sign, crl,\n"
               "renew) comes from --passphrase-file F (first line) or $LATCHKEY_CA_PASSPHRASE, else\n"
               "it is asked on the terminal; never from argv.\n"
               "'latchkey-certs VERB --help' describes one verb; 'latchkey-certs --version' prints\n"
               "the version.\n");
        return 0;
    }
    for (i = 0; i < sizeof helps / sizeof helps[0]; i++) {
        if (strcmp(verb, helps[i].verb) == 0) {
            printf("Usage: %s\n\n%s", helps[i].usage, helps[i].text);
            return 0;
        }
    }
    lk_err("unknown verb '%s' (see 'latchkey-certs --help')", verb);
    return -1;
}
