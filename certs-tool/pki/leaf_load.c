/* leaf_load.c - loads an issued leaf certificate and its key by CN for the verbs that hand
 * them out (export, enroll, bundle, broker-config): the CN must be valid in the inventory
 * with the expected profile, and the files must really be that certificate and its key. */
#include "leaf_load.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert_files.h"
#include "certgen.h"
#include "diag.h"
#include "inv_foreach.h"
#include "inventory.h"
#include "names.h"
#include "pki_dir.h"

/* The certificate must be the one of CN arg. */
static int cn_is(X509 *cert, const char *crt_path, const void *arg)
{
    const char *cn = arg;
    char got[LK_CN_MAX + 1];
    if (X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, got, (int)sizeof got) <= 0 ||
        strcmp(got, cn) != 0) {
        lk_err("%s is not the certificate of '%s'", crt_path, cn);
        return -1;
    }
    return 0;
}

int lk_leaf_load(const struct lk_pki *pki, const char *profile, const char *cn, X509 **cert,
                 EVP_PKEY **key)
{
    char crt_path[LK_PATH_MAX], key_path[LK_PATH_MAX], stem[LK_CN_MAX + 1], bad_key[LK_PATH_MAX + 40],
        mismatch[LK_PATH_MAX + LK_CN_MAX + 40];
    struct lk_pair_check chk = {cn_is, cn, bad_key, 1, mismatch};
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
    if (lk_leaf_paths(pki, stem, crt_path, key_path, LK_PATH_MAX) != 0)
        return -1;
    snprintf(bad_key, sizeof bad_key, "cannot read private key %s", key_path);
    snprintf(mismatch, sizeof mismatch, "%s does not match the certificate of '%s'", key_path, cn);
    return lk_load_pair(crt_path, key_path, NULL, &chk, cert, key);
}
