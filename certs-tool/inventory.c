/* inventory.c - DIR/index.tsv: the CA's record of every certificate it issued, one
 * tab-separated line each (serial hex, profile, subject CN, notBefore, notAfter, status),
 * after a "#" header line naming the columns. Parsing and lookup work on a buffer. */
#include "certs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INV_FIELDS 6
#define INV_MAX_BYTES (64L * 1024 * 1024)

static int copy_field(char *dst, size_t cap, const char *src, size_t len)
{
    if (len == 0 || len >= cap)
        return -1;
    memcpy(dst, src, len);
    dst[len] = '\0';
    return 0;
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
    if (f != INV_FIELDS)
        return -1;
    if (copy_field(e->serial, sizeof e->serial, start[0], flen[0]) != 0 ||
        copy_field(e->profile, sizeof e->profile, start[1], flen[1]) != 0 ||
        copy_field(e->cn, sizeof e->cn, start[2], flen[2]) != 0 ||
        copy_field(e->not_before, sizeof e->not_before, start[3], flen[3]) != 0 ||
        copy_field(e->not_after, sizeof e->not_after, start[4], flen[4]) != 0 ||
        copy_field(e->status, sizeof e->status, start[5], flen[5]) != 0)
        return -1;
    return 1;
}

static int field_ok(const char *s)
{
    for (; *s != '\0'; s++)
        if (*s == '\t' || *s == '\n' || *s == '\r')
            return 0;
    return 1;
}

size_t lk_inv_format_line(const struct lk_inv_entry *e, char *out, size_t cap)
{
    int n;
    if (!field_ok(e->serial) || !field_ok(e->profile) || !field_ok(e->cn) ||
        !field_ok(e->not_before) || !field_ok(e->not_after) || !field_ok(e->status))
        return 0;
    n = snprintf(out, cap, "%s\t%s\t%s\t%s\t%s\t%s\n", e->serial, e->profile, e->cn,
                 e->not_before, e->not_after, e->status);
    if (n < 0 || (size_t)n >= cap)
        return 0;
    return (size_t)n;
}

int lk_inv_find_valid(const char *text, size_t len, const char *stem, const char *profile,
                      const char *now_iso, struct lk_inv_entry *found)
{
    size_t pos = 0;
    int lineno = 0, hit = 0;
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t llen = nl != NULL ? (size_t)(nl - (text + pos)) : len - pos;
        struct lk_inv_entry e;
        char estem[LK_CN_MAX + 1];
        int r = lk_inv_parse_line(text + pos, llen, &e);
        lineno++;
        pos += llen + 1;
        if (r < 0) {
            lk_err("index.tsv line %d is malformed; fix or remove it", lineno);
            return -1;
        }
        if (r == 0 || strcmp(e.status, "valid") != 0 || strcmp(e.not_after, now_iso) <= 0)
            continue;
        if (profile != NULL && strcmp(e.profile, profile) != 0)
            continue;
        if (lk_cn_stem(e.cn, estem, sizeof estem) == 0 && strcmp(estem, stem) == 0) {
            *found = e;
            hit = 1;
        }
    }
    return hit;
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
    fclose(f);
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return 0;
fail:
    fclose(f);
    free(buf);
    return -1;
}

int lk_time_iso(time_t t, char out[LK_ISO_LEN + 1])
{
    struct tm tm;
    if (gmtime_r(&t, &tm) == NULL ||
        strftime(out, LK_ISO_LEN + 1, "%Y-%m-%dT%H:%M:%SZ", &tm) != LK_ISO_LEN) {
        lk_err("cannot format time %lld", (long long)t);
        return -1;
    }
    return 0;
}
