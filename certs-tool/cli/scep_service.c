/* scep_service.c - the scep verb's routes (scep_service.h): the profile link, GetCACaps,
 * GetCACert and PKIOperation. Every decision about a request is scep_policy.c's; the
 * envelopes are scep_msg.c's; issuing is the leaf job sign uses. Progress lines go to
 * stdout, prefixed "scep: ". */
#include "scep_service.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/err.h>

#include "diag.h"
#include "http_request.h"
#include "leaf.h"
#include "leaf_job.h"
#include "profiles.h"

/* What GetCACaps offers (RFC 8894 3.5.2): POST, SHA-256 signatures, AES envelopes. */
static const char caps[] = "POSTPKIOperation\nSHA-256\nAES\nSCEPStandard\n";

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    (void)fputs("scep: ", stdout); /* progress lines only: the service does not depend on them */
    vprintf(fmt, ap);
    (void)fputc('\n', stdout);
    va_end(ap);
    (void)fflush(stdout);
}

static void free_der(void *p)
{
    OPENSSL_free(p);
}

static int op_is(const struct lk_http_req *req, const char *op)
{
    const char *v;
    size_t n;
    return lk_http_query_get(req, "operation", &v, &n) && n == strlen(op) && memcmp(v, op, n) == 0;
}

/* ---------------------------------------------------------------- the profile link */

static void link_get(void *arg, const struct lk_http_req *req, const char *peer,
                     struct lk_enroll_reply *r)
{
    struct lk_scep_service *sv = arg;
    const char *tok = req->path + 8; /* after "/enroll/" */
    size_t toklen = req->path_len - 8;
    if (!(toklen == strlen(sv->token) && CRYPTO_memcmp(tok, sv->token, toklen) == 0)) {
        sv->wrong++;
        lk_http_text(r, 404, "Unknown or expired enrollment link.\n");
        say("404 wrong token from %s (wrong request %ld/%ld)", peer, sv->wrong, sv->max_wrong);
        return;
    }
    if (sv->profile_delivered) {
        sv->wrong++;
        lk_http_text(r, 410, "This enrollment link was already used.\n");
        say("410: the used link was requested again from %s (wrong request %ld/%ld)", peer,
            sv->wrong, sv->max_wrong);
        return;
    }
    r->status = 200;
    r->type = "application/x-apple-aspen-config";
    snprintf(r->extra, sizeof r->extra,
             "Content-Disposition: attachment; filename=\"%s.mobileconfig\"\r\n", sv->inv.user);
    r->body = sv->profile;
    r->len = sv->profile_len;
    sv->profile_delivered = 1;
    say("delivered the profile of %s to %s; the link is now used", sv->inv.user, peer);
}

static const struct lk_http_route link_routes[] = {
    {"GET", "/enroll/", link_get},
};

int lk_scep_answer_link(void *arg, const char *req, size_t len, const char *peer,
                        struct lk_enroll_reply *r)
{
    return lk_http_dispatch(link_routes, sizeof link_routes / sizeof link_routes[0], arg, req, len,
                            peer, r);
}

/* ---------------------------------------------------------------- SCEP */

static void scep_get(void *arg, const struct lk_http_req *req, const char *peer,
                     struct lk_enroll_reply *r)
{
    struct lk_scep_service *sv = arg;
    if (op_is(req, "GetCACaps")) {
        r->status = 200;
        r->type = "text/plain";
        r->body = caps;
        r->len = sizeof caps - 1;
    } else if (op_is(req, "GetCACert")) {
        r->status = 200;
        r->type = "application/x-x509-ca-ra-cert";
        r->body = sv->ca_ra_der;
        r->len = sv->ca_ra_len;
        say("GetCACert from %s", peer);
    } else if (op_is(req, "PKIOperation")) {
        lk_http_text(r, 405, "PKIOperation by POST only (see GetCACaps)\n");
    } else {
        lk_http_text(r, 400, "unknown or missing operation\n");
    }
}

/* The answer to send: a CertRep (SUCCESS with cert, else FAILURE fail_info). */
static void certrep(struct lk_scep_service *sv, const struct lk_scep_msg *m, X509 *cert,
                    int fail_info, struct lk_enroll_reply *r)
{
    unsigned char *der = NULL;
    size_t len = 0;
    if (lk_scep_certrep(m, cert, fail_info, sv->ra, sv->ra_key, &der, &len) != 0) {
        lk_http_text(r, 500, "cannot build the SCEP reply\n");
        return;
    }
    r->status = 200;
    r->type = "application/x-pki-message";
    r->body = der;
    r->len = len;
    r->free_body = free_der;
}

/* Issues the invitation's certificate for key: 0, or -1 (reported on stderr). */
static int issue(struct lk_scep_service *sv, EVP_PKEY *key, const struct lk_scep_msg *m)
{
    struct lk_leaf_req req;
    struct lk_leaf_job job;
    struct lk_inv_entry entry;
    X509 *leaf = NULL;
    int rc = -1;

    memset(&req, 0, sizeof req);
    memset(&entry, 0, sizeof entry);
    lk_leaf_job_init(&job);
    snprintf(req.cn, sizeof req.cn, "%s",
             sv->inv.user); /* the invitation's name, never the request's */
    if ((req.profile = lk_profile_find("client")) == NULL ||
        lk_leaf_req_options(&req, 0, NULL, 0, NULL, 0) != 0 || lk_leaf_req_stem(&req) != 0 ||
        lk_leaf_job_open(&job, sv->dir, &req, 0) != 0 ||
        (leaf = lk_leaf_build(&req, key, sv->ca, sv->ca_key)) == NULL ||
        lk_leaf_job_commit(&job, &req, leaf, NULL, LK_KEY_CSR, NULL, &entry) != 0)
        goto out;
    say("issued client certificate CN=%s (serial %s, valid until %s); its key never left the "
        "device",
        req.cn, entry.serial, entry.not_after);
    sv->issued = leaf;
    leaf = NULL;
    snprintf(sv->issued_tid, sizeof sv->issued_tid, "%s", m->tid);
    sv->inv.used = 1;
    sv->grace_end = lk_enroll_now() + LK_SCEP_GRACE_S;
    rc = 0;
out:
    X509_free(leaf);
    lk_leaf_job_free(&job);
    return rc;
}

/* A repeat of the request that got the certificate (its answer was lost): same transaction,
 * same key. */
static int is_repeat(const struct lk_scep_service *sv, const struct lk_scep_msg *m, X509_REQ *csr)
{
    EVP_PKEY *a, *b;
    int same;
    if (sv->issued == NULL || strcmp(sv->issued_tid, m->tid) != 0)
        return 0;
    a = X509_REQ_get0_pubkey(csr);
    b = X509_get0_pubkey(sv->issued);
    same = a != NULL && b != NULL && EVP_PKEY_eq(a, b) == 1;
    ERR_clear_error();
    return same;
}

static void pkcs_req(struct lk_scep_service *sv, const struct lk_scep_msg *m, const char *peer,
                     struct lk_enroll_reply *r)
{
    const unsigned char *p = m->content;
    X509_REQ *csr = d2i_X509_REQ(NULL, &p, (long)m->content_len);
    char why[256];
    EVP_PKEY *key = NULL;
    enum lk_scep_verdict v;

    if (csr == NULL || p != m->content + m->content_len) {
        ERR_clear_error();
        say("refused PKCSReq from %s: the encrypted content is not a certificate request", peer);
        certrep(sv, m, NULL, 2, r);
        X509_REQ_free(csr);
        return;
    }
    if (is_repeat(sv, m, csr)) {
        say("PKCSReq from %s repeats the one that got the certificate: sent it again", peer);
        certrep(sv, m, sv->issued, 0, r);
        X509_REQ_free(csr);
        return;
    }
    v = lk_scep_check(&sv->inv, csr, time(NULL), &key, why, sizeof why);
    if (v != LK_SCEP_OK) {
        if (lk_scep_verdict_counts(v))
            sv->wrong++;
        say("refused PKCSReq from %s: %s (wrong request %ld/%ld)", peer, why, sv->wrong,
            sv->max_wrong);
        certrep(sv, m, NULL, lk_scep_fail_info(v), r);
    } else if (issue(sv, key, m) != 0) {
        say("refused PKCSReq from %s: the certificate could not be issued (see the error above)",
            peer);
        certrep(sv, m, NULL, 2, r);
    } else {
        certrep(sv, m, sv->issued, 0, r);
    }
    EVP_PKEY_free(key);
    X509_REQ_free(csr);
}

static void scep_post(void *arg, const struct lk_http_req *req, const char *peer,
                      struct lk_enroll_reply *r)
{
    struct lk_scep_service *sv = arg;
    struct lk_scep_msg m;
    char why[160];

    if (!op_is(req, "PKIOperation")) {
        lk_http_text(r, 400, "POST is for operation=PKIOperation only\n");
        return;
    }
    lk_scep_msg_init(&m);
    why[0] = '\0';
    if (lk_scep_msg_read(req->body, req->body_len, sv->ra, sv->ra_key, &m, why, sizeof why) != 0) {
        say("refused PKIOperation from %s: %s", peer, why);
        if (m.signer != NULL)
            certrep(sv, &m, NULL, 1, r); /* badMessageCheck */
        else
            lk_http_text(r, 400, "not a usable SCEP message (see the operator's terminal)\n");
        lk_scep_msg_free(&m);
        return;
    }
    switch (m.type) {
    case LK_SCEP_MSG_PKCSREQ: pkcs_req(sv, &m, peer, r); break;
    case LK_SCEP_MSG_CERTPOLL:
        if (sv->issued != NULL && strcmp(sv->issued_tid, m.tid) == 0) {
            say("GetCertInitial from %s: sent the certificate", peer);
            certrep(sv, &m, sv->issued, 0, r);
        } else {
            say("refused GetCertInitial from %s: no certificate for that transaction", peer);
            certrep(sv, &m, NULL, 4, r); /* badCertId */
        }
        break;
    default:
        say("refused PKIOperation from %s: message type %d is not offered (renewal is a new "
            "invitation)",
            peer, m.type);
        certrep(sv, &m, NULL, 2, r);
        break;
    }
    lk_scep_msg_free(&m);
}

static const struct lk_http_route scep_routes[] = {
    {"GET", "/scep", scep_get},
    {"POST", "/scep", scep_post},
};

int lk_scep_answer_scep(void *arg, const char *req, size_t len, const char *peer,
                        struct lk_enroll_reply *r)
{
    return lk_http_dispatch(scep_routes, sizeof scep_routes / sizeof scep_routes[0], arg, req, len,
                            peer, r);
}

double lk_scep_until(void *arg)
{
    const struct lk_scep_service *sv = arg;
    return sv->issued != NULL && sv->grace_end < sv->deadline ? sv->grace_end : sv->deadline;
}

int lk_scep_stop(void *arg)
{
    const struct lk_scep_service *sv = arg;
    return sv->wrong >= sv->max_wrong;
}
