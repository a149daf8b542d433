/* certs.h - internal interfaces of latchkey-certs shared between its source files:
 * error reporting, names, PKI directory layout, atomic multi-file writes, the inventory,
 * X.509 building helpers, CA loading, profiles and the verb entry points. */
#ifndef LATCHKEY_CERTS_H
#define LATCHKEY_CERTS_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "cli.h"

#define LK_PROG "latchkey-certs"
#define LK_PATH_MAX 4096
#define LK_CN_MAX 64        /* X.509 upper bound of a commonName */
#define LK_ISO_LEN 20       /* "YYYY-MM-DDTHH:MM:SSZ" */
#define LK_SERIAL_BYTES 16
#define LK_SECRET_MAX 1024  /* passphrase / password buffer, including the NUL */

/* ---- diag.c: one-line errors on stderr ---- */
void lk_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Like lk_err, appends ": <reason>" of the most recent OpenSSL error and clears the queue. */
void lk_err_ssl(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- names.c: what may be a name, and where a CN is stored (pure functions) ---- */
int lk_user_name_valid(const char *user);     /* client CN: [A-Za-z0-9._@-]{1,64}, no leading '.', not "gateway" */
int lk_dns_name_valid(const char *name);      /* host name: labels [A-Za-z0-9-]{1,63} joined by '.', <= 253 */
int lk_ca_name_valid(const char *name);       /* printable ASCII, 1..52 chars */
/* Splits "site/door" into its parts, each [a-z0-9_-]{1,32}. Returns 1 if valid. */
int lk_device_name_split(const char *arg, char *site, size_t site_cap, char *door, size_t door_cap);
/* File stem of a CN: '/' replaced by '.'. Returns 0, or -1 if it does not fit. */
int lk_cn_stem(const char *cn, char *out, size_t cap);

/* ---- pki_dir.c: layout of DIR and the lock that serialises changes ---- */
struct lk_pki {
    char dir[LK_PATH_MAX];
    int lock_fd;
};
/* Creates DIR and its subdirectories if missing, locks it. For init. */
int lk_pki_create(struct lk_pki *pki, const char *dir);
/* Opens an initialised DIR (ca/ca.crt present) and locks it. */
int lk_pki_open(struct lk_pki *pki, const char *dir);
void lk_pki_close(struct lk_pki *pki);
/* DIR/<rel>. Returns 0, or -1 (reported) if it does not fit. */
int lk_pki_path(const struct lk_pki *pki, const char *rel, char *out, size_t cap);
/* 1 if path exists (any type), 0 if not, -1 on another error (reported). */
int lk_path_exists(const char *path);
/* Makes directory path with mode if missing (must be a directory if present). */
int lk_mkdir(const char *path, mode_t mode);

/* ---- txn.c: all-or-nothing writes of a few files (temp file + fsync + rename) ---- */
#define LK_TXN_MAX 4
struct lk_txn {
    int n;
    int committed;
    struct {
        char tmp[LK_PATH_MAX];
        char dst[LK_PATH_MAX];
        char old[LK_PATH_MAX]; /* hard link to the previous dst, "" if there was none */
    } f[LK_TXN_MAX];
};
void lk_txn_init(struct lk_txn *t);
/* Writes data to a new temp file next to dst (mode, fsync'd); nothing visible yet. */
int lk_txn_add(struct lk_txn *t, const char *dst, const void *data, size_t len, mode_t mode);
/* Same with the contents of a memory BIO. */
int lk_txn_add_bio(struct lk_txn *t, const char *dst, BIO *mem, mode_t mode);
/* Renames every temp file over its dst in order, then fsyncs the directories. If one
 * rename fails, the files already replaced are restored and the temps removed. */
int lk_txn_commit(struct lk_txn *t);
/* Removes temp files that were not committed. Safe to call after commit. */
void lk_txn_abort(struct lk_txn *t);

/* ---- inventory.c: DIR/index.tsv, one line per certificate ---- */
#define LK_INV_HEADER "# serial\tprofile\tsubject_cn\tnot_before\tnot_after\tstatus\n"
struct lk_inv_entry {
    char serial[2 * LK_SERIAL_BYTES + 3];
    char profile[16];
    char cn[LK_CN_MAX + 1];
    char not_before[LK_ISO_LEN + 1];
    char not_after[LK_ISO_LEN + 1];
    char status[16];
};
/* Parses one line (without its newline). 1 = entry, 0 = comment/blank, -1 = malformed. */
int lk_inv_parse_line(const char *line, size_t len, struct lk_inv_entry *e);
/* Formats an entry as one line with its newline. Returns its length, or 0 if invalid. */
size_t lk_inv_format_line(const struct lk_inv_entry *e, char *out, size_t cap);
/* Finds the last entry with status "valid", not_after > now_iso and, if profile is not
 * NULL, that profile, whose CN has the same file stem as stem. 1 = found (*found filled),
 * 0 = none, -1 = a malformed line (reported, with its number). */
int lk_inv_find_valid(const char *text, size_t len, const char *stem, const char *profile,
                      const char *now_iso, struct lk_inv_entry *found);
/* Reads the whole inventory into a malloc'd NUL-terminated buffer. */
int lk_inv_read(const char *path, char **text, size_t *len);
/* ISO 8601 UTC text of t: YYYY-MM-DDTHH:MM:SSZ. Returns 0 or -1. */
int lk_time_iso(time_t t, char out[LK_ISO_LEN + 1]);

/* ---- certgen.c: X.509 building blocks shared by ca.c and issue.c ---- */
EVP_PKEY *lk_keygen_p256(void);
int lk_set_random_serial(X509 *cert);
/* notBefore = now, notAfter = now + days; refuses an end in 2050 or later (UTCTime). */
int lk_set_validity(X509 *cert, long days);
int lk_set_subject_cn(X509 *cert, const char *cn);
/* Adds extension nid with the OpenSSL config value text (fixed strings only). */
int lk_add_ext(X509 *cert, X509 *issuer, int nid, const char *value);
/* Fills serial (hex), CN, not_before, not_after, status "valid" of an inventory entry. */
int lk_inv_entry_of(X509 *cert, const char *profile, struct lk_inv_entry *e);
/* PEM encodings into a memory BIO. pass NULL = unencrypted PKCS#8, else AES-256-CBC. */
int lk_pem_cert(BIO *out, X509 *cert);
int lk_pem_pkcs8(BIO *out, EVP_PKEY *key, const char *pass);
X509 *lk_load_cert(const char *path);
EVP_PKEY *lk_load_key(const char *path, const char *pass); /* pass may be NULL */

/* ---- ca.c: the CA itself ---- */
int lk_ca_load(const struct lk_pki *pki, const char *pass, X509 **cert, EVP_PKEY **key);

/* ---- profiles.c: the extensions of each leaf profile (DESIGN.md "Certificates") ---- */
enum lk_profile { LK_PROFILE_SERVER, LK_PROFILE_CLIENT, LK_PROFILE_DEVICE, LK_PROFILE_GATEWAY };
struct lk_profile_info {
    enum lk_profile id;
    const char *name;
    long default_days;
    const char *eku;
};
const struct lk_profile_info *lk_profile_find(const char *name);
/* Adds basicConstraints, keyUsage, EKU, SKI, AKI and (server) the SAN of dns/ips. */
int lk_profile_apply(const struct lk_profile_info *p, X509 *leaf, X509 *ca,
                     const char *const *dns, int ndns, const char *const *ips, int nips);

/* ---- password.c: generated export passwords ---- */
#define LK_PASSWORD_LEN 16
/* Maps random bytes to alphabet characters (rejection sampling, no bias). Consumes bytes
 * from rnd[0..n); returns the number of characters written to out (<= want). */
size_t lk_password_from_bytes(const unsigned char *rnd, size_t n, char *out, size_t want);
/* 16 characters from RAND_bytes + NUL. */
int lk_password_generate(char out[LK_PASSWORD_LEN + 1]);

/* ---- verbs ---- */
int lk_cmd_init(const struct lk_cli *cli);
int lk_cmd_issue(const struct lk_cli *cli);
int lk_cmd_export(const struct lk_cli *cli);
int lk_cmd_cmdkey(const struct lk_cli *cli);

#endif
