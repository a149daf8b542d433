/* issue.c - "issue": checks the request (profile, name, SANs, duplicates in the inventory),
 * opens the CA with its passphrase, signs a new P-256 leaf, and writes key, certificate
 * and inventory line in one all-or-nothing step. */
#include "certs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/x509v3.h>

#include "latchkey/cmd_format.h"

struct issue_req {
    const struct lk_profile_info *profile;
    char cn[LK_CN_MAX + 1];
    char stem[LK_CN_MAX + 1];
    long days;
};

/* Works out profile, CN and validity from the arguments; all user errors end here. */
static int parse_request(const struct lk_cli *cli, struct issue_req *req)
{
    const char *usage = lk_cli_usage("issue");
    const char *name = cli->npos > 2 ? cli->pos[2] : NULL;
    char site[LK_NAME_MAX + 1], door[LK_NAME_MAX + 1];
    int i, want_name;

    if (cli->npos < 2) {
        lk_err("issue needs a profile (server, client, device or gateway); usage: %s", usage);
        return -1;
    }
    req->profile = lk_profile_find(cli->pos[1]);
    if (req->profile == NULL) {
        lk_err("unknown profile '%s' (expected server, client, device or gateway)", cli->pos[1]);
        return -1;
    }
    want_name = req->profile->id != LK_PROFILE_GATEWAY;
    if (cli->npos != (want_name ? 3 : 2)) {
        if (want_name && name == NULL)
            lk_err("issue %s needs a name; usage: %s", req->profile->name, usage);
        else
            lk_err("unexpected argument '%s' for issue %s", cli->pos[cli->npos - 1], req->profile->name);
        return -1;
    }
    if (req->profile->id != LK_PROFILE_SERVER && (cli->ndns > 0 || cli->nip > 0)) {
        lk_err("--dns and --ip apply only to 'issue server'");
        return -1;
    }
    switch (req->profile->id) {
    case LK_PROFILE_SERVER:
        if (!lk_dns_name_valid(name) || strlen(name) > LK_CN_MAX) {
            lk_err("invalid server name '%s': a host name of at most %d characters", name, LK_CN_MAX);
            return -1;
        }
        if (cli->ndns + cli->nip == 0) {
            lk_err("issue server needs at least one --dns NAME or --ip ADDRESS");
            return -1;
        }
        for (i = 0; i < cli->ndns; i++) {
            if (!lk_dns_name_valid(cli->dns[i])) {
                lk_err("invalid --dns '%s': not a host name", cli->dns[i]);
                return -1;
            }
        }
        for (i = 0; i < cli->nip; i++) {
            ASN1_OCTET_STRING *os = a2i_IPADDRESS(cli->ip[i]);
            if (os == NULL) {
                lk_err("invalid --ip '%s': not an IPv4 or IPv6 address", cli->ip[i]);
                return -1;
            }
            ASN1_OCTET_STRING_free(os);
        }
        break;
    case LK_PROFILE_CLIENT:
        if (!lk_user_name_valid(name)) {
            lk_err("invalid user name '%s': 1 to %d of [A-Za-z0-9._@-], not starting with '.', "
                   "not 'gateway'", name, LK_BY_MAX);
            return -1;
        }
        break;
    case LK_PROFILE_DEVICE:
        if (!lk_device_name_split(name, site, sizeof site, door, sizeof door)) {
            lk_err("invalid device name '%s': expected SITE/DOOR, each [a-z0-9_-]{1,%d}", name,
                   LK_NAME_MAX);
            return -1;
        }
        break;
    case LK_PROFILE_GATEWAY:
        name = "gateway";
        break;
    }
    snprintf(req->cn, sizeof req->cn, "%s", name);
    if (lk_cn_stem(req->cn, req->stem, sizeof req->stem) != 0) {
        lk_err("internal: CN too long");
        return -1;
    }
    req->days = cli->days > 0 ? cli->days : req->profile->default_days;
    return 0;
}

/* Refuses a CN (or a CN with the same file stem) that is issued and still valid. */
static int refuse_duplicate(const struct issue_req *req, const char *index_text, size_t index_len)
{
    struct lk_inv_entry found;
    char now[LK_ISO_LEN + 1];
    int r;
    if (lk_time_iso(time(NULL), now) != 0)
        return -1;
    r = lk_inv_find_valid(index_text, index_len, req->stem, NULL, now, &found);
    if (r < 0)
        return -1;
    if (r == 0)
        return 0;
    if (strcmp(found.cn, req->cn) == 0)
        lk_err("CN=%s is already issued and valid until %s (serial %s); refusing a duplicate",
               req->cn, found.not_after, found.serial);
    else
        lk_err("CN=%s would be stored as '%s', already used by CN=%s (valid until %s)", req->cn,
               req->stem, found.cn, found.not_after);
    return -1;
}

static X509 *build_leaf(const struct lk_cli *cli, const struct issue_req *req, EVP_PKEY *leaf_key,
                        X509 *ca, EVP_PKEY *ca_key)
{
    X509 *leaf = X509_new();
    if (leaf == NULL) {
        lk_err_ssl("out of memory");
        return NULL;
    }
    if (X509_set_version(leaf, X509_VERSION_3) != 1 || lk_set_random_serial(leaf) != 0 ||
        lk_set_subject_cn(leaf, req->cn) != 0 ||
        X509_set_issuer_name(leaf, X509_get_subject_name(ca)) != 1 ||
        lk_set_validity(leaf, req->days) != 0 || X509_set_pubkey(leaf, leaf_key) != 1)
        goto fail;
    if (ASN1_TIME_compare(X509_get0_notAfter(leaf), X509_get0_notAfter(ca)) > 0) {
        lk_err("a %ld-day certificate would outlive the CA certificate; use a smaller --days",
               req->days);
        goto fail;
    }
    if (lk_profile_apply(req->profile, leaf, ca, cli->dns, cli->ndns, cli->ip, cli->nip) != 0)
        goto fail;
    if (X509_sign(leaf, ca_key, EVP_sha256()) <= 0) {
        lk_err_ssl("cannot sign the certificate");
        goto fail;
    }
    return leaf;
fail:
    X509_free(leaf);
    return NULL;
}

/* The inventory with one more line (header first if it was empty). */
static int append_line(BIO *out, const char *text, size_t len, X509 *leaf, const char *profile,
                       struct lk_inv_entry *e)
{
    char line[512];
    size_t llen;
    if (lk_inv_entry_of(leaf, profile, e) != 0)
        return -1;
    llen = lk_inv_format_line(e, line, sizeof line);
    if (llen == 0) {
        lk_err("internal: cannot format the inventory line");
        return -1;
    }
    if ((len == 0 && BIO_puts(out, LK_INV_HEADER) <= 0) ||
        (len > 0 && BIO_write(out, text, (int)len) != (int)len) ||
        (len > 0 && text[len - 1] != '\n' && BIO_write(out, "\n", 1) != 1) ||
        BIO_write(out, line, (int)llen) != (int)llen) {
        lk_err_ssl("out of memory");
        return -1;
    }
    return 0;
}

int lk_cmd_issue(const struct lk_cli *cli)
{
    struct issue_req req;
    struct lk_pki pki = {.lock_fd = -1};
    struct lk_txn txn;
    struct lk_inv_entry entry;
    char pass[LK_SECRET_MAX], rel[LK_PATH_MAX], key_path[LK_PATH_MAX], crt_path[LK_PATH_MAX],
        idx_path[LK_PATH_MAX];
    const char *dir;
    char *index_text = NULL;
    size_t index_len = 0;
    X509 *ca = NULL, *leaf = NULL;
    EVP_PKEY *ca_key = NULL, *leaf_key = NULL;
    BIO *key_pem = NULL, *crt_pem = NULL, *idx = NULL;
    int rc = -1;

    lk_txn_init(&txn);
    pass[0] = '\0';
    if (parse_request(cli, &req) != 0 || (dir = lk_cli_dir(cli)) == NULL ||
        lk_cli_ca_passphrase(cli, pass, sizeof pass) != 0)
        goto out;
    if (lk_pki_open(&pki, dir) != 0 || lk_pki_path(&pki, "index.tsv", idx_path, sizeof idx_path) != 0)
        goto out;
    snprintf(rel, sizeof rel, "private/%s.key", req.stem);
    if (lk_pki_path(&pki, rel, key_path, sizeof key_path) != 0)
        goto out;
    snprintf(rel, sizeof rel, "issued/%s.crt", req.stem);
    if (lk_pki_path(&pki, rel, crt_path, sizeof crt_path) != 0)
        goto out;
    if (lk_inv_read(idx_path, &index_text, &index_len) != 0 ||
        refuse_duplicate(&req, index_text, index_len) != 0)
        goto out;
    if (lk_ca_load(&pki, pass, &ca, &ca_key) != 0)
        goto out;
    OPENSSL_cleanse(pass, sizeof pass);

    if ((leaf_key = lk_keygen_p256()) == NULL ||
        (leaf = build_leaf(cli, &req, leaf_key, ca, ca_key)) == NULL)
        goto out;
    key_pem = BIO_new(BIO_s_secmem());
    crt_pem = BIO_new(BIO_s_mem());
    idx = BIO_new(BIO_s_mem());
    if (key_pem == NULL || crt_pem == NULL || idx == NULL) {
        lk_err_ssl("out of memory");
        goto out;
    }
    if (lk_pem_pkcs8(key_pem, leaf_key, NULL) != 0 || lk_pem_cert(crt_pem, leaf) != 0 ||
        append_line(idx, index_text, index_len, leaf, req.profile->name, &entry) != 0)
        goto out;
    if (lk_txn_add_bio(&txn, key_path, key_pem, 0600) != 0 ||
        lk_txn_add_bio(&txn, crt_path, crt_pem, 0644) != 0 ||
        lk_txn_add_bio(&txn, idx_path, idx, 0644) != 0 || lk_txn_commit(&txn) != 0)
        goto out;
    printf("issued %s certificate CN=%s (serial %s, valid until %s)\n", req.profile->name, req.cn,
           entry.serial, entry.not_after);
    printf("  %s\n  %s\n", crt_path, key_path);
    rc = 0;
out:
    lk_txn_abort(&txn);
    OPENSSL_cleanse(pass, sizeof pass);
    BIO_free(key_pem);
    BIO_free(crt_pem);
    BIO_free(idx);
    free(index_text);
    X509_free(leaf);
    X509_free(ca);
    EVP_PKEY_free(leaf_key);
    EVP_PKEY_free(ca_key);
    lk_pki_close(&pki);
    return rc;
}
