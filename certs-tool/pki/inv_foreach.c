/* inv_foreach.c - walking the inventory for the verbs that read it (export, enroll, bundle,
 * broker-config): every currently valid entry of a profile, or one entry by CN or stem.
 * Built on lk_inv_walk (inventory.c), the one reader of index.tsv lines. */
#include "inv_foreach.h"

#include <stdlib.h>
#include <string.h>

#include "inventory.h"
#include "names.h"
#include "pki_dir.h"

struct valid_filter {
    const char *profile;
    const char *now_iso;
    int (*fn)(const struct lk_inv_entry *e, void *arg);
    void *arg;
};

static int if_valid(const struct lk_inv_entry *e, void *arg)
{
    const struct valid_filter *v = arg;
    if (strcmp(e->status, LK_STATUS_VALID) != 0 || strcmp(e->not_after, v->now_iso) <= 0)
        return 0;
    if (v->profile != NULL && strcmp(e->profile, v->profile) != 0)
        return 0;
    return v->fn(e, v->arg);
}

int lk_inv_foreach_valid(const char *text, size_t len, const char *profile, const char *now_iso,
                         int (*fn)(const struct lk_inv_entry *e, void *arg), void *arg)
{
    struct valid_filter v = {profile, now_iso, fn, arg};
    return lk_inv_walk(text, len, if_valid, &v);
}

int lk_inv_foreach_valid_now(const struct lk_pki *pki, const char *profile,
                             int (*fn)(const struct lk_inv_entry *e, void *arg), void *arg)
{
    char path[LK_PATH_MAX], now[LK_ISO_LEN + 1];
    char *text = NULL;
    size_t len = 0;
    int r;
    if (lk_pki_path(pki, "index.tsv", path, sizeof path) != 0 || lk_inv_read(path, &text, &len) != 0)
        return -1;
    r = lk_time_iso(time(NULL), now) == 0 ? lk_inv_foreach_valid(text, len, profile, now, fn, arg) : -1;
    free(text);
    return r;
}

struct lookup {
    const char *cn;   /* match by CN (NULL: the first entry) ... */
    const char *stem; /* ... or by file stem of the CN */
    struct lk_inv_entry *found;
    int hit;
};

static int match(const struct lk_inv_entry *e, void *arg)
{
    struct lookup *l = arg;
    char estem[LK_CN_MAX + 1];
    if (l->cn != NULL && strcmp(e->cn, l->cn) != 0)
        return 0;
    if (l->stem != NULL && (lk_cn_stem(e->cn, estem, sizeof estem) != 0 || strcmp(estem, l->stem) != 0))
        return 0;
    *l->found = *e;
    l->hit = 1;
    /* first of the profile, or the last line with that CN / stem */
    return l->cn == NULL && l->stem == NULL ? 1 : 0;
}

int lk_inv_find_valid(const char *text, size_t len, const char *stem, const char *profile,
                      const char *now_iso, struct lk_inv_entry *found)
{
    /* cppcheck-suppress ctuuninitvar ; found is only written (by match), never read */
    struct lookup l = {NULL, stem, found, 0};
    return lk_inv_foreach_valid(text, len, profile, now_iso, match, &l) < 0 ? -1 : l.hit;
}

int lk_inv_lookup(const struct lk_pki *pki, const char *profile, const char *cn,
                  struct lk_inv_entry *found)
{
    /* cppcheck-suppress ctuuninitvar ; found is only written (by match), never read */
    struct lookup l = {cn, NULL, found, 0};
    return lk_inv_foreach_valid_now(pki, profile, match, &l) < 0 ? -1 : l.hit;
}
