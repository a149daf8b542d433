/* renew.c - "renew NAME [--new-key] [--days N]": a new certificate (new serial) for the
 * current certificate of NAME, with the same subject, profile and SAN, and the same key
 * unless --new-key (a CSR-signed certificate keeps its public key; its private key is not
 * held here). The old entry becomes "superseded": it stays trusted until it expires
 * unless it is revoked as well ("revoke SERIAL --reason superseded"). */
#include "verbs.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <lkhost/pem_load.h>

#include "args.h"
#include "ca.h"
#include "cert_files.h"
#include "certgen.h"
#include "diag.h"
#include "inventory.h"
#include "leaf.h"
#include "leaf_job.h"
#include "password.h"
#include "pki_dir.h"
#include "profiles.h"
#include "secrets.h"

/* The key of the new certificate: a new P-256 key, the stored key, or the CSR's public key. */
static EVP_PKEY *renew_key(const struct lk_cli *cli, const struct lk_inv_entry *e, X509 *old,
                           const char *key_path)
{
    EVP_PKEY *key;
    if (strcmp(e->key_source, LK_KEY_CSR) == 0) {
        if (cli->new_key) {
            lk_err("CN=%s was signed from a CSR: its key is not held here, so --new-key cannot "
                   "make one; sign a new CSR instead", e->cn);
            return NULL;
        }
        if ((key = X509_get_pubkey(old)) == NULL)
            lk_err_ssl("cannot read the public key of CN=%s", e->cn);
        return key;
    }
    if (cli->new_key)
        return lk_keygen_p256();
    switch (lk_load_key_for(old, key_path, NULL, &key)) {
    case LKH_LOAD_OK:
        return key;
    case LKH_LOAD_MISMATCH:
        lk_err("%s does not match the current certificate of CN=%s (use --new-key)", key_path, e->cn);
        return NULL;
    default:
        lk_err_ssl("cannot read the private key %s of CN=%s (use --new-key for a new one)", key_path, e->cn);
        return NULL;
    }
}

int certs_verb_renew(const struct lk_cli *cli)
{
    struct lk_leaf_req req;
    struct lk_leaf_job job;
    struct lk_inv_entry entry, *old_e;
    char pass[LK_SECRET_MAX], old_path[LK_PATH_MAX], key_source[sizeof old_e->key_source];
    const char *dir;
    X509 *old = NULL, *leaf = NULL;
    EVP_PKEY *key = NULL;
    long i;
    int idx_san, rc = -1;

    lk_leaf_job_init(&job);
    memset(&req, 0, sizeof req);
    pass[0] = '\0';
    if (cli->npos != 2) {
        lk_err("%s; usage: %s", cli->npos < 2 ? "renew needs a name" : "too many arguments", lk_cli_usage("renew"));
        return -1;
    }
    if ((dir = lk_cli_dir(cli)) == NULL || lk_leaf_job_open(&job, dir, NULL, 0) != 0)
        goto out;
    if ((i = lk_inv_find_name(&job.inv, cli->pos[1])) < 0) {
        lk_err("no certificate named '%s' (see 'latchkey-certs list')", cli->pos[1]);
        goto out;
    }
    old_e = &job.inv.e[i];
    if (strcmp(old_e->profile, "ca") == 0) {
        lk_err("'%s' is the CA; renew renews leaf certificates only", cli->pos[1]);
        goto out;
    }
    if (strcmp(old_e->status, LK_STATUS_VALID) != 0) {
        lk_err("CN=%s has no current certificate (the last one, %s, is %s); issue a new one", old_e->cn,
               old_e->serial, old_e->status);
        goto out;
    }
    if ((req.profile = lk_profile_find(old_e->profile)) == NULL) {
        lk_err("CN=%s has profile '%s', which renew does not know", old_e->cn, old_e->profile);
        goto out;
    }
    snprintf(req.cn, sizeof req.cn, "%s", old_e->cn);
    if (lk_leaf_req_stem(&req) != 0 ||
        lk_leaf_paths(&job.pki, req.stem, job.crt_path, job.key_path, LK_PATH_MAX) != 0)
        goto out;
    req.days = cli->days > 0 ? cli->days : req.profile->default_days;
    if (lk_inv_cert_path(&job.pki, old_e, old_path, sizeof old_path) != 0) {
        if (old_path[0] == '\0')
            lk_err("the certificate of CN=%s (serial %s) is not on disk; cannot renew it", old_e->cn,
                   old_e->serial);
        goto out;
    }
    if ((old = lk_load_cert(old_path)) == NULL || (key = renew_key(cli, old_e, old, job.key_path)) == NULL)
        goto out;
    idx_san = X509_get_ext_by_NID(old, NID_subject_alt_name, -1);
    req.san = idx_san >= 0 ? X509_get_ext(old, idx_san) : NULL;
    if (lk_cli_ca_passphrase(cli, pass, sizeof pass) != 0 || lk_ca_load(&job.pki, pass, &job.ca, &job.ca_key) != 0)
        goto out;
    OPENSSL_cleanse(pass, sizeof pass);

    if ((leaf = lk_leaf_build(&req, key, job.ca, job.ca_key)) == NULL)
        goto out;
    /* The new entry keeps the old key source; the old entry is superseded in the same write. */
    snprintf(key_source, sizeof key_source, "%s", old_e->key_source);
    snprintf(old_e->status, sizeof old_e->status, "%s", LK_STATUS_SUPERSEDED);
    if (lk_leaf_job_commit(&job, &req, leaf, cli->new_key ? key : NULL, key_source, NULL, &entry) != 0)
        goto out;
    printf("renewed %s certificate CN=%s: serial %s, valid until %s (%s); the previous one is superseded\n",
           req.profile->name, req.cn, entry.serial, entry.not_after, cli->new_key ? "new key" : "same key");
    printf("  %s\n", job.crt_path);
    if (cli->new_key)
        printf("  %s\n", job.key_path);
    rc = 0;
out:
    OPENSSL_cleanse(pass, sizeof pass);
    X509_free(old);
    X509_free(leaf);
    EVP_PKEY_free(key);
    lk_leaf_job_free(&job);
    return rc;
}
