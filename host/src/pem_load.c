/* pem_load.c - PEM certificate and key loading, and the key-matches-certificate check
 * (pem_load.h), on OpenSSL 3. */
#include "lkhost/pem_load.h"

#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>

int lkh_pem_passphrase(char *buf, int size, int rwflag, void *u)
{
    const char *pass = u;
    size_t len;
    (void)rwflag;
    if (pass == NULL)
        return -1;
    len = strlen(pass);
    if (size < 0 || len > (size_t)size)
        return -1;
    memcpy(buf, pass, len);
    return (int)len;
}

X509 *lkh_cert_load(const char *path)
{
    BIO *in = BIO_new_file(path, "r");
    X509 *cert = in != NULL ? PEM_read_bio_X509(in, NULL, NULL, NULL) : NULL;
    BIO_free(in);
    return cert;
}

enum lkh_load lkh_key_load(const char *path, const char *pass, EVP_PKEY **key)
{
    BIO *in = BIO_new_file(path, "r");
    *key = NULL;
    if (in == NULL)
        return LKH_LOAD_NO_FILE;
    *key = PEM_read_bio_PrivateKey(in, NULL, lkh_pem_passphrase, (void *)pass);
    BIO_free(in);
    return *key != NULL ? LKH_LOAD_OK : LKH_LOAD_BAD;
}

enum lkh_load lkh_key_load_for(X509 *cert, const char *path, const char *pass, EVP_PKEY **key)
{
    enum lkh_load r = lkh_key_load(path, pass, key);
    if (r != LKH_LOAD_OK)
        return r;
    if (X509_check_private_key(cert, *key) != 1) {
        ERR_clear_error();
        EVP_PKEY_free(*key);
        *key = NULL;
        return LKH_LOAD_MISMATCH;
    }
    return LKH_LOAD_OK;
}
