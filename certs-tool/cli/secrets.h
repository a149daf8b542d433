/* secrets.h - where latchkey-certs' secrets come from: a file (first line), the
 * environment, or the terminal (passprompt.h); never argv. */
#ifndef LK_CERTS_SECRETS_H
#define LK_CERTS_SECRETS_H

#include <stddef.h>

#include "args.h"

/* Reads the first line of path (without \r\n) into out. Refuses an empty or too long line. */
int lk_read_secret_file(const char *path, const char *what, char *out, size_t cap);

/* The CA passphrase: --passphrase-file, else $LATCHKEY_CA_PASSPHRASE. Refuses empty. */
int lk_cli_ca_passphrase(const struct lk_cli *cli, char *out, size_t cap);
/* The new CA passphrase of init: --passphrase-file, $LATCHKEY_CA_PASSPHRASE, else asked
 * twice on the terminal. */
int lk_cli_ca_passphrase_new(const struct lk_cli *cli, char *out, size_t cap);

#endif
