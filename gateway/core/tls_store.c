/* tls_store.c - the client CA store and its CRL, reloaded when the CRL file changes, and
 * the revocation check of a handshake's leaf certificate (see tls_store.h). */
#include "tls_store.h"

#include <errno.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <lkhost/crl.h>

#include "gw_log.h"

#define CRL_CLOCK_SKEW 300 /* seconds a lastUpdate may lie in the future */

const char *crl_state_name(enum crl_state s)
{
    switch (s) {
    case CRL_OFF: return "off";
    case CRL_OK: return "ok";
    case CRL_MISSING: return "missing";
    case CRL_UNPARSABLE: return "unparsable";
    case CRL_BAD_SIGNATURE: return "not-signed-by-ca";
    case CRL_EXPIRED: return "expired";
    case CRL_NOT_YET_VALID: return "not-yet-valid";
    case CRL_NO_NUMBER: return "no-crl-number";
    case CRL_ROLLED_BACK: return "rolled-back";
    }
    return "unknown";
}

static STACK_OF(X509) *load_ca(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    STACK_OF(X509) *sk;
    X509 *x;

    if (f == NULL) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    sk = sk_X509_new_null();
    while (sk != NULL && (x = PEM_read_X509(f, NULL, NULL, NULL)) != NULL)
        if (sk_X509_push(sk, x) == 0) {
            X509_free(x);
            break;
        }
    ERR_clear_error(); /* end of file */
    (void)fclose(f);   /* read-only: nothing is lost if it fails */
    if (sk == NULL || sk_X509_num(sk) == 0) {
        sk_X509_pop_free(sk, X509_free);
        snprintf(err, errlen, "%s: no PEM certificate", path);
        return NULL;
    }
    return sk;
}

/* *out = a (GeneralizedTime or UTCTime) in seconds since the epoch; 0 if unreadable. */
static int asn1_seconds(const ASN1_TIME *a, time_t *out)
{
    ASN1_TIME *epoch = ASN1_TIME_set(NULL, 0);
    int days = 0, secs = 0;
    int ok = epoch != NULL && a != NULL && ASN1_TIME_diff(&days, &secs, epoch, a) == 1;

    ASN1_TIME_free(epoch);
    *out = (time_t)days * 86400 + secs;
    return ok;
}

/* Reads path into *out if it is one PEM CRL signed by a certificate of ca (*signer, which
 * stays owned by ca). A CRL this gateway could not apply in full counts as unparsable. */
static enum crl_state load_crl(const char *path, STACK_OF(X509) *ca, X509_CRL **out,
                               X509 **signer)
{
    switch (lkh_crl_read(path, ca, out, signer)) {
    case LKH_CRL_OK: return CRL_OK;
    case LKH_CRL_MISSING: return CRL_MISSING;
    case LKH_CRL_UNPARSABLE: return CRL_UNPARSABLE;
    case LKH_CRL_BAD_SIGNATURE: return CRL_BAD_SIGNATURE;
    }
    return CRL_UNPARSABLE;
}

static void file_id(const char *path, struct tls_file_id *id)
{
    struct stat st;
    memset(id, 0, sizeof *id);
    if (stat(path, &st) != 0)
        return;
    id->exists = 1;
    id->dev = st.st_dev;
    id->ino = st.st_ino;
    id->size = st.st_size;
    id->mtime_sec = st.st_mtim.tv_sec;
    id->mtime_nsec = st.st_mtim.tv_nsec;
}

static int same_file_id(const struct tls_file_id *a, const struct tls_file_id *b)
{
    return a->exists == b->exists && a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
           a->mtime_sec == b->mtime_sec && a->mtime_nsec == b->mtime_nsec;
}

/* The store of the CA certificates, built once: no CRL and no X509_V_FLAG_CRL_CHECK in
 * it, so a handshake does not verify the CRL's signature again (tls_store_verify does the
 * revocation check against the CRL checked at load). */
static X509_STORE *build_store(const struct tls_store *t)
{
    X509_STORE *st = X509_STORE_new();
    int i;
    if (st == NULL)
        return NULL;
    for (i = 0; i < sk_X509_num(t->ca); i++)
        if (X509_STORE_add_cert(st, sk_X509_value(t->ca, i)) != 1) {
            X509_STORE_free(st);
            ERR_clear_error();
            return NULL;
        }
    return st;
}

/* A CRL that loaded and is signed, against the floor: 1 to put it in force (the floor
 * raised, the state file written), 0 if it is older than the floor or has no number
 * (*s says what to do then; logged). */
static int crl_in_order(struct tls_store *t, X509_CRL *crl, enum crl_state *s)
{
    char num[128], floor[128], err[400];
    enum crl_order o = crl_floor_order(&t->floor, crl, num, sizeof num);

    crl_floor_number(&t->floor, floor, sizeof floor);
    switch (o) {
    case CRL_ORDER_NEWER:
    case CRL_ORDER_SAME:
        if (crl_floor_raise(&t->floor, crl, err, sizeof err) != 0)
            gw_log("crl: WARNING: cannot remember CRL number %s (%s): after a restart an "
                   "older CRL would not be recognised", num, err);
        return 1;
    case CRL_ORDER_NO_NUMBER:
        gw_log("crl: %s has no CRL number: refused (it cannot be ordered against the last "
               "one; latchkey-certs crl always writes one)", t->crl_path);
        *s = CRL_NO_NUMBER;
        return 0;
    case CRL_ORDER_OLDER:
    case CRL_ORDER_CONFLICT:
        gw_log("crl: %s refused: CRL number %s %s %s, the highest accepted (an older CRL put "
               "back?); %s", t->crl_path, num, o == CRL_ORDER_OLDER ? "is lower than" :
               "differs in content from the CRL numbered", floor,
               t->crl != NULL ? "the CRL in force stays" :
               "refusing every client certificate until a newer CRL is in place");
        *s = CRL_ROLLED_BACK;
        return 0;
    }
    return 0;
}

/* (Re)loads the CRL. The previous one is dropped whatever the new file holds (a bad file
 * fails closed through load_state), except for a CRL older than it (a rollback), which
 * leaves it in force. */
static void reload(struct tls_store *t)
{
    X509_CRL *crl = NULL;
    X509 *signer = NULL;
    enum crl_state s = CRL_OFF;
    time_t last = 0, next = 0;
    int has_next;

    if (t->crl_path[0] != '\0')
        s = load_crl(t->crl_path, t->ca, &crl, &signer);
    /* The dates once, as numbers: tls_store_state runs for every handshake and request. */
    has_next = s == CRL_OK && X509_CRL_get0_nextUpdate(crl) != NULL;
    if (s == CRL_OK && (!asn1_seconds(X509_CRL_get0_lastUpdate(crl), &last) ||
                        (has_next && !asn1_seconds(X509_CRL_get0_nextUpdate(crl), &next))))
        s = CRL_UNPARSABLE;
    if (s == CRL_OK && !crl_in_order(t, crl, &s) && s == CRL_ROLLED_BACK && t->crl != NULL) {
        X509_CRL_free(crl); /* older than the CRL in force: that one stays */
        t->generation++;
        return;
    }
    if (s != CRL_OK) {
        X509_CRL_free(crl);
        crl = NULL;
        signer = NULL;
    }
    X509_CRL_free(t->crl);
    t->crl = crl;
    t->crl_signer = signer;
    t->crl_last = last;
    t->crl_next = next;
    t->crl_has_next = has_next;
    t->load_state = s;
    t->generation++;
}

int tls_store_init(struct tls_store *t, const char *ca_path, const char *crl_path,
                   const char *floor_path, char *err, size_t errlen)
{
    memset(t, 0, sizeof t[0]);
    if (strlen(ca_path) >= sizeof t->ca_path ||
        (crl_path != NULL && strlen(crl_path) >= sizeof t->crl_path)) {
        snprintf(err, errlen, "path too long");
        return -1;
    }
    strcpy(t->ca_path, ca_path);
    if (crl_path != NULL && strcmp(crl_path, "none") != 0)
        strcpy(t->crl_path, crl_path);
    if (crl_floor_open(&t->floor, floor_path, err, errlen) != 0)
        return -1;
    t->ca = load_ca(ca_path, err, errlen);
    if (t->ca == NULL) {
        crl_floor_free(&t->floor);
        return -1;
    }
    if (t->crl_path[0] != '\0')
        file_id(t->crl_path, &t->id);
    t->store = build_store(t);
    if (t->store == NULL) {
        snprintf(err, errlen, "cannot build the certificate store");
        tls_store_free(t);
        return -1;
    }
    reload(t);
    return 0;
}

void tls_store_free(struct tls_store *t)
{
    X509_STORE_free(t->store);
    X509_CRL_free(t->crl);
    sk_X509_pop_free(t->ca, X509_free);
    crl_floor_free(&t->floor);
    t->store = NULL;
    t->crl = NULL;
    t->crl_signer = NULL;
    t->ca = NULL;
}

int tls_store_poll(struct tls_store *t)
{
    struct tls_file_id now;
    if (t->crl_path[0] == '\0')
        return 0;
    file_id(t->crl_path, &now);
    if (same_file_id(&now, &t->id))
        return 0;
    t->id = now;
    reload(t);
    return 1;
}

enum crl_state tls_store_state(const struct tls_store *t, time_t now)
{
    if (t->crl_path[0] == '\0')
        return CRL_OFF;
    if (t->load_state != CRL_OK || t->crl == NULL)
        return t->load_state == CRL_OK ? CRL_UNPARSABLE : t->load_state;
    if (t->crl_last > now + CRL_CLOCK_SKEW)
        return CRL_NOT_YET_VALID;
    if (!t->crl_has_next || t->crl_next <= now)
        return CRL_EXPIRED; /* no nextUpdate: nothing says when it stops being current */
    return CRL_OK;
}

enum leaf_status { LEAF_GOOD, LEAF_OTHER_ISSUER, LEAF_REVOKED };

/* A leaf against the loaded CRL (state CRL_OK): issued under the CRL's issuer name (else its
 * serial means nothing in this CRL) and not listed. Both checks below use it. */
static enum leaf_status leaf_status(const struct tls_store *t, X509 *cert)
{
    X509_REVOKED *rev = NULL;

    if (X509_NAME_cmp(X509_get_issuer_name(cert), X509_CRL_get_issuer(t->crl)) != 0)
        return LEAF_OTHER_ISSUER;
    if (X509_CRL_get0_by_serial(t->crl, &rev, X509_get0_serialNumber(cert)) == 1)
        return LEAF_REVOKED;
    return LEAF_GOOD;
}

long tls_store_cert_seconds_left(X509 *cert, time_t now)
{
    time_t until;
    if (cert == NULL || !asn1_seconds(X509_get0_notAfter(cert), &until))
        return 0; /* unreadable: as good as expired */
    return until > now ? (long)(until - now) : 0;
}

/* cert's own validity dates against now: a resumed TLS session skips the handshake's
 * check of them, and a connection or websocket may stay open past notAfter. */
static int cert_current(X509 *cert, time_t now, const char **why)
{
    time_t from;
    if (!asn1_seconds(X509_get0_notBefore(cert), &from) || from > now) {
        *why = CERT_NOT_YET_VALID;
        return 0;
    }
    if (tls_store_cert_seconds_left(cert, now) <= 0) {
        *why = CERT_EXPIRED;
        return 0;
    }
    return 1;
}

int tls_store_cert_ok(const struct tls_store *t, X509 *cert, time_t now, const char **why)
{
    enum crl_state s = tls_store_state(t, now);

    if (cert == NULL) {
        *why = "no-certificate";
        return 0;
    }
    if (!cert_current(cert, now, why))
        return 0;
    if (s == CRL_OFF)
        return 1;
    if (s != CRL_OK) {
        *why = crl_state_name(s);
        return 0;
    }
    switch (leaf_status(t, cert)) {
    case LEAF_OTHER_ISSUER: *why = "crl-of-another-issuer"; return 0;
    case LEAF_REVOKED: *why = "revoked"; return 0;
    case LEAF_GOOD: break;
    }
    return 1;
}

static int crl_state_error(enum crl_state s)
{
    switch (s) {
    case CRL_EXPIRED: return X509_V_ERR_CRL_HAS_EXPIRED;
    case CRL_NOT_YET_VALID: return X509_V_ERR_CRL_NOT_YET_VALID;
    default: return X509_V_ERR_UNABLE_TO_GET_CRL; /* missing, unparsable, wrong signer */
    }
}

int tls_store_verify(const struct tls_store *t, X509_STORE_CTX *xs, int preverify_ok, time_t now)
{
    enum crl_state s;
    X509 *cert, *issuer;

    if (!preverify_ok) {
        int err = X509_STORE_CTX_get_error(xs);
        return err != X509_V_OK ? err : X509_V_ERR_UNSPECIFIED;
    }
    s = tls_store_state(t, now);
    if (s == CRL_OFF)
        return X509_V_OK;
    if (s != CRL_OK)
        return crl_state_error(s); /* at the first depth reported: fail closed */
    if (X509_STORE_CTX_get_error_depth(xs) != 0)
        return X509_V_OK; /* CAs of client_ca: trusted as configured (like CRL_CHECK) */
    cert = X509_STORE_CTX_get_current_cert(xs);
    issuer = X509_STORE_CTX_get0_current_issuer(xs);
    if (cert == NULL)
        return X509_V_ERR_UNSPECIFIED;
    /* The CRL covers the leaf only if its issuer in this chain is the CA that signed the
     * CRL (client_ca with several CAs, or a key rollover under one name). */
    if (issuer == NULL || t->crl_signer == NULL ||
        (issuer != t->crl_signer && X509_cmp(issuer, t->crl_signer) != 0))
        return X509_V_ERR_UNABLE_TO_GET_CRL;
    switch (leaf_status(t, cert)) {
    case LEAF_OTHER_ISSUER: return X509_V_ERR_UNABLE_TO_GET_CRL;
    case LEAF_REVOKED: return X509_V_ERR_CERT_REVOKED;
    case LEAF_GOOD: break;
    }
    return X509_V_OK;
}

int tls_store_check_crl(const char *crl_path, const char *ca_path, enum crl_state *state,
                        char *err, size_t errlen)
{
    struct tls_store t;
    if (tls_store_init(&t, ca_path, crl_path, NULL, err, errlen) != 0)
        return -1;
    *state = tls_store_state(&t, time(NULL));
    tls_store_free(&t);
    switch (*state) {
    case CRL_MISSING: snprintf(err, errlen, "%s: cannot open", crl_path); return -1;
    case CRL_UNPARSABLE: snprintf(err, errlen, "%s: not a PEM CRL", crl_path); return -1;
    case CRL_NO_NUMBER:
        snprintf(err, errlen, "%s: has no CRL number (crlNumber; latchkey-certs crl writes one)",
                 crl_path);
        return -1;
    case CRL_BAD_SIGNATURE:
        snprintf(err, errlen, "%s: not signed by the client CA %s", crl_path, ca_path);
        return -1;
    default: return 0;
    }
}
