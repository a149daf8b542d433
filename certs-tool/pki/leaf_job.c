/* leaf_job.c - what issue, sign and renew do around lk_leaf_build: open (lock) DIR and
 * its inventory, and write the new leaf (its key if one was made, the certificate, its copy
 * by serial, an optional extra copy and the inventory) in one all-or-nothing step. */
#include "leaf_job.h"

#include <stdio.h>
#include <string.h>

#include "cert_files.h"
#include "certgen.h"
#include "diag.h"
#include "inventory.h"
#include "leaf.h"
#include "pki_dir.h"
#include "txn.h"

void lk_leaf_job_init(struct lk_leaf_job *j)
{
    memset(j, 0, sizeof *j);
    j->pki.lock_fd = -1;
    lk_inv_init(&j->inv);
}

void lk_leaf_job_free(struct lk_leaf_job *j)
{
    lk_inv_free(&j->inv);
    X509_free(j->ca);
    EVP_PKEY_free(j->ca_key);
    j->ca = NULL;
    j->ca_key = NULL;
    lk_pki_close(&j->pki);
}

int lk_leaf_job_open(struct lk_leaf_job *j, const char *dir, const struct lk_leaf_req *new_leaf,
                     int with_key)
{
    if (lk_pki_open(&j->pki, dir) != 0 ||
        lk_pki_path(&j->pki, "index.tsv", j->idx_path, sizeof j->idx_path) != 0)
        return -1;
    if (new_leaf != NULL &&
        lk_leaf_paths(&j->pki, new_leaf->stem, j->crt_path, with_key ? j->key_path : NULL, LK_PATH_MAX) != 0)
        return -1;
    if (lk_inv_load(j->idx_path, &j->inv) != 0)
        return -1;
    if (new_leaf != NULL && lk_leaf_refuse_duplicate(&j->inv, new_leaf->cn, new_leaf->stem) != 0)
        return -1;
    return 0;
}

int lk_leaf_job_commit(struct lk_leaf_job *j, const struct lk_leaf_req *req, X509 *leaf, EVP_PKEY *key,
                       const char *key_source, const char *extra_out, struct lk_inv_entry *entry)
{
    char arc_path[LK_PATH_MAX];
    struct lk_txn txn;
    BIO *key_pem = NULL, *crt_pem = BIO_new(BIO_s_mem()), *idx = BIO_new(BIO_s_mem());
    int rc = -1;

    lk_txn_init(&txn);
    if (key != NULL)
        key_pem = BIO_new(BIO_s_secmem());
    if ((key != NULL && key_pem == NULL) || crt_pem == NULL || idx == NULL) {
        lk_err_ssl("out of memory");
        goto out;
    }
    if ((key != NULL && lk_pem_pkcs8(key_pem, key, NULL) != 0) || lk_pem_cert(crt_pem, leaf) != 0 ||
        lk_inv_entry_of(leaf, req->profile->name, entry) != 0)
        goto out;
    snprintf(entry->key_source, sizeof entry->key_source, "%s", key_source);
    /* lk_inv_append may move the table: key_source may point into it, so it is copied first. */
    if (lk_inv_append(&j->inv, entry) != 0 || lk_inv_write_bio(&j->inv, idx) != 0 ||
        lk_archive_path(&j->pki, entry->serial, arc_path, sizeof arc_path) != 0)
        goto out;
    if ((key != NULL && lk_txn_add_bio(&txn, j->key_path, key_pem, 0600) != 0) ||
        lk_txn_add_bio(&txn, j->crt_path, crt_pem, 0644) != 0 ||
        lk_txn_add_bio(&txn, arc_path, crt_pem, 0644) != 0 ||
        (extra_out != NULL && lk_txn_add_bio(&txn, extra_out, crt_pem, 0644) != 0) ||
        lk_txn_add_bio(&txn, j->idx_path, idx, 0644) != 0 || lk_txn_commit(&txn) != 0)
        goto out;
    rc = 0;
out:
    lk_txn_abort(&txn);
    BIO_free(key_pem);
    BIO_free(crt_pem);
    BIO_free(idx);
    return rc;
}
