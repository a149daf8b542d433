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

#endif
