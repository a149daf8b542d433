/* pki_dir.h - the PKI directory DIR: its layout and the lock that serialises changes. */
#ifndef LK_CERTS_PKI_DIR_H
#define LK_CERTS_PKI_DIR_H

#include <stddef.h>
#include <sys/types.h>

#define LK_PATH_MAX 4096

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

#endif
