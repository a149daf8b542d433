/* tls_store.c - CA + CRL trust store for client certificates, rebuilt when the CRL file
 * changes (see tls_store.h). */
#include "tls_store.h"

#include <errno.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

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
    fclose(f);
    if (sk == NULL || sk_X509_num(sk) == 0) {
        sk_X509_pop_free(sk, X509_free);
        snprintf(err, errlen, "%s: no PEM certificate", path);
        return NULL;
    }
    return sk;
}

/* Reads path into *out if it is one PEM CRL signed by a certificate of ca. */
static enum crl_state load_crl(const char *path, STACK_OF(X509) *ca, X509_CRL **out)
{
    FILE *f = fopen(path, "r");
    X509_CRL *crl;
    int i, signed_ok = 0;

    *out = NULL;
    if (f == NULL)
        return CRL_MISSING;
    crl = PEM_read_X509_CRL(f, NULL, NULL, NULL);
    fclose(f);
    ERR_clear_error();
    if (crl == NULL)
        return CRL_UNPARSABLE;
    for (i = 0; i < sk_X509_num(ca) && !signed_ok; i++) {
        X509 *c = sk_X509_value(ca, i);
        EVP_PKEY *k = X509_get0_pubkey(c);
        signed_ok = X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(c)) == 0 &&
                    k != NULL && X509_CRL_verify(crl, k) == 1;
    }
    ERR_clear_error();
    if (!signed_ok) {
        X509_CRL_free(crl);
        return CRL_BAD_SIGNATURE;
    }
    *out = crl;
    return CRL_OK;
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

/* New store from the CA and (if loaded) the CRL. Fails closed: CRL_CHECK stays on even
 * without a CRL, so OpenSSL itself refuses every certificate ("unable to get CRL"). */
static X509_STORE *build_store(const struct tls_store *t)
{
    X509_STORE *st = X509_STORE_new();
    int i;
    if (st == NULL)
        return NULL;
    for (i = 0; i < sk_X509_num(t->ca); i++)
        if (X509_STORE_add_cert(st, sk_X509_value(t->ca, i)) != 1)
            goto fail;
    if (t->crl_path[0] != '\0') {
        if (t->crl != NULL && X509_STORE_add_crl(st, t->crl) != 1)
            goto fail;
        if (X509_STORE_set_flags(st, X509_V_FLAG_CRL_CHECK) != 1)
            goto fail;
    }
    return st;
fail:
    X509_STORE_free(st);
    ERR_clear_error();
    return NULL;
}

static int reload(struct tls_store *t)
{
    X509_CRL *crl = NULL;
    X509_STORE *st;
    X509_CRL *old_crl = t->crl;
    enum crl_state s = CRL_OFF;

    if (t->crl_path[0] != '\0')
        s = load_crl(t->crl_path, t->ca, &crl);
    t->crl = crl;
    st = build_store(t);
    if (st == NULL) {
        /* Out of memory: keep failing closed with the CRL dropped. */
        X509_CRL_free(crl);
        t->crl = NULL;
        X509_CRL_free(old_crl);
        t->load_state = CRL_UNPARSABLE;
        return 0;
    }
    X509_CRL_free(old_crl);
    X509_STORE_free(t->store);
    t->store = st;
    t->load_state = s;
    t->generation++;
    return 1;
}

int tls_store_init(struct tls_store *t, const char *ca_path, const char *crl_path, char *err,
                   size_t errlen)
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
    t->ca = load_ca(ca_path, err, errlen);
    if (t->ca == NULL)
        return -1;
    if (t->crl_path[0] != '\0')
        file_id(t->crl_path, &t->id);
    if (!reload(t) || t->store == NULL) {
        snprintf(err, errlen, "cannot build the certificate store");
        tls_store_free(t);
        return -1;
    }
    return 0;
}

void tls_store_free(struct tls_store *t)
{
    X509_STORE_free(t->store);
    X509_CRL_free(t->crl);
    sk_X509_pop_free(t->ca, X509_free);
    t->store = NULL;
    t->crl = NULL;
    t->ca = NULL;
}

int tls_store_poll(struct tls_store *t)
{
    struct tls_file_id now;
    if (t->crl_path[0] == '\0')
        return 0;
    file_id(t->crl_path, &now);
    if (memcmp(&now, &t->id, sizeof now) == 0)
        return 0;
    t->id = now;
    return reload(t);
}

enum crl_state tls_store_state(const struct tls_store *t, time_t now)
{
    const ASN1_TIME *next, *last;
    if (t->crl_path[0] == '\0')
        return CRL_OFF;
    if (t->load_state != CRL_OK || t->crl == NULL)
        return t->load_state == CRL_OK ? CRL_UNPARSABLE : t->load_state;
    last = X509_CRL_get0_lastUpdate(t->crl);
    next = X509_CRL_get0_nextUpdate(t->crl);
    if (last == NULL || X509_cmp_time(last, &(time_t){now + CRL_CLOCK_SKEW}) > 0)
        return CRL_NOT_YET_VALID;
    if (next == NULL || X509_cmp_time(next, &now) <= 0)
        return CRL_EXPIRED; /* no nextUpdate: nothing says when it stops being current */
    return CRL_OK;
}

int tls_store_cert_ok(const struct tls_store *t, X509 *cert, time_t now, const char **why)
{
    enum crl_state s = tls_store_state(t, now);
    X509_REVOKED *rev = NULL;

    if (s == CRL_OFF)
        return 1;
    if (s != CRL_OK) {
        *why = crl_state_name(s);
        return 0;
    }
    if (cert == NULL) {
        *why = "no-certificate";
        return 0;
    }
    if (X509_CRL_get0_by_cert(t->crl, &rev, cert) == 1) {
        *why = "revoked";
        return 0;
    }
    return 1;
}

int tls_store_check_crl(const char *crl_path, const char *ca_path, enum crl_state *state,
                        char *err, size_t errlen)
{
    struct tls_store t;
    if (tls_store_init(&t, ca_path, crl_path, err, errlen) != 0)
        return -1;
    *state = tls_store_state(&t, time(NULL));
    tls_store_free(&t);
    switch (*state) {
    case CRL_MISSING: snprintf(err, errlen, "%s: cannot open", crl_path); return -1;
    case CRL_UNPARSABLE: snprintf(err, errlen, "%s: not a PEM CRL", crl_path); return -1;
    case CRL_BAD_SIGNATURE:
        snprintf(err, errlen, "%s: not signed by the client CA %s", crl_path, ca_path);
        return -1;
    default: return 0;
    }
}
