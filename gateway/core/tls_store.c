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

#include <stdlib.h>

#include "crl_generation.h"
#include "crl_set.h"
#include "crl_worker.h"
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
    int changed, i;

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
    if (t->sources.n > 0) {
        t->set = crl_set_build(t, NULL, 0, &changed); /* the one load at start-up */
    } else {
        t->set = calloc(1, sizeof *t->set); /* crl = none: no file, nothing in force */
        for (i = 0; t->set != NULL && i < TLS_CA_MAX; i++)
            t->set->in_force[i] = -1;
    }
    if (t->set == NULL) {
        snprintf(err, errlen, "out of memory");
        tls_store_free(t);
        return -1;
    }
    return 0;
}

void tls_store_free(struct tls_store *t)
{
    int i;
    tls_store_stop_worker(t);
    crl_set_free(t->set);
    t->set = NULL;
    X509_STORE_free(t->store);
    for (i = 0; i < t->n_floors; i++)
        crl_floor_free(&t->floors[i]);
    sk_X509_pop_free(t->ca, X509_free);
    t->store = NULL;
    t->ca = NULL;
    t->n_floors = 0;
}

/* The loop's swap: the new set in force (one pointer), the old one dropped. */
static int swap_in(struct tls_store *t, struct crl_set *ns, int changed)
{
    struct crl_set *old = t->set;
    int64_t t0 = gw_now_us();

    if (ns == NULL)
        return 0;
    t->set = ns;
    crl_set_free(old);
    t->swap_us = (long)(gw_now_us() - t0);
    if (changed < 2)
        return 0;
    t->generation++;
    crl_generation_bump();
    return 1;
}

static struct crl_set *build_on_worker(void *ctx, const struct crl_set *base, int force,
                                       int *changed)
{
    return crl_set_build(ctx, base, force, changed);
}

int tls_store_start_worker(struct tls_store *t, void (*wake)(void *), void *arg)
{
    if (t->sources.n == 0 || t->worker != NULL)
        return 0;
    t->worker = crl_worker_start(build_on_worker, t, wake, arg);
    return t->worker != NULL ? 0 : -1;
}

void tls_store_stop_worker(struct tls_store *t)
{
    crl_set_free(crl_worker_stop(t->worker)); /* a set built and not taken */
    t->worker = NULL;
}

int tls_store_adopt(struct tls_store *t)
{
    struct crl_set *ns;
    int changed, swapped;

    if (t->worker == NULL || !crl_worker_take(t->worker, &ns, &changed))
        return 0;
    swapped = swap_in(t, ns, changed);
    if (crl_worker_force_waiting(t->worker)) /* a SIGHUP during that run: its run now */
        (void)crl_worker_request(t->worker, t->set, 1);
    return swapped;
}

static int poll_files(struct tls_store *t, int force)
{
    struct crl_set *ns;
    int changed, swapped;

    if (t->sources.n == 0)
        return 0;
    if (t->worker == NULL) {
        ns = crl_set_build(t, t->set, force, &changed);
        return swap_in(t, ns, changed);
    }
    swapped = tls_store_adopt(t);
    (void)crl_worker_request(t->worker, t->set, force); /* busy: at the next poll */
    return swapped;
}

int tls_store_poll(struct tls_store *t)
{
    return poll_files(t, 0);
}

void tls_store_rescan(struct tls_store *t)
{
    (void)poll_files(t, 1);
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
    const struct crl_set *cs = t->set;
    int k;
    *bad = -1;
    if (cs->too_many)
        return CRL_UNPARSABLE;
    if (cs->n_crls == 0)
        return CRL_MISSING;
    for (k = 0; k < cs->n_crls; k++) {
        const struct tls_crl *c = &cs->crls[k];
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
        if (t->set->ca_state[i] == CRL_ROLLED_BACK)
            return CRL_ROLLED_BACK;
        if (t->set->in_force[i] >= 0 &&
            (s = crl_time_state(&t->set->crls[t->set->in_force[i]], now)) != CRL_OK)
            return s;
    }
    return CRL_OK;
}

const char *tls_store_bad_path(const struct tls_store *t)
{
    int bad;
    if (files_state(t, &bad) == CRL_OK)
        return "";
    return bad >= 0 ? t->set->crls[bad].path : t->crl_path;
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
    if (cert == NULL || !tls_asn1_seconds(X509_get0_notAfter(cert), &until))
        return 0; /* unreadable: as good as expired */
    return until > now ? (long)(until - now) : 0;
}

/* cert's own validity dates against now: a resumed TLS session skips the handshake's
 * check of them, and a connection or websocket may stay open past notAfter. */
static int cert_current(X509 *cert, time_t now, const char **why)
{
    time_t from;
    if (!tls_asn1_seconds(X509_get0_notBefore(cert), &from) || from > now) {
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
    const struct crl_set *cs = t->set;
    const struct tls_crl *c;
    enum crl_state s;

    if (cs->in_force[i] < 0) {
        *why = cs->ca_state[i] == CRL_ROLLED_BACK ? crl_state_name(CRL_ROLLED_BACK)
                                                  : "no-crl-for-issuer";
        return X509_V_ERR_UNABLE_TO_GET_CRL;
    }
    c = &cs->crls[cs->in_force[i]];
    if ((s = crl_time_state(c, now)) != CRL_OK) {
        *why = crl_state_name(s);
        return s == CRL_EXPIRED ? X509_V_ERR_CRL_HAS_EXPIRED : X509_V_ERR_CRL_NOT_YET_VALID;
    }
    if (lkh_crl_index_has(&c->crl->x, X509_get0_serialNumber(cert))) {
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
        if (t->set->in_force[i] < 0) {
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

int tls_store_crl_problem(const struct tls_store *t, enum crl_state s, char *err, size_t errlen)
{
    char path[CRL_PATH_MAX];
    int bad;

    (void)files_state(t, &bad);
    snprintf(path, sizeof path, "%s", tls_store_bad_path(t));
    switch (s) {
    case CRL_MISSING:
        snprintf(err, errlen, "%s: %s", path,
                 bad >= 0 ? "cannot open" : "no CRL file (*.pem, *.crl)");
        return 1;
    case CRL_UNPARSABLE:
        snprintf(err, errlen, "%s: %s", path,
                 bad >= 0 ? "not a PEM CRL" : "cannot be listed, or holds more than 32 CRL files");
        return 1;
    case CRL_NO_NUMBER:
        snprintf(err, errlen, "%s: has no CRL number (crlNumber; latchkey-certs crl writes one)",
                 path);
        return 1;
    case CRL_BAD_SIGNATURE:
        snprintf(err, errlen, "%s: not signed by a CA of client_ca %s", path, t->ca_path);
        return 1;
    default: return 0;
    }
}

int tls_store_check_crl(const char *crl_spec, const char *ca_path, enum crl_state *state, char *err,
                        size_t errlen)
{
    struct tls_store t;
    int bad, rc;

    if (tls_store_init(&t, ca_path, crl_spec, NULL, err, errlen) != 0)
        return -1;
    *state = files_state(&t, &bad);
    if (*state == CRL_OK)
        *state = tls_store_state(&t, time(NULL));
    rc = tls_store_crl_problem(&t, *state, err, errlen) ? -1 : 0;
    tls_store_free(&t);
    return rc;
}

int tls_store_ca_index(const struct tls_store *t, X509 *cert)
{
    return ca_index(t, cert);
}
