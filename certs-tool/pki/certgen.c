/* certgen.c - X.509 building blocks used by ca.c, leaf.c and crl.c: P-256 keys, random
 * serials, UTCTime validity, subject CN, extensions, PEM encoding, and loading a
 * certificate or key (lkhost/pem_load.h) with the error reported. */
#include "certgen.h"

#include <string.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <lkhost/iso_time.h>
#include <lkhost/pem_load.h>

#include "diag.h"
#include "inventory.h"

EVP_PKEY *lk_keygen_p256(void)
{
    EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    if (key == NULL)
        lk_err_ssl("cannot generate an ECDSA P-256 key");
    return key;
}

EVP_PKEY *lk_keygen_type(const char *type)
{
    EVP_PKEY *key = NULL;
    if (strcmp(type, "p256") == 0)
        return lk_keygen_p256();
    if (strcmp(type, "p384") == 0)
        key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
    else if (strcmp(type, "rsa3072") == 0)
        key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)3072);
    else {
        lk_err("unknown --key-type '%s' (expected p256, p384 or rsa3072)", type);
        return NULL;
    }
    if (key == NULL)
        lk_err_ssl("cannot generate a %s key", type);
    return key;
}

const EVP_MD *lk_sign_md(EVP_PKEY *key)
{
    char group[32];
    size_t len = 0;
    if (EVP_PKEY_get_base_id(key) == EVP_PKEY_EC &&
        EVP_PKEY_get_group_name(key, group, sizeof group, &len) == 1 &&
        strcmp(group, "secp384r1") == 0)
        return EVP_sha384();
    return EVP_sha256();
}

int lk_set_random_serial(X509 *cert)
{
    unsigned char buf[LK_SERIAL_BYTES];
    BIGNUM *bn = NULL;
    ASN1_INTEGER *ai = NULL;
    int ok = 0;
    if (RAND_bytes(buf, sizeof buf) != 1) {
        lk_err_ssl("cannot get random bytes for a serial number");
        return -1;
    }
    /* Positive (top bit clear) and exactly 16 bytes long (first byte non-zero). */
    buf[0] &= 0x7f;
    if (buf[0] == 0)
        buf[0] = 0x01;
    bn = BN_bin2bn(buf, sizeof buf, NULL);
    if (bn != NULL)
        ai = BN_to_ASN1_INTEGER(bn, NULL);
    if (ai != NULL && X509_set_serialNumber(cert, ai) == 1)
        ok = 1;
    else
        lk_err_ssl("cannot set the serial number");
    ASN1_INTEGER_free(ai);
    BN_free(bn);
    return ok ? 0 : -1;
}

int lk_set_validity(X509 *cert, long days)
{
    time_t now = time(NULL);
    time_t end = now + (time_t)days * 86400;
    struct tm tm;
    if (now == (time_t)-1 || gmtime_r(&end, &tm) == NULL) {
        lk_err("cannot read the clock");
        return -1;
    }
    /* RFC 5280: dates through 2049 are UTCTime; keep every certificate within it. */
    if (tm.tm_year + 1900 >= 2050) {
        lk_err("validity of %ld days would end in %d; certificates must end before 2050",
               days, tm.tm_year + 1900);
        return -1;
    }
    if (X509_time_adj_ex(X509_getm_notBefore(cert), 0, 0, &now) == NULL ||
        X509_time_adj_ex(X509_getm_notAfter(cert), (int)days, 0, &now) == NULL) {
        lk_err_ssl("cannot set the validity");
        return -1;
    }
    return 0;
}

int lk_set_validity_until(X509 *cert, time_t end)
{
    time_t now = time(NULL);
    struct tm tm;
    if (now == (time_t)-1 || end <= now || gmtime_r(&end, &tm) == NULL ||
        tm.tm_year + 1900 >= 2050) {
        lk_err("the end of validity must be in the future and before 2050");
        return -1;
    }
    if (X509_time_adj_ex(X509_getm_notBefore(cert), 0, 0, &now) == NULL ||
        X509_time_adj_ex(X509_getm_notAfter(cert), 0, (long)(end - now), &now) == NULL) {
        lk_err_ssl("cannot set the validity");
        return -1;
    }
    return 0;
}

int lk_set_subject_cn(X509 *cert, const char *cn)
{
    X509_NAME *name = X509_NAME_new();
    int ok = name != NULL &&
             X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0) == 1 &&
             X509_set_subject_name(cert, name) == 1;
    X509_NAME_free(name);
    if (!ok) {
        lk_err_ssl("cannot set subject CN=%s", cn);
        return -1;
    }
    return 0;
}

int lk_add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509_EXTENSION *ext;
    int ok;
    X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
    ext = X509V3_EXT_nconf_nid(NULL, &ctx, nid, value);
    ok = ext != NULL && X509_add_ext(cert, ext, -1) == 1;
    X509_EXTENSION_free(ext);
    if (!ok) {
        lk_err_ssl("cannot add extension %s = %s", OBJ_nid2sn(nid), value);
        return -1;
    }
    return 0;
}

static int time_iso(const ASN1_TIME *t, char out[LK_ISO_LEN + 1])
{
    struct tm tm;
    return ASN1_TIME_to_tm(t, &tm) == 1 ? lkh_iso_from_tm(&tm, out) : -1;
}

int lk_inv_entry_of(X509 *cert, const char *profile, struct lk_inv_entry *e)
{
    BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), NULL);
    char *hex = bn != NULL ? BN_bn2hex(bn) : NULL;
    int ok = hex != NULL && strlen(hex) < sizeof e->serial && strlen(profile) < sizeof e->profile;
    memset(e, 0, sizeof *e);
    lk_inv_entry_defaults(e);
    if (ok) {
        memcpy(e->serial, hex, strlen(hex) + 1);
        memcpy(e->profile, profile, strlen(profile) + 1);
        memcpy(e->status, "valid", sizeof "valid");
        ok = X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, e->cn,
                                       (int)sizeof e->cn) > 0 &&
             time_iso(X509_get0_notBefore(cert), e->not_before) == 0 &&
             time_iso(X509_get0_notAfter(cert), e->not_after) == 0;
    }
    OPENSSL_free(hex);
    BN_free(bn);
    if (!ok) {
        lk_err_ssl("cannot describe the new certificate for the inventory");
        return -1;
    }
    return 0;
}

int lk_pem_cert(BIO *out, X509 *cert)
{
    if (PEM_write_bio_X509(out, cert) != 1) {
        lk_err_ssl("cannot encode a certificate");
        return -1;
    }
    return 0;
}

int lk_pem_pkcs8(BIO *out, EVP_PKEY *key, const char *pass)
{
    int r;
    if (pass != NULL)
        r = PEM_write_bio_PKCS8PrivateKey(out, key, EVP_aes_256_cbc(), pass, (int)strlen(pass), NULL, NULL);
    else
        r = PEM_write_bio_PKCS8PrivateKey(out, key, NULL, NULL, 0, NULL, NULL);
    if (r != 1) {
        lk_err_ssl("cannot encode a private key");
        return -1;
    }
    return 0;
}

X509 *lk_load_cert(const char *path)
{
    X509 *cert = lkh_cert_load(path);
    if (cert == NULL)
        lk_err_ssl("cannot read certificate %s", path);
    return cert;
}

EVP_PKEY *lk_load_key(const char *path, const char *pass)
{
    EVP_PKEY *key;
    if (lkh_key_load(path, pass, &key) == LKH_LOAD_NO_FILE)
        lk_err_ssl("cannot open private key %s", path);
    return key; /* the caller explains a failure (wrong passphrase, damaged file) */
}

int lk_load_key_for(X509 *cert, const char *path, const char *pass, EVP_PKEY **key)
{
    enum lkh_load r = lkh_key_load_for(cert, path, pass, key);
    if (r == LKH_LOAD_NO_FILE)
        lk_err_ssl("cannot open private key %s", path);
    return (int)r;
}

int lk_load_pair(const char *crt_path, const char *key_path, const char *pass,
                 const struct lk_pair_check *chk, X509 **cert, EVP_PKEY **key)
{
    int r;
    *key = NULL;
    if ((*cert = lk_load_cert(crt_path)) == NULL)
        return -1;
    if (chk->cert_ok(*cert, crt_path, chk->arg) != 0)
        goto fail;
    r = lk_load_key_for(*cert, key_path, pass, key);
    if (r == LKH_LOAD_OK)
        return 0;
    if (r == LKH_LOAD_MISMATCH)
        lk_err("%s", chk->mismatch);
    else if (chk->bad_key_reason)
        lk_err_ssl("%s", chk->bad_key);
    else {
        ERR_clear_error();
        lk_err("%s", chk->bad_key);
    }
fail:
    X509_free(*cert);
    *cert = NULL;
    return -1;
}
