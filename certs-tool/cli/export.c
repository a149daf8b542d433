/* export.c - "export": a password-protected PKCS#12 of a user's client certificate, key
 * and the CA certificate, for a phone (pki/p12.c; docs/certs.md, "export"). Modern form:
 * OpenSSL 3 defaults (AES-256-CBC, PBKDF2, SHA-256 MAC); --legacy: 3DES bags and a SHA-1
 * MAC, which every phone imports (docs/phones.md). --mobileconfig also wraps it into an
 * iOS configuration profile (pki/mobileconfig.c). */
#include "verbs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pkcs12.h>

#include "args.h"
#include "certgen.h"
#include "diag.h"
#include "mobileconfig.h"
#include "names.h"
#include "p12.h"
#include "password.h"
#include "pki_dir.h"
#include "secrets.h"
#include "txn.h"

static int add_mobileconfig(struct lk_txn *txn, const struct lk_pki *pki, const char *path,
                            const char *user, const char *pw, int embed)
{
    char ca_path[LK_PATH_MAX];
    BIO *der = NULL, *xml = NULL;
    X509 *ca = NULL;
    const unsigned char *p12 = NULL;
    long p12_len;
    int rc = -1;

    if (lk_p12_for_user(pki, user, pw, 1, &der) != 0 ||
        lk_pki_path(pki, "ca/ca.crt", ca_path, sizeof ca_path) != 0 ||
        (ca = lk_load_cert(ca_path)) == NULL)
        goto out;
    p12_len = BIO_get_mem_data(der, (char **)&p12);
    xml = BIO_new(BIO_s_secmem());
    if (xml == NULL || p12_len <= 0) {
        lk_err_ssl("out of memory");
        goto out;
    }
    if (lk_mobileconfig_build(xml, user, p12, (size_t)p12_len, ca, embed ? pw : NULL) != 0 ||
        lk_txn_add_bio(txn, path, xml, 0600) != 0)
        goto out;
    rc = 0;
out:
    BIO_free(xml);
    BIO_free(der);
    X509_free(ca);
    return rc;
}

int certs_verb_export(const struct lk_cli *cli)
{
    const char *user, *dir;
    char pw[LK_SECRET_MAX];
    struct lk_pki pki = {.lock_fd = -1};
    struct lk_txn txn;
    BIO *der = NULL;
    int generated = cli->password_file == NULL, rc = -1;
    int want_p12 = cli->out != NULL && *cli->out != '\0';
    int want_mc = cli->mobileconfig != NULL && *cli->mobileconfig != '\0';

    lk_txn_init(&txn);
    pw[0] = '\0';
    if (cli->npos != 2) {
        lk_err("%s; usage: %s", cli->npos < 2 ? "export needs a user name" : "too many arguments",
               lk_cli_usage("export"));
        return -1;
    }
    user = cli->pos[1];
    if (!lk_user_name_valid(user)) {
        lk_err("invalid user name '%s'", user);
        return -1;
    }
    if (!want_p12 && !want_mc) {
        lk_err("export needs --out FILE.p12 and/or --mobileconfig FILE");
        return -1;
    }
    if (cli->embed_password && !want_mc) {
        lk_err("--embed-password only applies with --mobileconfig");
        return -1;
    }
    if (want_p12 && want_mc && strcmp(cli->out, cli->mobileconfig) == 0) {
        lk_err("--out and --mobileconfig name the same file");
        return -1;
    }
    if ((dir = lk_cli_dir(cli)) == NULL)
        return -1;
    if (generated ? lk_password_generate(pw) != 0
                  : lk_read_secret_file(cli->password_file, "export password", pw, sizeof pw) != 0)
        goto out;
    if (lk_pki_open(&pki, dir) != 0)
        goto out;
    if (want_p12 && (lk_p12_for_user(&pki, user, pw, cli->legacy, &der) != 0 ||
                     lk_txn_add_bio(&txn, cli->out, der, 0600) != 0))
        goto out;
    if (want_mc && add_mobileconfig(&txn, &pki, cli->mobileconfig, user, pw, cli->embed_password) != 0)
        goto out;
    if (lk_txn_commit(&txn) != 0)
        goto out;
    if (want_p12)
        printf("wrote %s (%s) for %s\n", cli->out,
               cli->legacy ? "legacy: 3DES, SHA-1 MAC" : "AES-256-CBC, SHA-256 MAC", user);
    if (want_mc)
        printf("wrote %s (iOS profile, legacy p12 + CA; password %s) for %s\n", cli->mobileconfig,
               cli->embed_password ? "EMBEDDED: keep the file secret" : "not embedded", user);
    if (generated)
        printf("password: %s\n", pw);
    rc = 0;
out:
    lk_txn_abort(&txn);
    OPENSSL_cleanse(pw, sizeof pw);
    BIO_free(der);
    lk_pki_close(&pki);
    return rc;
}
