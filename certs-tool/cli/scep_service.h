/* scep_service.h - the routes of the scep verb's endpoint: on the TLS listener the
 * one-time profile link (GET /enroll/<token>: the .mobileconfig with the challenge), on the
 * plain HTTP listener the SCEP service (GET /scep?operation=GetCACaps|GetCACert, POST
 * /scep?operation=PKIOperation with PKCSReq or GetCertInitial). One certificate is issued,
 * for the invitation's user only, into the inventory like every other. */
#ifndef LK_CERTS_SCEP_SERVICE_H
#define LK_CERTS_SCEP_SERVICE_H

#include <stddef.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "enroll_server.h"
#include "scep_msg.h"
#include "scep_policy.h"

#define LK_SCEP_TOKEN_MAX 32
#define LK_SCEP_GRACE_S 15 /* after the certificate: a repeat or poll still gets it */

struct lk_scep_service {
    const char *dir; /* the PKI, locked only while issuing */
    X509 *ca;
    EVP_PKEY *ca_key;
    X509 *ra; /* this run's RA certificate: decrypts requests, signs replies */
    EVP_PKEY *ra_key;
    unsigned char *ca_ra_der; /* GetCACert's answer */
    size_t ca_ra_len;
    struct lk_scep_invite inv;
    char token[LK_SCEP_TOKEN_MAX + 1]; /* of the profile link */
    const unsigned char *profile;      /* the .mobileconfig */
    size_t profile_len;
    int profile_delivered;
    X509 *issued; /* the certificate, once issued */
    char issued_tid[LK_SCEP_TID_MAX + 1];
    long wrong, max_wrong;
    double deadline, grace_end; /* lk_enroll_now() */
};

/* The answers of the two listeners (struct lk_enroll_handler's answer; arg is the service). */
int lk_scep_answer_link(void *arg, const char *req, size_t len, const char *peer,
                        struct lk_enroll_reply *r);
int lk_scep_answer_scep(void *arg, const char *req, size_t len, const char *peer,
                        struct lk_enroll_reply *r);
/* until / stop of the endpoint: the invitation's deadline (GRACE_S after the certificate
 * if that is earlier), and the bound of wrong requests. */
double lk_scep_until(void *arg);
int lk_scep_stop(void *arg);

#endif
