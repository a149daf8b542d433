/* leaf_verify.c - the listener's certificate verification through the verified-leaf cache
 * (see leaf_verify.h). */
#include "leaf_verify.h"

#include <time.h>

#include "leaf_cache.h"
#include "mem_trim.h"
#include "metrics.h"

/* libssl calls this in place of X509_verify_cert for the client's chain. A miss runs
 * X509_verify_cert, and through it lws' verify callback (tls_verify_client: its logs,
 * refusals and the no-certificate mode); a hit does what that callback does for an
 * accepted leaf. */
static int cert_verify(X509_STORE_CTX *xs, void *arg)
{
    struct web *sv = arg;
    int hit = 0;
    int rc = leaf_cache_verify(&sv->leaf_cache, &sv->tls, xs, time(NULL), &hit);

    metrics_cert_check(hit);
    if (hit)
        mem_trim_note();
    return rc;
}

void leaf_verify_setup(struct web *sv, SSL_CTX *ctx)
{
    leaf_cache_init(&sv->leaf_cache, sv->app->conf->server.cert_cache_seconds);
    SSL_CTX_set_cert_verify_callback(ctx, cert_verify, sv);
}
