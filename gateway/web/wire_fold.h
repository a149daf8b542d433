/* wire_fold.h - obs-fold (a header line continued by a line that starts with a space or a
 * tab, RFC 9112 5.2) on the HTTPS listener, seen on the decrypted bytes before lws parses
 * them: lws 4.1 neither refuses nor unfolds it and gives no access to raw header lines. */
#ifndef GW_WIRE_FOLD_H
#define GW_WIRE_FOLD_H

#include <libwebsockets.h>
#include <openssl/ssl.h>
#include <stddef.h>

/* The scanner: follows an HTTP/1.1 byte stream (request line, header lines, a body framed
 * by Content-Length) and notes a header line that starts with SP or HTAB. After
 * Transfer-Encoding, an Upgrade or an unreadable Content-Length the stream cannot be framed
 * here and the scanner stops (the gateway refuses Transfer-Encoding; a websocket is not
 * HTTP any more). */
struct wire_fold_scan {
    unsigned char state;
    unsigned char folded;   /* sticky: a fold was seen on this connection */
    unsigned char header;   /* the header of the current line (enum in wire_fold_scan.c) */
    unsigned char name_len; /* bytes of name[] used; > sizeof name: too long to be framing */
    unsigned char unframed; /* this block has Transfer-Encoding, Upgrade or a bad length */
    char name[20];
    unsigned long long length; /* this block's Content-Length */
    unsigned long long body_left;
};

void wire_fold_scan_init(struct wire_fold_scan *w);
void wire_fold_scan_feed(struct wire_fold_scan *w, const unsigned char *p, size_t n);

/* Marks ctx (the listener's SSL_CTX) so that its connections' HTTP/1.1 plaintext is
 * scanned. 0 on success. */
int wire_fold_enable(SSL_CTX *ctx);
/* 1 if the connection of wsi (HTTP/1.1) has carried an obs-fold, or its scanner could not
 * be set up (fail closed); 0 if not, and for HTTP/2 (HPACK has no such syntax). */
int wire_fold_request(struct lws *wsi);

#endif
