/* leaf_load.c - loads an issued leaf certificate and its key by CN for the verbs that hand
 * them out (export, enroll, bundle, broker-config): the CN must be valid in the inventory
 * with the expected profile, and the files must really be that certificate and its key. */
#include "certs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>

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
    if ((*key = lk_load_key(path, NULL)) == NULL) {
        lk_err_ssl("cannot read private key %s", path);
        goto fail;
    }
    if (X509_check_private_key(*cert, *key) != 1) {
        ERR_clear_error();
        lk_err("%s does not match the certificate of '%s'", path, cn);
        goto fail;
    }
    return 0;
fail:
    X509_free(*cert);
    EVP_PKEY_free(*key);
    *cert = NULL;
    *key = NULL;
    return -1;
}

int lk_file_read_all(const char *path, size_t max, char **data, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    size_t n;
    *data = NULL;
    *len = 0;
    if (f == NULL) {
        lk_err("cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    buf = malloc(max + 1);
    if (buf == NULL) {
        (void)fclose(f); /* read-only */
        lk_err("out of memory");
        return -1;
    }
    n = fread(buf, 1, max + 1, f);
    if (ferror(f) || n > max) {
        if (ferror(f))
            lk_err("cannot read %s: %s", path, strerror(errno));
        else
            lk_err("%s is larger than %zu bytes", path, max);
        (void)fclose(f); /* read-only */
        free(buf);
        return -1;
    }
    (void)fclose(f); /* read-only: nothing is lost if it fails */
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return 0;
}
