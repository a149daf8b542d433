/* pem_check.c - load-and-discard checks of certificate and key PEM files (OpenSSL). */
#include "pem_check.h"

#include <errno.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>

#include <lkhost/pem_load.h>

static FILE *open_ro(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
    return f;
}

int pem_check_certs(const char *path, char *err, size_t errlen)
{
    FILE *f = open_ro(path, err, errlen);
    X509 *x;
    if (f == NULL)
        return -1;
    x = PEM_read_X509(f, NULL, NULL, NULL);
    (void)fclose(f); /* read-only: nothing is lost if it fails */
    ERR_clear_error();
    if (x == NULL) {
        snprintf(err, errlen, "%s: no PEM certificate in it", path);
        return -1;
    }
    X509_free(x);
    return 0;
}

int pem_check_private_key(const char *path, int type, char *err, size_t errlen)
{
    FILE *f = open_ro(path, err, errlen);
    EVP_PKEY *k;
    if (f == NULL)
        return -1;
    /* No passphrase: keys must be unencrypted files (mode 0600), never prompted for. */
    k = PEM_read_PrivateKey(f, NULL, lkh_pem_passphrase, NULL);
    (void)fclose(f); /* read-only: nothing is lost if it fails */
    ERR_clear_error();
    if (k == NULL) {
        snprintf(err, errlen, "%s: no unencrypted PEM private key in it", path);
        return -1;
    }
    if (type != 0 && EVP_PKEY_get_id(k) != type) {
        snprintf(err, errlen, "%s: wrong key type (want %s)", path, OBJ_nid2sn(type));
        EVP_PKEY_free(k);
        return -1;
    }
    EVP_PKEY_free(k);
    return 0;
}
