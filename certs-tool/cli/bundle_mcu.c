/* bundle_mcu.c - the provisioning blob of a bare-metal device (bundle_mcu.h): built by
 * pki/mcu_blob.c in the layout of common/include/latchkey/prov_blob.h. */
#include "bundle_mcu.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "diag.h"
#include "latchkey/prov_blob.h"
#include "mcu_blob.h"
#include "pki_dir.h"
#include "secrets.h"

#define MCU_ONLY (LK_OPT_PULSE_MS | LK_OPT_INTERVAL_MS | LK_OPT_WIFI_SSID | LK_OPT_WIFI_PASS_FILE)

/* Printable ASCII of 1..LK_PROV_WIFI_MAX bytes: what the device accepts. */
static int wifi_text_ok(const char *s)
{
    size_t n = strlen(s), i;

    for (i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20u || (unsigned char)s[i] > 0x7Eu)
            return 0;
    return n > 0 && n <= LK_PROV_WIFI_MAX;
}

int certs_bundle_mcu_args(const struct lk_cli *cli)
{
    if (cli->format == NULL) {
        if ((cli->seen & MCU_ONLY) != 0) {
            lk_err("--pulse-ms, --interval-ms, --wifi-ssid and --wifi-pass-file need --format mcu");
            return -1;
        }
        return 0;
    }
    if (strcmp(cli->format, "mcu") != 0) {
        lk_err("unknown --format '%s' (the only one is mcu)", cli->format);
        return -1;
    }
    if (cli->wifi_ssid != NULL && !wifi_text_ok(cli->wifi_ssid)) {
        lk_err("--wifi-ssid must be 1 to %u printable ASCII characters", LK_PROV_WIFI_MAX);
        return -1;
    }
    if (cli->wifi_pass_file != NULL && cli->wifi_ssid == NULL) {
        lk_err("--wifi-pass-file needs --wifi-ssid");
        return -1;
    }
    return 0;
}

int certs_bundle_mcu_write(const struct lk_cli *cli, const struct lk_bundle_src *s,
                           struct lk_txn *txn)
{
    static uint8_t blob[LK_PROV_BLOB_MAX];
    char pass[LK_PROV_WIFI_MAX + 2] = "";
    struct lk_mcu_opts o;
    size_t len;
    int r, rc = -1;

    memset(&o, 0, sizeof o);
    o.time_floor = (int64_t)time(NULL);
    o.pulse_ms = cli->pulse_ms;
    o.interval_ms = (cli->seen & LK_OPT_INTERVAL_MS) != 0 ? cli->interval_ms : -1;
    o.wifi_ssid = cli->wifi_ssid;
    if (cli->wifi_pass_file != NULL) {
        if (lk_read_secret_file(cli->wifi_pass_file, "the Wi-Fi password", pass, sizeof pass) != 0)
            return -1;
        if (!wifi_text_ok(pass)) {
            lk_err("the Wi-Fi password must be 1 to %u printable ASCII characters",
                   LK_PROV_WIFI_MAX);
            goto out;
        }
        o.wifi_pass = pass;
    }
    if ((r = lk_path_exists(cli->out)) < 0)
        goto out;
    if (r > 0 && !cli->force) {
        lk_err("%s already exists; use --force to replace it", cli->out);
        goto out;
    }
    if ((len = lk_mcu_blob_build(s, &o, blob, sizeof blob)) == 0)
        goto out;
    if (lk_txn_add(txn, cli->out, blob, len, 0600) != 0 || lk_txn_commit(txn) != 0)
        goto out;
    printf("wrote the provisioning blob of %s/%s to %s (%zu bytes of at most %u; broker %s:%ld)\n",
           s->site, s->door, cli->out, len, LK_PROV_BLOB_MAX, s->host, s->port);
    rc = 0;
out:
    OPENSSL_cleanse(pass, sizeof pass);
    OPENSSL_cleanse(blob, sizeof blob);
    return rc;
}
