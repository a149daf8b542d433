/* secrets.c - the CA passphrase and secret files of latchkey-certs (secrets.h): a file's
 * first line, $LATCHKEY_CA_PASSPHRASE, or the terminal. */
#include "secrets.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "args.h"
#include "diag.h"
#include "passprompt.h"

int lk_read_secret_file(const char *path, const char *what, char *out, size_t cap)
{
    FILE *f = fopen(path, "r");
    size_t len;
    int ok;
    if (f == NULL) {
        lk_err("cannot open %s file %s: %s", what, path, strerror(errno));
        return -1;
    }
    ok = fgets(out, (int)cap, f) != NULL;
    if (!ok && ferror(f)) {
        lk_err("cannot read %s file %s: %s", what, path, strerror(errno));
        (void)fclose(f); /* read-only: nothing is lost if it fails */
        return -1;
    }
    (void)fclose(f); /* read-only: nothing is lost if it fails */
    if (!ok)
        out[0] = '\0';
    len = strlen(out);
    if (len == cap - 1 && out[len - 1] != '\n') {
        OPENSSL_cleanse(out, cap);
        lk_err("%s in %s is too long (at most %zu characters)", what, path, cap - 2);
        return -1;
    }
    while (len > 0 && (out[len - 1] == '\n' || out[len - 1] == '\r'))
        out[--len] = '\0';
    if (len == 0) {
        lk_err("%s file %s is empty: an empty %s is not allowed", what, path, what);
        return -1;
    }
    return 0;
}

int lk_cli_ca_passphrase(const struct lk_cli *cli, char *out, size_t cap)
{
    const char *env;
    if (cli->passphrase_file != NULL)
        return lk_read_secret_file(cli->passphrase_file, "CA passphrase", out, cap);
    env = getenv("LATCHKEY_CA_PASSPHRASE");
    if (env == NULL && lk_tty_available())
        return lk_tty_read_secret("CA passphrase: ", 0, out, cap);
    if (env == NULL) {
        lk_err("no CA passphrase: use --passphrase-file FILE or set LATCHKEY_CA_PASSPHRASE");
        return -1;
    }
    if (*env == '\0') {
        lk_err("LATCHKEY_CA_PASSPHRASE is empty: an empty CA passphrase is not allowed");
        return -1;
    }
    if (strlen(env) >= cap) {
        lk_err("LATCHKEY_CA_PASSPHRASE is too long (at most %zu characters)", cap - 1);
        return -1;
    }
    memcpy(out, env, strlen(env) + 1);
    return 0;
}

/* ---- help ---- */

int lk_cli_ca_passphrase_new(const struct lk_cli *cli, char *out, size_t cap)
{
    if (cli->passphrase_file == NULL && getenv("LATCHKEY_CA_PASSPHRASE") == NULL &&
        lk_tty_available())
        return lk_tty_read_secret("New CA passphrase: ", 1, out, cap);
    return lk_cli_ca_passphrase(cli, out, cap);
}
