/* crl.c - "crl": signs a new CRL (pki/crl.c) with the next CRL number and writes the CRL
 * and the number in one all-or-nothing step; quiet on success unless -v, so that a timer
 * can run it before nextUpdate. */
#include "verbs.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/pem.h>

#include "args.h"
#include "ca.h"
#include "crl.h"
#include "diag.h"
#include "inventory.h"
#include "password.h"
#include "pki_dir.h"
#include "secrets.h"
#include "txn.h"

#define CRL_DEFAULT_DAYS 30L /* fits an offline CA: re-signed by hand every few weeks */

int certs_verb_crl(const struct lk_cli *cli)
{
    const char *dir;
    long days = cli->days > 0 ? cli->days : CRL_DEFAULT_DAYS;
    char pass[LK_SECRET_MAX], idx_path[LK_PATH_MAX], num_path[LK_PATH_MAX], out_path[LK_PATH_MAX],
        num_text[32];
    struct lk_pki pki = {.lock_fd = -1};
    struct lk_txn txn;
    struct lk_inv inv;
    unsigned long long number;
    X509 *ca = NULL;
    EVP_PKEY *ca_key = NULL;
    X509_CRL *crl = NULL;
    BIO *pem = NULL;
    int rc = -1, nrevoked = 0;

    lk_txn_init(&txn);
    lk_inv_init(&inv);
    pass[0] = '\0';
    if (cli->npos != 1) {
        lk_err("crl takes no arguments; usage: %s", lk_cli_usage("crl"));
        return -1;
    }
    if (cli->out != NULL && cli->out[0] == '\0') {
        lk_err("--out needs a file name");
        return -1;
    }
    if ((dir = lk_cli_dir(cli)) == NULL || lk_cli_ca_passphrase(cli, pass, sizeof pass) != 0)
        goto out;
    if (lk_pki_open(&pki, dir) != 0 || lk_pki_path(&pki, "index.tsv", idx_path, sizeof idx_path) != 0 ||
        lk_pki_path(&pki, "crlnumber", num_path, sizeof num_path) != 0)
        goto out;
    if (cli->out != NULL)
        snprintf(out_path, sizeof out_path, "%s", cli->out);
    else if (lk_pki_path(&pki, "crl.pem", out_path, sizeof out_path) != 0)
        goto out;
    if (lk_inv_load(idx_path, &inv) != 0 || lk_crl_number_read(num_path, &number) != 0)
        goto out;
    number++;
    if (lk_ca_load(&pki, pass, &ca, &ca_key) != 0)
        goto out;
    OPENSSL_cleanse(pass, sizeof pass);
    if ((crl = lk_crl_build(&inv, ca, ca_key, days, number, &nrevoked)) == NULL)
        goto out;
    pem = BIO_new(BIO_s_mem());
    if (pem == NULL || PEM_write_bio_X509_CRL(pem, crl) != 1) {
        lk_err_ssl("cannot encode the CRL");
        goto out;
    }
    snprintf(num_text, sizeof num_text, "%llu\n", number);
    /* The CRL first: if the number cannot be written, the CRL is put back as well. */
    if (lk_txn_add_bio(&txn, out_path, pem, 0644) != 0 ||
        lk_txn_add(&txn, num_path, num_text, strlen(num_text), 0644) != 0 || lk_txn_commit(&txn) != 0)
        goto out;
    if (cli->verbose)
        printf("wrote %s: CRL number %llu, %d revoked, next update in %ld days\n", out_path, number,
               nrevoked, days);
    rc = 0;
out:
    lk_txn_abort(&txn);
    OPENSSL_cleanse(pass, sizeof pass);
    BIO_free(pem);
    X509_CRL_free(crl);
    X509_free(ca);
    EVP_PKEY_free(ca_key);
    lk_inv_free(&inv);
    lk_pki_close(&pki);
    return rc;
}
