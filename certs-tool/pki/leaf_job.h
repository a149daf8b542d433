/* leaf_job.h - the steps issue, sign and renew share around lk_leaf_build: open (lock) DIR
 * and its inventory, then write the new leaf and the inventory in one all-or-nothing step. */
#ifndef LK_CERTS_LEAF_JOB_H
#define LK_CERTS_LEAF_JOB_H

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "inventory.h"
#include "leaf.h"
#include "pki_dir.h"

struct lk_leaf_job {
    struct lk_pki pki;
    struct lk_inv inv;          /* DIR/index.tsv as loaded */
    char idx_path[LK_PATH_MAX];
    char crt_path[LK_PATH_MAX]; /* DIR/issued/<stem>.crt */
    char key_path[LK_PATH_MAX]; /* DIR/private/<stem>.key */
    X509 *ca;                   /* lk_ca_load(&j->pki, ...) fills these; freed by lk_leaf_job_free */
    EVP_PKEY *ca_key;
};
void lk_leaf_job_init(struct lk_leaf_job *j);
void lk_leaf_job_free(struct lk_leaf_job *j);
/* Opens (locks) DIR and loads the inventory. With new_leaf (issue, sign): also works out
 * crt_path (and key_path if with_key) of its stem, and refuses a duplicate of its CN.
 * Without (renew): the caller fills the paths with lk_leaf_paths. */
int lk_leaf_job_open(struct lk_leaf_job *j, const char *dir, const struct lk_leaf_req *new_leaf,
                     int with_key);
/* Writes in one all-or-nothing step: key (if not NULL) to key_path (0600), leaf to
 * crt_path, archive/<SERIAL>.crt and extra_out (if not NULL), and the inventory with the
 * leaf's entry appended (with key_source, copied before the table grows). *entry = it. */
int lk_leaf_job_commit(struct lk_leaf_job *j, const struct lk_leaf_req *req, X509 *leaf, EVP_PKEY *key,
                       const char *key_source, const char *extra_out, struct lk_inv_entry *entry);

#endif
