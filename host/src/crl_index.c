/* crl_index.c - a CRL read into its head and a sorted table of revoked serials, its
 * signature checked over its own bytes (see crl_index.h). The DER is walked here only as
 * far as the CRL's layout (RFC 5280 5.1) needs: the TBSCertList's elements, to cut the
 * revokedCertificates out (the head that remains goes to OpenSSL's d2i_X509_CRL), and each
 * entry's serial and extensions. The signature covers the TBSCertList exactly as read, so
 * a walk that misread it could only refuse a CRL, never let a forged one in. */
#define _POSIX_C_SOURCE 200809L /* fileno */
#include "lkhost/crl_index.h"

#include <errno.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SLOT (1 + LKH_SERIAL_MAX)
#define TAG_INTEGER 0x02
#define TAG_BOOLEAN 0x01
#define TAG_OCTETS 0x04
#define TAG_OID 0x06
#define TAG_ENUMERATED 0x0a
#define TAG_UTCTIME 0x17
#define TAG_GENTIME 0x18
#define TAG_SEQUENCE 0x30
#define TAG_EXTS 0xa0 /* crlExtensions [0] EXPLICIT */

/* An element: its tag, its content, and the whole of it (header included). */
struct der {
    int tag;
    const unsigned char *c, *start;
    size_t len, whole;
};

/* Reads the element at *p (before end) into e and moves *p past it. 0, or -1 if it is not
 * one definite-length element with a one-byte tag that fits. */
static int der_next(const unsigned char **p, const unsigned char *end, struct der *e)
{
    const unsigned char *q = *p;
    size_t len = 0, n, i;

    if (end - q < 2 || (q[0] & 0x1f) == 0x1f)
        return -1;
    e->start = q;
    e->tag = q[0];
    q++;
    if (*q < 0x80) {
        len = *q++;
    } else {
        n = *q++ & 0x7fu;
        if (n == 0 || n > 4 || (size_t)(end - q) < n)
            return -1; /* indefinite, or longer than this program reads */
        for (i = 0; i < n; i++)
            len = len << 8 | *q++;
    }
    if ((size_t)(end - q) < len)
        return -1;
    e->c = q;
    e->len = len;
    e->whole = (size_t)(q + len - e->start);
    *p = q + len;
    return 0;
}

/* Writes a DER header for tag and len at out (6 bytes at most); returns its length. */
static size_t der_header(unsigned char *out, int tag, size_t len)
{
    size_t n = 0, i;
    out[0] = (unsigned char)tag;
    if (len < 0x80) {
        out[1] = (unsigned char)len;
        return 2;
    }
    for (i = len; i > 0; i >>= 8)
        n++;
    out[1] = (unsigned char)(0x80 | n);
    for (i = 0; i < n; i++)
        out[2 + i] = (unsigned char)(len >> (8 * (n - 1 - i)));
    return 2 + n;
}

static int is_time(int tag)
{
    return tag == TAG_UTCTIME || tag == TAG_GENTIME;
}

/* The parts of a CertificateList that are cut and checked here. */
struct crl_parts {
    struct der tbs;             /* the TBSCertList, signed */
    struct der revoked;         /* revokedCertificates; start NULL when absent */
    struct der alg_in, alg_out; /* the signature algorithm inside the TBSCertList, outside */
    const unsigned char *after_tbs, *end; /* signatureAlgorithm, signatureValue */
};

static int split(const unsigned char *der, size_t len, struct crl_parts *s)
{
    const unsigned char *p = der, *end = der + len, *q, *tend;
    struct der outer, e;

    memset(s, 0, sizeof *s);
    if (der_next(&p, end, &outer) != 0 || outer.tag != TAG_SEQUENCE || p != end)
        return -1;
    q = outer.c;
    s->end = outer.c + outer.len;
    if (der_next(&q, s->end, &s->tbs) != 0 || s->tbs.tag != TAG_SEQUENCE)
        return -1;
    s->after_tbs = q;
    if (der_next(&q, s->end, &s->alg_out) != 0 || s->alg_out.tag != TAG_SEQUENCE)
        return -1;
    p = s->tbs.c;
    tend = s->tbs.c + s->tbs.len;
    if (der_next(&p, tend, &e) != 0)
        return -1;
    if (e.tag == TAG_INTEGER && der_next(&p, tend, &e) != 0) /* version, then signature */
        return -1;
    s->alg_in = e;
    if (e.tag != TAG_SEQUENCE || der_next(&p, tend, &e) != 0 || e.tag != TAG_SEQUENCE ||
        der_next(&p, tend, &e) != 0 || !is_time(e.tag)) /* issuer, thisUpdate */
        return -1;
    while (p < tend) {
        if (der_next(&p, tend, &e) != 0)
            return -1;
        if (e.tag == TAG_SEQUENCE && s->revoked.start == NULL)
            s->revoked = e;
        else if (!(is_time(e.tag) || e.tag == TAG_EXTS))
            return -1;
    }
    return 0;
}

static const unsigned char oid_cert_issuer[] = {0x55, 0x1d, 0x1d}; /* 2.5.29.29 */
static const unsigned char oid_reason[] = {0x55, 0x1d, 0x15};      /* 2.5.29.21 */

static int oid_is(const struct der *e, const unsigned char *oid, size_t n)
{
    return e->tag == TAG_OID && e->len == n && memcmp(e->c, oid, n) == 0;
}

/* An entry's extensions: -1 if the CRL cannot be applied by a serial lookup (an indirect
 * entry, a critical extension, an unreadable reason), 1 if the entry is removeFromCRL
 * (revokes nothing), else 0. */
static int entry_exts(const struct der *exts)
{
    const unsigned char *p = exts->c, *end = exts->c + exts->len, *q, *qend;
    struct der ext, oid, e, v;
    int remove = 0;

    while (p < end) {
        if (der_next(&p, end, &ext) != 0 || ext.tag != TAG_SEQUENCE)
            return -1;
        q = ext.c;
        qend = ext.c + ext.len;
        if (der_next(&q, qend, &oid) != 0 || oid.tag != TAG_OID || der_next(&q, qend, &e) != 0)
            return -1;
        if (e.tag == TAG_BOOLEAN) {
            if (e.len != 1 || e.c[0] != 0)
                return -1; /* critical (DER leaves FALSE out; any other value too) */
            if (der_next(&q, qend, &e) != 0)
                return -1;
        }
        if (e.tag != TAG_OCTETS || q != qend || oid_is(&oid, oid_cert_issuer, 3))
            return -1;
        if (oid_is(&oid, oid_reason, 3)) {
            const unsigned char *r = e.c;
            if (der_next(&r, e.c + e.len, &v) != 0 || v.tag != TAG_ENUMERATED || v.len != 1 ||
                r != e.c + e.len)
                return -1;
            remove = v.c[0] == 8; /* removeFromCRL */
        }
    }
    return remove;
}

static int slot_cmp(const void *a, const void *b)
{
    const unsigned char *x = a, *y = b;
    if (x[0] != y[0])
        return x[0] < y[0] ? -1 : 1;
    return memcmp(x + 1, y + 1, x[0]);
}

/* The serials of revokedCertificates into x->serials, sorted. 0, or -1 if not readable. */
static int read_entries(const struct der *revoked, struct lkh_crl_index *x)
{
    const unsigned char *p = revoked->c, *end = revoked->c + revoked->len, *q, *qend;
    size_t cap = revoked->len / 7 + 1, n = 0; /* an entry takes 7 bytes at the least */
    int sorted = 1, r;
    struct der ent, sn, e;

    x->serials = malloc(cap * SLOT);
    if (x->serials == NULL)
        return -1;
    while (p < end) {
        unsigned char *slot = x->serials + n * SLOT;
        if (der_next(&p, end, &ent) != 0 || ent.tag != TAG_SEQUENCE)
            return -1;
        q = ent.c;
        qend = ent.c + ent.len;
        if (der_next(&q, qend, &sn) != 0 || sn.tag != TAG_INTEGER || sn.len == 0 ||
            sn.len > LKH_SERIAL_MAX || der_next(&q, qend, &e) != 0 || !is_time(e.tag))
            return -1;
        if (sn.len > 1 &&
            ((sn.c[0] == 0 && sn.c[1] < 0x80) || (sn.c[0] == 0xff && sn.c[1] >= 0x80)))
            return -1; /* not minimal: OpenSSL refuses it too */
        r = 0;
        if (q < qend && (der_next(&q, qend, &e) != 0 || e.tag != TAG_SEQUENCE || q != qend ||
                         (r = entry_exts(&e)) < 0))
            return -1;
        if (r == 1)
            continue; /* removeFromCRL */
        if (n == cap)
            return -1; /* cannot happen: each entry took 7 bytes or more */
        slot[0] = (unsigned char)sn.len;
        memcpy(slot + 1, sn.c, sn.len);
        memset(slot + 1 + sn.len, 0, LKH_SERIAL_MAX - sn.len);
        if (n > 0 && sorted && slot_cmp(slot - SLOT, slot) > 0)
            sorted = 0;
        n++;
    }
    if (!sorted) /* X509_CRL_sort and latchkey-certs write them sorted: rarely needed */
        qsort(x->serials, n, SLOT, slot_cmp);
    x->n = n;
    return 0;
}

/* The CertificateList with the revokedCertificates cut out, for d2i_X509_CRL. */
static X509_CRL *read_head(const struct crl_parts *s)
{
    size_t rev = s->revoked.start != NULL ? s->revoked.whole : 0;
    size_t tbs_len = s->tbs.len - rev, rest = (size_t)(s->end - s->after_tbs);
    size_t before = s->revoked.start != NULL ? (size_t)(s->revoked.start - s->tbs.c) : s->tbs.len;
    unsigned char th[6], oh[6], *buf, *w;
    const unsigned char *in;
    size_t thn = der_header(th, TAG_SEQUENCE, tbs_len), ohn;
    X509_CRL *head;

    ohn = der_header(oh, TAG_SEQUENCE, thn + tbs_len + rest);
    buf = malloc(ohn + thn + tbs_len + rest);
    if (buf == NULL)
        return NULL;
    w = buf;
    memcpy(w, oh, ohn);
    w += ohn;
    memcpy(w, th, thn);
    w += thn;
    memcpy(w, s->tbs.c, before); /* version .. nextUpdate */
    w += before;
    memcpy(w, s->tbs.c + before + rev, s->tbs.len - before - rev); /* crlExtensions */
    w += s->tbs.len - before - rev;
    memcpy(w, s->after_tbs, rest); /* signatureAlgorithm, signatureValue */
    w += rest;
    in = buf;
    head = d2i_X509_CRL(NULL, &in, (long)(w - buf));
    if (head != NULL && in != w) {
        X509_CRL_free(head);
        head = NULL;
    }
    free(buf);
    return head;
}

/* 1 if the signature of head (its algorithm and value) over tbs verifies with key, 0 if
 * not, -1 if this cannot tell (an algorithm with parameters, such as RSA-PSS). */
static int verify_tbs(X509_CRL *head, const struct crl_parts *s, EVP_PKEY *key)
{
    const ASN1_BIT_STRING *sig;
    const X509_ALGOR *alg;
    const ASN1_OBJECT *obj;
    const EVP_MD *md = NULL;
    EVP_MD_CTX *ctx;
    int mdnid, pknid, ok;

    X509_CRL_get0_signature(head, &sig, &alg);
    if (s->alg_in.whole != s->alg_out.whole ||
        memcmp(s->alg_in.start, s->alg_out.start, s->alg_in.whole) != 0 || (sig->flags & 0x7) != 0)
        return 0; /* as X509_CRL_verify: the two algorithms must be the same */
    X509_ALGOR_get0(&obj, NULL, NULL, alg);
    if (!OBJ_find_sigid_algs(OBJ_obj2nid(obj), &mdnid, &pknid) ||
        (mdnid == NID_undef && pknid != NID_ED25519 && pknid != NID_ED448))
        return -1;
    if (mdnid != NID_undef && (md = EVP_get_digestbynid(mdnid)) == NULL)
        return -1;
    if (EVP_PKEY_get_base_id(key) != EVP_PKEY_type(pknid))
        return 0;
    ctx = EVP_MD_CTX_new();
    ok = ctx != NULL && EVP_DigestVerifyInit(ctx, NULL, md, NULL, key) == 1 &&
         EVP_DigestVerify(ctx, sig->data, (size_t)sig->length, s->tbs.start, s->tbs.whole) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
}

/* The index in ca of the CA whose name is the CRL's issuer and whose key signed it, -1. */
static int find_signer(X509_CRL *head, const struct crl_parts *s, const unsigned char *der,
                       size_t len, STACK_OF(X509) * ca)
{
    X509_CRL *full = NULL;
    int i, v;

    for (i = 0; i < sk_X509_num(ca); i++) {
        X509 *c = sk_X509_value(ca, i);
        EVP_PKEY *k = X509_get0_pubkey(c);
        if (k == NULL || X509_NAME_cmp(X509_CRL_get_issuer(head), X509_get_subject_name(c)) != 0)
            continue;
        v = verify_tbs(head, s, k);
        if (v < 0) { /* OpenSSL's own check on the whole CRL */
            const unsigned char *in = der;
            if (full == NULL)
                full = d2i_X509_CRL(NULL, &in, (long)len);
            v = full != NULL && X509_CRL_verify(full, k) == 1;
        }
        if (v == 1)
            break;
    }
    X509_CRL_free(full);
    return i < sk_X509_num(ca) ? i : -1;
}

#define B64_SPACE 64 /* whitespace: skipped */
#define B64_PAD 65   /* '=' */
#define B64_END 66   /* '-': the END line */
#define B64_BAD 255

/* The value of each byte in base64 text (0..63, or one of the marks above). */
static void b64_table(unsigned char t[256])
{
    static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    int i;

    memset(t, B64_BAD, 256);
    for (i = 0; i < 64; i++)
        t[(unsigned char)digits[i]] = (unsigned char)i;
    t['\n'] = t['\r'] = t[' '] = t['\t'] = B64_SPACE;
    t['='] = B64_PAD;
    t['-'] = B64_END;
}

static const char pem_begin[] = "-----BEGIN X509 CRL-----", pem_end[] = "-----END X509 CRL-----";

/* The first PEM "X509 CRL" block of text, base64-decoded into a new buffer (*der, *n). */
static int pem_to_der(const unsigned char *text, size_t len, unsigned char **der, size_t *n)
{
    const unsigned char *p = text, *end = text + len, *b = NULL;
    unsigned char tab[256];
    unsigned int acc = 0;
    int bits = 0, pad = 0, v;
    size_t k = sizeof pem_begin - 1;

    *der = NULL;
    while (p + k <= end && b == NULL) {
        const unsigned char *nl = memchr(p, '\n', (size_t)(end - p));
        if (memcmp(p, pem_begin, k) == 0)
            b = p + k;
        p = nl != NULL ? nl + 1 : end;
    }
    if (b == NULL || (*der = malloc((size_t)(end - p) / 4 * 3 + 3)) == NULL)
        return -1;
    b64_table(tab);
    *n = 0;
    while (p < end) {
        /* Four digits at a time (a line of 64 is 16 of them), one at a time otherwise. */
        if (end - p >= 4 && bits == 0 && (tab[p[0]] | tab[p[1]] | tab[p[2]] | tab[p[3]]) < 64) {
            unsigned int q = (unsigned int)tab[p[0]] << 18 | (unsigned int)tab[p[1]] << 12 |
                             (unsigned int)tab[p[2]] << 6 | tab[p[3]];
            if (pad > 0)
                return -1;
            (*der)[(*n)++] = (unsigned char)(q >> 16);
            (*der)[(*n)++] = (unsigned char)(q >> 8);
            (*der)[(*n)++] = (unsigned char)q;
            p += 4;
            continue;
        }
        v = tab[*p];
        if (v == B64_END)
            break;
        p++;
        if (v == B64_SPACE)
            continue;
        if (v == B64_PAD) {
            pad++;
            continue;
        }
        if (pad > 0 || v == B64_BAD)
            return -1;
        acc = acc << 6 | (unsigned int)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            (*der)[(*n)++] = (unsigned char)(acc >> bits);
        }
    }
    if ((size_t)(end - p) < sizeof pem_end - 1 || memcmp(p, pem_end, sizeof pem_end - 1) != 0 ||
        pad > 2 || (bits + 6 * pad) % 8 != 0)
        return -1;
    return 0;
}

void lkh_crl_index_free(struct lkh_crl_index *x)
{
    X509_CRL_free(x->head);
    free(x->serials);
    memset(x, 0, sizeof *x);
}

enum lkh_crl_read lkh_crl_index_parse(const unsigned char *pem, size_t len, STACK_OF(X509) * ca,
                                      struct lkh_crl_index *x, int *signer)
{
    unsigned char *der = NULL;
    size_t n = 0;
    struct crl_parts s;
    enum lkh_crl_read rc = LKH_CRL_UNPARSABLE;
    int by = -1;

    memset(x, 0, sizeof *x);
    if (pem_to_der(pem, len, &der, &n) != 0 || split(der, n, &s) != 0 ||
        (x->head = read_head(&s)) == NULL || !lkh_crl_plain(x->head) ||
        (s.revoked.start != NULL && read_entries(&s.revoked, x) != 0))
        goto out;
    if (EVP_Digest(der, n, x->sha256, NULL, EVP_sha256(), NULL) != 1)
        goto out;
    by = find_signer(x->head, &s, der, n, ca);
    rc = by >= 0 ? LKH_CRL_OK : LKH_CRL_BAD_SIGNATURE;
out:
    free(der);
    ERR_clear_error();
    if (rc != LKH_CRL_OK) {
        lkh_crl_index_free(x);
        by = -1;
    }
    if (signer != NULL)
        *signer = by;
    return rc;
}

enum lkh_crl_read lkh_crl_index_read(const char *path, STACK_OF(X509) * ca, struct lkh_crl_index *x,
                                     int *signer)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    unsigned char *buf;
    size_t got;
    enum lkh_crl_read rc;

    memset(x, 0, sizeof *x);
    if (signer != NULL)
        *signer = -1;
    if (f == NULL)
        return LKH_CRL_MISSING;
    if (fstat(fileno(f), &st) != 0 || st.st_size > LKH_CRL_FILE_MAX ||
        (buf = malloc((size_t)st.st_size + 1)) == NULL) {
        (void)fclose(f); /* read-only */
        return LKH_CRL_UNPARSABLE;
    }
    got = fread(buf, 1, (size_t)st.st_size + 1, f);
    (void)fclose(f); /* read-only: a short read is a CRL that does not parse */
    rc = got <= (size_t)st.st_size ? lkh_crl_index_parse(buf, got, ca, x, signer)
                                   : LKH_CRL_UNPARSABLE; /* it grew while read: next poll */
    free(buf);
    return rc;
}

int lkh_crl_index_has(const struct lkh_crl_index *x, const ASN1_INTEGER *serial)
{
    unsigned char der[2 + LKH_SERIAL_MAX + 8], *w = der, key[SLOT];
    int n = i2d_ASN1_INTEGER(serial, NULL);
    size_t lo = 0, hi = x->n;

    if (n < 3 || n > (int)sizeof der || i2d_ASN1_INTEGER(serial, &w) != n || der[1] >= 0x80 ||
        der[1] > LKH_SERIAL_MAX)
        return 0; /* longer than any serial in the table */
    memset(key, 0, sizeof key);
    key[0] = der[1];
    memcpy(key + 1, der + 2, der[1]);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = slot_cmp(x->serials + mid * SLOT, key);
        if (c == 0)
            return 1;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}
