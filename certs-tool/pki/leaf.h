/* leaf.h - leaf certificates, shared by issue, sign and renew: the request (profile, CN,
 * validity, SANs), the duplicate check against the inventory, and building the signed leaf. */
#ifndef LK_CERTS_LEAF_H
#define LK_CERTS_LEAF_H

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "inventory.h"
#include "profiles.h"

/* A guest's certificate (issue client --until, guest) ends this long after the visit:
 * room for a clock that is a little off, never a day more. */
#define LK_GUEST_MARGIN_S 600

struct lk_leaf_req {
    const struct lk_profile_info *profile;
    char cn[LK_CN_MAX + 1];
    char stem[LK_CN_MAX + 1];
    long days;
    time_t not_after; /* set: the validity ends then instead of after days */
    const char *const *dns;
    int ndns;
    const char *const *ips;
    int nips;
    X509_EXTENSION *san; /* renew: the previous certificate's SAN, used instead of dns/ips */
};
/* issue, sign: days (0 = the profile's default) and the --dns/--ip lists (checked for the
 * profile; kept by pointer). */
int lk_leaf_req_options(struct lk_leaf_req *req, long days, const char *const *dns, int ndns,
                        const char *const *ips, int nips);
/* req->stem of req->cn. */
int lk_leaf_req_stem(struct lk_leaf_req *req);
/* Refuses a CN (or one with the same file stem) that is issued, valid and not expired. */
int lk_leaf_refuse_duplicate(const struct lk_inv *inv, const char *cn, const char *stem);
/* A leaf for pub signed by the CA: serial, CN, validity (not past the CA's), profile. */
X509 *lk_leaf_build(const struct lk_leaf_req *req, EVP_PKEY *pub, X509 *ca, EVP_PKEY *ca_key);

#endif
