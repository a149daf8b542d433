/* scep_msg.h - SCEP's message envelopes (RFC 8894 section 3) on OpenSSL's CMS: reading a
 * pkiMessage (SignedData, signed by the requester, around EnvelopedData encrypted to the
 * RA certificate) and writing a CertRep (signed by the RA; on success a certificates-only
 * SignedData with the new certificate, encrypted to the requester's certificate). */
#ifndef LK_CERTS_SCEP_MSG_H
#define LK_CERTS_SCEP_MSG_H

#include <stddef.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

enum lk_scep_msg_type {
    LK_SCEP_MSG_CERTREP = 3,
    LK_SCEP_MSG_RENEWALREQ = 17,
    LK_SCEP_MSG_PKCSREQ = 19,
    LK_SCEP_MSG_CERTPOLL = 20 /* GetCertInitial */
};
#define LK_SCEP_NONCE_MAX 32
#define LK_SCEP_TID_MAX 128
#define LK_SCEP_MSG_MAX 16384 /* a pkiMessage larger than this is refused */

struct lk_scep_msg {
    int type;                               /* enum lk_scep_msg_type, or another number */
    char tid[LK_SCEP_TID_MAX + 1];          /* transactionID (printable) */
    unsigned char nonce[LK_SCEP_NONCE_MAX]; /* senderNonce */
    size_t nonce_len;
    X509 *signer; /* the requester's certificate (often self-signed); the reply's recipient */
    unsigned char *content; /* the decrypted messageData (the CSR's DER for PKCSReq) */
    size_t content_len;
};
void lk_scep_msg_init(struct lk_scep_msg *m);
void lk_scep_msg_free(struct lk_scep_msg *m);

/* Reads der: 0 with m filled; -1 with why. After a failure, m->signer != NULL means
 * a FAILURE CertRep can still be sent (signed and verified, but the envelope is unusable). */
int lk_scep_msg_read(const unsigned char *der, size_t len, X509 *ra, EVP_PKEY *ra_key,
                     struct lk_scep_msg *m, char *why, size_t cap);

/* The CertRep answering m, signed by ra: SUCCESS with issued, or (issued NULL) FAILURE
 * with fail_info. *out is OPENSSL_malloc'd DER. 0, or -1 (reported). */
int lk_scep_certrep(const struct lk_scep_msg *m, X509 *issued, int fail_info, X509 *ra,
                    EVP_PKEY *ra_key, unsigned char **out, size_t *len);

/* GetCACert's answer: a certificates-only SignedData with ca and ra (DER, OPENSSL_malloc'd). */
int lk_scep_ca_ra_certs(X509 *ca, X509 *ra, unsigned char **out, size_t *len);

#endif
