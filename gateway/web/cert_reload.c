/* cert_reload.c - re-reading the listener's certificate and key into its SSL_CTX (see
 * cert_reload.h). */
#include "cert_reload.h"

#include <errno.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "gw_log.h"

/* What says a file changed: stat of its target (certbot's live/ names are symlinks that
 * move to a new archive file on renewal). */
static void stamp_of(const char *path, struct cert_stamp *st)
{
    struct stat s;
    memset(st, 0, sizeof *st);
    if (stat(path, &s) != 0)
        return;
    st->dev = s.st_dev, st->ino = s.st_ino, st->size = s.st_size;
    st->mtime_sec = s.st_mtim.tv_sec, st->mtime_nsec = s.st_mtim.tv_nsec;
}

static int same_stamp(const struct cert_stamp *a, const struct cert_stamp *b)
{
    return memcmp(a, b, sizeof *a) == 0;
}

void cert_reload_init(struct web *sv)
{
    stamp_of(sv->app->conf->server.cert, &sv->cert_stamp);
    stamp_of(sv->app->conf->server.key, &sv->key_stamp);
}

/* The leaf and the chain after it in path (*chain may stay empty); -1 with err. */
static int read_chain(const char *path, X509 **leaf, STACK_OF(X509) * *chain, char *err,
                      size_t errlen)
{
    FILE *f = fopen(path, "r");
    X509 *x;

    *leaf = NULL;
    *chain = NULL;
    if (f == NULL)
        return snprintf(err, errlen, "%s: %s", path, strerror(errno)), -1;
    *leaf = PEM_read_X509(f, NULL, NULL, NULL);
    *chain = sk_X509_new_null();
    while (*leaf != NULL && *chain != NULL && (x = PEM_read_X509(f, NULL, NULL, NULL)) != NULL)
        if (sk_X509_push(*chain, x) == 0) {
            X509_free(x);
            break;
        }
    ERR_clear_error(); /* the end of the file */
    (void)fclose(f);   /* read-only: nothing is lost if it fails */
    if (*leaf == NULL || *chain == NULL)
        return snprintf(err, errlen, "%s: no PEM certificate", path), -1;
    return 0;
}

static EVP_PKEY *read_key(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    EVP_PKEY *k;
    if (f == NULL)
        return snprintf(err, errlen, "%s: %s", path, strerror(errno)), NULL;
    k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    (void)fclose(f); /* read-only: nothing is lost if it fails */
    ERR_clear_error();
    if (k == NULL)
        snprintf(err, errlen, "%s: no unencrypted PEM private key", path);
    return k;
}

/* Loads cert + key, checks they belong together, and puts them into ctx. */
static int install_pair(SSL_CTX *ctx, const char *cert, const char *key, char *err, size_t errlen)
{
    STACK_OF(X509) *chain = NULL;
    X509 *leaf = NULL;
    EVP_PKEY *pkey = NULL;
    int rc = -1;

    if (read_chain(cert, &leaf, &chain, err, errlen) != 0 ||
        (pkey = read_key(key, err, errlen)) == NULL)
        goto out;
    if (X509_check_private_key(leaf, pkey) != 1)
        snprintf(err, errlen, "%s does not belong to the certificate %s", key, cert);
    else if (SSL_CTX_use_cert_and_key(ctx, leaf, pkey, chain, 1) != 1)
        snprintf(err, errlen, "OpenSSL refused the pair");
    else
        rc = 0;
out:
    ERR_clear_error();
    EVP_PKEY_free(pkey);
    X509_free(leaf);
    sk_X509_pop_free(chain, X509_free);
    return rc;
}

int cert_reload_poll(struct web *sv, int force)
{
    const struct conf *c = sv->app->conf;
    struct cert_stamp cert, key;
    char err[600], until[64] = "?";
    X509 *now;

    stamp_of(c->server.cert, &cert);
    stamp_of(c->server.key, &key);
    if (!force && same_stamp(&cert, &sv->cert_stamp) && same_stamp(&key, &sv->key_stamp))
        return 0;
    if (sv->ssl_ctx == NULL)
        return 0;
    if (install_pair(sv->ssl_ctx, c->server.cert, c->server.key, err, sizeof err) != 0) {
        /* A renewal replaces two files one after the other: a pair caught in between gets
         * one more tick before it is said to be wrong. */
        if (!force && !sv->cert_retrying) {
            sv->cert_retrying = 1;
            return 0;
        }
        sv->cert_retrying = 0;
        sv->cert_stamp = cert;
        sv->key_stamp = key;
        gw_log("tls: server certificate not reloaded: %s; the one in force stays", err);
        return -1;
    }
    sv->cert_retrying = 0;
    sv->cert_stamp = cert;
    sv->key_stamp = key;
    now = SSL_CTX_get0_certificate(sv->ssl_ctx);
    if (now != NULL) {
        BIO *b = BIO_new(BIO_s_mem());
        if (b != NULL && ASN1_TIME_print(b, X509_get0_notAfter(now)) == 1) {
            int n = BIO_read(b, until, (int)sizeof until - 1);
            until[n > 0 ? n : 0] = '\0';
        }
        BIO_free(b);
    }
    gw_log("tls: server certificate %s reloaded (valid until %s); open connections keep theirs",
           c->server.cert, until);
    return 1;
}
