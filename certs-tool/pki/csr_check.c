/* csr_check.c - the checks of a CSR made elsewhere (csr_check.h): key type and size, the
 * self-signature, the subject CN and the challengePassword attribute. */
#include "csr_check.h"

#include <stdio.h>
#include <string.h>

#include <openssl/err.h>

int lk_csr_key_check(EVP_PKEY *key, int allow_ed25519, char *why, size_t cap)
{
    char group[64];
    size_t len = 0;
    switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_EC:
        if (EVP_PKEY_get_group_name(key, group, sizeof group, &len) != 1) {
            ERR_clear_error();
            snprintf(why, cap, "the EC key has no named curve; only P-256 and P-384 are accepted");
            return -1;
        }
        if (strcmp(group, "prime256v1") == 0 || strcmp(group, "secp384r1") == 0)
            return 0;
        snprintf(why, cap, "the key is on curve %s; only P-256 and P-384 are accepted", group);
        return -1;
    case EVP_PKEY_RSA:
        if (EVP_PKEY_get_bits(key) >= 2048)
            return 0;
        snprintf(why, cap, "the RSA key has %d bits; at least 2048 are required",
                 EVP_PKEY_get_bits(key));
        return -1;
    case EVP_PKEY_ED25519:
        if (allow_ed25519)
            return 0;
        break;
    default: break;
    }
    snprintf(why, cap, "the key is %s; accepted are ECDSA P-256/P-384, RSA >= 2048%s",
             OBJ_nid2sn(EVP_PKEY_get_base_id(key)), allow_ed25519 ? " and Ed25519" : "");
    return -1;
}

EVP_PKEY *lk_csr_verified_key(X509_REQ *req, char *why, size_t cap)
{
    EVP_PKEY *key = X509_REQ_get_pubkey(req);
    if (key == NULL) {
        ERR_clear_error();
        snprintf(why, cap, "its public key cannot be read");
        return NULL;
    }
    if (X509_REQ_verify(req, key) != 1) {
        ERR_clear_error();
        snprintf(why, cap, "it has a bad self-signature (damaged or tampered with)");
        EVP_PKEY_free(key);
        return NULL;
    }
    return key;
}

/* The UTF-8 text of s into out (no NUL bytes, not empty): 0, or -1. */
static int utf8_of(const ASN1_STRING *s, char *out, size_t out_cap)
{
    unsigned char *utf8 = NULL;
    int len = ASN1_STRING_to_UTF8(&utf8, s);
    int ok = len > 0 && (size_t)len < out_cap && memchr(utf8, '\0', (size_t)len) == NULL;
    ERR_clear_error();
    if (ok) {
        memcpy(out, utf8, (size_t)len);
        out[len] = '\0';
    }
    OPENSSL_free(utf8);
    return ok ? 0 : -1;
}

int lk_csr_cn(X509_REQ *req, char *out, size_t out_cap, char *why, size_t cap)
{
    X509_NAME *name = X509_REQ_get_subject_name(req);
    int idx = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
    if (idx < 0) {
        snprintf(why, cap, "it has no subject CN");
        return -1;
    }
    if (X509_NAME_get_index_by_NID(name, NID_commonName, idx) >= 0) {
        snprintf(why, cap, "it has more than one subject CN");
        return -1;
    }
    if (utf8_of(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx)), out, out_cap) != 0) {
        snprintf(why, cap, "its subject CN is empty, too long or contains a NUL byte");
        return -1;
    }
    return 0;
}

int lk_csr_challenge(X509_REQ *req, char *out, size_t out_cap, char *why, size_t cap)
{
    int idx = X509_REQ_get_attr_by_NID(req, NID_pkcs9_challengePassword, -1);
    X509_ATTRIBUTE *attr;
    ASN1_TYPE *v;
    if (idx < 0)
        return 0;
    attr = X509_REQ_get_attr(req, idx);
    if (X509_REQ_get_attr_by_NID(req, NID_pkcs9_challengePassword, idx) >= 0 ||
        X509_ATTRIBUTE_count(attr) != 1 || (v = X509_ATTRIBUTE_get0_type(attr, 0)) == NULL ||
        (v->type != V_ASN1_PRINTABLESTRING && v->type != V_ASN1_UTF8STRING &&
         v->type != V_ASN1_IA5STRING) ||
        utf8_of(v->value.asn1_string, out, out_cap) != 0) {
        snprintf(why, cap, "its challengePassword attribute is malformed or too long");
        return -1;
    }
    return 1;
}
