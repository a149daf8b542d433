/* list.c - "list" (the inventory as a table: serial, profile, subject, notAfter, status
 * valid/expired/revoked/superseded, days left, EXPIRING within 30 days; --expiring DAYS:
 * only the valid ones ending within DAYS; then the CRL's next update: list_crl.h) and "show
 * NAME|SERIAL" (one certificate in detail, with its PEM files); both with --json (cJSON).
 * Read only: they take the directory lock like every verb but change nothing. */
#include "verbs.h"

#include <stdio.h>
#include <string.h>

#include <cJSON.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "args.h"
#include "cert_files.h"
#include "certgen.h"
#include "diag.h"
#include "inventory.h"
#include "list_crl.h"
#include "names.h"
#include "pki_dir.h"

#define EXPIRING_DAYS 30

/* 1 if the entry is still trusted and ends within window days. */
static int expiring(const struct lk_inv_entry *e, time_t now, long window)
{
    time_t end;
    return strcmp(lk_inv_status_now(e, now, NULL), LK_STATUS_VALID) == 0 &&
           lkh_iso_parse(e->not_after, LKH_ISO_EXACT, &end) == 0 &&
           end - now <= (time_t)window * 86400;
}

static cJSON *entry_json(const struct lk_inv_entry *e, time_t now, long window)
{
    long days;
    const char *status = lk_inv_status_now(e, now, &days);
    cJSON *o = cJSON_CreateObject();
    if (o == NULL || !cJSON_AddStringToObject(o, "serial", e->serial) ||
        !cJSON_AddStringToObject(o, "profile", e->profile) ||
        !cJSON_AddStringToObject(o, "subject_cn", e->cn) ||
        !cJSON_AddStringToObject(o, "not_before", e->not_before) ||
        !cJSON_AddStringToObject(o, "not_after", e->not_after) ||
        !cJSON_AddStringToObject(o, "status", status) ||
        !cJSON_AddNumberToObject(o, "days_left", (double)days) ||
        !cJSON_AddBoolToObject(o, "expiring", expiring(e, now, window)) ||
        !cJSON_AddStringToObject(o, "key_source", e->key_source) ||
        (strcmp(e->status, LK_STATUS_REVOKED) == 0 &&
         (!cJSON_AddStringToObject(o, "revoked_at", e->revoked_at) ||
          !cJSON_AddStringToObject(o, "reason", e->reason)))) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static int print_json(cJSON *j)
{
    char *text = j != NULL ? cJSON_Print(j) : NULL;
    cJSON_Delete(j);
    if (text == NULL) {
        lk_err("out of memory");
        return -1;
    }
    printf("%s\n", text);
    cJSON_free(text);
    return 0;
}

/* Opens DIR (locked, so that no half-written state is read) and loads the inventory. */
static int open_inventory(const struct lk_cli *cli, struct lk_pki *pki, struct lk_inv *inv)
{
    const char *dir;
    char path[LK_PATH_MAX];
    if ((dir = lk_cli_dir(cli)) == NULL || lk_pki_open(pki, dir) != 0 ||
        lk_pki_path(pki, "index.tsv", path, sizeof path) != 0)
        return -1;
    return lk_inv_load(path, inv);
}

int certs_verb_list(const struct lk_cli *cli)
{
    struct lk_pki pki = {.lock_fd = -1};
    struct lk_inv inv;
    time_t now = time(NULL);
    long window = cli->expiring != 0 ? cli->expiring : EXPIRING_DAYS;
    size_t i;
    int rc = -1;

    lk_inv_init(&inv);
    if (cli->npos != 1) {
        lk_err("list takes no arguments; usage: %s", lk_cli_usage("list"));
        return -1;
    }
    if (open_inventory(cli, &pki, &inv) != 0)
        goto out;
    if (cli->json) {
        cJSON *arr = cJSON_CreateArray();
        for (i = 0; arr != NULL && i < inv.n; i++) {
            cJSON *o;
            if (cli->expiring != 0 && !expiring(&inv.e[i], now, window))
                continue; /* --expiring: only who needs a new certificate */
            o = entry_json(&inv.e[i], now, window);
            if (o == NULL || !cJSON_AddItemToArray(arr, o)) {
                cJSON_Delete(o);
                cJSON_Delete(arr);
                arr = NULL;
            }
        }
        rc = print_json(arr);
        goto out;
    }
    printf("%-32s  %-8s  %-24s  %-20s  %-10s  %9s\n", "SERIAL", "PROFILE", "SUBJECT", "NOT AFTER",
           "STATUS", "DAYS LEFT");
    for (i = 0; i < inv.n; i++) {
        const struct lk_inv_entry *e = &inv.e[i];
        long days;
        const char *status = lk_inv_status_now(e, now, &days);
        char days_text[24] = "-";
        if (cli->expiring != 0 && !expiring(e, now, window))
            continue;
        if (strcmp(status, LK_STATUS_VALID) == 0)
            snprintf(days_text, sizeof days_text, "%ld", days);
        printf("%-32s  %-8s  %-24s  %-20s  %-10s  %9s%s\n", e->serial, e->profile, e->cn,
               e->not_after, status, days_text, expiring(e, now, window) ? "  EXPIRING" : "");
    }
    list_crl_print(&pki, now);
    rc = 0;
out:
    lk_inv_free(&inv);
    lk_pki_close(&pki);
    return rc;
}

/* Key type and SAN of the certificate, for show. */
static void describe_cert(X509 *cert, char *key, size_t key_cap, char *san, size_t san_cap)
{
    EVP_PKEY *pub = X509_get0_pubkey(cert);
    char group[48];
    size_t len = 0;
    int idx;
    snprintf(key, key_cap, "?");
    san[0] = '\0';
    if (pub != NULL) {
        switch (EVP_PKEY_get_base_id(pub)) {
        case EVP_PKEY_EC:
            if (EVP_PKEY_get_group_name(pub, group, sizeof group, &len) == 1)
                snprintf(key, key_cap, "ECDSA %s", strcmp(group, "prime256v1") == 0 ? "P-256" :
                                                   strcmp(group, "secp384r1") == 0 ? "P-384" : group);
            break;
        case EVP_PKEY_RSA:
            snprintf(key, key_cap, "RSA %d", EVP_PKEY_get_bits(pub));
            break;
        case EVP_PKEY_ED25519:
            snprintf(key, key_cap, "Ed25519");
            break;
        default:
            snprintf(key, key_cap, "%s", OBJ_nid2sn(EVP_PKEY_get_base_id(pub)));
        }
    }
    idx = X509_get_ext_by_NID(cert, NID_subject_alt_name, -1);
    if (idx >= 0) {
        BIO *mem = BIO_new(BIO_s_mem());
        char *data = NULL;
        long n;
        if (mem != NULL && X509V3_EXT_print(mem, X509_get_ext(cert, idx), 0, 0) == 1 &&
            (n = BIO_get_mem_data(mem, &data)) > 0)
            snprintf(san, san_cap, "%.*s", (int)n, data);
        BIO_free(mem);
    }
    ERR_clear_error();
}

int certs_verb_show(const struct lk_cli *cli)
{
    struct lk_pki pki = {.lock_fd = -1};
    struct lk_inv inv;
    const struct lk_inv_entry *e;
    time_t now = time(NULL);
    char crt[LK_PATH_MAX] = "", cur[LK_PATH_MAX] = "", key[LK_PATH_MAX] = "", stem[LK_CN_MAX + 1],
         key_type[64] = "?", san[1024] = "";
    const char *status;
    long i, days;
    int rc = -1;

    lk_inv_init(&inv);
    if (cli->npos != 2) {
        lk_err("%s; usage: %s", cli->npos < 2 ? "show needs a serial or a name" : "too many arguments",
               lk_cli_usage("show"));
        return -1;
    }
    if (open_inventory(cli, &pki, &inv) != 0)
        goto out;
    if ((i = lk_inv_find_arg(&inv, cli->pos[1])) < 0) {
        lk_err("no certificate with serial or name '%s' (see 'latchkey-certs list')", cli->pos[1]);
        goto out;
    }
    e = &inv.e[i];
    status = lk_inv_status_now(e, now, &days);
    if (lk_inv_cert_path(&pki, e, crt, sizeof crt) < 0)
        goto out;
    if (crt[0] != '\0') {
        X509 *cert = lk_load_cert(crt);
        if (cert == NULL)
            goto out;
        describe_cert(cert, key_type, sizeof key_type, san, sizeof san);
        X509_free(cert);
    }
    /* The current files of the name, if they are this certificate. */
    if (strcmp(e->profile, "ca") == 0) {
        if (lk_pki_path(&pki, "ca/ca.key", key, sizeof key) != 0)
            goto out;
    } else if (strcmp(e->status, LK_STATUS_VALID) == 0) {
        if (lk_cn_stem(e->cn, stem, sizeof stem) != 0 || lk_leaf_paths(&pki, stem, cur, key, LK_PATH_MAX) != 0)
            goto out;
        if (strcmp(e->key_source, LK_KEY_GENERATED) != 0 || lk_path_exists(key) != 1)
            key[0] = '\0';
    }
    if (cli->json) {
        cJSON *o = entry_json(e, now, EXPIRING_DAYS);
        if (o != NULL && (!cJSON_AddStringToObject(o, "key_type", key_type) ||
                          (san[0] != '\0' && !cJSON_AddStringToObject(o, "san", san)) ||
                          (crt[0] != '\0' && !cJSON_AddStringToObject(o, "certificate", crt)) ||
                          (cur[0] != '\0' && !cJSON_AddStringToObject(o, "current", cur)) ||
                          (key[0] != '\0' && !cJSON_AddStringToObject(o, "key", key)))) {
            cJSON_Delete(o);
            o = NULL;
        }
        rc = print_json(o);
        goto out;
    }
    printf("serial:      %s\nprofile:     %s\nsubject:     CN=%s\n", e->serial, e->profile, e->cn);
    if (strcmp(status, LK_STATUS_VALID) == 0)
        printf("status:      valid, %ld days left%s\n", days,
               expiring(e, now, EXPIRING_DAYS) ? " (EXPIRING)" : "");
    else
        printf("status:      %s\n", status);
    if (strcmp(e->status, LK_STATUS_REVOKED) == 0)
        printf("revoked:     %s (%s)\n", e->revoked_at, e->reason);
    printf("not before:  %s\nnot after:   %s\nkey:         %s (%s)\n", e->not_before, e->not_after,
           key_type, strcmp(e->key_source, LK_KEY_CSR) == 0 ? "from a CSR, not held here" : "generated here");
    if (san[0] != '\0')
        printf("SAN:         %s\n", san);
    printf("certificate: %s\n", crt[0] != '\0' ? crt : "(no copy kept)");
    if (cur[0] != '\0' && strcmp(cur, crt) != 0)
        printf("current:     %s\n", cur);
    if (key[0] != '\0')
        printf("private key: %s\n", key);
    rc = 0;
out:
    lk_inv_free(&inv);
    lk_pki_close(&pki);
    return rc;
}
