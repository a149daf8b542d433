/* enroll.c - "enroll USER": a short-lived HTTPS endpoint (OpenSSL libssl; the concurrent,
 * deadline-bound server is enroll_server.c) that hands USER's p12 to the first request for
 * /enroll/<token>, where token is 128 random bits in base64url. Single use, expires, counts
 * wrong requests; the link is printed and shown as a QR code, the p12 password is printed
 * separately and never part of the link. */
#include "verbs.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>

#include "args.h"
#include "diag.h"
#include "enroll_http.h"
#include "enroll_link.h"
#include "enroll_server.h"
#include "names.h"
#include "p12.h"
#include "password.h"
#include "pki_dir.h"
#include "qr_term.h"
#include "secrets.h"

#include "latchkey/b64url.h"

#define TOKEN_BYTES 16
#define GRACE_S 15            /* after delivery: a repeat gets 410 and is reported */

struct enroll {
    const char *user;
    char token[LK_B64URL_ENCODED_LEN(TOKEN_BYTES) + 1];
    const unsigned char *p12;
    size_t p12_len;
    int delivered;
    long wrong, max_wrong;
    double deadline, grace_end; /* lk_enroll_now() */
};

static void text(struct lk_enroll_reply *r, int status, const char *body)
{
    r->status = status;
    r->type = "text/plain; charset=utf-8";
    r->extra[0] = '\0';
    r->body = body;
    r->len = strlen(body);
}

/* The answer to one complete request (enroll_server.h). Wrong requests are counted here. */
static int answer(void *arg, const char *req, size_t len, const char *peer,
                  struct lk_enroll_reply *r)
{
    struct enroll *en = arg;
    const char *tok;
    size_t toklen;
    enum lk_enroll_req kind = lk_enroll_parse(req, len, &tok, &toklen);

    if (kind == LK_REQ_INCOMPLETE)
        return 0;
    if (kind == LK_REQ_TOKEN && !(toklen == strlen(en->token) && CRYPTO_memcmp(tok, en->token, toklen) == 0))
        kind = LK_REQ_WRONG_TOKEN; /* a token that is not ours */
    switch (kind) {
    case LK_REQ_BAD:
        text(r, 400, "bad request\n");
        printf("enroll: bad request from %s\n", peer);
        break;
    case LK_REQ_METHOD:
        text(r, 405, "only GET\n");
        printf("enroll: method not allowed from %s\n", peer);
        break;
    case LK_REQ_OTHER_PATH:
        text(r, 404, "not found\n");
        printf("enroll: 404 for another path from %s (not counted)\n", peer);
        break;
    case LK_REQ_TOKEN:
        if (en->delivered) {
            text(r, 410, "This enrollment link was already used.\n");
            en->wrong++;
            printf("enroll: 410: the used link was requested again from %s (wrong request %ld/%ld). "
                   "If the phone did not get its certificate, revoke %s.\n",
                   peer, en->wrong, en->max_wrong, en->user);
            break;
        }
        r->status = 200;
        r->type = "application/x-pkcs12";
        snprintf(r->extra, sizeof r->extra, "Content-Disposition: attachment; filename=\"%s.p12\"\r\n",
                 en->user);
        r->body = en->p12;
        r->len = en->p12_len;
        en->delivered = 1; /* now, before any other request is looked at */
        en->grace_end = lk_enroll_now() + GRACE_S;
        printf("enroll: delivered %s.p12 to %s; the link is now used\n", en->user, peer);
        break;
    case LK_REQ_WRONG_TOKEN:
    case LK_REQ_INCOMPLETE:
        text(r, 404, "Unknown or expired enrollment link.\n");
        en->wrong++;
        printf("enroll: 404 wrong token from %s (wrong request %ld/%ld)\n", peer, en->wrong, en->max_wrong);
        break;
    }
    (void)fflush(stdout); /* progress lines only: the delivery does not depend on them */
    return 1;
}

/* The endpoint closes at the deadline, or GRACE_S after delivery if that is earlier. */
static double until(void *arg)
{
    const struct enroll *en = arg;
    return en->delivered && en->grace_end < en->deadline ? en->grace_end : en->deadline;
}

static int stop(void *arg)
{
    const struct enroll *en = arg;
    return en->wrong >= en->max_wrong;
}

static int run(struct enroll *en, SSL_CTX *ctx, int lfd)
{
    struct lk_enroll_handler h = {en, answer, until, stop};
    switch (lk_enroll_serve(ctx, lfd, &h)) {
    case LK_ENROLL_END_DEADLINE:
        if (en->delivered)
            return 0;
        printf("enroll: the link expired unused; nothing was delivered\n");
        return -1;
    case LK_ENROLL_END_STOPPED:
        printf("enroll: %ld wrong requests: closing the endpoint\n", en->wrong);
        break;
    case LK_ENROLL_END_CONN_LIMIT:
        printf("enroll: %d connections: closing the endpoint\n", LK_ENROLL_MAX_CONNECTIONS);
        break;
    case LK_ENROLL_END_ERROR:
        return -1;
    }
    return en->delivered ? 0 : -1;
}

int certs_verb_enroll(const struct lk_cli *cli)
{
    struct enroll en;
    struct lk_pki pki = {.lock_fd = -1};
    char pw[LK_SECRET_MAX], host[256], cn[LK_CN_MAX + 1], link[512];
    unsigned char rnd[TOKEN_BYTES];
    const char *dir, *listen_spec = cli->listen != NULL ? cli->listen : "0.0.0.0:8444";
    int generated = cli->password_file == NULL, lfd = -1, rc = -1, n;
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
    if (cli->url_base != NULL && lk_enroll_check_url_base(cli->url_base) != 0)
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
        (ctx = lk_enroll_tls_ctx(&pki, cli->server_name, cn, sizeof cn)) == NULL)
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
    if ((lfd = lk_enroll_listen(listen_spec, host, sizeof host, &port)) < 0)
        goto out;
    if (cli->url_base != NULL)
        n = snprintf(link, sizeof link, "%s/enroll/%s", cli->url_base, en.token);
    else
        n = snprintf(link, sizeof link, "https://%s:%ld/enroll/%s", cn, port, en.token);
    if (n < 0 || (size_t)n >= sizeof link) {
        lk_err("the enrollment link is too long");
        goto out;
    }
    if (signal(SIGPIPE, SIG_IGN) == SIG_ERR) {
        lk_err("cannot ignore SIGPIPE: %s", strerror(errno));
        goto out;
    }
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
    if (fflush(stdout) != 0) { /* the operator must see the link and the password */
        lk_err("cannot write to stdout: %s", strerror(errno));
        goto out;
    }
    en.deadline = lk_enroll_now() + (double)secs;
    rc = run(&en, ctx, lfd);
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
