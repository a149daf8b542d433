/* enroll_link.c - what the one-time links of enroll and scep share: the TLS context of the
 * PKI's server certificate and the check of --url-base. */
#include "enroll_link.h"

#include <stdio.h>
#include <string.h>

#include "certgen.h"
#include "diag.h"
#include "inv_foreach.h"
#include "inventory.h"
#include "leaf_load.h"

SSL_CTX *lk_enroll_tls_ctx(const struct lk_pki *pki, const char *name, char *cn, size_t cap)
{
    struct lk_inv_entry e;
    char ca_path[LK_PATH_MAX];
    X509 *cert = NULL, *ca = NULL;
    EVP_PKEY *key = NULL;
    SSL_CTX *ctx = NULL;
    int r;
    if (name == NULL) {
        r = lk_inv_lookup(pki, "server", NULL, &e);
        if (r <= 0) {
            if (r == 0)
                lk_err(
                    "no valid server certificate in the inventory; issue one or give "
                    "--server-name");
            return NULL;
        }
        name = e.cn;
    }
    snprintf(cn, cap, "%s", name);
    if (lk_leaf_load(pki, "server", cn, &cert, &key) != 0 ||
        lk_pki_path(pki, "ca/ca.crt", ca_path, sizeof ca_path) != 0 ||
        (ca = lk_load_cert(ca_path)) == NULL)
        goto out;
    ctx = SSL_CTX_new(TLS_server_method());
    if (ctx == NULL || SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
        SSL_CTX_use_certificate(ctx, cert) != 1 || SSL_CTX_use_PrivateKey(ctx, key) != 1 ||
        SSL_CTX_add1_chain_cert(ctx, ca) != 1) {
        lk_err_ssl("cannot set up TLS with the server certificate '%s'", cn);
        SSL_CTX_free(ctx);
        ctx = NULL;
    }
out:
    X509_free(cert);
    X509_free(ca);
    EVP_PKEY_free(key);
    return ctx;
}

int lk_enroll_check_url_base(const char *u)
{
    size_t i, len = strlen(u);
    if ((strncmp(u, "https://", 8) != 0 && strncmp(u, "http://", 7) != 0) || len > 200 || len < 9 ||
        u[len - 1] == '/') {
        lk_err("--url-base must be https://HOST[:PORT][/PATH] without a trailing '/', got '%s'", u);
        return -1;
    }
    for (i = 0; i < len; i++)
        if ((unsigned char)u[i] <= 0x20 || (unsigned char)u[i] >= 0x7f || u[i] == '"' ||
            u[i] == '<' || u[i] == '>') {
            lk_err("--url-base contains a character that is not allowed in a link");
            return -1;
        }
    return 0;
}
