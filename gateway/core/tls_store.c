/* tls_store.c - the client CA store and its CRL, reloaded when the CRL file changes, and
 * the revocation check of a handshake's leaf certificate (see tls_store.h). */
#include "tls_store.h"

#include <errno.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
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

/* Reads path into *out if it is one PEM CRL signed by a certificate of ca (*signer: its
 * index). A CRL this gateway could not apply in full counts as unparsable. */
static enum crl_state load_crl(const char *path, STACK_OF(X509) * ca, X509_CRL **out, int *signer)
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
 * it, so a handshake does not verify a CRL's signature again (tls_store_verify does the
 * revocation checks against the CRLs checked at load). */
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

/* A CRL that loaded and is signed, against its CA's floor: 1 to put it in force (the floor
 * raised, the state file written), 0 if it is older than the floor or has no number
 * (*s says what to do then; logged). kept: a CRL of this file stays in force then. */
static int crl_in_order(struct crl_floor *fl, const char *path, X509_CRL *crl, int kept,
                        enum crl_state *s)
{
    char num[128], floor[128], err[400];
    enum crl_order o = crl_floor_order(fl, crl, num, sizeof num);

    crl_floor_number(fl, floor, sizeof floor);
    switch (o) {
    case CRL_ORDER_NEWER:
    case CRL_ORDER_SAME:
        if (crl_floor_raise(fl, crl, err, sizeof err) != 0)
            gw_log("crl: WARNING: cannot remember CRL number %s (%s): after a restart an "
                   "older CRL would not be recognised", num, err);
        return 1;
    case CRL_ORDER_NO_NUMBER:
        gw_log(
            "crl: %s has no CRL number: refused (it cannot be ordered against the last "
            "one; latchkey-certs crl always writes one)",
            path);
        *s = CRL_NO_NUMBER;
        return 0;
    case CRL_ORDER_OLDER:
    case CRL_ORDER_CONFLICT:
        gw_log(
            "crl: %s refused: CRL number %s %s %s, the highest accepted (an older CRL put "
            "back?); %s",
            path, num,
            o == CRL_ORDER_OLDER ? "is lower than" : "differs in content from the CRL numbered",
            floor,
            kept ? "the CRL in force stays"
                 : "refusing every client certificate of its CA until a newer CRL is in place");
        *s = CRL_ROLLED_BACK;
        return 0;
    }
    return 0;
}

/* (Re)loads one CRL file. The CRL it held is dropped whatever the file holds now (a bad
 * file fails closed through load_state), except for a CRL older than it (a rollback),
 * which leaves it in force. */
static void load_file(struct tls_store *t, struct tls_crl *c)
{
    X509_CRL *crl = NULL;
    int signer = -1, has_next;
    enum crl_state s = load_crl(c->path, t->ca, &crl, &signer);
    time_t last = 0, next = 0;

    /* The dates once, as numbers: tls_store_state runs for every handshake and request. */
    has_next = s == CRL_OK && X509_CRL_get0_nextUpdate(crl) != NULL;
    if (s == CRL_OK && (!asn1_seconds(X509_CRL_get0_lastUpdate(crl), &last) ||
                        (has_next && !asn1_seconds(X509_CRL_get0_nextUpdate(crl), &next))))
        s = CRL_UNPARSABLE;
    if (s == CRL_OK &&
        !crl_in_order(&t->floors[t->floor_of[signer]], c->path, crl, c->crl != NULL, &s)) {
        if (s == CRL_ROLLED_BACK && c->crl != NULL) {
            X509_CRL_free(crl); /* older than the CRL in force: that one stays */
            return;
        }
    }
    if (s != CRL_OK) {
        X509_CRL_free(crl);
        crl = NULL;
        if (s != CRL_ROLLED_BACK)
            signer = -1; /* a rolled-back CRL still tells whose CRL is missing */
    }
    X509_CRL_free(c->crl);
    c->crl = crl;
    c->signer = signer;
    c->last = last;
    c->next = next;
    c->has_next = has_next;
    c->load_state = s;
}

/* Which CRL is in force for each CA: one of its CRLs that carries the CA's floor (the
 * highest number accepted); a CA whose CRLs are all older is "rolled-back". */
static void resolve(struct tls_store *t)
{
    char num[128];
    int i, k;

    for (i = 0; i < TLS_CA_MAX; i++) {
        t->in_force[i] = -1;
        t->ca_state[i] = CRL_MISSING;
    }
    for (k = 0; k < t->n_crls; k++) {
        struct tls_crl *c = &t->crls[k];
        if (c->signer < 0 || t->in_force[c->signer] >= 0)
            continue;
        if (c->crl != NULL && crl_floor_order(&t->floors[t->floor_of[c->signer]], c->crl, num,
                                              sizeof num) == CRL_ORDER_SAME) {
            t->in_force[c->signer] = k;
            t->ca_state[c->signer] = CRL_OK;
        } else {
            t->ca_state[c->signer] = CRL_ROLLED_BACK;
        }
    }
}

/* Lists the CRL files again: a file still listed keeps its slot (and is reloaded if it
 * changed), a new one is loaded, one no longer listed is dropped. 1 if anything changed. */
static int refresh(struct tls_store *t)
{
    char files[CRL_FILES_MAX][CRL_PATH_MAX];
    struct tls_crl old[CRL_FILES_MAX];
    const char *bad = NULL;
    int n = crl_sources_list(&t->sources, files, CRL_FILES_MAX, &bad), n_old = t->n_crls;
    int i, k, changed = (n < 0) != t->too_many;

    if (n < 0 && !t->too_many)
        gw_log(
            "crl: %s: cannot be listed, or holds more than %d CRL files: refusing every "
            "client certificate",
            bad != NULL ? bad : t->crl_path, CRL_FILES_MAX);
    t->too_many = n < 0;
    if (n < 0)
        n = 0;
    memcpy(old, t->crls, sizeof old);
    memset(t->crls, 0, sizeof t->crls);
    for (i = 0; i < n; i++) {
        struct tls_crl *c = &t->crls[i];
        struct tls_file_id id;
        for (k = 0; k < n_old; k++)
            if (old[k].path[0] != '\0' && strcmp(old[k].path, files[i]) == 0) {
                *c = old[k];
                old[k].path[0] = '\0';
                old[k].crl = NULL;
                break;
            }
        file_id(files[i], &id);
        if (k < n_old && same_file_id(&id, &c->id))
            continue;
        if (k == n_old) {
            strcpy(c->path, files[i]);
            c->signer = -1;
        }
        c->id = id;
        load_file(t, c);
        changed = 1;
    }
    for (k = 0; k < n_old; k++)
        if (old[k].path[0] != '\0') {
            X509_CRL_free(old[k].crl);
            changed = 1;
        }
    t->n_crls = n;
    if (changed) {
        resolve(t);
        t->generation++;
    }
    return changed;
}

/* The floors: one shared at floor_path when crl names a single file (as before several
 * CRLs were possible), else one per CA beside it, named by a hash of the CA certificate. */
static int open_floors(struct tls_store *t, const char *floor_path, char *err, size_t errlen)
{
    int i, j;

    for (i = 0; i < sk_X509_num(t->ca); i++) {
        X509 *c = sk_X509_value(t->ca, i);
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned int mdn = 0;
        char path[sizeof t->floors[0].path];

        t->floor_of[i] = -1;
        for (j = 0; j < i && t->floor_of[i] < 0; j++)
            if (t->sources.single_file || X509_cmp(sk_X509_value(t->ca, j), c) == 0)
                t->floor_of[i] = t->floor_of[j];
        if (t->floor_of[i] >= 0)
            continue;
        path[0] = '\0';
        if (floor_path != NULL && floor_path[0] != '\0') {
            if (X509_digest(c, EVP_sha256(), md, &mdn) != 1 || mdn < 8) {
                snprintf(err, errlen, "cannot hash a certificate of %s", t->ca_path);
                return -1;
            }
            if (t->sources.single_file)
                snprintf(path, sizeof path, "%s", floor_path);
            else if (snprintf(path, sizeof path, "%s.%02x%02x%02x%02x%02x%02x%02x%02x", floor_path,
                              md[0], md[1], md[2], md[3], md[4], md[5], md[6],
                              md[7]) >= (int)sizeof path) {
                snprintf(err, errlen, "%s: path too long", floor_path);
                return -1;
            }
        }
        if (crl_floor_open(&t->floors[t->n_floors], path, err, errlen) != 0)
            return -1;
        t->floor_of[i] = t->n_floors++;
    }
    return 0;
}

int tls_store_init(struct tls_store *t, const char *ca_path, const char *crl_spec,
                   const char *floor_path, char *err, size_t errlen)
{
    memset(t, 0, sizeof t[0]);
    if (strlen(ca_path) >= sizeof t->ca_path ||
        (crl_spec != NULL && strlen(crl_spec) >= sizeof t->crl_path)) {
        snprintf(err, errlen, "path too long");
        return -1;
    }
    strcpy(t->ca_path, ca_path);
    if (crl_spec != NULL) {
        if (crl_sources_parse(crl_spec, &t->sources, err, errlen) != 0)
            return -1;
        if (t->sources.n > 0)
            strcpy(t->crl_path, crl_spec);
    }
    t->ca = load_ca(ca_path, err, errlen);
    if (t->ca == NULL)
        return -1;
    if (sk_X509_num(t->ca) > TLS_CA_MAX) {
        snprintf(err, errlen, "%s: more than %d certificates", ca_path, TLS_CA_MAX);
        tls_store_free(t);
        return -1;
    }
    if (open_floors(t, floor_path, err, errlen) != 0) {
        tls_store_free(t);
        return -1;
    }
    t->store = build_store(t);
    if (t->store == NULL) {
        snprintf(err, errlen, "cannot build the certificate store");
        tls_store_free(t);
        return -1;
    }
    resolve(t);
    if (t->sources.n > 0)
        refresh(t);
    return 0;
}

void tls_store_free(struct tls_store *t)
{
    int i;
    X509_STORE_free(t->store);
    for (i = 0; i < t->n_crls; i++)
        X509_CRL_free(t->crls[i].crl);
    for (i = 0; i < t->n_floors; i++)
        crl_floor_free(&t->floors[i]);
    sk_X509_pop_free(t->ca, X509_free);
    t->store = NULL;
    t->ca = NULL;
    t->n_crls = t->n_floors = 0;
}

int tls_store_poll(struct tls_store *t)
{
    return t->sources.n > 0 ? refresh(t) : 0;
}

/* A CRL in force against now. */
static enum crl_state crl_time_state(const struct tls_crl *c, time_t now)
{
    if (c->last > now + CRL_CLOCK_SKEW)
        return CRL_NOT_YET_VALID;
    if (!c->has_next || c->next <= now)
        return CRL_EXPIRED; /* no nextUpdate: nothing says when it stops being current */
    return CRL_OK;
}

/* The problem that refuses every certificate: the list, or a file that does not load. */
static enum crl_state files_state(const struct tls_store *t, int *bad)
{
    int k;
    *bad = -1;
    if (t->too_many)
        return CRL_UNPARSABLE;
    if (t->n_crls == 0)
        return CRL_MISSING;
    for (k = 0; k < t->n_crls; k++) {
        const struct tls_crl *c = &t->crls[k];
        if (c->load_state == CRL_ROLLED_BACK && c->signer >= 0)
            continue; /* its CA's problem (ca_state), or an old copy beside the one in force */
        if (c->load_state != CRL_OK || c->crl == NULL) {
            *bad = k;
            return c->load_state == CRL_OK ? CRL_UNPARSABLE : c->load_state;
        }
    }
    return CRL_OK;
}

enum crl_state tls_store_state(const struct tls_store *t, time_t now)
{
    int bad, i;
    enum crl_state s;

    if (t->sources.n == 0)
        return CRL_OFF;
    if ((s = files_state(t, &bad)) != CRL_OK)
        return s;
    for (i = 0; i < sk_X509_num(t->ca); i++) {
        if (t->ca_state[i] == CRL_ROLLED_BACK)
            return CRL_ROLLED_BACK;
        if (t->in_force[i] >= 0 && (s = crl_time_state(&t->crls[t->in_force[i]], now)) != CRL_OK)
            return s;
    }
    return CRL_OK;
}

const char *tls_store_bad_path(const struct tls_store *t)
{
    int bad;
    if (files_state(t, &bad) == CRL_OK)
        return "";
    return bad >= 0 ? t->crls[bad].path : t->crl_path;
}

/* The index in ca of cert itself, -1 if it is not there. */
static int ca_index(const struct tls_store *t, X509 *cert)
{
    int i;
    for (i = 0; i < sk_X509_num(t->ca); i++)
        if (X509_cmp(sk_X509_value(t->ca, i), cert) == 0)
            return i;
    return -1;
}

/* The index in ca of the CA that issued cert (names and key identifiers, and the signature
 * when several CAs match: a key rollover under one name), -1 if none did. */
static int ca_issuer_of(const struct tls_store *t, X509 *cert)
{
    int i, found = -1, n = 0;
    for (i = 0; i < sk_X509_num(t->ca); i++)
        if (X509_check_issued(sk_X509_value(t->ca, i), cert) == X509_V_OK) {
            found = i;
            n++;
        }
    if (n > 1)
        for (i = 0, found = -1; i < sk_X509_num(t->ca) && found < 0; i++) {
            X509 *c = sk_X509_value(t->ca, i);
            if (X509_check_issued(c, cert) == X509_V_OK &&
                X509_verify(cert, X509_get0_pubkey(c)) == 1)
                found = i;
        }
    ERR_clear_error();
    return found;
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

/* cert against the CRL in force of its issuer ca[i]: X509_V_OK, or the refusal (*why). */
static int against_crl(const struct tls_store *t, int i, X509 *cert, time_t now, const char **why)
{
    const struct tls_crl *c;
    X509_REVOKED *rev = NULL;
    enum crl_state s;

    if (t->in_force[i] < 0) {
        *why = t->ca_state[i] == CRL_ROLLED_BACK ? crl_state_name(CRL_ROLLED_BACK)
                                                 : "no-crl-for-issuer";
        return X509_V_ERR_UNABLE_TO_GET_CRL;
    }
    c = &t->crls[t->in_force[i]];
    if ((s = crl_time_state(c, now)) != CRL_OK) {
        *why = crl_state_name(s);
        return s == CRL_EXPIRED ? X509_V_ERR_CRL_HAS_EXPIRED : X509_V_ERR_CRL_NOT_YET_VALID;
    }
    if (X509_CRL_get0_by_serial(c->crl, &rev, X509_get0_serialNumber(cert)) == 1) {
        *why = "revoked";
        return X509_V_ERR_CERT_REVOKED;
    }
    return X509_V_OK;
}

#define CHAIN_DEPTH_MAX 8

/* The chain from leaf up to a self-issued CA of client_ca: each certificate's issuer (the
 * next one of chain when given: the chain OpenSSL verified, else found in client_ca) must
 * be a certificate of client_ca, and unless the CRLs are off, its CRL must be in force and
 * current and not list the certificate. X509_V_OK, or the refusal (*why). */
static int chain_status(const struct tls_store *t, STACK_OF(X509) * chain, X509 *leaf, time_t now,
                        const char **why)
{
    X509 *cert = leaf;
    int d, i, err, crl_on = t->sources.n > 0;

    for (d = 0; d < CHAIN_DEPTH_MAX; d++) {
        if (d > 0 && (X509_get_extension_flags(cert) & EXFLAG_SI) != 0)
            return X509_V_OK; /* the root: trusted as configured */
        i = chain != NULL
                ? (d + 1 < sk_X509_num(chain) ? ca_index(t, sk_X509_value(chain, d + 1)) : -1)
                : ca_issuer_of(t, cert);
        if (i < 0) {
            *why = "issuer-not-in-client-ca";
            return X509_V_ERR_UNABLE_TO_GET_CRL;
        }
        if (crl_on && (err = against_crl(t, i, cert, now, why)) != X509_V_OK)
            return err;
        if (d > 0 && !cert_current(cert, now, why))
            return X509_V_ERR_CERT_HAS_EXPIRED;
        cert = sk_X509_value(t->ca, i);
    }
    *why = "chain-too-long";
    return X509_V_ERR_CERT_CHAIN_TOO_LONG;
}

STACK_OF(X509_NAME) * tls_store_ca_names(const struct tls_store *t)
{
    STACK_OF(X509_NAME) *names = sk_X509_NAME_new_null();
    int i;
    for (i = 0; names != NULL && i < sk_X509_num(t->ca); i++) {
        X509_NAME *n = X509_NAME_dup(X509_get_subject_name(sk_X509_value(t->ca, i)));
        if (n == NULL || sk_X509_NAME_push(names, n) == 0) {
            X509_NAME_free(n);
            sk_X509_NAME_pop_free(names, X509_NAME_free);
            names = NULL;
        }
    }
    return names;
}

void tls_store_log_uncovered(const struct tls_store *t)
{
    char name[256];
    int i;
    if (t->sources.n == 0)
        return;
    for (i = 0; i < sk_X509_num(t->ca); i++)
        if (t->in_force[i] < 0) {
            X509_NAME_oneline(X509_get_subject_name(sk_X509_value(t->ca, i)), name, sizeof name);
            gw_log(
                "crl: no CRL in force for the CA %s of %s: certificates it issued are "
                "refused (add its CRL to [server] crl)",
                name, t->ca_path);
        }
}

int tls_store_cert_ok(const struct tls_store *t, X509 *cert, time_t now, const char **why)
{
    enum crl_state s;
    int bad;

    if (cert == NULL) {
        *why = "no-certificate";
        return 0;
    }
    if (!cert_current(cert, now, why))
        return 0;
    if (t->sources.n > 0 && (s = files_state(t, &bad)) != CRL_OK) {
        *why = crl_state_name(s);
        return 0;
    }
    return chain_status(t, NULL, cert, now, why) == X509_V_OK;
}

int tls_store_verify(const struct tls_store *t, X509_STORE_CTX *xs, int preverify_ok, time_t now)
{
    const char *why = "";
    X509 *cert;
    int bad;

    if (!preverify_ok) {
        int err = X509_STORE_CTX_get_error(xs);
        return err != X509_V_OK ? err : X509_V_ERR_UNSPECIFIED;
    }
    if (t->sources.n > 0 && files_state(t, &bad) != CRL_OK)
        return X509_V_ERR_UNABLE_TO_GET_CRL; /* at the first depth reported: fail closed */
    if (X509_STORE_CTX_get_error_depth(xs) != 0)
        return X509_V_OK; /* the CAs above: checked with the leaf, when the chain is whole */
    cert = X509_STORE_CTX_get_current_cert(xs);
    if (cert == NULL)
        return X509_V_ERR_UNSPECIFIED;
    return chain_status(t, X509_STORE_CTX_get0_chain(xs), cert, now, &why);
}

int tls_store_check_crl(const char *crl_spec, const char *ca_path, enum crl_state *state, char *err,
                        size_t errlen)
{
    struct tls_store t;
    char path[CRL_PATH_MAX];
    int bad;

    if (tls_store_init(&t, ca_path, crl_spec, NULL, err, errlen) != 0)
        return -1;
    *state = files_state(&t, &bad);
    if (*state == CRL_OK)
        *state = tls_store_state(&t, time(NULL));
    snprintf(path, sizeof path, "%s", tls_store_bad_path(&t));
    tls_store_free(&t);
    switch (*state) {
    case CRL_MISSING:
        snprintf(err, errlen, "%s: %s", path,
                 bad >= 0 ? "cannot open" : "no CRL file (*.pem, *.crl)");
        return -1;
    case CRL_UNPARSABLE:
        snprintf(err, errlen, "%s: %s", path,
                 bad >= 0 ? "not a PEM CRL" : "cannot be listed, or holds more than 32 CRL files");
        return -1;
    case CRL_NO_NUMBER:
        snprintf(err, errlen, "%s: has no CRL number (crlNumber; latchkey-certs crl writes one)",
                 path);
        return -1;
    case CRL_BAD_SIGNATURE:
        snprintf(err, errlen, "%s: not signed by a CA of client_ca %s", path, ca_path);
        return -1;
    default: return 0;
    }
}

int tls_store_ca_index(const struct tls_store *t, X509 *cert)
{
    return ca_index(t, cert);
}
