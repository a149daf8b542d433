/* scep_msg.c - SCEP pkiMessage and CertRep on OpenSSL CMS (scep_msg.h). The SCEP signed
 * attributes (messageType, pkiStatus, failInfo, senderNonce, recipientNonce,
 * transactionID) are the VeriSign arc 2.16.840.1.113733.1.9.*; CMS adds contentType,
 * messageDigest and signingTime itself. */
#include "scep_msg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/rand.h>

#include "diag.h"

#define OID_MESSAGE_TYPE "2.16.840.1.113733.1.9.2"
#define OID_PKI_STATUS "2.16.840.1.113733.1.9.3"
#define OID_FAIL_INFO "2.16.840.1.113733.1.9.4"
#define OID_SENDER_NONCE "2.16.840.1.113733.1.9.5"
#define OID_RECIPIENT_NONCE "2.16.840.1.113733.1.9.6"
#define OID_TRANSACTION_ID "2.16.840.1.113733.1.9.7"

void lk_scep_msg_init(struct lk_scep_msg *m)
{
    memset(m, 0, sizeof *m);
}

void lk_scep_msg_free(struct lk_scep_msg *m)
{
    X509_free(m->signer);
    OPENSSL_clear_free(m->content, m->content_len);
    lk_scep_msg_init(m);
}

/* The one value of the signed attribute oid, of ASN.1 type, or NULL. */
static ASN1_STRING *attr(CMS_SignerInfo *si, const char *oid, int type)
{
    ASN1_OBJECT *obj = OBJ_txt2obj(oid, 1);
    ASN1_STRING *v = obj != NULL ? CMS_signed_get0_data_by_OBJ(si, obj, -3, type) : NULL;
    ASN1_OBJECT_free(obj);
    return v;
}

static int add_attr(CMS_SignerInfo *si, const char *oid, int type, const void *bytes, size_t len)
{
    ASN1_OBJECT *obj = OBJ_txt2obj(oid, 1);
    int ok = obj != NULL && CMS_signed_add1_attr_by_OBJ(si, obj, type, bytes, (int)len) == 1;
    ASN1_OBJECT_free(obj);
    return ok ? 0 : -1;
}

/* Printable ASCII only (messageType, transactionID). */
static int printable_copy(const ASN1_STRING *s, char *out, size_t cap)
{
    const unsigned char *p;
    int i, n;
    if (s == NULL || (n = ASN1_STRING_length(s)) <= 0 || (size_t)n >= cap)
        return -1;
    p = ASN1_STRING_get0_data(s);
    for (i = 0; i < n; i++)
        if (p[i] < 0x20 || p[i] > 0x7e)
            return -1;
    memcpy(out, p, (size_t)n);
    out[n] = '\0';
    return 0;
}

/* The mem BIO's bytes into a fresh OPENSSL_malloc'd buffer. */
static int bio_take(BIO *b, unsigned char **out, size_t *len)
{
    char *p = NULL;
    long n = BIO_get_mem_data(b, &p);
    *out = NULL;
    *len = 0;
    if (n <= 0 || (*out = OPENSSL_memdup(p, (size_t)n)) == NULL)
        return -1;
    *len = (size_t)n;
    return 0;
}

/* The SCEP signed attributes of a SignedData. */
static int read_signed(CMS_ContentInfo *cms, struct lk_scep_msg *m, char *why, size_t cap)
{
    STACK_OF(CMS_SignerInfo) *sis = CMS_get0_SignerInfos(cms);
    CMS_SignerInfo *si;
    ASN1_STRING *s;
    char type[8];
    if (sis == NULL || sk_CMS_SignerInfo_num(sis) != 1) {
        snprintf(why, cap, "the message must have exactly one signer");
        return -1;
    }
    si = sk_CMS_SignerInfo_value(sis, 0);
    if (printable_copy(attr(si, OID_TRANSACTION_ID, V_ASN1_PRINTABLESTRING), m->tid,
                       sizeof m->tid) != 0) {
        snprintf(why, cap, "the message has no usable transactionID");
        return -1;
    }
    if (printable_copy(attr(si, OID_MESSAGE_TYPE, V_ASN1_PRINTABLESTRING), type, sizeof type) !=
            0 ||
        strspn(type, "0123456789") != strlen(type)) {
        snprintf(why, cap, "the message has no usable messageType");
        return -1;
    }
    m->type = atoi(type);
    s = attr(si, OID_SENDER_NONCE, V_ASN1_OCTET_STRING);
    if (s == NULL || ASN1_STRING_length(s) <= 0 || ASN1_STRING_length(s) > LK_SCEP_NONCE_MAX) {
        snprintf(why, cap, "the message has no usable senderNonce");
        return -1;
    }
    m->nonce_len = (size_t)ASN1_STRING_length(s);
    memcpy(m->nonce, ASN1_STRING_get0_data(s), m->nonce_len);
    return 0;
}

/* The signer's certificate, known once CMS_verify matched it. */
static int read_signer(CMS_ContentInfo *cms, struct lk_scep_msg *m, char *why, size_t cap)
{
    STACK_OF(X509) *signers = CMS_get0_signers(cms);
    if (signers == NULL || sk_X509_num(signers) != 1 ||
        X509_up_ref(sk_X509_value(signers, 0)) != 1) {
        sk_X509_free(signers);
        snprintf(why, cap, "the message does not carry its signer's certificate");
        return -1;
    }
    m->signer = sk_X509_value(signers, 0);
    sk_X509_free(signers);
    return 0;
}

/* The EnvelopedData inside, decrypted with the RA key. */
static int open_envelope(BIO *inner, X509 *ra, EVP_PKEY *ra_key, struct lk_scep_msg *m, char *why,
                         size_t cap)
{
    CMS_ContentInfo *env = d2i_CMS_bio(inner, NULL);
    BIO *plain = BIO_new(BIO_s_mem());
    int rc = -1;
    if (env == NULL || OBJ_obj2nid(CMS_get0_type(env)) != NID_pkcs7_enveloped)
        snprintf(why, cap, "the signed content is not an enveloped (encrypted) message");
    else if (plain == NULL || CMS_decrypt(env, ra_key, ra, NULL, plain, CMS_BINARY) != 1)
        snprintf(
            why, cap,
            "cannot decrypt the message: not encrypted to this run's RA certificate, or with a "
            "cipher not accepted (single DES only with scep --legacy)");
    else if (bio_take(plain, &m->content, &m->content_len) != 0)
        snprintf(why, cap, "the encrypted content is empty");
    else
        rc = 0;
    ERR_clear_error();
    CMS_ContentInfo_free(env);
    BIO_free(plain);
    return rc;
}

int lk_scep_msg_read(const unsigned char *der, size_t len, X509 *ra, EVP_PKEY *ra_key,
                     struct lk_scep_msg *m, char *why, size_t cap)
{
    BIO *in = NULL, *inner = BIO_new(BIO_s_mem());
    CMS_ContentInfo *cms = NULL;
    int rc = -1;

    lk_scep_msg_free(m);
    if (len == 0 || len > LK_SCEP_MSG_MAX || inner == NULL ||
        (in = BIO_new_mem_buf(der, (int)len)) == NULL || (cms = d2i_CMS_bio(in, NULL)) == NULL ||
        OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed) {
        snprintf(why, cap, "not a SCEP pkiMessage (CMS SignedData)");
        goto out;
    }
    if (read_signed(cms, m, why, cap) != 0)
        goto out;
    /* The requester's certificate is its own (often self-signed): only its signature counts. */
    if (CMS_verify(cms, NULL, NULL, NULL, inner, CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY) != 1) {
        snprintf(why, cap, "the message's signature does not verify");
        goto out;
    }
    if (read_signer(cms, m, why, cap) != 0)
        goto out;
    rc = open_envelope(inner, ra, ra_key, m, why, cap);
out:
    ERR_clear_error();
    CMS_ContentInfo_free(cms);
    BIO_free(in);
    BIO_free(inner);
    return rc;
}

static int der_of(CMS_ContentInfo *cms, unsigned char **out, size_t *len)
{
    BIO *b = BIO_new(BIO_s_mem());
    int rc = b != NULL && i2d_CMS_bio(b, cms) == 1 ? bio_take(b, out, len) : -1;
    BIO_free(b);
    return rc;
}

/* A certificates-only SignedData (no signer, no content) of the certificates given. */
static int certs_only(X509 *a, X509 *b, unsigned char **out, size_t *len)
{
    CMS_ContentInfo *cms = CMS_sign(NULL, NULL, NULL, NULL, CMS_PARTIAL | CMS_BINARY);
    int rc = -1;
    if (cms != NULL && CMS_add1_cert(cms, a) == 1 && (b == NULL || CMS_add1_cert(cms, b) == 1) &&
        CMS_set_detached(cms, 1) == 1)
        rc = der_of(cms, out, len);
    CMS_ContentInfo_free(cms);
    return rc;
}

int lk_scep_ca_ra_certs(X509 *ca, X509 *ra, unsigned char **out, size_t *len)
{
    if (certs_only(ca, ra, out, len) == 0)
        return 0;
    lk_err_ssl("cannot build the CA/RA certificate list");
    return -1;
}

/* The degenerate SignedData with issued, encrypted to the requester (AES-256-CBC). */
static BIO *success_content(const struct lk_scep_msg *m, X509 *issued)
{
    unsigned char *degen = NULL, *env_der = NULL;
    size_t degen_len = 0, env_len = 0;
    STACK_OF(X509) *recips = sk_X509_new_null();
    CMS_ContentInfo *env = NULL;
    BIO *plain = NULL, *data = NULL;
    if (recips == NULL || sk_X509_push(recips, m->signer) <= 0 ||
        certs_only(issued, NULL, &degen, &degen_len) != 0 ||
        (plain = BIO_new_mem_buf(degen, (int)degen_len)) == NULL ||
        (env = CMS_encrypt(recips, plain, EVP_aes_256_cbc(), CMS_BINARY)) == NULL ||
        der_of(env, &env_der, &env_len) != 0)
        goto out;
    data = BIO_new(BIO_s_mem());
    if (data != NULL && BIO_write(data, env_der, (int)env_len) != (int)env_len) {
        BIO_free(data);
        data = NULL;
    }
out:
    sk_X509_free(recips);
    CMS_ContentInfo_free(env);
    BIO_free(plain);
    OPENSSL_free(degen);
    OPENSSL_free(env_der);
    return data;
}

int lk_scep_certrep(const struct lk_scep_msg *m, X509 *issued, int fail_info, X509 *ra,
                    EVP_PKEY *ra_key, unsigned char **out, size_t *len)
{
    unsigned char nonce[16];
    char fail[8];
    CMS_ContentInfo *cms = NULL;
    CMS_SignerInfo *si;
    BIO *data = issued != NULL ? success_content(m, issued) : BIO_new(BIO_s_mem());
    int rc = -1;

    snprintf(fail, sizeof fail, "%d", fail_info);
    if (data == NULL || RAND_bytes(nonce, sizeof nonce) != 1 ||
        (cms = CMS_sign(NULL, NULL, NULL, NULL, CMS_PARTIAL | CMS_BINARY)) == NULL ||
        (si = CMS_add1_signer(cms, ra, ra_key, EVP_sha256(),
                              CMS_PARTIAL | CMS_BINARY | CMS_NOSMIMECAP)) == NULL ||
        add_attr(si, OID_MESSAGE_TYPE, V_ASN1_PRINTABLESTRING, "3", 1) != 0 ||
        add_attr(si, OID_PKI_STATUS, V_ASN1_PRINTABLESTRING, issued != NULL ? "0" : "2", 1) != 0 ||
        (issued == NULL &&
         add_attr(si, OID_FAIL_INFO, V_ASN1_PRINTABLESTRING, fail, strlen(fail)) != 0) ||
        add_attr(si, OID_TRANSACTION_ID, V_ASN1_PRINTABLESTRING, m->tid, strlen(m->tid)) != 0 ||
        add_attr(si, OID_SENDER_NONCE, V_ASN1_OCTET_STRING, nonce, sizeof nonce) != 0 ||
        add_attr(si, OID_RECIPIENT_NONCE, V_ASN1_OCTET_STRING, m->nonce, m->nonce_len) != 0 ||
        CMS_final(cms, data, NULL, CMS_BINARY) != 1 || der_of(cms, out, len) != 0) {
        lk_err_ssl("cannot build the SCEP reply");
        goto out;
    }
    rc = 0;
out:
    CMS_ContentInfo_free(cms);
    BIO_free(data);
    return rc;
}
