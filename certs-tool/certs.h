/* certs.h - internal interfaces of latchkey-certs shared between its source files:
 * error reporting, names, PKI directory layout, atomic multi-file writes, the inventory,
 * X.509 building helpers, CA loading, profiles and the verb entry points. */
#ifndef LATCHKEY_CERTS_H
#define LATCHKEY_CERTS_H

#include <stddef.h>
#include <stdio.h>
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
/* The same as a warning: "latchkey-certs: warning: MESSAGE". */
void lk_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
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
#define LK_TXN_MAX 8 /* bundle writes 6 files */
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
/* ISO 8601 UTC text of t: YYYY-MM-DDTHH:MM:SSZ. Returns 0 or -1. */
int lk_time_iso(time_t t, char out[LK_ISO_LEN + 1]);
/* The reverse (exactly that form). Returns 0, or -1 (not reported). */
int lk_iso_to_time(const char *iso, time_t *out);
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

/* ---- certgen.c: X.509 building blocks shared by ca.c and issue.c ---- */
EVP_PKEY *lk_keygen_p256(void);
/* The CA key types of init: "p256", "p384", "rsa3072". NULL (reported) for another. */
EVP_PKEY *lk_keygen_type(const char *type);
/* The digest a key of the CA signs with: SHA-384 for P-384, else SHA-256. */
const EVP_MD *lk_sign_md(EVP_PKEY *key);
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
/* Refuses a CA certificate that has expired (or is not yet valid): nothing can be signed. */
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
/* The same for a profile named on the command line: reports an unknown one. */
const struct lk_profile_info *lk_profile_arg(const char *name);
/* Checks a subject CN for the profile exactly as issue does (server: host name; client:
 * user name; device: SITE/DOOR; gateway: "gateway"). Reports and returns -1 if invalid. */
int lk_profile_check_cn(const struct lk_profile_info *p, const char *cn);
/* Checks --dns/--ip: only for server, which needs at least one. */
int lk_profile_check_sans(const struct lk_profile_info *p, const char *const *dns, int ndns,
                          const char *const *ips, int nips);
/* Adds basicConstraints, keyUsage, EKU, SKI, AKI and (server) the SAN of dns/ips. */
int lk_profile_apply(const struct lk_profile_info *p, X509 *leaf, X509 *ca,
                     const char *const *dns, int ndns, const char *const *ips, int nips);

/* ---- issue.c: leaf certificates, shared by issue, sign and renew ---- */
struct lk_leaf_req {
    const struct lk_profile_info *profile;
    char cn[LK_CN_MAX + 1];
    char stem[LK_CN_MAX + 1];
    long days;
    const char *const *dns;
    int ndns;
    const char *const *ips;
    int nips;
    X509_EXTENSION *san; /* renew: the previous certificate's SAN, used instead of dns/ips */
};
/* issue, sign: --days (else the profile's default) and --dns/--ip (checked for the profile). */
int lk_leaf_req_options(struct lk_leaf_req *req, const struct lk_cli *cli);
/* req->stem of req->cn. */
int lk_leaf_req_stem(struct lk_leaf_req *req);
/* Refuses a CN (or one with the same file stem) that is issued, valid and not expired. */
int lk_leaf_refuse_duplicate(const struct lk_inv *inv, const char *cn, const char *stem);
/* A leaf for pub signed by the CA: serial, CN, validity (not past the CA's), profile. */
X509 *lk_leaf_build(const struct lk_leaf_req *req, EVP_PKEY *pub, X509 *ca, EVP_PKEY *ca_key);
/* DIR/archive/<SERIAL>.crt: every certificate signed, by serial (creates DIR/archive). */
int lk_archive_path(const struct lk_pki *pki, const char *serial, char *out, size_t cap);
/* DIR/issued/<stem>.crt and DIR/private/<stem>.key (either may be NULL); the one place that
 * names them (also used by leaf_load, bundle, list). */
int lk_leaf_paths(const struct lk_pki *pki, const char *stem, char *crt, char *key, size_t cap);

/* ---- leaf_job.c: the steps issue, sign and renew share around lk_leaf_build ---- */
struct lk_leaf_job {
    struct lk_pki pki;
    struct lk_inv inv;          /* DIR/index.tsv as loaded */
    char idx_path[LK_PATH_MAX];
    char crt_path[LK_PATH_MAX]; /* DIR/issued/<stem>.crt */
    char key_path[LK_PATH_MAX]; /* DIR/private/<stem>.key */
    X509 *ca;                   /* lk_ca_load(&j->pki, ...) fills these; freed by lk_leaf_job_free */
    EVP_PKEY *ca_key;
};
void lk_leaf_job_init(struct lk_leaf_job *j);
void lk_leaf_job_free(struct lk_leaf_job *j);
/* Opens (locks) DIR and loads the inventory. With new_leaf (issue, sign): also works out
 * crt_path (and key_path if with_key) of its stem, and refuses a duplicate of its CN.
 * Without (renew): the caller fills the paths with lk_leaf_paths. */
int lk_leaf_job_open(struct lk_leaf_job *j, const char *dir, const struct lk_leaf_req *new_leaf,
                     int with_key);
/* Writes in one all-or-nothing step: key (if not NULL) to key_path (0600), leaf to
 * crt_path, archive/<SERIAL>.crt and extra_out (if not NULL), and the inventory with the
 * leaf's entry appended (with key_source, copied before the table grows). *entry = it. */
int lk_leaf_job_commit(struct lk_leaf_job *j, const struct lk_leaf_req *req, X509 *leaf, EVP_PKEY *key,
                       const char *key_source, const char *extra_out, struct lk_inv_entry *entry);

/* ---- list.c: list / show ---- */
/* The PEM file of an inventory entry: DIR/archive/<SERIAL>.crt, DIR/ca/ca.crt for the CA,
 * or (made before archive/ existed) DIR/issued/<stem>.crt if it still holds that serial.
 * 0 = found, 1 = no copy kept (out = ""), -1 = error (reported). */
int lk_inv_cert_path(const struct lk_pki *pki, const struct lk_inv_entry *e, char *out, size_t cap);

/* ---- passprompt.c: secrets typed on the terminal (/dev/tty, no echo) ---- */
/* 1 if stdin is a terminal and /dev/tty can be opened. */
int lk_tty_available(void);
/* Prompts on /dev/tty and reads one line without echo; confirm = ask twice, must match. */
int lk_tty_read_secret(const char *prompt, int confirm, char *out, size_t cap);
/* The new CA passphrase of init: --passphrase-file, $LATCHKEY_CA_PASSPHRASE, else asked
 * twice on the terminal. */
int lk_cli_ca_passphrase_new(const struct lk_cli *cli, char *out, size_t cap);

/* ---- password.c: generated export passwords ---- */
#define LK_PASSWORD_LEN 16
/* Maps random bytes to alphabet characters (rejection sampling, no bias). Consumes bytes
 * from rnd[0..n); returns the number of characters written to out (<= want). */
size_t lk_password_from_bytes(const unsigned char *rnd, size_t n, char *out, size_t want);
/* 16 characters from RAND_bytes + NUL. */
int lk_password_generate(char out[LK_PASSWORD_LEN + 1]);

/* ---- inv_foreach.c: walking the inventory ---- */
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

/* ---- leaf_load.c: an issued certificate and its key, checked against the inventory ---- */
/* Loads DIR/issued/<stem>.crt and DIR/private/<stem>.key of CN cn, which must be valid in
 * the inventory with that profile; checks the CN and that key and certificate match. */
int lk_leaf_load(const struct lk_pki *pki, const char *profile, const char *cn, X509 **cert,
                 EVP_PKEY **key);
/* Reads a whole file (at most max bytes) into a malloc'd NUL-terminated buffer. */
int lk_file_read_all(const char *path, size_t max, char **data, size_t *len);

/* ---- export_p12.c: the phone's PKCS#12 ---- */
/* DER of USER's PKCS#12 (cert, key, CA) under pw, modern or legacy form, in *der (secmem). */
int lk_p12_for_user(const struct lk_pki *pki, const char *user, const char *pw, int legacy,
                    BIO **der);

/* ---- mobileconfig.c: iOS configuration profile ---- */
/* Appends the plist XML of a profile with a com.apple.security.pkcs12 payload (p12 DER)
 * and a com.apple.security.root payload (CA). password NULL = not embedded. */
int lk_mobileconfig_build(BIO *out, const char *user, const unsigned char *p12, size_t p12_len,
                          X509 *ca, const char *password);
/* XML text escaping of s into out (&amp; &lt; &gt; &quot; &apos;); refuses control
 * characters other than tab/newline. Returns 0 or -1. Pure, unit tested. */
int lk_xml_escape(const char *s, char *out, size_t cap);
/* A random (version 4) UUID, upper-case, 36 characters + NUL. */
int lk_uuid_random(char out[37]);

/* ---- hostport.c: HOST:PORT arguments ---- */
/* Splits "host:port", "[v6]:port" (port 1..65535). host is a DNS name or IP literal
 * (brackets removed). Returns 0, or -1 after reporting what (the option name) is wrong. */
int lk_hostport_parse(const char *arg, const char *what, char *host, size_t cap, long *port);
int lk_host_valid(const char *host); /* DNS name, IPv4 or IPv6 literal */

/* ---- c_literal.c: C source text for the device bundle header ---- */
/* Appends s as one or more adjacent C string literals (a line per input line). */
int lk_c_string_literal(BIO *out, const char *s, size_t len, const char *indent);

/* ---- qr_term.c: QR code for a terminal ---- */
/* Prints text as a QR code of UTF-8 half blocks (two module rows per line) on f; with
 * ansi, forces white-on-black colours so it scans on any terminal background. */
int lk_qr_print(FILE *f, const char *text, int ansi);

/* ---- enroll_http.c: the enrollment endpoint's HTTP (pure, unit tested) ---- */
#define LK_ENROLL_REQ_MAX 4096 /* a request head larger than this is refused */
enum lk_enroll_req {
    LK_REQ_INCOMPLETE,  /* head not complete yet: read more */
    LK_REQ_BAD,         /* not an HTTP/1.x request line: 400 */
    LK_REQ_METHOD,      /* not GET: 405 */
    LK_REQ_OTHER_PATH,  /* not under /enroll/: 404, not counted */
    LK_REQ_WRONG_TOKEN, /* under /enroll/ but not token-shaped: 404, counted */
    LK_REQ_TOKEN        /* GET /enroll/<token>: *tok, *toklen point into buf */
};
enum lk_enroll_req lk_enroll_parse(const char *buf, size_t len, const char **tok, size_t *toklen);
const char *lk_enroll_status_text(int status);

/* ---- verbs ---- */
int lk_cmd_init(const struct lk_cli *cli);
int lk_cmd_issue(const struct lk_cli *cli);
int lk_cmd_export(const struct lk_cli *cli);
int lk_cmd_cmdkey(const struct lk_cli *cli);
int lk_cmd_sign(const struct lk_cli *cli);
int lk_cmd_revoke(const struct lk_cli *cli);
int lk_cmd_crl(const struct lk_cli *cli);
int lk_cmd_list(const struct lk_cli *cli);
int lk_cmd_show(const struct lk_cli *cli);
int lk_cmd_renew(const struct lk_cli *cli);
int lk_cmd_enroll(const struct lk_cli *cli);
int lk_cmd_bundle(const struct lk_cli *cli);
int lk_cmd_broker_config(const struct lk_cli *cli);

#endif
