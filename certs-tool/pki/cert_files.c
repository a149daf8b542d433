/* cert_files.c - where the files of each certificate are in DIR (cert_files.h). */
#include "cert_files.h"

#include <stdio.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/err.h>

#include "certgen.h"
#include "inventory.h"
#include "names.h"
#include "pki_dir.h"

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

int lk_inv_cert_path(const struct lk_pki *pki, const struct lk_inv_entry *e, char *out, size_t cap)
{
    char stem[LK_CN_MAX + 1], rel[LK_PATH_MAX];
    X509 *cert;
    int r;
    if (strcmp(e->profile, "ca") == 0)
        return lk_pki_path(pki, "ca/ca.crt", out, cap);
    snprintf(rel, sizeof rel, "archive/%s.crt", e->serial);
    if (lk_pki_path(pki, rel, out, cap) != 0 || (r = lk_path_exists(out)) < 0)
        return -1;
    if (r == 1)
        return 0;
    /* Made before archive/ existed: issued/<stem>.crt if it is still this serial. */
    if (lk_cn_stem(e->cn, stem, sizeof stem) != 0 || lk_leaf_paths(pki, stem, out, NULL, cap) != 0 ||
        (r = lk_path_exists(out)) < 0)
        return -1;
    if (r == 1 && (cert = lk_load_cert(out)) != NULL) {
        BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), NULL);
        char *hex = bn != NULL ? BN_bn2hex(bn) : NULL;
        int same = hex != NULL && lk_serial_equal(hex, e->serial);
        OPENSSL_free(hex);
        BN_free(bn);
        X509_free(cert);
        if (same)
            return 0;
    }
    ERR_clear_error();
    out[0] = '\0';
    return 1;
}
