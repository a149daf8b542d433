/* leaf_load.c - loads an issued leaf certificate and its key by CN for the verbs that hand
 * them out (export, enroll, bundle, broker-config): the CN must be valid in the inventory
 * with the expected profile, and the files must really be that certificate and its key. */
#include "leaf_load.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lkhost/pem_load.h>

#include "cert_files.h"
#include "certgen.h"
#include "diag.h"
#include "inv_foreach.h"
#include "inventory.h"
#include "names.h"
#include "pki_dir.h"

int lk_leaf_load(const struct lk_pki *pki, const char *profile, const char *cn, X509 **cert,
                 EVP_PKEY **key)
{
    char path[LK_PATH_MAX], stem[LK_CN_MAX + 1], got[LK_CN_MAX + 1];
    struct lk_inv_entry found;
    int r;

    *cert = NULL;
    *key = NULL;
    r = lk_inv_lookup(pki, profile, cn, &found);
    if (r < 0)
        return -1;
    if (r == 0) {
        lk_err("no valid %s certificate for '%s' in %s/index.tsv; issue one with 'issue %s%s%s'",
               profile, cn, pki->dir, profile, strcmp(profile, "gateway") == 0 ? "" : " ",
               strcmp(profile, "gateway") == 0 ? "" : cn);
        return -1;
    }
    if (lk_cn_stem(cn, stem, sizeof stem) != 0) {
        lk_err("name '%s' is too long", cn);
        return -1;
    }
    if (lk_leaf_paths(pki, stem, path, NULL, sizeof path) != 0 || (*cert = lk_load_cert(path)) == NULL)
        goto fail;
    if (X509_NAME_get_text_by_NID(X509_get_subject_name(*cert), NID_commonName, got, (int)sizeof got) <= 0 ||
        strcmp(got, cn) != 0) {
        lk_err("%s is not the certificate of '%s'", path, cn);
        goto fail;
    }
    if (lk_leaf_paths(pki, stem, NULL, path, sizeof path) != 0)
        goto fail;
    switch (lk_load_key_for(*cert, path, NULL, key)) {
    case LKH_LOAD_OK:
        return 0;
    case LKH_LOAD_MISMATCH:
        lk_err("%s does not match the certificate of '%s'", path, cn);
        goto fail;
    default:
        lk_err_ssl("cannot read private key %s", path);
        goto fail;
    }
fail:
    X509_free(*cert);
    EVP_PKEY_free(*key);
    *cert = NULL;
    *key = NULL;
    return -1;
}
