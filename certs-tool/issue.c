/* issue.c - "issue": checks the request (profile, name, SANs, duplicates in the inventory),
 * opens the CA with its passphrase, signs a new P-256 leaf, and writes key, certificate,
 * its copy by serial and the inventory in one all-or-nothing step (leaf_job.c). Also the
 * leaf helpers that sign (CSR) and renew share with it. */
#include "certs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/x509v3.h>

/* Works out profile, CN and validity from the arguments; all user errors end here. */
static int parse_request(const struct lk_cli *cli, struct lk_leaf_req *req)
{
    const char *usage = lk_cli_usage("issue");
    const char *name = cli->npos > 2 ? cli->pos[2] : NULL;
    int want_name;

    memset(req, 0, sizeof *req);
    if (cli->npos < 2) {
        lk_err("issue needs a profile (server, client, device or gateway); usage: %s", usage);
        return -1;
    }
    if ((req->profile = lk_profile_arg(cli->pos[1])) == NULL)
        return -1;
    want_name = req->profile->id != LK_PROFILE_GATEWAY;
    if (cli->npos != (want_name ? 3 : 2)) {
        if (want_name && name == NULL)
            lk_err("issue %s needs a name; usage: %s", req->profile->name, usage);
        else
            lk_err("unexpected argument '%s' for issue %s", cli->pos[cli->npos - 1], req->profile->name);
        return -1;
    }
    if (!want_name)
        name = "gateway";
    if (lk_leaf_req_options(req, cli) != 0 || lk_profile_check_cn(req->profile, name) != 0)
        return -1;
    snprintf(req->cn, sizeof req->cn, "%s", name);
    return lk_leaf_req_stem(req);
}

int lk_leaf_req_options(struct lk_leaf_req *req, const struct lk_cli *cli)
{
    if (lk_profile_check_sans(req->profile, cli->dns, cli->ndns, cli->ip, cli->nip) != 0)
        return -1;
    req->days = cli->days > 0 ? cli->days : req->profile->default_days;
    req->dns = cli->dns;
    req->ndns = cli->ndns;
    req->ips = cli->ip;
    req->nips = cli->nip;
    return 0;
}

int lk_leaf_req_stem(struct lk_leaf_req *req)
{
    if (lk_cn_stem(req->cn, req->stem, sizeof req->stem) != 0) {
        lk_err("internal: CN too long");
        return -1;
    }
    return 0;
}

int lk_leaf_refuse_duplicate(const struct lk_inv *inv, const char *cn, const char *stem)
{
    char now[LK_ISO_LEN + 1], estem[LK_CN_MAX + 1];
    size_t i;
    if (lk_time_iso(time(NULL), now) != 0)
        return -1;
    for (i = 0; i < inv->n; i++) {
        const struct lk_inv_entry *e = &inv->e[i];
        if (strcmp(e->status, LK_STATUS_VALID) != 0 || strcmp(e->not_after, now) <= 0 ||
            lk_cn_stem(e->cn, estem, sizeof estem) != 0 || strcmp(estem, stem) != 0)
            continue;
        if (strcmp(e->cn, cn) == 0)
            lk_err("CN=%s is already issued and valid until %s (serial %s); refusing a duplicate "
                   "(renew or revoke it)", cn, e->not_after, e->serial);
        else
            lk_err("CN=%s would be stored as '%s', already used by CN=%s (valid until %s)", cn,
                   stem, e->cn, e->not_after);
        return -1;
    }
    return 0;
}

X509 *lk_leaf_build(const struct lk_leaf_req *req, EVP_PKEY *pub, X509 *ca, EVP_PKEY *ca_key)
{
    X509 *leaf = X509_new();
    if (leaf == NULL) {
        lk_err_ssl("out of memory");
        return NULL;
    }
    if (X509_set_version(leaf, X509_VERSION_3) != 1 || lk_set_random_serial(leaf) != 0 ||
        lk_set_subject_cn(leaf, req->cn) != 0 ||
        X509_set_issuer_name(leaf, X509_get_subject_name(ca)) != 1 ||
        lk_set_validity(leaf, req->days) != 0 || X509_set_pubkey(leaf, pub) != 1)
        goto fail;
    if (ASN1_TIME_compare(X509_get0_notAfter(leaf), X509_get0_notAfter(ca)) > 0) {
        lk_err("a %ld-day certificate would outlive the CA certificate; use a smaller --days",
               req->days);
        goto fail;
    }
    if (lk_profile_apply(req->profile, leaf, ca, req->dns, req->ndns, req->ips, req->nips) != 0)
        goto fail;
    if (req->san != NULL && X509_add_ext(leaf, req->san, -1) != 1) {
        lk_err_ssl("cannot copy the subjectAltName");
        goto fail;
    }
    if (X509_sign(leaf, ca_key, lk_sign_md(ca_key)) <= 0) {
        lk_err_ssl("cannot sign the certificate");
        goto fail;
    }
    return leaf;
fail:
    X509_free(leaf);
    return NULL;
}

int lk_archive_path(const struct lk_pki *pki, const char *serial, char *out, size_t cap)
{
    char rel[LK_PATH_MAX];
    if (lk_pki_path(pki, "archive", out, cap) != 0 || lk_mkdir(out, 0755) != 0)
        return -1;
    snprintf(rel, sizeof rel, "archive/%s.crt", serial);
    return lk_pki_path(pki, rel, out, cap);
}

int lk_leaf_paths(const struct lk_pki *pki, const char *stem, char *crt, char *key, size_t cap)
{
    char rel[LK_PATH_MAX];
    snprintf(rel, sizeof rel, "issued/%s.crt", stem);
    if (crt != NULL && lk_pki_path(pki, rel, crt, cap) != 0)
        return -1;
    snprintf(rel, sizeof rel, "private/%s.key", stem);
    if (key != NULL && lk_pki_path(pki, rel, key, cap) != 0)
        return -1;
    return 0;
}

int lk_cmd_issue(const struct lk_cli *cli)
{
    struct lk_leaf_req req;
    struct lk_leaf_job job;
    struct lk_inv_entry entry;
    char pass[LK_SECRET_MAX];
    const char *dir;
    X509 *leaf = NULL;
    EVP_PKEY *leaf_key = NULL;
    int rc = -1;

    lk_leaf_job_init(&job);
    pass[0] = '\0';
    if (parse_request(cli, &req) != 0 || (dir = lk_cli_dir(cli)) == NULL ||
        lk_cli_ca_passphrase(cli, pass, sizeof pass) != 0)
        goto out;
    if (lk_leaf_job_open(&job, dir, &req, 1) != 0 || lk_ca_load(&job.pki, pass, &job.ca, &job.ca_key) != 0)
        goto out;
    OPENSSL_cleanse(pass, sizeof pass);

    if ((leaf_key = lk_keygen_p256()) == NULL || (leaf = lk_leaf_build(&req, leaf_key, job.ca, job.ca_key)) == NULL ||
        lk_leaf_job_commit(&job, &req, leaf, leaf_key, LK_KEY_GENERATED, NULL, &entry) != 0)
        goto out;
    printf("issued %s certificate CN=%s (serial %s, valid until %s)\n", req.profile->name, req.cn,
           entry.serial, entry.not_after);
    printf("  %s\n  %s\n", job.crt_path, job.key_path);
    rc = 0;
out:
    OPENSSL_cleanse(pass, sizeof pass);
    X509_free(leaf);
    EVP_PKEY_free(leaf_key);
    lk_leaf_job_free(&job);
    return rc;
}
