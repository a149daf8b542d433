/* crl_set.c - the next set of CRLs in force, built from the one in force (see crl_set.h). */
#include "crl_set.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "asn1_seconds.h"
#include "gw_log.h"

static unsigned long parses; /* in the whole process: every store, --check-config's too */

unsigned long crl_set_parses(void)
{
    return __atomic_load_n(&parses, __ATOMIC_RELAXED);
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

/* The whole file into *buf (caller frees): CRL_OK, CRL_MISSING, or CRL_UNPARSABLE (too
 * large, or it cannot be read). */
static enum crl_state read_file(const char *path, unsigned char **buf, size_t *len)
{
    FILE *f = fopen(path, "rb");
    struct stat st;

    *buf = NULL;
    *len = 0;
    if (f == NULL)
        return CRL_MISSING;
    if (fstat(fileno(f), &st) != 0 || st.st_size > LKH_CRL_FILE_MAX ||
        (*buf = malloc((size_t)st.st_size + 1)) == NULL) {
        (void)fclose(f); /* read-only */
        return CRL_UNPARSABLE;
    }
    *len = fread(*buf, 1, (size_t)st.st_size + 1, f);
    (void)fclose(f); /* read-only: a short read is a CRL that does not parse */
    return CRL_OK;
}

static enum crl_state state_of(enum lkh_crl_read r)
{
    switch (r) {
    case LKH_CRL_OK: return CRL_OK;
    case LKH_CRL_MISSING: return CRL_MISSING;
    case LKH_CRL_UNPARSABLE: return CRL_UNPARSABLE;
    case LKH_CRL_BAD_SIGNATURE: return CRL_BAD_SIGNATURE;
    }
    return CRL_UNPARSABLE;
}

static void data_free(struct tls_crl_data *d)
{
    if (d != NULL) {
        lkh_crl_index_free(&d->x);
        free(d);
    }
}

/* A CRL that loaded and is signed, against its CA's floor: 1 to put it in force (the floor
 * raised, the state file written), 0 if it is older than the floor or has no number
 * (*s says what to do then; logged). kept: a CRL of this file stays in force then. */
static int crl_in_order(struct crl_floor *fl, const char *path, const struct lkh_crl_index *x,
                        int kept, enum crl_state *s)
{
    char num[128], floor[128], err[400];
    enum crl_order o = crl_floor_order_sha(fl, x->head, x->sha256, num, sizeof num);

    crl_floor_number(fl, floor, sizeof floor);
    switch (o) {
    case CRL_ORDER_NEWER:
    case CRL_ORDER_SAME:
        if (crl_floor_raise_sha(fl, x->head, x->sha256, err, sizeof err) != 0)
            gw_log(
                "crl: WARNING: cannot remember CRL number %s (%s): after a restart an "
                "older CRL would not be recognised",
                num, err);
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

/* Parses one CRL file's bytes (read: how reading it went) into c. The CRL c held is dropped
 * whatever the file holds now (a bad file fails closed through load_state), except for a
 * CRL older than it (a rollback), which leaves it in force. */
static void load_file(struct tls_store *t, struct crl_set *ns, struct tls_crl *c,
                      const unsigned char *buf, size_t len, enum crl_state read)
{
    struct tls_crl_data *d = NULL;
    int signer = -1, has_next = 0;
    enum crl_state s = read;
    time_t last = 0, next = 0;

    if (s == CRL_OK) {
        d = calloc(1, sizeof *d);
        s = d != NULL ? state_of(lkh_crl_index_parse(buf, len, t->ca, &d->x, &signer))
                      : CRL_UNPARSABLE; /* out of memory: fails closed, read again later */
        ns->loads++;
        (void)__atomic_add_fetch(&parses, 1, __ATOMIC_RELAXED);
    }
    /* The dates once, as numbers: tls_store_state runs for every handshake and request. */
    has_next = s == CRL_OK && X509_CRL_get0_nextUpdate(d->x.head) != NULL;
    if (s == CRL_OK &&
        (!tls_asn1_seconds(X509_CRL_get0_lastUpdate(d->x.head), &last) ||
         (has_next && !tls_asn1_seconds(X509_CRL_get0_nextUpdate(d->x.head), &next))))
        s = CRL_UNPARSABLE;
    if (s == CRL_OK &&
        !crl_in_order(&t->floors[t->floor_of[signer]], c->path, &d->x, c->crl != NULL, &s)) {
        if (s == CRL_ROLLED_BACK && c->crl != NULL) {
            data_free(d); /* older than the CRL in force: that one stays */
            return;
        }
    }
    if (s != CRL_OK) {
        data_free(d);
        d = NULL;
        if (s != CRL_ROLLED_BACK)
            signer = -1; /* a rolled-back CRL still tells whose CRL is missing */
    }
    c->crl = d; /* the CRL it held stays with the set it came from */
    c->signer = signer;
    c->last = last;
    c->next = next;
    c->has_next = has_next;
    c->load_state = s;
}

/* Which CRL is in force for each CA: one of its CRLs that carries the CA's floor (the
 * highest number accepted); a CA whose CRLs are all older is "rolled-back". */
static void resolve(struct tls_store *t, struct crl_set *ns)
{
    char num[128];
    int i, k;

    for (i = 0; i < TLS_CA_MAX; i++) {
        ns->in_force[i] = -1;
        ns->ca_state[i] = CRL_MISSING;
    }
    for (k = 0; k < ns->n_crls; k++) {
        struct tls_crl *c = &ns->crls[k];
        if (c->signer < 0 || ns->in_force[c->signer] >= 0)
            continue;
        if (c->crl != NULL &&
            crl_floor_order_sha(&t->floors[t->floor_of[c->signer]], c->crl->x.head,
                                c->crl->x.sha256, num, sizeof num) == CRL_ORDER_SAME) {
            ns->in_force[c->signer] = k;
            ns->ca_state[c->signer] = CRL_OK;
        } else {
            ns->ca_state[c->signer] = CRL_ROLLED_BACK;
        }
    }
}

/* Looks at one listed file (c: its slot, a copy of its slot in base if known): 1 if its
 * CRL changed, 0 if not; *looked: its stat changed (or force). */
static int look_at(struct tls_store *t, struct crl_set *ns, struct tls_crl *c, int known, int force,
                   int *looked)
{
    struct tls_file_id id;
    unsigned char *buf = NULL, sha[32];
    size_t len = 0;
    enum crl_state rs;

    file_id(c->path, &id);
    if (known && !force && same_file_id(&id, &c->id))
        return 0;
    *looked = 1;
    c->id = id;
    rs = read_file(c->path, &buf, &len);
    if (rs == CRL_OK && EVP_Digest(buf, len, sha, NULL, EVP_sha256(), NULL) == 1) {
        if (known && c->has_sha && memcmp(sha, c->file_sha256, sizeof sha) == 0) {
            ns->unchanged++;
            if (force)
                gw_log("crl: %s unchanged (same SHA-256): not parsed again", c->path);
            free(buf);
            return 0;
        }
        memcpy(c->file_sha256, sha, sizeof sha);
        c->has_sha = 1;
    } else {
        c->has_sha = 0;
    }
    load_file(t, ns, c, buf, len, rs);
    free(buf);
    return 1;
}

struct crl_set *crl_set_build(struct tls_store *t, const struct crl_set *base, int force,
                              int *changed)
{
    char files[CRL_FILES_MAX][CRL_PATH_MAX];
    int used[CRL_FILES_MAX] = {0};
    const char *bad = NULL;
    struct crl_set *ns = calloc(1, sizeof *ns);
    int n, i, k, looked = 0, crl_changed, was_too_many = base != NULL && base->too_many;
    int64_t t0 = gw_now_us();

    *changed = 0;
    if (ns == NULL)
        return NULL;
    n = crl_sources_list(&t->sources, files, CRL_FILES_MAX, &bad);
    crl_changed = base == NULL || (n < 0) != was_too_many;
    if (n < 0 && !was_too_many)
        gw_log(
            "crl: %s: cannot be listed, or holds more than %d CRL files: refusing every "
            "client certificate",
            bad != NULL ? bad : t->crl_path, CRL_FILES_MAX);
    ns->too_many = n < 0;
    if (n < 0)
        n = 0;
    if (base != NULL) {
        ns->loads = base->loads;
        ns->unchanged = base->unchanged;
    }
    for (i = 0; i < n; i++) {
        struct tls_crl *c = &ns->crls[i];
        for (k = 0; base != NULL && k < base->n_crls; k++)
            if (!used[k] && strcmp(base->crls[k].path, files[i]) == 0)
                break;
        if (base != NULL && k < base->n_crls) {
            *c = base->crls[k];
            used[k] = 1;
        } else {
            strcpy(c->path, files[i]); /* both CRL_PATH_MAX */
            c->signer = -1;
        }
        if (look_at(t, ns, c, base != NULL && k < base->n_crls, force, &looked))
            crl_changed = 1;
    }
    for (k = 0; base != NULL && k < base->n_crls; k++)
        if (!used[k])
            crl_changed = 1; /* no longer listed */
    ns->n_crls = n;
    if (!crl_changed && !looked) {
        free(ns); /* holds no CRL of its own yet */
        return NULL;
    }
    resolve(t, ns);
    for (k = 0; k < ns->n_crls; k++)
        if (ns->crls[k].crl != NULL)
            ns->crls[k].crl->refs++;
    *changed = crl_changed ? 2 : 1;
    ns->build_us = (long)(gw_now_us() - t0);
    return ns;
}

void crl_set_free(struct crl_set *s)
{
    int k;

    if (s == NULL)
        return;
    for (k = 0; k < s->n_crls; k++)
        if (s->crls[k].crl != NULL && --s->crls[k].crl->refs == 0)
            data_free(s->crls[k].crl);
    free(s);
}
