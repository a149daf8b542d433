/* request.h - what a request (or websocket upgrade) on the HTTPS listener says, and ending
 * an HTTP/2 connection: used by the HTTP handlers and ws_status.c alike. */
#ifndef GW_REQUEST_H
#define GW_REQUEST_H

#include <libwebsockets.h>
#include <stddef.h>

/* Header value (Origin, Sec-Fetch-Site, ...) by name, lower case with ':'. 0 if absent. */
int request_header(struct lws *wsi, const char *name, char *out, size_t cap);
/* HTTP/1.1: 1 if the request has Transfer-Encoding or Content-Length with spaces or tabs
 * (up to FRAMING_WS_MAX) before the colon, which RFC 9112 5.1 says to refuse with 400 (a
 * parser that reads it as framing would frame the body otherwise than lws). 0 if not, and
 * for HTTP/2. */
#define FRAMING_WS_MAX 3
int request_framing_obscured(struct lws *wsi);
/* 1 if wsi is an HTTP/2 stream (a child of the network connection's wsi). */
int request_h2_stream(struct lws *wsi);
/* HTTP/2: closes the stream's whole connection in 1 ms, after what is queued is sent. */
void request_end_connection(struct lws *wsi);
/* HTTP/2: a websocket stream refused at admission, now ESTABLISHED: closes it with 1008
 * (nothing was sent on it). Returns -1 for the callback to return. */
int request_ws_refuse(struct lws *wsi);

#endif
