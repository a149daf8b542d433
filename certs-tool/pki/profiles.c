/* profiles.c - the leaf certificate profiles (docs/certs.md, "issue"): default
 * validity, extended key usage, which subject CN and SANs each accepts, and the
 * extensions every leaf carries; the server's subjectAltName is built from typed
 * GENERAL_NAMEs, never from text. The profile decides every extension: nothing is taken
 * from a request. */
#include "profiles.h"

#include <string.h>

#include <openssl/x509v3.h>

#include "certgen.h"
#include "diag.h"
#include "names.h"

#include "latchkey/cmd_format.h"

static const struct lk_profile_info profiles[] = {
    {LK_PROFILE_SERVER, "server", 397, "serverAuth"},
    {LK_PROFILE_CLIENT, "client", 365, "clientAuth"},
    {LK_PROFILE_DEVICE, "device", 730, "clientAuth"},
    {LK_PROFILE_GATEWAY, "gateway", 730, "clientAuth"},
    /* A home automation hub (Home Assistant): its own MQTT identity, which broker-config
     * lets read the doors' topics and send requests in its own name (docs/certs.md). */
    {LK_PROFILE_AUTOMATION, "automation", 730, "clientAuth"},
};

const struct lk_profile_info *lk_profile_find(const char *name)
{
    size_t i;
    for (i = 0; i < sizeof profiles / sizeof profiles[0]; i++)
        if (strcmp(name, profiles[i].name) == 0)
            return &profiles[i];
    return NULL;
}

const struct lk_profile_info *lk_profile_arg(const char *name)
{
    const struct lk_profile_info *p = lk_profile_find(name);
    if (p == NULL)
        lk_err("unknown profile '%s' (expected server, client, device, gateway or automation)",
               name);
    return p;
}

int lk_profile_check_cn(const struct lk_profile_info *p, const char *cn)
{
    char site[LK_NAME_MAX + 1], door[LK_NAME_MAX + 1];
    switch (p->id) {
    case LK_PROFILE_SERVER:
        if (!lk_dns_name_valid(cn) || strlen(cn) > LK_CN_MAX) {
            lk_err("invalid server name '%s': a host name of at most %d characters", cn, LK_CN_MAX);
            return -1;
        }
        return 0;
    case LK_PROFILE_CLIENT:
    case LK_PROFILE_AUTOMATION:
        if (!lk_user_name_valid(cn)) {
            lk_err("invalid user name '%s': 1 to %d of [A-Za-z0-9._@-], not starting with '.', "
                   "not 'gateway'", cn, LK_BY_MAX);
            return -1;
        }
        return 0;
    case LK_PROFILE_DEVICE:
        if (!lk_device_name_split(cn, site, sizeof site, door, sizeof door)) {
            lk_err("invalid device name '%s': expected SITE/DOOR, each [a-z0-9_-]{1,%d}", cn,
                   LK_NAME_MAX);
            return -1;
        }
        return 0;
    case LK_PROFILE_GATEWAY:
        if (strcmp(cn, "gateway") != 0) {
            lk_err("invalid gateway name '%s': the gateway's CN is 'gateway'", cn);
            return -1;
        }
        return 0;
    }
    return -1;
}

int lk_profile_check_sans(const struct lk_profile_info *p, const char *const *dns, int ndns,
                          const char *const *ips, int nips)
{
    int i;
    if (p->id != LK_PROFILE_SERVER) {
        if (ndns > 0 || nips > 0) {
            lk_err("--dns and --ip apply only to 'issue server' and 'sign server'");
            return -1;
        }
        return 0;
    }
    if (ndns + nips == 0) {
        lk_err("a server certificate needs at least one --dns NAME or --ip ADDRESS");
        return -1;
    }
    for (i = 0; i < ndns; i++) {
        if (!lk_dns_name_valid(dns[i])) {
            lk_err("invalid --dns '%s': not a host name", dns[i]);
            return -1;
        }
    }
    for (i = 0; i < nips; i++) {
        ASN1_OCTET_STRING *os = a2i_IPADDRESS(ips[i]);
        if (os == NULL) {
            lk_err("invalid --ip '%s': not an IPv4 or IPv6 address", ips[i]);
            return -1;
        }
        ASN1_OCTET_STRING_free(os);
    }
    return 0;
}

static int push_dns(GENERAL_NAMES *gens, const char *dns)
{
    GENERAL_NAME *gen = GENERAL_NAME_new();
    ASN1_IA5STRING *ia5 = ASN1_IA5STRING_new();
    if (gen == NULL || ia5 == NULL || ASN1_STRING_set(ia5, dns, (int)strlen(dns)) != 1) {
        ASN1_IA5STRING_free(ia5);
        GENERAL_NAME_free(gen);
        return -1;
    }
    GENERAL_NAME_set0_value(gen, GEN_DNS, ia5);
    if (sk_GENERAL_NAME_push(gens, gen) <= 0) {
        GENERAL_NAME_free(gen);
        return -1;
    }
    return 0;
}

static int push_ip(GENERAL_NAMES *gens, const char *ip)
{
    GENERAL_NAME *gen;
    ASN1_OCTET_STRING *os = a2i_IPADDRESS(ip);
    if (os == NULL) {
        lk_err("invalid --ip '%s': not an IPv4 or IPv6 address", ip);
        return -2;
    }
    gen = GENERAL_NAME_new();
    if (gen == NULL) {
        ASN1_OCTET_STRING_free(os);
        return -1;
    }
    GENERAL_NAME_set0_value(gen, GEN_IPADD, os);
    if (sk_GENERAL_NAME_push(gens, gen) <= 0) {
        GENERAL_NAME_free(gen);
        return -1;
    }
    return 0;
}

static int add_san(X509 *leaf, const char *const *dns, int ndns, const char *const *ips, int nips)
{
    GENERAL_NAMES *gens = sk_GENERAL_NAME_new_null();
    int i, r = gens != NULL ? 0 : -1;
    for (i = 0; r == 0 && i < ndns; i++) {
        if (!lk_dns_name_valid(dns[i])) {
            lk_err("invalid --dns '%s': not a host name", dns[i]);
            r = -2;
        } else {
            r = push_dns(gens, dns[i]);
        }
    }
    for (i = 0; r == 0 && i < nips; i++)
        r = push_ip(gens, ips[i]);
    if (r == 0 && X509_add1_ext_i2d(leaf, NID_subject_alt_name, gens, 0, X509V3_ADD_DEFAULT) != 1)
        r = -1;
    if (r == -1)
        lk_err_ssl("cannot build the subjectAltName");
    GENERAL_NAMES_free(gens);
    return r == 0 ? 0 : -1;
}

int lk_profile_apply(const struct lk_profile_info *p, X509 *leaf, X509 *ca,
                     const char *const *dns, int ndns, const char *const *ips, int nips)
{
    if (lk_add_ext(leaf, ca, NID_basic_constraints, "critical,CA:FALSE") != 0 ||
        lk_add_ext(leaf, ca, NID_key_usage, "critical,digitalSignature") != 0 ||
        lk_add_ext(leaf, ca, NID_ext_key_usage, p->eku) != 0 ||
        lk_add_ext(leaf, ca, NID_subject_key_identifier, "hash") != 0 ||
        lk_add_ext(leaf, ca, NID_authority_key_identifier, "keyid:always") != 0)
        return -1;
    if (p->id == LK_PROFILE_SERVER && ndns + nips > 0) /* renew copies the old SAN instead */
        return add_san(leaf, dns, ndns, ips, nips);
    return 0;
}
