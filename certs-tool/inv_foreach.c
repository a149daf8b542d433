/* inv_foreach.c - walking the inventory for the verbs that read it (export, enroll, bundle,
 * broker-config): every currently valid entry of a profile, or one entry by CN. */
#include "certs.h"

#include <stdlib.h>
#include <string.h>

int lk_inv_foreach_valid(const char *text, size_t len, const char *profile, const char *now_iso,
                         int (*fn)(const struct lk_inv_entry *e, void *arg), void *arg)
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
        if (r == 0 || strcmp(e.status, "valid") != 0 || strcmp(e.not_after, now_iso) <= 0)
            continue;
        if (profile != NULL && strcmp(e.profile, profile) != 0)
            continue;
        r = fn(&e, arg);
        if (r != 0)
            return r;
    }
    return 0;
}

struct lookup {
    const char *cn;
    struct lk_inv_entry *found;
    int hit;
};

static int match(const struct lk_inv_entry *e, void *arg)
{
    struct lookup *l = arg;
    if (l->cn != NULL && strcmp(e->cn, l->cn) != 0)
        return 0;
    *l->found = *e;
    l->hit = 1;
    return l->cn == NULL ? 1 : 0; /* first of the profile, or the last line with that CN */
}

int lk_inv_lookup(const struct lk_pki *pki, const char *profile, const char *cn,
                  struct lk_inv_entry *found)
{
    char path[LK_PATH_MAX], now[LK_ISO_LEN + 1];
    struct lookup l = {cn, found, 0};
    char *text = NULL;
    size_t len = 0;
    int r;
    if (lk_pki_path(pki, "index.tsv", path, sizeof path) != 0 || lk_inv_read(path, &text, &len) != 0)
        return -1;
    r = lk_time_iso(time(NULL), now) == 0 ? lk_inv_foreach_valid(text, len, profile, now, match, &l) : -1;
    free(text);
    return r < 0 ? -1 : l.hit;
}
