/* http_reply.c - sending one HTTP response: status, content headers, the security headers
 * every response carries, then the body, in two writeable callbacks (headers, body).
 * Dynamic answers are Cache-Control: no-store; static assets may be cached privately.
 * The same calls serve HTTP/1.1 and HTTP/2 (lws HPACK-encodes the headers of a stream).
 * Ending an answer: HTTP/1.1 keeps the connection alive unless close_after (an early
 * answer, its body unread: the connection is closed). HTTP/2 has no per-request connection
 * close (and no Connection header): the answer ends its stream only, and an early answer
 * lets lws read and drop the rest of the stream's body first (see end_h2_stream). */
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

#include "http_reply.h"
#include "request.h"

static const struct {
    const char *name, *value;
} security_headers[] = {
    {"content-security-policy:",
     "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
     "connect-src 'self'; manifest-src 'self'; form-action 'self'; frame-ancestors 'none'; "
     "base-uri 'none'"},
    {"x-frame-options:", "DENY"},
    /* same-origin, not no-referrer: under no-referrer browsers send "Origin: null" on the
     * page's own form POST and only Sec-Fetch-Site vouches for it, a header lws 4.1 drops
     * on HTTP/2 (it keeps no unknown headers there). same-origin gives our own POSTs their
     * real Origin and still sends no Referer to any other site. */
    {"referrer-policy:", "same-origin"},
    {"x-content-type-options:", "nosniff"},
    {"strict-transport-security:", "max-age=31536000"},
    {"permissions-policy:",
     "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), "
     "interest-cohort=()"},
    {"cross-origin-opener-policy:", "same-origin"},
    {"cross-origin-resource-policy:", "same-origin"},
};

void http_session_reset(struct http_session *s)
{
    if (s->spa != NULL) {
        lws_spa_destroy(s->spa);
        s->spa = NULL;
    }
    html_free(&s->out);
    s->route = ROUTE_NONE;
    if (s->api || s->body_len > 0)
        OPENSSL_cleanse(s->api_body, sizeof s->api_body);
    s->api = 0;
    s->api_door[0] = '\0';
    s->body_len = 0;
    s->phase = 0;
    s->out_sent = 0;
    s->close_after = 0;
    s->end_connection = 0;
    s->cacheable = 0;
}

void http_reply(struct lws *wsi, struct http_session *s, unsigned status,
                const char *content_type, struct html_buf *body)
{
    html_free(&s->out);
    s->out = *body;
    html_init(body, LWS_PRE);
    s->status = status;
    s->content_type = content_type;
    s->route = ROUTE_DONE;
    if (s->out.failed || s->out.p == NULL) {
        /* out of memory building the page: send an empty 500 rather than a partial page */
        html_free(&s->out);
        s->status = HTTP_STATUS_INTERNAL_SERVER_ERROR;
        s->close_after = 1;
    }
    s->phase = 1;
    lws_callback_on_writable(wsi);
}

void http_reply_result(struct lws *wsi, struct http_session *s, enum gw_result r,
                       const char *detail)
{
    struct html_buf b;
    html_init(&b, LWS_PRE);
    html_result_page(&b, r, detail);
    http_reply(wsi, s, gw_result_http_status(r), "text/html; charset=utf-8", &b);
}

void http_reply_named(struct lws *wsi, struct http_session *s, unsigned status, const char *name,
                      const char *message, const char *detail)
{
    struct html_buf b;
    html_init(&b, LWS_PRE);
    html_status_page(&b, name, message, detail);
    http_reply(wsi, s, status, "text/html; charset=utf-8", &b);
}

void http_reply_plain(struct lws *wsi, struct http_session *s, unsigned status, const char *msg)
{
    struct html_buf b;
    html_init(&b, LWS_PRE);
    html_begin(&b, "Latchkey");
    html_raw(&b, "<h1>Latchkey</h1>\n<p class=\"error\">");
    html_text(&b, msg);
    html_raw(&b, "</p>\n");
    html_end(&b);
    http_reply(wsi, s, status, "text/html; charset=utf-8", &b);
}

/* Body bytes per lws_write: over HTTP/2 lws 4.1 sends no more of one write than its
 * 4 KiB buffer (a larger one stalls the stream). */
#define HTTP_CHUNK 4096

static int write_headers(struct lws *wsi, struct http_session *s)
{
    uint8_t buf[LWS_PRE + 1536], *start = buf + LWS_PRE, *p = start, *end = buf + sizeof buf - 1;
    size_t i;

    if (lws_add_http_common_headers(wsi, s->status, s->content_type, s->out.len, &p, end))
        return -1;
    for (i = 0; i < sizeof security_headers / sizeof security_headers[0]; i++)
        if (lws_add_http_header_by_name(wsi, (const unsigned char *)security_headers[i].name,
                                        (const unsigned char *)security_headers[i].value,
                                        (int)strlen(security_headers[i].value), &p, end))
            return -1;
    {
        const char *cc = s->cacheable ? "private, max-age=3600" : "no-store";
        if (lws_add_http_header_by_name(wsi, (const unsigned char *)"cache-control:",
                                        (const unsigned char *)cc, (int)strlen(cc), &p, end))
            return -1;
    }
    if (s->status == HTTP_STATUS_METHOD_NOT_ALLOWED &&
        lws_add_http_header_by_name(wsi, (const unsigned char *)"allow:",
                                    (const unsigned char *)"GET, POST", 9, &p, end))
        return -1;
    if (s->close_after && !request_h2_stream(wsi) && /* connection headers are not h2 */
        lws_add_http_header_by_token(wsi, WSI_TOKEN_CONNECTION, (const unsigned char *)"close",
                                     5, &p, end))
        return -1;
    return lws_finalize_write_http_header(wsi, start, &p, end) ? -1 : 0;
}

/* HTTP/2: after an early answer lws 4.1 reads and drops the rest of the stream's body
 * (LRS_DISCARD_BODY) and frees the stream when it is all in; a stream freed before that
 * would make lws answer the client's next DATA frame for it with GOAWAY, which ends every
 * stream of the connection. Up to this announced size the body is drained; beyond it (or
 * when the answer refuses the certificate) the whole connection is closed, as on HTTP/1.1. */
#define H2_DRAIN_MAX (64 * 1024)

static int h2_body_drainable(struct lws *wsi)
{
    char num[24], *end;
    unsigned long long n;
    if (lws_hdr_copy(wsi, num, sizeof num, WSI_TOKEN_HTTP_CONTENT_LENGTH) <= 0)
        return 1; /* none announced: nothing to wait for (a body without one, which h2
                     allows, makes lws end the connection: forms always announce theirs) */
    n = strtoull(num, &end, 10);
    return *end == '\0' && n <= H2_DRAIN_MAX;
}

/* The answer's last frame is out: end the stream (and maybe the connection). */
static int end_h2_stream(struct lws *wsi, int early, int end_connection)
{
    if (end_connection || (early && !h2_body_drainable(wsi)))
        request_end_connection(wsi);
    /* 1: nothing left to read, lws frees the stream; 0: draining the body first */
    return lws_http_transaction_completed(wsi) ? -1 : 0;
}

int http_reply_writable(struct lws *wsi, struct http_session *s)
{
    if (s->phase == 1) {
        if (write_headers(wsi, s) != 0)
            return -1;
        s->phase = 2;
        lws_callback_on_writable(wsi);
        return 0;
    }
    if (s->phase == 2) {
        int close = s->close_after, end_conn = s->end_connection, h2 = request_h2_stream(wsi);
        size_t len = s->out.len - s->out_sent;
        unsigned char none[LWS_PRE + 1] = {0};
        unsigned char *body =
            len > 0 ? (unsigned char *)html_data(&s->out) + s->out_sent : none + LWS_PRE;
        /* A long body goes out a piece per writeable callback: lws 4.1 loses an HTTP/2
         * DATA write beyond the peer's 16 KiB frame size. The bytes before a piece are
         * sent already, so lws may write its frame header there (LWS_PRE). */
        if (len > HTTP_CHUNK) {
            if (lws_write(wsi, body, HTTP_CHUNK, LWS_WRITE_HTTP) != HTTP_CHUNK)
                return -1;
            s->out_sent += HTTP_CHUNK;
            lws_callback_on_writable(wsi);
            return 0;
        }
        /* On HTTP/2 the last DATA frame ends the stream: sent even when empty. */
        if ((len > 0 || h2) && lws_write(wsi, body, len, LWS_WRITE_HTTP_FINAL) != (int)len)
            return -1;
        http_session_reset(s);
        if (h2)
            return end_h2_stream(wsi, close, end_conn);
        if (close)
            return -1;
        return lws_http_transaction_completed(wsi) ? -1 : 0;
    }
    return 0;
}
