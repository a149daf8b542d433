/* wire_fold.c - where the obs-fold scanner sees the listener's plaintext (see wire_fold.h).
 * lws 4.1 parses a header line that starts with a space or a tab as a new header whose name
 * begins with that space and runs to the next ':' (swallowing the lines in between), keeps
 * it in its custom-header list, which can be looked up by exact name only, and hands the
 * request on: nothing in its API shows the fold. So the bytes are seen where lws gets them:
 * this file defines SSL_read, which the dynamic linker binds lws's calls to (a definition in
 * the executable comes before libssl's), and which calls libssl's SSL_read and feeds what
 * it returns on a marked listener's HTTP/1.1 connection to the scanner kept in the SSL's
 * ex_data. Every other caller (the MQTT client, the webhook) passes straight through.
 * attack_web_attacks proves the binding on the running gateway. */
#define _GNU_SOURCE /* RTLD_NEXT */
#include "wire_fold.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef int (*ssl_read_fn)(SSL *ssl, void *buf, int num);

static pthread_once_t once = PTHREAD_ONCE_INIT;
static ssl_read_fn real_ssl_read;
static int ctx_index = -1; /* SSL_CTX ex_data: non-NULL on a scanned listener */
static int ssl_index = -1; /* SSL ex_data: its struct wire_fold_scan */
/* Kept for a connection whose scanner could not be allocated: counts as folded. */
static struct wire_fold_scan no_scanner = {.folded = 1};

static void scan_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl, void *argp)
{
    (void)parent, (void)ad, (void)idx, (void)argl, (void)argp;
    if (ptr != &no_scanner)
        free(ptr);
}

static void setup(void)
{
    void *sym = dlsym(RTLD_NEXT, "SSL_read");
    memcpy(&real_ssl_read, &sym, sizeof real_ssl_read);
    ctx_index = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, NULL);
    ssl_index = SSL_get_ex_new_index(0, NULL, NULL, NULL, scan_free);
}

int wire_fold_enable(SSL_CTX *ctx)
{
    static char mark;
    if (pthread_once(&once, setup) != 0 || real_ssl_read == NULL || ctx_index < 0 || ssl_index < 0)
        return 1;
    return SSL_CTX_set_ex_data(ctx, ctx_index, &mark) == 1 ? 0 : 1;
}

static int is_h2(const SSL *ssl)
{
    const unsigned char *alpn = NULL;
    unsigned int len = 0;
    SSL_get0_alpn_selected(ssl, &alpn, &len);
    return len == 2 && memcmp(alpn, "h2", 2) == 0;
}

static void observe(SSL *ssl, const void *buf, int n)
{
    struct wire_fold_scan *w;

    if (ctx_index < 0 || SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), ctx_index) == NULL || is_h2(ssl))
        return;
    w = SSL_get_ex_data(ssl, ssl_index);
    if (w == NULL) {
        w = malloc(sizeof *w);
        if (w != NULL)
            wire_fold_scan_init(w);
        if (SSL_set_ex_data(ssl, ssl_index, w != NULL ? w : &no_scanner) != 1) {
            free(w);
            return; /* no state: wire_fold_request finds none and refuses */
        }
        if (w == NULL)
            return;
    }
    wire_fold_scan_feed(w, buf, (size_t)n);
}

int SSL_read(SSL *ssl, void *buf, int num)
{
    int n;
    if (pthread_once(&once, setup) != 0 || real_ssl_read == NULL)
        return -1;
    n = real_ssl_read(ssl, buf, num);
    if (n > 0)
        observe(ssl, buf, n);
    return n;
}

int wire_fold_request(struct lws *wsi)
{
    struct lws *nwsi = lws_get_network_wsi(wsi);
    SSL *ssl = lws_get_ssl(nwsi);
    const struct wire_fold_scan *w;

    if (nwsi != wsi)
        return 0; /* an HTTP/2 stream */
    if (ssl == NULL || is_h2(ssl))
        return 0;
    w = SSL_get_ex_data(ssl, ssl_index);
    return w == NULL || w->folded;
}
