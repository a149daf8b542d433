/* pem_load.h - PEM certificates and private keys loaded with OpenSSL, and a key checked
 * against its certificate: the one way the host programs that use OpenSSL read them. Never
 * prompts on a terminal. Part of latchkey_host_ossl (the device's port uses wolfSSL and
 * does not link this). */
#ifndef LKHOST_PEM_LOAD_H
#define LKHOST_PEM_LOAD_H

#include <openssl/evp.h>
#include <openssl/x509.h>

/* pem_password_cb: u is the passphrase (NUL-terminated) or NULL. With NULL an encrypted
 * key fails to load instead of OpenSSL asking for a passphrase on the terminal. */
int lkh_pem_passphrase(char *buf, int size, int rwflag, void *u);

enum lkh_load {
    LKH_LOAD_OK,
    LKH_LOAD_NO_FILE,  /* cannot open the file (reason on OpenSSL's error queue) */
    LKH_LOAD_BAD,      /* not PEM of that kind, or a wrong passphrase (reason on the queue) */
    LKH_LOAD_MISMATCH  /* lkh_key_load_for: a key, but not the certificate's (queue cleared) */
};

/* The first certificate of a PEM file. NULL with the reason on OpenSSL's error queue. */
X509 *lkh_cert_load(const char *path);

/* The private key of a PEM file (pass NULL: an unencrypted one only). *key is set (and
 * owned by the caller) only with LKH_LOAD_OK. */
enum lkh_load lkh_key_load(const char *path, const char *pass, EVP_PKEY **key);

/* The same, and the key must be the one of cert (X509_check_private_key). */
enum lkh_load lkh_key_load_for(X509 *cert, const char *path, const char *pass, EVP_PKEY **key);

#endif
