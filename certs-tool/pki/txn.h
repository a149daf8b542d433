/* txn.h - all-or-nothing writes of a few files (temp file + fsync + rename). */
#ifndef LK_CERTS_TXN_H
#define LK_CERTS_TXN_H

#include <stddef.h>
#include <sys/types.h>

#include <openssl/bio.h>

#include "pki_dir.h"

#define LK_TXN_MAX 12 /* bundle writes 8 files, and 2 more the first time (the ack key) */
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

#endif
