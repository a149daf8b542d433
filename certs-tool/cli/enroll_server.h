/* enroll_server.h - the TLS (or plain HTTP) server of enroll's one-time download endpoint
 * and of scep's service: one thread,
 * non-blocking OpenSSL under poll(), at most LK_ENROLL_SLOTS connections at once and
 * LK_ENROLL_PER_PEER from one address. Every connection has its own deadline for the whole
 * of it (handshake, request, answer); the endpoint has its own, which holds whatever the
 * clients do. A connection beyond LK_ENROLL_PER_PEER is closed at once (refused); beyond
 * LK_ENROLL_SLOTS it waits in the listen backlog until a slot frees, at the latest when
 * the oldest connection reaches its deadline. What to answer is the caller's
 * (struct lk_enroll_handler); this file owns only 408 (too slow), 431 (head too large) and
 * 413 (body too large).
 * One thread decides every answer, so two requests can never both see the link unused. */
#ifndef LK_CERTS_ENROLL_SERVER_H
#define LK_CERTS_ENROLL_SERVER_H

#include <stddef.h>

#include <openssl/ssl.h>

#define LK_ENROLL_SLOTS 16           /* connections served at once */
#define LK_ENROLL_PER_PEER 4         /* of them from one address */
#define LK_ENROLL_CONN_BUDGET_S 10   /* one connection, handshake to last byte of the answer */
#define LK_ENROLL_MAX_CONNECTIONS 200 /* accepted per run (refused ones included) */
#define LK_ENROLL_EXTRA_MAX 192      /* extra header lines of an answer */

#define LK_ENROLL_BODY_MAX 16384 /* a request body (POST) larger than this: 413 */

struct lk_enroll_reply {
    int status;
    const char *type;                   /* Content-Type */
    char extra[LK_ENROLL_EXTRA_MAX];    /* more header lines, each ending in \r\n, or "" */
    const void *body;                   /* must outlive the connection, unless free_body */
    size_t len;
    void (*free_body)(void *body); /* not NULL: the connection owns body and frees it */
};

struct lk_enroll_handler {
    void *arg;
    /* A request head from peer ("ADDR port N"): 0 if it is not complete yet (read more),
     * 1 with *reply filled. */
    int (*answer)(void *arg, const char *req, size_t len, const char *peer,
                  struct lk_enroll_reply *reply);
    /* When the endpoint closes (monotonic seconds, lk_enroll_now()); asked after every event. */
    double (*until)(void *arg);
    /* Nonzero: accept and read nothing more, finish the answers being sent, return. */
    int (*stop)(void *arg);
};

enum lk_enroll_end {
    LK_ENROLL_END_DEADLINE,  /* until() passed */
    LK_ENROLL_END_STOPPED,   /* stop() said so */
    LK_ENROLL_END_CONN_LIMIT, /* LK_ENROLL_MAX_CONNECTIONS accepted */
    LK_ENROLL_END_ERROR      /* poll failed (reported) */
};

/* Monotonic clock, seconds. */
double lk_enroll_now(void);

/* A listening TCP socket on spec ("HOST:PORT"); host and *port as parsed. -1 (reported). */
int lk_enroll_listen(const char *spec, char *host, size_t cap, long *port);

/* Serves lfd with ctx until one of the ends above. Progress lines go to stdout. */
enum lk_enroll_end lk_enroll_serve(SSL_CTX *ctx, int lfd, const struct lk_enroll_handler *h);

/* The same on up to LK_ENROLL_LISTENERS sockets at once, each TLS (ctx) or plain HTTP
 * (ctx NULL: for SCEP, whose messages are signed and encrypted themselves). The bounds
 * above hold for all of them together. */
#define LK_ENROLL_LISTENERS 2
struct lk_enroll_listener {
    int fd;
    SSL_CTX *ctx;
    /* The answers on this listener; NULL: the handler's (until and stop are always its). */
    int (*answer)(void *arg, const char *req, size_t len, const char *peer,
                  struct lk_enroll_reply *reply);
};
enum lk_enroll_end lk_enroll_serve_on(const struct lk_enroll_listener *ls, int n,
                                      const struct lk_enroll_handler *h);

#endif
