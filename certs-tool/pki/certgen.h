/* certgen.h - X.509 building blocks shared by the CA, leaf certificates and CRLs: keys,
 * serials, validity, extensions, PEM encodings, and loading a certificate or key (reported). */
#ifndef LK_CERTS_CERTGEN_H
#define LK_CERTS_CERTGEN_H

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "inventory.h"

EVP_PKEY *lk_keygen_p256(void);
/* The CA key types of init: "p256", "p384", "rsa3072". NULL (reported) for another. */
EVP_PKEY *lk_keygen_type(const char *type);
/* The digest a key of the CA signs with: SHA-384 for P-384, else SHA-256. */
const EVP_MD *lk_sign_md(EVP_PKEY *key);
int lk_set_random_serial(X509 *cert);
/* notBefore = now, notAfter = now + days; refuses an end in 2050 or later (UTCTime). */
int lk_set_validity(X509 *cert, long days);
/* notBefore now, notAfter end (after now, before 2050). 0 or -1 (reported). */
int lk_set_validity_until(X509 *cert, time_t end);
int lk_set_subject_cn(X509 *cert, const char *cn);
/* Adds extension nid with the OpenSSL config value text (fixed strings only). */
int lk_add_ext(X509 *cert, X509 *issuer, int nid, const char *value);
/* Fills serial (hex), CN, not_before, not_after, status "valid" of an inventory entry. */
int lk_inv_entry_of(X509 *cert, const char *profile, struct lk_inv_entry *e);
/* PEM encodings into a memory BIO. pass NULL = unencrypted PKCS#8, else AES-256-CBC. */
int lk_pem_cert(BIO *out, X509 *cert);
int lk_pem_pkcs8(BIO *out, EVP_PKEY *key, const char *pass);
X509 *lk_load_cert(const char *path);
EVP_PKEY *lk_load_key(const char *path, const char *pass); /* pass may be NULL */
/* The key of path (pass NULL: unencrypted only) and it must be cert's: returns an
 * enum lkh_load (lkhost/pem_load.h); LKH_LOAD_NO_FILE is reported here, the caller words
 * the others. */
int lk_load_key_for(X509 *cert, const char *path, const char *pass, EVP_PKEY **key);
/* How lk_load_pair words a refusal. */
struct lk_pair_check {
    /* Runs on the certificate before its key is read: 0, or -1 after reporting. */
    int (*cert_ok)(X509 *cert, const char *crt_path, const void *arg);
    const void *arg;
    const char *bad_key;  /* the key cannot be read or decrypted (a full message) */
    int bad_key_reason;   /* 1: OpenSSL's reason is appended to bad_key; 0: dropped */
    const char *mismatch; /* the key is not the certificate's */
};
/* The certificate at crt_path and its key at key_path (pass NULL: unencrypted), which must
 * match: 0, or -1 (reported as chk words it; *cert and *key NULL). */
int lk_load_pair(const char *crt_path, const char *key_path, const char *pass,
                 const struct lk_pair_check *chk, X509 **cert, EVP_PKEY **key);

#endif
