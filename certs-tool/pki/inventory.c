/* inventory.c - DIR/index.tsv: the CA's record of every certificate it issued, one
 * tab-separated line each (serial hex, profile, subject CN, notBefore, notAfter, status,
 * revocation date, revocation reason, key source), after a "#" header line naming the
 * columns. Lines of the first format (the first six columns only) are still read. The
 * whole file can be loaded into a table, changed and written back in the new format. */
#include "inventory.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "diag.h"
#include "names.h"

#define INV_FIELDS 9
#define INV_FIELDS_V1 6 /* first format: serial .. status */
#define INV_MAX_BYTES (64L * 1024 * 1024)

static int copy_field(char *dst, size_t cap, const char *src, size_t len)
{
    if (len == 0 || len >= cap)
        return -1;
    memcpy(dst, src, len);
    dst[len] = '\0';
    return 0;
}

static void set_str(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src);
}

void lk_inv_entry_defaults(struct lk_inv_entry *e)
{
    set_str(e->revoked_at, sizeof e->revoked_at, "-");
    set_str(e->reason, sizeof e->reason, "-");
    set_str(e->key_source, sizeof e->key_source, LK_KEY_GENERATED);
}

int lk_inv_parse_line(const char *line, size_t len, struct lk_inv_entry *e)
{
    const char *start[INV_FIELDS];
    size_t flen[INV_FIELDS];
    size_t i, f = 0, pos = 0;

    if (len > 0 && line[len - 1] == '\r')
        len--;
    if (len == 0 || line[0] == '#')
        return 0;
    start[0] = line;
    for (i = 0; i <= len; i++) {
        if (i == len || line[i] == '\t') {
            if (f >= INV_FIELDS)
                return -1;
            flen[f] = i - pos;
            f++;
            if (i < len) {
                if (f >= INV_FIELDS)
                    return -1;
                start[f] = line + i + 1;
                pos = i + 1;
            }
        }
    }
    if (f != INV_FIELDS && f != INV_FIELDS_V1)
        return -1;
    if (copy_field(e->serial, sizeof e->serial, start[0], flen[0]) != 0 ||
        copy_field(e->profile, sizeof e->profile, start[1], flen[1]) != 0 ||
        copy_field(e->cn, sizeof e->cn, start[2], flen[2]) != 0 ||
        copy_field(e->not_before, sizeof e->not_before, start[3], flen[3]) != 0 ||
        copy_field(e->not_after, sizeof e->not_after, start[4], flen[4]) != 0 ||
        copy_field(e->status, sizeof e->status, start[5], flen[5]) != 0)
        return -1;
    lk_inv_entry_defaults(e);
    if (f == INV_FIELDS &&
        (copy_field(e->revoked_at, sizeof e->revoked_at, start[6], flen[6]) != 0 ||
         copy_field(e->reason, sizeof e->reason, start[7], flen[7]) != 0 ||
         copy_field(e->key_source, sizeof e->key_source, start[8], flen[8]) != 0))
        return -1;
    /* A first-format line marked revoked by hand has no date: its notBefore stands in
     * (the earliest the revocation can have been; conservative), reason unspecified. */
    if (f == INV_FIELDS_V1 && strcmp(e->status, LK_STATUS_REVOKED) == 0) {
        set_str(e->revoked_at, sizeof e->revoked_at, e->not_before);
        set_str(e->reason, sizeof e->reason, "unspecified");
    }
    /* A revoked entry must say when and why (the CRL is built from them). */
    if (strcmp(e->status, LK_STATUS_REVOKED) == 0) {
        time_t t;
        if (lkh_iso_parse(e->revoked_at, LKH_ISO_EXACT, &t) != 0 || lk_reason_code(e->reason) < 0)
            return -1;
    }
    return 1;
}

static int field_ok(const char *s)
{
    for (; *s != '\0'; s++)
        if (*s == '\t' || *s == '\n' || *s == '\r')
            return 0;
    return 1;
}

/* Empty optional fields are written as "-" so that every line keeps nine columns. */
static const char *opt(const char *s)
{
    return s[0] != '\0' ? s : "-";
}

size_t lk_inv_format_line(const struct lk_inv_entry *e, char *out, size_t cap)
{
    int n;
    if (!field_ok(e->serial) || !field_ok(e->profile) || !field_ok(e->cn) ||
        !field_ok(e->not_before) || !field_ok(e->not_after) || !field_ok(e->status) ||
        !field_ok(e->revoked_at) || !field_ok(e->reason) || !field_ok(e->key_source))
        return 0;
    if (e->serial[0] == '\0' || e->profile[0] == '\0' || e->cn[0] == '\0' ||
        e->not_before[0] == '\0' || e->not_after[0] == '\0' || e->status[0] == '\0')
        return 0;
    n = snprintf(out, cap, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", e->serial, e->profile, e->cn,
                 e->not_before, e->not_after, e->status, opt(e->revoked_at), opt(e->reason),
                 e->key_source[0] != '\0' ? e->key_source : LK_KEY_GENERATED);
    if (n < 0 || (size_t)n >= cap)
        return 0;
    return (size_t)n;
}

int lk_inv_walk(const char *text, size_t len, int (*fn)(const struct lk_inv_entry *e, void *arg),
                void *arg)
{
    size_t pos = 0;
    int lineno = 0;
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t llen = nl != NULL ? (size_t)(nl - (text + pos)) : len - pos;
        struct lk_inv_entry e;
        int r = lk_inv_parse_line(text + pos, llen, &e);
        lineno++;
        pos += llen + 1;
        if (r < 0) {
            lk_err("index.tsv line %d is malformed; fix or remove it", lineno);
            return -1;
        }
        if (r == 1 && (r = fn(&e, arg)) != 0)
            return r;
    }
    return 0;
}

int lk_inv_read(const char *path, char **text, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0;
    *text = NULL;
    *len = 0;
    if (f == NULL && errno == ENOENT) {
        *text = calloc(1, 1);
        if (*text == NULL) {
            lk_err("out of memory");
            return -1;
        }
        return 0;
    }
    if (f == NULL) {
        lk_err("cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    for (;;) {
        size_t got;
        if (n + 4096 + 1 > cap) {
            char *nb;
            if (cap > (size_t)INV_MAX_BYTES) {
                lk_err("%s is too large", path);
                goto fail;
            }
            cap = cap == 0 ? 8192 : cap * 2;
            nb = realloc(buf, cap);
            if (nb == NULL) {
                lk_err("out of memory");
                goto fail;
            }
            buf = nb;
        }
        got = fread(buf + n, 1, 4096, f);
        n += got;
        if (got < 4096) {
            if (ferror(f)) {
                lk_err("cannot read %s: %s", path, strerror(errno));
                goto fail;
            }
            break;
        }
    }
    (void)fclose(f); /* read-only: nothing is lost if it fails */
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return 0;
fail:
    fclose(f);
    free(buf);
    return -1;
}

/* ---- the whole inventory as a table ---- */

void lk_inv_init(struct lk_inv *inv)
{
    memset(inv, 0, sizeof *inv);
}

void lk_inv_free(struct lk_inv *inv)
{
    free(inv->e);
    lk_inv_init(inv);
}

int lk_inv_append(struct lk_inv *inv, const struct lk_inv_entry *e)
{
    if (inv->n == inv->cap) {
        size_t cap = inv->cap == 0 ? 16 : inv->cap * 2;
        struct lk_inv_entry *ne = realloc(inv->e, cap * sizeof *ne);
        if (ne == NULL) {
            lk_err("out of memory");
            return -1;
        }
        inv->e = ne;
        inv->cap = cap;
    }
    inv->e[inv->n++] = *e;
    return 0;
}

static int append_entry(const struct lk_inv_entry *e, void *arg)
{
    return lk_inv_append(arg, e);
}

int lk_inv_parse(const char *text, size_t len, struct lk_inv *inv)
{
    lk_inv_init(inv);
    if (lk_inv_walk(text, len, append_entry, inv) != 0) {
        lk_inv_free(inv);
        return -1;
    }
    return 0;
}

int lk_inv_load(const char *path, struct lk_inv *inv)
{
    char *text = NULL;
    size_t len = 0;
    int r;
    lk_inv_init(inv);
    if (lk_inv_read(path, &text, &len) != 0)
        return -1;
    r = lk_inv_parse(text, len, inv);
    free(text);
    return r;
}

int lk_inv_write_bio(const struct lk_inv *inv, BIO *out)
{
    char line[512];
    size_t i, llen;
    if (BIO_puts(out, LK_INV_HEADER) <= 0) {
        lk_err_ssl("out of memory");
        return -1;
    }
    for (i = 0; i < inv->n; i++) {
        llen = lk_inv_format_line(&inv->e[i], line, sizeof line);
        if (llen == 0) {
            lk_err("internal: cannot format inventory entry %s", inv->e[i].serial);
            return -1;
        }
        if (BIO_write(out, line, (int)llen) != (int)llen) {
            lk_err_ssl("out of memory");
            return -1;
        }
    }
    return 0;
}

/* Serials compare as hex numbers written by BN_bn2hex: case-insensitive, leading zeros ignored. */
static const char *skip_zeros(const char *s)
{
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        s += 2;
    while (s[0] == '0' && s[1] != '\0')
        s++;
    return s;
}

int lk_serial_equal(const char *a, const char *b)
{
    return strcasecmp(skip_zeros(a), skip_zeros(b)) == 0;
}

int lk_serial_syntax_ok(const char *s)
{
    size_t i, n;
    s = s[0] == '0' && (s[1] == 'x' || s[1] == 'X') ? s + 2 : s;
    n = strlen(s);
    if (n == 0 || n > 2 * LK_SERIAL_BYTES + 2)
        return 0;
    for (i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') || (s[i] >= 'A' && s[i] <= 'F')))
            return 0;
    return 1;
}

long lk_inv_find_serial(const struct lk_inv *inv, const char *serial)
{
    size_t i;
    for (i = 0; i < inv->n; i++)
        if (lk_serial_equal(inv->e[i].serial, serial))
            return (long)i;
    return -1;
}

long lk_inv_find_name(const struct lk_inv *inv, const char *name)
{
    char stem[LK_CN_MAX + 1], estem[LK_CN_MAX + 1];
    long last = -1;
    size_t i;
    if (lk_cn_stem(name, stem, sizeof stem) != 0)
        return -1;
    for (i = 0; i < inv->n; i++) {
        const struct lk_inv_entry *e = &inv->e[i];
        if (strcmp(e->cn, name) != 0 &&
            (lk_cn_stem(e->cn, estem, sizeof estem) != 0 || strcmp(estem, stem) != 0))
            continue;
        if (strcmp(e->status, LK_STATUS_VALID) == 0)
            return (long)i; /* at most one valid entry per name (issue refuses duplicates) */
        last = (long)i;
    }
    return last;
}

long lk_inv_find_arg(const struct lk_inv *inv, const char *arg)
{
    long i = lk_inv_find_name(inv, arg);
    if (i < 0 && lk_serial_syntax_ok(arg))
        i = lk_inv_find_serial(inv, arg);
    return i;
}

/* ---- status, reasons and times ---- */

const char *lk_inv_status_now(const struct lk_inv_entry *e, time_t now, long *days_left)
{
    time_t end;
    int known = lkh_iso_parse(e->not_after, LKH_ISO_EXACT, &end) == 0;
    if (days_left != NULL)
        *days_left = known ? (long)((end - now) / 86400) : 0;
    if (strcmp(e->status, LK_STATUS_VALID) != 0)
        return e->status;
    if (!known || end <= now)
        return "expired";
    return LK_STATUS_VALID;
}

static const struct {
    const char *name;
    int code; /* CRLReason of RFC 5280 5.3.1 */
} reasons[] = {
    {"unspecified", 0}, {"keyCompromise", 1}, {"affiliationChanged", 3},
    {"superseded", 4}, {"cessationOfOperation", 5},
};

int lk_reason_code(const char *name)
{
    size_t i;
    for (i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
        if (strcmp(name, reasons[i].name) == 0)
            return reasons[i].code;
    return -1;
}

int lk_time_iso(time_t t, char out[LK_ISO_LEN + 1])
{
    if (lkh_iso_from_time(t, out) != 0) {
        lk_err("cannot format time %lld", (long long)t);
        return -1;
    }
    return 0;
}
