/* enroll.c - "enroll USER": a short-lived HTTPS endpoint (OpenSSL libssl, one connection
 * at a time) that hands USER's p12 to the first request for /enroll/<token>, where token
 * is 128 random bits in base64url. Single use, expires, counts wrong requests, bounded
 * request size and connection time; the link is printed and shown as a QR code, the p12
 * password is printed separately and never part of the link. */
#include "verbs.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>

#include "args.h"
#include "certgen.h"
#include "diag.h"
#include "enroll_http.h"
#include "hostport.h"
#include "inv_foreach.h"
#include "inventory.h"
#include "leaf_load.h"
#include "names.h"
#include "p12.h"
#include "password.h"
#include "pki_dir.h"
#include "qr_term.h"
#include "secrets.h"

#include "latchkey/b64url.h"

#define TOKEN_BYTES 16
#define IO_TIMEOUT_S 3        /* per read/write on a connection */
#define CONN_BUDGET_S 10      /* whole connection, handshake included */
#define GRACE_S 15            /* after delivery: a repeat gets 410 and is reported */
#define MAX_CONNECTIONS 200   /* connections per run, whatever they do */

struct enroll {
    const char *user;
    char token[LK_B64URL_ENCODED_LEN(TOKEN_BYTES) + 1];
    const unsigned char *p12;
    size_t p12_len;
    int delivered;
    long wrong, max_wrong;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int listen_on(const char *spec, char *host, size_t cap, long *port)
{
    struct addrinfo hints, *res = NULL, *ai;
    char pstr[8];
    int fd = -1, one = 1, r;
    if (lk_hostport_parse(spec, "--listen", host, cap, port) != 0)
        return -1;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    snprintf(pstr, sizeof pstr, "%ld", *port);
    if ((r = getaddrinfo(host, pstr, &hints, &res)) != 0) {
        lk_err("cannot resolve --listen %s: %s", spec, gai_strerror(r));
        return -1;
    }
    for (ai = res; ai != NULL; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0)
            continue;
        if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0 &&
            bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 8) == 0)
            break;
        close(fd);
        fd = -1;
    }
    if (fd < 0)
        lk_err("cannot listen on %s: %s", spec, strerror(errno));
    freeaddrinfo(res);
    return fd;
}

static SSL_CTX *server_ctx(const struct lk_pki *pki, const char *name, char *cn, size_t cap)
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
                lk_err("no valid server certificate in the inventory; issue one or give --server-name");
            return NULL;
        }
        name = e.cn;
    }
    snprintf(cn, cap, "%s", name);
    if (lk_leaf_load(pki, "server", cn, &cert, &key) != 0 ||
        lk_pki_path(pki, "ca/ca.crt", ca_path, sizeof ca_path) != 0 || (ca = lk_load_cert(ca_path)) == NULL)
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

static void respond(SSL *ssl, int status, const char *type, const char *extra,
                    const void *body, size_t len)
{
    char head[512];
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%s"
                     "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n"
                     "Connection: close\r\n\r\n",
                     status, lk_enroll_status_text(status), type, len, extra);
    if (n > 0 && (size_t)n < sizeof head && SSL_write(ssl, head, n) == n && len > 0)
        (void)SSL_write(ssl, body, (int)len); /* a client that went away changes nothing */
}

static void respond_text(SSL *ssl, int status, const char *text)
{
    respond(ssl, status, "text/plain; charset=utf-8", "", text, strlen(text));
}

/* Serves one connection. Returns 1 if this counted as a wrong request. */
static int serve(struct enroll *en, SSL_CTX *ctx, int fd, const char *peer)
{
    char buf[LK_ENROLL_REQ_MAX], extra[LK_CN_MAX + 80];
    struct timeval tv = {IO_TIMEOUT_S, 0};
    double start = now_s();
    size_t len = 0;
    const char *tok;
    size_t toklen;
    enum lk_enroll_req kind = LK_REQ_INCOMPLETE;
    SSL *ssl = NULL;
    int counted = 0;

    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0 ||
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) != 0 ||
        (ssl = SSL_new(ctx)) == NULL || SSL_set_fd(ssl, fd) != 1) {
        lk_err_ssl("cannot set up a connection");
        goto out;
    }
    if (SSL_accept(ssl) != 1) {
        printf("enroll: TLS handshake with %s failed\n", peer);
        ERR_clear_error();
        goto out;
    }
    while (kind == LK_REQ_INCOMPLETE) {
        int n;
        if (len == sizeof buf) {
            respond_text(ssl, 431, "request too large\n");
            printf("enroll: request from %s too large\n", peer);
            goto out;
        }
        if (now_s() - start > CONN_BUDGET_S) {
            respond_text(ssl, 408, "too slow\n");
            printf("enroll: %s too slow, dropped\n", peer);
            goto out;
        }
        n = SSL_read(ssl, buf + len, (int)(sizeof buf - len));
        if (n <= 0) {
            printf("enroll: %s closed or timed out before a full request\n", peer);
            ERR_clear_error();
            goto out;
        }
        len += (size_t)n;
        kind = lk_enroll_parse(buf, len, &tok, &toklen);
    }
    if (kind == LK_REQ_TOKEN && !(toklen == strlen(en->token) && CRYPTO_memcmp(tok, en->token, toklen) == 0))
        kind = LK_REQ_WRONG_TOKEN; /* a token that is not ours */
    switch (kind) {
    case LK_REQ_BAD:
        respond_text(ssl, 400, "bad request\n");
        printf("enroll: bad request from %s\n", peer);
        break;
    case LK_REQ_METHOD:
        respond_text(ssl, 405, "only GET\n");
        printf("enroll: method not allowed from %s\n", peer);
        break;
    case LK_REQ_OTHER_PATH:
        respond_text(ssl, 404, "not found\n");
        printf("enroll: 404 for another path from %s (not counted)\n", peer);
        break;
    case LK_REQ_TOKEN:
        if (en->delivered) {
            respond_text(ssl, 410, "This enrollment link was already used.\n");
            counted = 1;
            printf("enroll: 410: the used link was requested again from %s (wrong request %ld/%ld). "
                   "If the phone did not get its certificate, revoke %s.\n",
                   peer, en->wrong + 1, en->max_wrong, en->user);
            break;
        }
        snprintf(extra, sizeof extra, "Content-Disposition: attachment; filename=\"%s.p12\"\r\n", en->user);
        respond(ssl, 200, "application/x-pkcs12", extra, en->p12, en->p12_len);
        en->delivered = 1;
        printf("enroll: delivered %s.p12 to %s; the link is now used\n", en->user, peer);
        break;
    case LK_REQ_WRONG_TOKEN:
        respond_text(ssl, 404, "Unknown or expired enrollment link.\n");
        counted = 1;
        printf("enroll: 404 wrong token from %s (wrong request %ld/%ld)\n", peer, en->wrong + 1, en->max_wrong);
        break;
    case LK_REQ_INCOMPLETE:
        break;
    }
    (void)SSL_shutdown(ssl);
out:
    ERR_clear_error();
    SSL_free(ssl);
    close(fd);
    fflush(stdout);
    return counted;
}

static void peer_name(const struct sockaddr_storage *ss, socklen_t len, char *out, size_t cap)
{
    char h[NI_MAXHOST], p[NI_MAXSERV];
    if (getnameinfo((const struct sockaddr *)ss, len, h, sizeof h, p, sizeof p, NI_NUMERICHOST | NI_NUMERICSERV) == 0)
        snprintf(out, cap, "%s port %s", h, p);
    else
        snprintf(out, cap, "?");
}

static int check_url_base(const char *u)
{
    size_t i, len = strlen(u);
    if ((strncmp(u, "https://", 8) != 0 && strncmp(u, "http://", 7) != 0) || len > 200 || len < 9 ||
        u[len - 1] == '/') {
        lk_err("--url-base must be https://HOST[:PORT][/PATH] without a trailing '/', got '%s'", u);
        return -1;
    }
    for (i = 0; i < len; i++)
        if ((unsigned char)u[i] <= 0x20 || (unsigned char)u[i] >= 0x7f || u[i] == '"' || u[i] == '<' || u[i] == '>') {
            lk_err("--url-base contains a character that is not allowed in a link");
            return -1;
        }
    return 0;
}

static int run(struct enroll *en, SSL_CTX *ctx, int lfd, double deadline)
{
    double grace_end = 0;
    int conns = 0;
    for (;;) {
        struct pollfd pfd = {lfd, POLLIN, 0};
        double t = now_s(), until = deadline;
        struct sockaddr_storage ss;
        socklen_t sl = sizeof ss;
        char peer[NI_MAXHOST + NI_MAXSERV + 8];
        int r, fd;
        if (en->delivered && grace_end == 0)
            grace_end = t + GRACE_S;
        if (en->delivered && grace_end < until)
            until = grace_end;
        if (t >= until) {
            if (en->delivered)
                return 0;
            printf("enroll: the link expired unused; nothing was delivered\n");
            return -1;
        }
        r = poll(&pfd, 1, (int)((until - t) * 1000) + 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            lk_err("poll: %s", strerror(errno));
            return -1;
        }
        if (r == 0)
            continue;
        fd = accept(lfd, (struct sockaddr *)&ss, &sl);
        if (fd < 0)
            continue; /* the client gave up already, or a transient error */
        peer_name(&ss, sl, peer, sizeof peer);
        en->wrong += serve(en, ctx, fd, peer);
        if (en->wrong >= en->max_wrong) {
            printf("enroll: %ld wrong requests: closing the endpoint\n", en->wrong);
            return en->delivered ? 0 : -1;
        }
        if (++conns >= MAX_CONNECTIONS) {
            printf("enroll: %d connections: closing the endpoint\n", conns);
            return en->delivered ? 0 : -1;
        }
    }
}

int certs_verb_enroll(const struct lk_cli *cli)
{
    struct enroll en;
    struct lk_pki pki = {.lock_fd = -1};
    char pw[LK_SECRET_MAX], host[256], cn[LK_CN_MAX + 1], link[512];
    unsigned char rnd[TOKEN_BYTES];
    const char *dir, *listen_spec = cli->listen != NULL ? cli->listen : "0.0.0.0:8444";
    int generated = cli->password_file == NULL, lfd = -1, rc = -1;
    long port = 0, secs;
    BIO *der = NULL;
    SSL_CTX *ctx = NULL;
    char *p12 = NULL;
    long p12_len;

    memset(&en, 0, sizeof en);
    pw[0] = '\0';
    if (cli->npos != 2) {
        lk_err("%s; usage: %s", cli->npos < 2 ? "enroll needs a user name" : "too many arguments",
               lk_cli_usage("enroll"));
        return -1;
    }
    en.user = cli->pos[1];
    if (!lk_user_name_valid(en.user)) {
        lk_err("invalid user name '%s'", en.user);
        return -1;
    }
    if (cli->minutes != 0 && cli->seconds != 0) {
        lk_err("give --minutes or --seconds, not both");
        return -1;
    }
    if (cli->url_base != NULL && check_url_base(cli->url_base) != 0)
        return -1;
    secs = cli->seconds != 0 ? cli->seconds : 60 * (cli->minutes != 0 ? cli->minutes : 10);
    en.max_wrong = cli->attempts != 0 ? cli->attempts : 5;
    if ((dir = lk_cli_dir(cli)) == NULL)
        return -1;
    if (generated ? lk_password_generate(pw) != 0
                  : lk_read_secret_file(cli->password_file, "export password", pw, sizeof pw) != 0)
        goto out;
    /* The PKI is locked only while reading from it, not while serving. */
    if (lk_pki_open(&pki, dir) != 0 || lk_p12_for_user(&pki, en.user, pw, cli->legacy, &der) != 0 ||
        (ctx = server_ctx(&pki, cli->server_name, cn, sizeof cn)) == NULL)
        goto out;
    lk_pki_close(&pki);
    p12_len = BIO_get_mem_data(der, &p12);
    if (p12_len <= 0)
        goto out;
    en.p12 = (const unsigned char *)p12;
    en.p12_len = (size_t)p12_len;
    if (RAND_bytes(rnd, sizeof rnd) != 1) {
        lk_err_ssl("cannot get random bytes for the token");
        goto out;
    }
    lk_b64url_encode(rnd, sizeof rnd, en.token, sizeof en.token);
    OPENSSL_cleanse(rnd, sizeof rnd);
    if ((lfd = listen_on(listen_spec, host, sizeof host, &port)) < 0)
        goto out;
    if (cli->url_base != NULL)
        snprintf(link, sizeof link, "%s/enroll/%s", cli->url_base, en.token);
    else
        snprintf(link, sizeof link, "https://%s:%ld/enroll/%s", cn, port, en.token);
    signal(SIGPIPE, SIG_IGN);
    printf("enrollment of %s: open this link on the phone (once, within %ld s):\n", en.user, secs);
    printf("link: %s\n", link);
    if (lk_qr_print(stdout, link, isatty(STDOUT_FILENO)) != 0)
        goto out;
    printf("The certificate is served by '%s' on %s (TLS); the phone does not trust the CA yet,\n"
           "so it shows a certificate warning once (see docs/certs.md).\n", cn, listen_spec);
    printf("p12 (%s) password, tell it separately:\n", cli->legacy ? "legacy" : "AES-256");
    if (generated)
        printf("password: %s\n", pw);
    else
        printf("password: (from %s)\n", cli->password_file);
    fflush(stdout);
    rc = run(&en, ctx, lfd, now_s() + (double)secs);
    printf("enroll: endpoint closed (%s)\n", rc == 0 ? "delivered" : "not delivered");
out:
    if (lfd >= 0)
        close(lfd);
    OPENSSL_cleanse(pw, sizeof pw);
    OPENSSL_cleanse(&en, sizeof en);
    BIO_free(der);
    SSL_CTX_free(ctx);
    lk_pki_close(&pki);
    return rc;
}
