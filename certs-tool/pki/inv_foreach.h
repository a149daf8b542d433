/* inv_foreach.h - walking the inventory: the entries valid now, and looking one up. */
#ifndef LK_CERTS_INV_FOREACH_H
#define LK_CERTS_INV_FOREACH_H

#include <stddef.h>

#include "inventory.h"
#include "pki_dir.h"

/* Calls fn for every entry that is "valid", not expired at now_iso and (if profile is not
 * NULL) of that profile, in file order. fn returns 0 to go on, 1 to stop, -1 on error.
 * Returns 0, 1 (stopped by fn) or -1 (malformed line reported, or fn failed). */
int lk_inv_foreach_valid(const char *text, size_t len, const char *profile, const char *now_iso,
                         int (*fn)(const struct lk_inv_entry *e, void *arg), void *arg);
/* The same over DIR/index.tsv as it is now. */
int lk_inv_foreach_valid_now(const struct lk_pki *pki, const char *profile,
                             int (*fn)(const struct lk_inv_entry *e, void *arg), void *arg);
/* Finds the last entry with status "valid", not_after > now_iso and, if profile is not
 * NULL, that profile, whose CN has the same file stem as stem. 1 = found (*found filled),
 * 0 = none, -1 = a malformed line (reported, with its number). */
int lk_inv_find_valid(const char *text, size_t len, const char *stem, const char *profile,
                      const char *now_iso, struct lk_inv_entry *found);
/* Reads DIR/index.tsv and finds the first valid entry of profile (NULL cn) or the valid
 * entry with exactly that CN and profile. 1 = found, 0 = none, -1 = error (reported). */
int lk_inv_lookup(const struct lk_pki *pki, const char *profile, const char *cn,
                  struct lk_inv_entry *found);

#endif
