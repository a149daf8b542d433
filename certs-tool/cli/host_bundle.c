/* host_bundle.c - "host-bundle vps|home": everything one destination host needs from the CA
 * machine, in one directory with its own install.sh (install_script.h) that puts each file
 * where the packaged services read it, with owners and modes (docs/deployment.md):
 *   vps   the gateway's PKI files under pki/ (-> /etc/latchkey/pki), a filled-in
 *         gateway.conf, the internet-facing broker's config under mosquitto/
 *         (broker-config --install-dir /etc/mosquitto/latchkey) and the CRL;
 *   home  the door's device bundle under device/ (-> /etc/latchkey/device), the home broker's
 *         listener and its bridge to the VPS under mosquitto/, and the CRL.
 * The CRL goes to /etc/latchkey/crl/crl.pem, world-readable: it is public. The configs name
 * the installed paths, never the CA machine's. */
#include "verbs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>

#include "cert_files.h"
#include "diag.h"
#include "file_read.h"
#include "hostport.h"
#include "inv_foreach.h"
#include "install_script.h"
#include "names.h"
#include "pki_dir.h"
#include "txn.h"

#include "latchkey/cmd_format.h"

#define HB_FILE_MAX (256 * 1024)
#define HB_MAX_DOORS 256 /* the gateway's [door] sections (LATCHKEY_MAX_DOORS) */
#define HB_BROKER_DIR "/etc/mosquitto/latchkey"
#define HB_CRL "/etc/latchkey/crl/crl.pem"
#define HB_PKI "/etc/latchkey/pki"

static int path_join(char *out, size_t cap, const char *a, const char *b)
{
    if (snprintf(out, cap, "%s/%s", a, b) >= (int)cap) {
        lk_err("path %s/%s is too long", a, b);
        return -1;
    }
    return 0;
}

/* Adds the PKI's file rel to txn as OUT/dst (mode). */
static int copy_pki(struct lk_txn *txn, const struct lk_pki *pki, const char *rel, const char *out,
                    const char *dst, mode_t mode)
{
    char src[LK_PATH_MAX], path[LK_PATH_MAX], *data = NULL;
    size_t len = 0;
    int rc;
    if (lk_pki_path(pki, rel, src, sizeof src) != 0 ||
        path_join(path, sizeof path, out, dst) != 0 ||
        lk_file_read_all(src, HB_FILE_MAX, &data, &len) != 0)
        return -1;
    rc = lk_txn_add(txn, path, data, len, mode);
    free(data);
    return rc;
}

static int add_bio(struct lk_txn *txn, const char *out, const char *name, BIO *b, mode_t mode)
{
    char path[LK_PATH_MAX];
    return path_join(path, sizeof path, out, name) == 0 ? lk_txn_add_bio(txn, path, b, mode) : -1;
}

static int mkdirs(const char *out, const char *const *subs, size_t n)
{
    char path[LK_PATH_MAX];
    size_t i;
    if (lk_mkdir(out, 0700) != 0)
        return -1;
    for (i = 0; i < n; i++)
        if (path_join(path, sizeof path, out, subs[i]) != 0 || lk_mkdir(path, 0700) != 0)
            return -1;
    return 0;
}

/* A verb of this tool on a command line of its own (the PKI is opened by that verb). */
static struct lk_cli sub_cli(const struct lk_cli *cli, const char *verb)
{
    struct lk_cli c;
    memset(&c, 0, sizeof c);
    c.dir = cli->dir;
    c.pos[0] = verb;
    c.npos = 1;
    return c;
}

/* broker-config into OUT/mosquitto with the installed paths: the listener (server cert
 * server, CRL, plugin) and, with remote, the bridge as identity. */
static int broker_files(const struct lk_cli *cli, const char *site, const char *server,
                        const char *plugin, const char *remote, const char *identity)
{
    char dir[LK_PATH_MAX];
    struct lk_cli c = sub_cli(cli, "broker-config");
    if (path_join(dir, sizeof dir, cli->out, "mosquitto") != 0)
        return -1;
    c.out = dir;
    c.site = site;
    c.install_dir = HB_BROKER_DIR;
    c.server_name = server;
    c.crl = HB_CRL;
    c.plugin = plugin;
    c.seen = LK_OPT_OUT | LK_OPT_SITE | LK_OPT_INSTALL_DIR | LK_OPT_SERVER_NAME | LK_OPT_CRL;
    if (certs_verb_broker_config(&c) != 0)
        return -1;
    if (remote == NULL)
        return 0;
    c = sub_cli(cli, "broker-config");
    c.out = dir;
    c.site = site;
    c.install_dir = HB_BROKER_DIR;
    c.home_bridge = 1;
    c.remote = remote;
    c.identity = identity;
    c.seen = LK_OPT_OUT | LK_OPT_SITE | LK_OPT_INSTALL_DIR | LK_OPT_HOME_BRIDGE | LK_OPT_REMOTE |
             LK_OPT_IDENTITY;
    return certs_verb_broker_config(&c);
}

/* install.sh lines for the broker files of OUT/mosquitto (bridge: the bridge's too). */
static int inst_broker(BIO *b, int bridge)
{
    static const char *const pub[] = {"ca.crt", "server.crt", "acl"};
    static const char *const bridge_pub[] = {"bridge-ca.crt", "bridge.crt"};
    char src[LK_PATH_MAX], dst[LK_PATH_MAX];
    size_t i;
    int ok = lk_inst_dir(b, "0750", "root:mosquitto", HB_BROKER_DIR) == 0;
    for (i = 0; ok && i < sizeof pub / sizeof pub[0]; i++)
        ok = snprintf(src, sizeof src, "mosquitto/%s", pub[i]) < (int)sizeof src &&
             snprintf(dst, sizeof dst, HB_BROKER_DIR "/%s", pub[i]) < (int)sizeof dst &&
             lk_inst_put(b, "0644", "root:mosquitto", src, dst) == 0;
    ok = ok &&
         lk_inst_put(b, "0640", "root:mosquitto", "mosquitto/server.key",
                     HB_BROKER_DIR "/server.key") == 0 &&
         lk_inst_put(b, "0644", "root:root", "mosquitto/mosquitto.conf",
                     "/etc/mosquitto/conf.d/latchkey.conf") == 0;
    for (i = 0; ok && bridge && i < sizeof bridge_pub / sizeof bridge_pub[0]; i++)
        ok = snprintf(src, sizeof src, "mosquitto/%s", bridge_pub[i]) < (int)sizeof src &&
             snprintf(dst, sizeof dst, HB_BROKER_DIR "/%s", bridge_pub[i]) < (int)sizeof dst &&
             lk_inst_put(b, "0644", "root:mosquitto", src, dst) == 0;
    if (ok && bridge)
        ok = lk_inst_put(b, "0640", "root:mosquitto", "mosquitto/bridge.key",
                         HB_BROKER_DIR "/bridge.key") == 0 &&
             lk_inst_put(b, "0644", "root:root", "mosquitto/bridge.conf",
                         "/etc/mosquitto/conf.d/latchkey-bridge.conf") == 0;
    return ok ? 0 : -1;
}

static int inst_crl(BIO *b)
{
    return lk_inst_dir(b, "0755", "root:root", "/etc/latchkey") == 0 &&
                   lk_inst_dir(b, "0755", "root:root", "/etc/latchkey/crl") == 0 &&
                   lk_inst_put(b, "0644", "root:root", "crl.pem", HB_CRL) == 0
               ? 0
               : -1;
}

struct doors {
    const char *site;
    char names[HB_MAX_DOORS][33];
    int n;
};

static int collect_door(const struct lk_inv_entry *e, void *arg)
{
    struct doors *d = arg;
    char site[33], door[33];
    int i;
    if (!lk_device_name_split(e->cn, site, sizeof site, door, sizeof door) ||
        strcmp(site, d->site) != 0)
        return 0;
    for (i = 0; i < d->n; i++)
        if (strcmp(d->names[i], door) == 0)
            return 0;
    if (d->n >= HB_MAX_DOORS) {
        lk_err("more than %d doors in site %s (the gateway's limit)", HB_MAX_DOORS, d->site);
        return -1;
    }
    memcpy(d->names[d->n++], door, strlen(door) + 1);
    return 0;
}

/* One [door] section: its ack key's public half if a device bundle has made it. */
static int door_section(BIO *b, const struct lk_pki *pki, const char *site, const char *door)
{
    char rel[LK_PATH_MAX], path[LK_PATH_MAX], *hex = NULL;
    size_t len = 0;
    int r, ok;
    if (snprintf(rel, sizeof rel, "ack/%s.%s.pub.hex", site, door) >= (int)sizeof rel ||
        lk_pki_path(pki, rel, path, sizeof path) != 0 || (r = lk_path_exists(path)) < 0)
        return -1;
    if (r == 0) {
        lk_warn(
            "door %s has no ack key yet (make its bundle first: host-bundle home %s/%s); its "
            "opens stay unconfirmed",
            door, site, door);
        return BIO_printf(b,
                          "\n[door %s]\nlabel = %s\n; no ack key yet: make the door's bundle, then "
                          "this bundle again\n",
                          door, door) > 0
                   ? 0
                   : -1;
    }
    if (lk_file_read_all(path, HB_FILE_MAX, &hex, &len) != 0)
        return -1;
    ok = len >= 64 &&
         BIO_printf(b, "\n[door %s]\nlabel = %s\nack_pubkey = %.64s\n", door, door, hex) > 0;
    free(hex);
    if (!ok)
        lk_err("%s is not an ack public key", path);
    return ok ? 0 : -1;
}

static int write_gateway_conf(BIO *b, const struct lk_pki *pki, const char *site,
                              const char *server)
{
    struct doors *d = calloc(1, sizeof *d);
    int i, ok;
    if (d == NULL) {
        lk_err("out of memory");
        return -1;
    }
    d->site = site;
    ok = lk_inv_foreach_valid_now(pki, "device", collect_door, d) >= 0 &&
         BIO_printf(
             b,
             "; gateway.conf - written by latchkey-certs host-bundle vps for site %s (every key:\n"
             "; gateway.md, latchkey-gateway.conf(5)). Installed once; a newer bundle's copy goes\n"
             "; to gateway.conf.bundle next to it.\n"
             "[server]\nlisten = 0.0.0.0\nport = 443\n"
             "cert = " HB_PKI "/issued/%s.crt\nkey = " HB_PKI
             "/private/%s.key\n"
             "client_ca = " HB_PKI "/ca/ca.crt\ncrl = " HB_CRL
             "\n\n"
             "[mqtt]\nuri = ssl://%s:8883\nca = " HB_PKI
             "/ca/ca.crt\n"
             "cert = " HB_PKI "/issued/gateway.crt\nkey = " HB_PKI
             "/private/gateway.key\n"
             "client_id = latchkey-gateway\n\n"
             "[command]\nkey = " HB_PKI
             "/cmd/command.key\nsite = %s\nttl = 30\n\n"
             "[store]\ndatabase = /var/lib/latchkey/gateway.db\npepper_file = "
             "/var/lib/latchkey/pepper\n",
             site, server, server, server, site) > 0;
    for (i = 0; ok && i < d->n; i++)
        ok = door_section(b, pki, site, d->names[i]) == 0;
    free(d);
    return ok ? 0 : -1;
}

static int vps_files(const struct lk_cli *cli, struct lk_txn *txn, const struct lk_pki *pki,
                     BIO *inst, BIO *gw)
{
    char stem[LK_CN_MAX + 1], crt[LK_PATH_MAX], key[LK_PATH_MAX];
    const char *server = cli->server_name;
    static const char *const dirs[] = {"ca", "issued", "private", "cmd"};
    size_t i;
    int ok;
    if (lk_cn_stem(server, stem, sizeof stem) != 0 ||
        snprintf(crt, sizeof crt, "issued/%s.crt", stem) >= (int)sizeof crt ||
        snprintf(key, sizeof key, "private/%s.key", stem) >= (int)sizeof key)
        return -1;
    ok =
        copy_pki(txn, pki, "ca/ca.crt", cli->out, "pki/ca/ca.crt", 0644) == 0 &&
        copy_pki(txn, pki, crt, cli->out, "pki/issued/server.crt", 0644) == 0 &&
        copy_pki(txn, pki, key, cli->out, "pki/private/server.key", 0600) == 0 &&
        copy_pki(txn, pki, "issued/gateway.crt", cli->out, "pki/issued/gateway.crt", 0644) == 0 &&
        copy_pki(txn, pki, "private/gateway.key", cli->out, "pki/private/gateway.key", 0600) == 0 &&
        copy_pki(txn, pki, "cmd/command.key", cli->out, "pki/cmd/command.key", 0600) == 0 &&
        write_gateway_conf(gw, pki, cli->site, server) == 0 &&
        add_bio(txn, cli->out, "gateway.conf", gw, 0600) == 0;
    /* The gateway's files: readable by its group only (the service user latchkey). */
    ok = ok && lk_inst_dir(inst, "0750", "root:latchkey", HB_PKI) == 0;
    for (i = 0; ok && i < sizeof dirs / sizeof dirs[0]; i++)
        ok = snprintf(key, sizeof key, HB_PKI "/%s", dirs[i]) < (int)sizeof key &&
             lk_inst_dir(inst, "0750", "root:latchkey", key) == 0;
    if (!ok || snprintf(crt, sizeof crt, HB_PKI "/issued/%s.crt", stem) >= (int)sizeof crt ||
        snprintf(key, sizeof key, HB_PKI "/private/%s.key", stem) >= (int)sizeof key)
        return -1;
    return lk_inst_put(inst, "0644", "root:latchkey", "pki/ca/ca.crt", HB_PKI "/ca/ca.crt") == 0 &&
                   lk_inst_put(inst, "0644", "root:latchkey", "pki/issued/server.crt", crt) == 0 &&
                   lk_inst_put(inst, "0640", "root:latchkey", "pki/private/server.key", key) == 0 &&
                   lk_inst_put(inst, "0644", "root:latchkey", "pki/issued/gateway.crt",
                               HB_PKI "/issued/gateway.crt") == 0 &&
                   lk_inst_put(inst, "0640", "root:latchkey", "pki/private/gateway.key",
                               HB_PKI "/private/gateway.key") == 0 &&
                   lk_inst_put(inst, "0640", "root:latchkey", "pki/cmd/command.key",
                               HB_PKI "/cmd/command.key") == 0 &&
                   lk_inst_put_keep(inst, "0640", "root:latchkey", "gateway.conf",
                                    "/etc/latchkey/gateway.conf") == 0
               ? 0
               : -1;
}

static int device_files(const struct lk_cli *cli, const char *cn, const char *server)
{
    char dir[LK_PATH_MAX], broker[300];
    struct lk_cli c = sub_cli(cli, "bundle");
    if (path_join(dir, sizeof dir, cli->out, "device") != 0 ||
        snprintf(broker, sizeof broker, "%s:8883", server) >= (int)sizeof broker)
        return -1;
    c.pos[1] = cn;
    c.npos = 2;
    c.out = dir;
    c.broker = broker;
    c.force = 1;
    c.seen = LK_OPT_OUT | LK_OPT_BROKER | LK_OPT_FORCE;
    return certs_verb_bundle(&c);
}

static int inst_device(BIO *b)
{
    static const struct {
        const char *name, *mode;
    } f[] = {{"device.conf", "0640"},    {"ca.crt", "0644"},  {"device.crt", "0644"},
             {"device.key", "0640"},     {"ack.key", "0640"}, {"ack.pub.hex", "0644"},
             {"command.pub.hex", "0644"}};
    char src[LK_PATH_MAX], dst[LK_PATH_MAX];
    size_t i;
    int ok = lk_inst_dir(b, "0755", "root:root", "/etc/latchkey") == 0 &&
             lk_inst_dir(b, "0750", "root:latchkey", "/etc/latchkey/device") == 0;
    for (i = 0; ok && i < sizeof f / sizeof f[0]; i++)
        ok = snprintf(src, sizeof src, "device/%s", f[i].name) < (int)sizeof src &&
             snprintf(dst, sizeof dst, "/etc/latchkey/device/%s", f[i].name) < (int)sizeof dst &&
             (strcmp(f[i].name, "device.conf") == 0
                  ? lk_inst_put_keep(b, f[i].mode, "root:latchkey", src, dst)
                  : lk_inst_put(b, f[i].mode, "root:latchkey", src, dst)) == 0;
    return ok ? 0 : -1;
}

static int check_args(const struct lk_cli *cli, int vps, char *site, size_t site_cap)
{
    char door[33];
    if (cli->npos != (vps ? 2 : 3)) {
        lk_err("usage: %s", lk_cli_usage("host-bundle"));
        return -1;
    }
    if (cli->out == NULL || *cli->out == '\0' || cli->server_name == NULL ||
        !lk_host_valid(cli->server_name)) {
        lk_err("host-bundle needs --out DIR and --server-name NAME (the name clients connect to)");
        return -1;
    }
    if (vps) {
        if (cli->site == NULL || !lk_name_valid(cli->site, strlen(cli->site)) ||
            cli->remote != NULL) {
            lk_err("host-bundle vps needs --site SITE ([a-z0-9_-]{1,32}) and takes no --remote");
            return -1;
        }
        snprintf(site, site_cap, "%s", cli->site);
        return 0;
    }
    if (!lk_device_name_split(cli->pos[2], site, site_cap, door, sizeof door)) {
        lk_err("invalid device name '%s' (expected SITE/DOOR)", cli->pos[2]);
        return -1;
    }
    if (cli->remote == NULL || cli->site != NULL) {
        lk_err(
            "host-bundle home needs --remote HOST:PORT (the VPS broker) and takes the site from "
            "SITE/DOOR");
        return -1;
    }
    return 0;
}

int certs_verb_host_bundle(const struct lk_cli *cli)
{
    struct lk_pki pki = {.lock_fd = -1};
    struct lk_txn txn;
    static const char *const vps_dirs[] = {"pki",         "pki/ca",  "pki/issued",
                                           "pki/private", "pki/cmd", "mosquitto"};
    char site[33], what[128];
    const char *dir;
    BIO *inst = NULL, *gw = NULL;
    int vps, rc = -1;

    lk_txn_init(&txn);
    if (cli->npos < 2 || (strcmp(cli->pos[1], "vps") != 0 && strcmp(cli->pos[1], "home") != 0)) {
        lk_err("host-bundle needs vps or home; usage: %s", lk_cli_usage("host-bundle"));
        return -1;
    }
    vps = strcmp(cli->pos[1], "vps") == 0;
    if (check_args(cli, vps, site, sizeof site) != 0 || (dir = lk_cli_dir(cli)) == NULL ||
        mkdirs(cli->out, vps_dirs, vps ? sizeof vps_dirs / sizeof vps_dirs[0] : 0) != 0)
        return -1;
    /* The verbs this one is made of open (and lock) the PKI themselves: first them. */
    if (vps ? broker_files(cli, site, cli->server_name, NULL, NULL, NULL)
            : (device_files(cli, cli->pos[2], cli->server_name) != 0 ||
               broker_files(cli, site, cli->server_name, "none", cli->remote, cli->pos[2]) != 0))
        return -1;
    snprintf(what, sizeof what, "the %s bundle of site %s", vps ? "VPS" : "home", site);
    inst = BIO_new(BIO_s_mem());
    gw = BIO_new(BIO_s_secmem());
    if (inst == NULL || gw == NULL) {
        lk_err_ssl("out of memory");
        goto out;
    }
    if (lk_pki_open(&pki, dir) != 0 || lk_inst_begin(inst, what, "latchkey mosquitto") != 0 ||
        inst_crl(inst) != 0 || copy_pki(&txn, &pki, "crl.pem", cli->out, "crl.pem", 0644) != 0)
        goto out;
    if (vps ? vps_files(cli, &txn, &pki, inst, gw) != 0 || inst_broker(inst, 0) != 0
            : inst_device(inst) != 0 || inst_broker(inst, 1) != 0)
        goto out;
    if (lk_inst_end(inst, what) != 0 || add_bio(&txn, cli->out, "install.sh", inst, 0700) != 0 ||
        lk_txn_commit(&txn) != 0)
        goto out;
    printf("wrote %s to %s: copy it to the host and run 'sh %s/install.sh' there as root\n", what,
           cli->out, cli->out);
    rc = 0;
out:
    lk_txn_abort(&txn);
    BIO_free(inst);
    BIO_free(gw);
    lk_pki_close(&pki);
    return rc;
}
