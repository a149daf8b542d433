/* profiles.h - the extensions of each leaf profile (the table in docs/certs.md, "issue"). */
#ifndef LK_CERTS_PROFILES_H
#define LK_CERTS_PROFILES_H

#include <openssl/x509.h>

enum lk_profile {
    LK_PROFILE_SERVER,
    LK_PROFILE_CLIENT,
    LK_PROFILE_DEVICE,
    LK_PROFILE_GATEWAY,
    LK_PROFILE_AUTOMATION
};
struct lk_profile_info {
    enum lk_profile id;
    const char *name;
    long default_days;
    const char *eku;
};
const struct lk_profile_info *lk_profile_find(const char *name);
/* The same for a profile named on the command line: reports an unknown one. */
const struct lk_profile_info *lk_profile_arg(const char *name);
/* Checks a subject CN for the profile exactly as issue does (server: host name; client:
 * user name; automation: as client; device: SITE/DOOR; gateway: "gateway"). Reports and returns -1 if invalid. */
int lk_profile_check_cn(const struct lk_profile_info *p, const char *cn);
/* Checks --dns/--ip: only for server, which needs at least one. */
int lk_profile_check_sans(const struct lk_profile_info *p, const char *const *dns, int ndns,
                          const char *const *ips, int nips);
/* Adds basicConstraints, keyUsage, EKU, SKI, AKI and (server) the SAN of dns/ips. */
int lk_profile_apply(const struct lk_profile_info *p, X509 *leaf, X509 *ca,
                     const char *const *dns, int ndns, const char *const *ips, int nips);

#endif
