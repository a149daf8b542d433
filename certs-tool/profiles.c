/* profiles.c - the leaf certificate profiles of DESIGN.md ("Certificates"): default
 * validity, extended key usage, and the extensions every leaf carries; the server's
 * subjectAltName is built from typed GENERAL_NAMEs, never from text. */
#include "certs.h"

#include <string.h>

#include <openssl/x509v3.h>

static const struct lk_profile_info profiles[] = {
    {LK_PROFILE_SERVER, "server", 397, "serverAuth"},
    {LK_PROFILE_CLIENT, "client", 365, "clientAuth"},
    {LK_PROFILE_DEVICE, "device", 730, "clientAuth"},
    {LK_PROFILE_GATEWAY, "gateway", 730, "clientAuth"},
};

const struct lk_profile_info *lk_profile_find(const char *name)
{
    size_t i;
    for (i = 0; i < sizeof profiles / sizeof profiles[0]; i++)
        if (strcmp(name, profiles[i].name) == 0)
            return &profiles[i];
    return NULL;
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
    if (p->id == LK_PROFILE_SERVER)
        return add_san(leaf, dns, ndns, ips, nips);
    return 0;
}
