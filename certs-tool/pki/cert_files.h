/* cert_files.h - where the files of each certificate are in DIR: issued/<stem>.crt and
 * private/<stem>.key (the current ones of a name), archive/<SERIAL>.crt (every certificate
 * signed), and the PEM file of an inventory entry. The one place that names them. */
#ifndef LK_CERTS_CERT_FILES_H
#define LK_CERTS_CERT_FILES_H

#include <stddef.h>

#include "inventory.h"
#include "pki_dir.h"

/* DIR/archive/<SERIAL>.crt: every certificate signed, by serial (creates DIR/archive). */
int lk_archive_path(const struct lk_pki *pki, const char *serial, char *out, size_t cap);
/* DIR/issued/<stem>.crt and DIR/private/<stem>.key (either may be NULL). */
int lk_leaf_paths(const struct lk_pki *pki, const char *stem, char *crt, char *key, size_t cap);
/* The PEM file of an inventory entry: DIR/archive/<SERIAL>.crt, DIR/ca/ca.crt for the CA,
 * or (made before archive/ existed) DIR/issued/<stem>.crt if it still holds that serial.
 * 0 = found, 1 = no copy kept (out = ""), -1 = error (reported). */
int lk_inv_cert_path(const struct lk_pki *pki, const struct lk_inv_entry *e, char *out, size_t cap);

#endif
