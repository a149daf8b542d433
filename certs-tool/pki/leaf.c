/* leaf.c - leaf certificates, shared by issue, sign and renew: the request's options and
 * file stem, the refusal of a duplicate CN, and the signed leaf itself. */
#include "leaf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509v3.h>

#include "certgen.h"
#include "diag.h"
#include "inventory.h"
#include "names.h"
#include "profiles.h"

int lk_leaf_req_options(struct lk_leaf_req *req, long days, const char *const *dns, int ndns,
                        const char *const *ips, int nips)
{
    if (lk_profile_check_sans(req->profile, dns, ndns, ips, nips) != 0)
        return -1;
    req->days = days > 0 ? days : req->profile->default_days;
    req->dns = dns;
    req->ndns = ndns;
    req->ips = ips;
    req->nips = nips;
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
        (req->not_after != 0 ? lk_set_validity_until(leaf, req->not_after)
                             : lk_set_validity(leaf, req->days)) != 0 ||
        X509_set_pubkey(leaf, pub) != 1)
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
