/* revoke.c - "revoke SERIAL|NAME [--reason R]": marks one certificate revoked in the
 * inventory with the date and the reason; "crl" then publishes it. A NAME means the
 * current certificate of that name (the valid one); a SERIAL names any entry, e.g. one
 * superseded by renew. Unknown, already revoked and the CA itself are refused. */
#include "verbs.h"

#include <stdio.h>
#include <string.h>

#include "args.h"
#include "diag.h"
#include "inventory.h"
#include "pki_dir.h"
#include "txn.h"

int certs_verb_revoke(const struct lk_cli *cli)
{
    const char *dir, *reason = cli->reason != NULL ? cli->reason : "unspecified", *arg;
    char idx_path[LK_PATH_MAX], now[LK_ISO_LEN + 1];
    struct lk_pki pki = {.lock_fd = -1};
    struct lk_txn txn;
    struct lk_inv inv;
    struct lk_inv_entry *e;
    BIO *idx = NULL;
    long i;
    int rc = -1;

    lk_txn_init(&txn);
    lk_inv_init(&inv);
    if (cli->npos != 2) {
        lk_err("%s; usage: %s", cli->npos < 2 ? "revoke needs a serial or a name" : "too many arguments",
               lk_cli_usage("revoke"));
        return -1;
    }
    arg = cli->pos[1];
    if (lk_reason_code(reason) < 0) {
        lk_err("unknown --reason '%s' (expected keyCompromise, superseded, cessationOfOperation, "
               "affiliationChanged or unspecified)", reason);
        return -1;
    }
    if ((dir = lk_cli_dir(cli)) == NULL || lk_pki_open(&pki, dir) != 0 ||
        lk_pki_path(&pki, "index.tsv", idx_path, sizeof idx_path) != 0 || lk_inv_load(idx_path, &inv) != 0)
        goto out;
    i = lk_inv_find_arg(&inv, arg);
    if (i < 0) {
        lk_err("no certificate with serial or name '%s' in %s (see 'latchkey-certs list')", arg, idx_path);
        goto out;
    }
    e = &inv.e[i];
    if (strcmp(e->profile, "ca") == 0) {
        lk_err("'%s' is the CA certificate itself; it cannot be revoked (retire the whole CA instead)", arg);
        goto out;
    }
    if (strcmp(e->status, LK_STATUS_REVOKED) == 0) {
        lk_err("%s (CN=%s) is already revoked since %s (%s)", e->serial, e->cn, e->revoked_at, e->reason);
        goto out;
    }
    if (lk_time_iso(time(NULL), now) != 0)
        goto out;
    snprintf(e->status, sizeof e->status, "%s", LK_STATUS_REVOKED);
    snprintf(e->revoked_at, sizeof e->revoked_at, "%s", now);
    snprintf(e->reason, sizeof e->reason, "%s", reason);
    idx = BIO_new(BIO_s_mem());
    if (idx == NULL) {
        lk_err_ssl("out of memory");
        goto out;
    }
    if (lk_inv_write_bio(&inv, idx) != 0 || lk_txn_add_bio(&txn, idx_path, idx, 0644) != 0 ||
        lk_txn_commit(&txn) != 0)
        goto out;
    printf("revoked %s certificate CN=%s (serial %s, reason %s); publish it with 'latchkey-certs crl'\n",
           e->profile, e->cn, e->serial, reason);
    rc = 0;
out:
    lk_txn_abort(&txn);
    BIO_free(idx);
    lk_inv_free(&inv);
    lk_pki_close(&pki);
    return rc;
}
