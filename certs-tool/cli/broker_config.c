/* broker_config.c - "broker-config": Mosquitto 2.0 configuration generated from the
 * inventory. Default: the internet-facing broker (mosquitto.conf with one mTLS listener,
 * the latchkey_revoke plugin binding each session to its certificate (only CNs named in the
 * ACL connect, as user CN and client id latchkey-<CN>), a packet size bound, the CRL,
 * and an ACL file naming the gateway and every valid device of the site with each topic
 * it may use; phones get nothing). --home-bridge: the bridge a home broker uses to dial out to it.
 * Certificates are copied next to the config, which names them by absolute path: --out's, or
 * --install-dir's (where the files will be installed on the broker's host; --crl is then that
 * host's path, taken as given). Operator lines for the ACL live in acl.local next to it
 * (acl_local.h): merged into every regenerated ACL, never rewritten. */
#include "verbs.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl_local.h"
#include "args.h"
#include "certgen.h"
#include "diag.h"
#include "hostport.h"
#include "inv_foreach.h"
#include "inventory.h"
#include "leaf_load.h"
#include "names.h"
#include "pki_dir.h"
#include "txn.h"

#include "latchkey/cmd_format.h"
#include "latchkey/mqtt_limits.h"

#define MAX_DEVICES 1024
/* Where the Debian mosquitto package lets its user write (its home). */

struct devs {
    const char *site;
    char names[MAX_DEVICES][33]; /* door names of the site's valid devices, no duplicates */
    int n;
};

static int collect_device(const struct lk_inv_entry *e, void *arg)
{
    struct devs *d = arg;
    char site[33], door[33];
    int i;
    if (!lk_device_name_split(e->cn, site, sizeof site, door, sizeof door) || strcmp(site, d->site) != 0)
        return 0;
    for (i = 0; i < d->n; i++)
        if (strcmp(d->names[i], door) == 0)
            return 0;
    if (d->n >= MAX_DEVICES) {
        lk_err("more than %d devices in site %s", MAX_DEVICES, d->site);
        return -1;
    }
    memcpy(d->names[d->n++], door, strlen(door) + 1);
    return 0;
}

static int list_devices(const struct lk_pki *pki, struct devs *d)
{
    return lk_inv_foreach_valid_now(pki, "device", collect_device, d) < 0 ? -1 : 0;
}

/* Home automation identities (profile automation): each gets its block in the ACL. */
#define MAX_AUTOMATION 16
struct automations {
    char cn[MAX_AUTOMATION][LK_CN_MAX + 1];
    int n;
};

static int collect_automation(const struct lk_inv_entry *e, void *arg)
{
    struct automations *a = arg;
    int i;
    for (i = 0; i < a->n; i++)
        if (strcmp(a->cn[i], e->cn) == 0)
            return 0;
    if (a->n >= MAX_AUTOMATION) {
        lk_err("more than %d automation identities", MAX_AUTOMATION);
        return -1;
    }
    snprintf(a->cn[a->n++], sizeof a->cn[0], "%s", e->cn);
    return 0;
}

/* Absolute form of an existing directory or file. */
static int absolute(const char *path, char out[PATH_MAX])
{
    if (realpath(path, out) == NULL) {
        lk_err("cannot resolve %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* Copies an issued certificate and its key, and the CA, into the txn as DIR/<prefix>... */
static int add_pem(struct lk_txn *txn, const char *dir, const char *name, BIO *b, mode_t mode)
{
    char path[LK_PATH_MAX], *data = NULL;
    long len = BIO_get_mem_data(b, &data);
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path) {
        lk_err("path %s/%s is too long", dir, name);
        return -1;
    }
    return len > 0 ? lk_txn_add(txn, path, data, (size_t)len, mode) : -1;
}

static int add_identity(struct lk_txn *txn, const struct lk_pki *pki, const char *dir,
                        const char *profile, const char *cn, const char *ca_name,
                        const char *crt_name, const char *key_name)
{
    char ca_path[LK_PATH_MAX];
    X509 *cert = NULL, *ca = NULL;
    EVP_PKEY *key = NULL;
    BIO *c = BIO_new(BIO_s_mem()), *k = BIO_new(BIO_s_secmem()), *a = BIO_new(BIO_s_mem());
    int rc = -1;
    if (c == NULL || k == NULL || a == NULL) {
        lk_err_ssl("out of memory");
        goto out;
    }
    if (lk_leaf_load(pki, profile, cn, &cert, &key) != 0 ||
        lk_pki_path(pki, "ca/ca.crt", ca_path, sizeof ca_path) != 0 || (ca = lk_load_cert(ca_path)) == NULL ||
        lk_pem_cert(c, cert) != 0 || lk_pem_pkcs8(k, key, NULL) != 0 || lk_pem_cert(a, ca) != 0)
        goto out;
    if (add_pem(txn, dir, ca_name, a, 0644) != 0 || add_pem(txn, dir, crt_name, c, 0644) != 0 ||
        add_pem(txn, dir, key_name, k, 0600) != 0)
        goto out;
    rc = 0;
out:
    BIO_free(a);
    BIO_free(c);
    BIO_free(k);
    X509_free(cert);
    X509_free(ca);
    EVP_PKEY_free(key);
    return rc;
}

/* The retained discovery configs a device publishes (firmware/core/src/ha_discovery.c:
 * <prefix>/<component>/latchkey_<site>_<door>/<object>/config with the default prefix). The
 * "open" button is left out: it belongs to the local command path, which this broker's
 * ACL never carries (no identity may write .../local). */
static const struct {
    const char *component, *object;
} ha_configs[] = {
    {"binary_sensor", "online"}, {"binary_sensor", "relay"}, {"binary_sensor", "door"}};

/* The gateway's discovery configs of each door (gateway/core/ha_config.h). */
static const struct {
    const char *component, *object;
} gw_ha_configs[] = {{"event", "attempt"},
                     {"sensor", "last_result"},
                     {"sensor", "last_opener"},
                     {"button", "request"}};

/* What a home automation identity may do (docs/protocol.md "Requests from the house"):
 * watch every door, and ask the gateway to open in its own name only. */
static int write_automation(BIO *b, const char *site, const char *cn)
{
    return BIO_printf(
               b,
               "\n# Home automation %s: reads every door's topics and the discovery configs, and\n"
               "# asks the gateway to open in its own name only (the gateway decides and signs).\n"
               "user %s\n"
               "topic read latchkey/%s/+/availability\n"
               "topic read latchkey/%s/+/state\n"
               "topic read latchkey/%s/+/event\n"
               "topic read latchkey/%s/+/last\n"
               "topic read latchkey/%s/+/last_opened\n"
               "topic read latchkey/%s/bridge\n"
               "topic write latchkey/%s/+/request/%s\n"
               "topic read homeassistant/#\n"
               "topic readwrite homeassistant/status\n",
               cn, cn, site, site, site, site, site, site, site, cn) > 0
               ? 0
               : -1;
}

/* Every topic is named exactly (no wildcard under a device's own names): an identity can
 * keep at most one retained message per topic listed, each at most max_packet_size. To
 * give an identity a new topic, add one line here (docs/security.md, "Broker"). */
static int write_acl(BIO *b, const char *site, const struct devs *d, const char *bridge_user,
                     const struct automations *ha)
{
    size_t j;
    int i,
        ok =
            BIO_printf(
                b,
                "# Written by latchkey-certs broker-config: who may use which topics of site %s.\n"
                "# Users are certificate CNs (set by the latchkey_revoke plugin). A certificate "
                "not named\n"
                "# here (a phone, anything else) cannot even connect. Reload with SIGHUP.\n\n"
                "# The gateway commands every door of the site and reads their answers.\n"
                "user gateway\n"
                "topic write latchkey/%s/+/cmd\n"
                "topic read latchkey/%s/+/ack\n"
                "topic read latchkey/%s/+/state\n"
                "topic read latchkey/%s/+/availability\n"
                "# The bridge link of a home broker, the house's requests, and what every attempt\n"
                "# tells the house (docs/protocol.md).\n"
                "topic read latchkey/%s/bridge\n"
                "topic read latchkey/%s/+/request/+\n"
                "topic write latchkey/%s/+/event\n"
                "topic write latchkey/%s/+/last\n"
                "topic write latchkey/%s/+/last_opened\n"
                "# The doors' signed time beacon: their requests in, the answers out.\n"
                "topic read latchkey/%s/+/time/req\n"
                "topic write latchkey/%s/+/time\n",
                site, site, site, site, site, site, site, site, site, site, site, site) > 0;
    for (i = 0; ok && i < d->n; i++)
        for (j = 0; ok && j < sizeof gw_ha_configs / sizeof gw_ha_configs[0]; j++)
            ok = BIO_printf(b, "topic write homeassistant/%s/latchkey_%s_%s/%s/config\n",
                            gw_ha_configs[j].component, site, d->names[i],
                            gw_ha_configs[j].object) > 0;
    if (ok && bridge_user != NULL)
        ok =
            BIO_printf(
                b,
                "\n# A home broker's bridge: carries every door's commands in and answers out.\n"
                "user %s\n"
                "topic read latchkey/%s/+/cmd\n"
                "topic write latchkey/%s/+/ack\n"
                "topic write latchkey/%s/+/state\n"
                "topic write latchkey/%s/+/availability\n"
                "# Its link state (the bridge's notifications and their will), the house's\n"
                "# requests out, the gateway's events and discovery configs in.\n"
                "topic write latchkey/%s/bridge\n"
                "topic write latchkey/%s/+/request/+\n"
                "topic read latchkey/%s/+/event\n"
                "topic read latchkey/%s/+/last\n"
                "topic read latchkey/%s/+/last_opened\n"
                "# The devices' signed time beacon: their requests out, the gateway's answers in.\n"
                "topic write latchkey/%s/+/time/req\n"
                "topic read latchkey/%s/+/time\n"
                "topic read homeassistant/+/+/+/config\n",
                bridge_user, site, site, site, site, site, site, site, site, site, site, site) > 0;
    for (i = 0; ok && ha != NULL && i < ha->n; i++)
        ok = write_automation(b, site, ha->cn[i]) == 0;
    for (i = 0; ok && i < d->n; i++) {
        const char *door = d->names[i];
        ok = BIO_printf(
                 b,
                 "\n# Device %s/%s: only its own commands in, only its own answers out, its own\n"
                 "# time beacon (request out, answer in) and its Home Assistant discovery\n"
                 "# configs, each by its exact name.\n"
                 "user %s/%s\n"
                 "topic read latchkey/%s/%s/cmd\n"
                 "topic write latchkey/%s/%s/ack\n"
                 "topic write latchkey/%s/%s/state\n"
                 "topic write latchkey/%s/%s/availability\n"
                 "topic write latchkey/%s/%s/time/req\n"
                 "topic read latchkey/%s/%s/time\n",
                 site, door, site, door, site, door, site, door, site, door, site, door, site, door,
                 site, door) > 0;
        for (j = 0; ok && j < sizeof ha_configs / sizeof ha_configs[0]; j++)
            ok = BIO_printf(b, "topic write homeassistant/%s/latchkey_%s_%s/%s/config\n",
                            ha_configs[j].component, site, door, ha_configs[j].object) > 0;
    }
    return ok ? 0 : -1;
}

static int write_conf(BIO *b, const struct lk_cli *cli, const char *site, const char *dir,
                      long port, const char *crl_abs)
{
    const char *plugin = cli->plugin != NULL ? cli->plugin : LK_REVOKE_PLUGIN_DEFAULT;
    int no_plugin = strcmp(plugin, "none") == 0;
    int ok = BIO_printf(b,
        "# Written by latchkey-certs broker-config: the internet-facing Mosquitto 2.0 broker of\n"
        "# site %s. Every client must present a certificate of the Latchkey CA; its CN is its\n"
        "# user name and the ACL file decides what it may read and write. SIGHUP reloads the\n"
        "# ACL and the CRL.\n"
        "per_listener_settings false\n"
        "allow_anonymous false\n"
        "# Door commands are never kept for later: nothing is stored across restarts.\n"
        "persistence false\n"
        "# Small packets go out at once: without it Nagle holds a device's ack behind the\n"
        "# gateway's delayed ACK of the previous PUBACK (~40 ms per door action).\n"
        "set_tcp_nodelay true\n"
        "# No Latchkey message is near this size (commands <= 1 KiB, docs/protocol.md): a client\n"
        "# sending a larger packet is disconnected, so no one can park big retained messages.\n"
        "max_packet_size %d\n"
        "log_dest stderr\n"
        "log_type error\nlog_type warning\nlog_type notice\nlog_type information\n"
        "%s"
        "acl_file %s/acl\n\n"
        "listener %ld%s%s\n"
        "cafile %s/ca.crt\n"
        "certfile %s/server.crt\n"
        "keyfile %s/server.key\n",
        site, LK_MQTT_PACKET_MAX, cli->run_as_root ? "# Run as root (--run-as-root): Mosquitto keeps root instead of dropping to 'mosquitto'.\nuser root\n" : "",
        dir, port, cli->listen != NULL ? " " : "", cli->listen != NULL ? cli->listen : "", dir, dir, dir) > 0;
    if (ok && crl_abs != NULL)
        ok = BIO_printf(b, "# Revoked certificates are refused. An EXPIRED CRL refuses everyone: publish it\n"
                           "# again ('latchkey-certs crl') before its nextUpdate.\ncrlfile %s\n", crl_abs) > 0;
    if (ok && !no_plugin)
        ok = BIO_printf(b,
                        "# Who may connect: latchkey_revoke admits a certificate only if its CN "
                        "has a block in\n"
                        "# the ACL file and it asks for client id latchkey-<CN> ('/' as '-'); the "
                        "session's\n"
                        "# user name is then the CN. So a phone's certificate is refused at "
                        "CONNECT, and no\n"
                        "# certificate can take over another identity's session.\n"
                        "plugin %s\nplugin_opt_aclfile %s/acl\n",
                        plugin, dir) > 0;
    if (ok && crl_abs != NULL && !no_plugin)
        ok = BIO_printf(
                 b,
                 "# Mosquitto checks crlfile only at a handshake. latchkey_revoke re-reads the CRL "
                 "at\n"
                 "# each reload (SIGHUP) and disconnects the open sessions it revokes. It refuses "
                 "a\n"
                 "# CRL older than the newest it accepted, whose number it keeps (writable by\n"
                 "# Mosquitto's user) across restarts: with an older CRL, Mosquitto does not "
                 "start.\n"
                 "plugin_opt_crlfile %s\nplugin_opt_cafile %s/ca.crt\n"
                 "plugin_opt_crlnumberfile %s/latchkey-%s.crl-number\n",
                 crl_abs, dir, cli->state_dir != NULL ? cli->state_dir : LK_BROKER_STATE_DIR,
                 site) > 0;
    if (ok && crl_abs == NULL)
        ok = BIO_puts(b, "# No --crl given: revoked certificates are NOT refused by this broker.\n") > 0;
    if (ok)
        ok = BIO_puts(b, "tls_version tlsv1.2\nrequire_certificate true\n") > 0;
    if (ok && !no_plugin)
        ok = BIO_puts(b,
                      "# Never use_identity_as_username: with it Mosquitto 2.0 skips the plugin's "
                      "check.\n") > 0;
    if (ok && no_plugin)
        ok = BIO_puts(
                 b,
                 "# --plugin none: without latchkey_revoke nothing refuses a phone's certificate "
                 "at\n"
                 "# CONNECT; the CN is the user name and the client id, whatever the client asks.\n"
                 "use_identity_as_username true\nuse_username_as_clientid true\n") > 0;
    return ok ? 0 : -1;
}

/* The client id the internet-facing broker's plugin admits for cn (broker/identity.h):
 * "latchkey-" and the CN with '/' as '-'. */
static void client_id_of(const char *cn, char out[LK_CN_MAX + 10])
{
    size_t i;
    snprintf(out, LK_CN_MAX + 10, "latchkey-%s", cn);
    for (i = 0; out[i] != '\0'; i++)
        if (out[i] == '/')
            out[i] = '-';
}

static int write_bridge(BIO *b, const char *site, const char *host, long port, const char *dir,
                        const char *identity)
{
    char id[LK_CN_MAX + 10];
    client_id_of(identity, id);
    return BIO_printf(
               b,
               "# Written by latchkey-certs broker-config --home-bridge: the bridge of the home "
               "broker of\n"
               "# site %s to the internet-facing broker. Include it in the home broker's "
               "configuration\n"
               "# (e.g. copy it to /etc/mosquitto/conf.d/). The home broker dials OUT: nothing on "
               "the\n"
               "# internet needs to reach the home network. Identity: %s.\n"
               "connection latchkey-%s\n"
               "address %s:%ld\n"
               "# The internet-facing broker admits this certificate only with the client id of "
               "its CN:\n"
               "# no device of the site may use %s there as well.\n"
               "remote_clientid %s\n"
               "bridge_protocol_version mqttv311\n"
               "# The internet-facing broker disconnects a client sending more (max_packet_size):\n"
               "# a larger message is dropped here instead of taking the bridge down.\n"
               "bridge_max_packet_size %d\n"
               "bridge_cafile %s/bridge-ca.crt\n"
               "bridge_certfile %s/bridge.crt\n"
               "bridge_keyfile %s/bridge.key\n"
               "bridge_tls_version tlsv1.2\n"
               "bridge_insecure false\n"
               "# A queued \"open\" must never be delivered late. With a clean session the "
               "internet\n"
               "# broker forgets this bridge's subscription and queue as soon as the link drops, "
               "so a\n"
               "# command published while home is offline is lost (the gateway reports \"not\n"
               "# confirmed\") instead of opening the door minutes later when the link comes "
               "back.\n"
               "# (The device also rejects a stale command by its exp; this is the second wall.)\n"
               "cleansession true\n"
               "# The link's state, retained on both brokers: \"1\" when up, \"0\" when it goes "
               "down\n"
               "# (on the internet broker as this bridge's will). While it is \"0\" the gateway "
               "shows\n"
               "# every door of the site offline and refuses actions at once (docs/protocol.md).\n"
               "notifications true\n"
               "notification_topic latchkey/%s/bridge\n"
               "# A black-holed link is noticed within 1.5 keepalives (both ends).\n"
               "keepalive_interval 5\n"
               "start_type automatic\n"
               "restart_timeout 2 30\n"
               "# Commands come in; answers, state and availability go out.\n"
               "topic latchkey/%s/+/cmd in 1\n"
               "topic latchkey/%s/+/ack out 1\n"
               "topic latchkey/%s/+/state out 1\n"
               "topic latchkey/%s/+/availability out 1\n"
               "# The house's requests go out (QoS 0: never queued here for a link that is down; "
               "a\n"
               "# request must be fresh anyway); the gateway's events and discovery configs come "
               "in.\n"
               "topic latchkey/%s/+/request/+ out 0\n"
               "topic latchkey/%s/+/event in 1\n"
               "topic latchkey/%s/+/last in 1\n"
               "topic latchkey/%s/+/last_opened in 1\n"
               "# The devices' time beacon (docs/protocol.md): nonce-bound requests out, signed\n"
               "# answers in; with the clean session above neither is queued over a cut link.\n"
               "topic latchkey/%s/+/time/req out 1\n"
               "topic latchkey/%s/+/time in 1\n"
               "topic homeassistant/event/+/attempt/config in 1\n"
               "topic homeassistant/sensor/+/last_result/config in 1\n"
               "topic homeassistant/sensor/+/last_opener/config in 1\n"
               "topic homeassistant/button/+/request/config in 1\n",
               site, identity, site, host, port, identity, id, LK_MQTT_PACKET_MAX, dir, dir, dir,
               site, site, site, site, site, site, site, site, site, site, site) > 0
               ? 0
               : -1;
}

struct only_one {
    const char *site;
    char cn[LK_CN_MAX + 1];
    int n;
};

static int count_device(const struct lk_inv_entry *e, void *arg)
{
    struct only_one *o = arg;
    char site[33], door[33];
    if (lk_device_name_split(e->cn, site, sizeof site, door, sizeof door) && strcmp(site, o->site) == 0 &&
        strcmp(e->cn, o->cn) != 0) {
        memcpy(o->cn, e->cn, strlen(e->cn) + 1);
        o->n++;
    }
    return 0;
}

/* The bridge identity: --identity, else the only valid device of the site. */
static int bridge_identity(const struct lk_pki *pki, const struct lk_cli *cli, const char *site,
                           char *cn, size_t cap, struct lk_inv_entry *e)
{
    struct only_one o = {site, "", 0};
    int r;
    if (cli->identity != NULL) {
        r = lk_inv_lookup(pki, NULL, cli->identity, e);
        if (r <= 0) {
            if (r == 0)
                lk_err("--identity '%s' is not a valid certificate in the inventory", cli->identity);
            return -1;
        }
        if (strcmp(e->profile, "device") != 0 && strcmp(e->profile, "gateway") != 0) {
            lk_err("--identity '%s' is a %s certificate; use a device (or dedicated device-profile) identity",
                   cli->identity, e->profile);
            return -1;
        }
        snprintf(cn, cap, "%s", cli->identity);
        return 0;
    }
    if (lk_inv_foreach_valid_now(pki, "device", count_device, &o) < 0)
        return -1;
    if (o.n != 1) {
        lk_err("site %s has %d valid devices; choose the bridge's identity with --identity CN", site, o.n);
        return -1;
    }
    snprintf(cn, cap, "%s", o.cn);
    return lk_inv_lookup(pki, "device", cn, e) == 1 ? 0 : -1;
}

static int file_in(struct lk_txn *txn, const char *dir, const char *name, BIO *b, mode_t mode)
{
    return add_pem(txn, dir, name, b, mode);
}

int certs_verb_broker_config(const struct lk_cli *cli)
{
    struct lk_pki pki = {.lock_fd = -1};
    struct lk_txn txn;
    struct lk_inv_entry e;
    struct devs *devs = NULL;
    struct automations ha = {.n = 0};
    char outabs[PATH_MAX], crlabs[PATH_MAX], cfgdir[PATH_MAX], server[LK_CN_MAX + 1], host[256],
        ident[LK_CN_MAX + 1];
    const char *dir, *site = cli->site;
    BIO *conf = NULL, *acl = NULL;
    long rport = 0;
    int rc = -1, r;

    lk_txn_init(&txn);
    if (cli->npos != 1) {
        lk_err("broker-config takes no arguments; usage: %s", lk_cli_usage("broker-config"));
        return -1;
    }
    if (cli->out == NULL || *cli->out == '\0' || site == NULL) {
        lk_err("broker-config needs --out DIR and --site SITE");
        return -1;
    }
    if (!lk_name_valid(site, strlen(site))) {
        lk_err("invalid site name '%s' (expected [a-z0-9_-]{1,32})", site);
        return -1;
    }
    if (cli->home_bridge) {
        if (cli->seen &
            (LK_OPT_LISTEN | LK_OPT_PORT | LK_OPT_SERVER_NAME | LK_OPT_CRL | LK_OPT_BRIDGE_USER |
             LK_OPT_RUN_AS_ROOT | LK_OPT_PLUGIN | LK_OPT_STATE_DIR)) {
            lk_err("--home-bridge takes only --remote, --out, --site and --identity");
            return -1;
        }
        if (cli->remote == NULL) {
            lk_err("--home-bridge needs --remote HOST:PORT (the internet-facing broker)");
            return -1;
        }
        if (lk_hostport_parse(cli->remote, "--remote", host, sizeof host, &rport) != 0)
            return -1;
    } else {
        if (cli->remote != NULL || cli->identity != NULL) {
            lk_err("--remote and --identity only apply with --home-bridge");
            return -1;
        }
        if (cli->listen != NULL && !lk_host_valid(cli->listen)) {
            lk_err("--listen must be an IP address or host name, got '%s'", cli->listen);
            return -1;
        }
        if (cli->crl != NULL && cli->install_dir != NULL && cli->crl[0] != '/') {
            lk_err(
                "with --install-dir, --crl is the absolute path of the CRL on the broker's host");
            return -1;
        }
        if (cli->crl != NULL && cli->install_dir != NULL)
            snprintf(crlabs, sizeof crlabs, "%s", cli->crl);
        else if (cli->crl != NULL && absolute(cli->crl, crlabs) != 0)
            return -1;
        if (cli->plugin != NULL && cli->plugin[0] != '/' && strcmp(cli->plugin, "none") != 0) {
            lk_err("--plugin needs an absolute path (or none)");
            return -1;
        }
        if (cli->state_dir != NULL &&
            (cli->crl == NULL || (cli->plugin != NULL && strcmp(cli->plugin, "none") == 0))) {
            lk_err(
                "--state-dir applies only with --crl and the plugin (it holds the plugin's CRL "
                "number)");
            return -1;
        }
        if (cli->state_dir != NULL &&
            (cli->state_dir[0] != '/' || strlen(cli->state_dir) >= PATH_MAX - 64)) {
            lk_err("--state-dir must be an absolute path on the broker's host, got '%s'",
                   cli->state_dir);
            return -1;
        }
    }
    if ((dir = lk_cli_dir(cli)) == NULL || lk_pki_open(&pki, dir) != 0)
        goto out;
    if (lk_mkdir(cli->out, 0700) != 0 || absolute(cli->out, outabs) != 0)
        goto out;
    if (cli->install_dir != NULL &&
        (cli->install_dir[0] != '/' || strlen(cli->install_dir) >= sizeof cfgdir)) {
        lk_err("--install-dir must be an absolute path, got '%s'", cli->install_dir);
        goto out;
    }
    snprintf(cfgdir, sizeof cfgdir, "%s", cli->install_dir != NULL ? cli->install_dir : outabs);
    conf = BIO_new(BIO_s_mem());
    acl = BIO_new(BIO_s_mem());
    if (conf == NULL || acl == NULL) {
        lk_err_ssl("out of memory");
        goto out;
    }
    if (cli->home_bridge) {
        if (bridge_identity(&pki, cli, site, ident, sizeof ident, &e) != 0 ||
            add_identity(&txn, &pki, outabs, e.profile, ident, "bridge-ca.crt", "bridge.crt",
                         "bridge.key") != 0 ||
            write_bridge(conf, site, host, rport, cfgdir, ident) != 0 ||
            file_in(&txn, outabs, "bridge.conf", conf, 0644) != 0 || lk_txn_commit(&txn) != 0)
            goto out;
        printf("wrote %s/bridge.conf (bridge of site %s to %s:%ld as %s)\n", outabs, site, host, rport, ident);
        rc = 0;
        goto out;
    }
    if (cli->server_name != NULL) {
        snprintf(server, sizeof server, "%s", cli->server_name);
    } else {
        r = lk_inv_lookup(&pki, "server", NULL, &e);
        if (r <= 0) {
            if (r == 0)
                lk_err("no valid server certificate in the inventory; issue one with 'issue server NAME --dns ...'");
            goto out;
        }
        snprintf(server, sizeof server, "%s", e.cn);
    }
    if (cli->bridge_user != NULL) {
        r = lk_inv_lookup(&pki, NULL, cli->bridge_user, &e);
        if (r <= 0 || strcmp(e.profile, "client") == 0 || strcmp(e.profile, "ca") == 0) {
            if (r >= 0)
                lk_err("--bridge-user '%s' is not a valid device or gateway certificate", cli->bridge_user);
            goto out;
        }
    }
    devs = calloc(1, sizeof *devs);
    if (devs == NULL) {
        lk_err("out of memory");
        goto out;
    }
    devs->site = site;
    if (list_devices(&pki, devs) != 0 ||
        lk_inv_foreach_valid_now(&pki, "automation", collect_automation, &ha) < 0)
        goto out;
    if (add_identity(&txn, &pki, outabs, "server", server, "ca.crt", "server.crt", "server.key") !=
            0 ||
        write_conf(conf, cli, site, cfgdir, cli->port != 0 ? cli->port : 8883,
                   cli->crl != NULL ? crlabs : NULL) != 0 ||
        write_acl(acl, site, devs, cli->bridge_user, &ha) != 0 ||
        lk_acl_local_merge(&txn, outabs, acl) != 0 ||
        file_in(&txn, outabs, "acl", acl, 0644) != 0 ||
        file_in(&txn, outabs, "mosquitto.conf", conf, 0644) != 0 || lk_txn_commit(&txn) != 0)
        goto out;
    printf("wrote %s/mosquitto.conf and %s/acl (site %s: gateway and %d device%s%s)\n", outabs, outabs,
           site, devs->n, devs->n == 1 ? "" : "s", cli->crl != NULL ? "" : "; no CRL");
    rc = 0;
out:
    lk_txn_abort(&txn);
    BIO_free(conf);
    BIO_free(acl);
    free(devs);
    lk_pki_close(&pki);
    return rc;
}
