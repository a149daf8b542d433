/* inventory.h - DIR/index.tsv, one tab-separated line per certificate: its entries,
 * parsing and formatting, the table in memory and the lookups by serial and name. */
#ifndef LK_CERTS_INVENTORY_H
#define LK_CERTS_INVENTORY_H

#include <stddef.h>
#include <time.h>

#include <openssl/bio.h>

#include <lkhost/iso_time.h>

#include "names.h"

#define LK_ISO_LEN LKH_ISO_LEN /* "YYYY-MM-DDTHH:MM:SSZ" */
#define LK_SERIAL_BYTES 16

/* Columns 7-9 came with revocation; lines with only the first six are still read (as not
 * revoked, key generated here). Optional fields are "-" when empty. */
#define LK_INV_HEADER "# serial\tprofile\tsubject_cn\tnot_before\tnot_after\tstatus\trevoked_at\treason\tkey_source\n"
#define LK_STATUS_VALID "valid"
#define LK_STATUS_REVOKED "revoked"
#define LK_STATUS_SUPERSEDED "superseded" /* replaced by renew; still trusted until it expires */
#define LK_KEY_GENERATED "generated"      /* key made here, in DIR/private/<stem>.key */
#define LK_KEY_CSR "csr"                  /* signed from a CSR: the key is not held here */
struct lk_inv_entry {
    char serial[2 * LK_SERIAL_BYTES + 3];
    char profile[16];
    char cn[LK_CN_MAX + 1];
    char not_before[LK_ISO_LEN + 1];
    char not_after[LK_ISO_LEN + 1];
    char status[16];
    char revoked_at[LK_ISO_LEN + 1];      /* "-" unless revoked */
    char reason[24];                      /* "-" unless revoked; a name of lk_reason_code */
    char key_source[12];                  /* LK_KEY_GENERATED or LK_KEY_CSR */
};
/* Sets revoked_at, reason to "-" and key_source to LK_KEY_GENERATED. */
void lk_inv_entry_defaults(struct lk_inv_entry *e);
/* Parses one line (without its newline). 1 = entry, 0 = comment/blank, -1 = malformed. */
int lk_inv_parse_line(const char *line, size_t len, struct lk_inv_entry *e);
/* Formats an entry as one line with its newline. Returns its length, or 0 if invalid. */
size_t lk_inv_format_line(const struct lk_inv_entry *e, char *out, size_t cap);
/* Calls fn for every entry line of text, in file order (comments and blank lines skipped).
 * fn returns 0 to go on, anything else to stop with that value. Returns 0, fn's value, or
 * -1 at the first malformed line (reported, with its number; the lines after it are not read). */
int lk_inv_walk(const char *text, size_t len, int (*fn)(const struct lk_inv_entry *e, void *arg),
                void *arg);
/* Reads the whole inventory into a malloc'd NUL-terminated buffer. */
int lk_inv_read(const char *path, char **text, size_t *len);
/* ISO 8601 UTC text of t: YYYY-MM-DDTHH:MM:SSZ. Returns 0, or -1 (reported). The reverse
 * is lkh_iso_parse(iso, LKH_ISO_EXACT, &t). */
int lk_time_iso(time_t t, char out[LK_ISO_LEN + 1]);
/* The whole inventory as a table (load, change entries, write back with the new header). */
struct lk_inv {
    struct lk_inv_entry *e;
    size_t n, cap;
};
void lk_inv_init(struct lk_inv *inv);
void lk_inv_free(struct lk_inv *inv);
int lk_inv_parse(const char *text, size_t len, struct lk_inv *inv); /* reports a bad line */
int lk_inv_load(const char *path, struct lk_inv *inv);              /* missing file = empty */
int lk_inv_append(struct lk_inv *inv, const struct lk_inv_entry *e);
int lk_inv_write_bio(const struct lk_inv *inv, BIO *out);           /* header + every entry */
/* Index of the entry with this serial (hex, any case, leading zeros ignored), or -1. */
long lk_inv_find_serial(const struct lk_inv *inv, const char *serial);
/* Index of the entry named name (CN or its file stem): the valid one if there is one,
 * else the last one. -1 if none. */
long lk_inv_find_name(const struct lk_inv *inv, const char *name);
/* A NAME or a SERIAL (names first). -1 if neither. */
long lk_inv_find_arg(const struct lk_inv *inv, const char *arg);
int lk_serial_equal(const char *a, const char *b);
int lk_serial_syntax_ok(const char *s);
/* Status as of now: "valid", "expired" (valid but past notAfter), "revoked", "superseded".
 * days_left (may be NULL): whole days until notAfter (negative once expired). */
const char *lk_inv_status_now(const struct lk_inv_entry *e, time_t now, long *days_left);
/* CRLReason code of a reason name (unspecified, keyCompromise, affiliationChanged,
 * superseded, cessationOfOperation), or -1. */
int lk_reason_code(const char *name);

#endif
