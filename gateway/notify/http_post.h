/* http_post.h - one bounded HTTP POST of a JSON body to an http:// or https:// URL (the
 * webhook, webhook.h): connect, TLS with the system's trust store and host name check for
 * https, request, status line; every step within the timeout. No redirects, no proxy. */
#ifndef GW_HTTP_POST_H
#define GW_HTTP_POST_H

#include <stddef.h>

#define HTTP_POST_HOST_MAX 255
#define HTTP_POST_PATH_MAX 1024

struct http_url {
    int tls; /* https */
    char host[HTTP_POST_HOST_MAX + 1];
    char port[6];
    char path[HTTP_POST_PATH_MAX + 1]; /* starts with '/' */
};

/* Splits "http[s]://host[:port][/path]". 0, or -1 for anything else (userinfo, IPv6
 * literals and fragments are not supported). */
int http_url_parse(const char *url, struct http_url *u);

/* POSTs body (Content-Type: application/json) within timeout_ms. The HTTP status (e.g.
 * 200), or -1 if no answer came (connect, TLS, write or read failed or took too long). */
int http_post(const struct http_url *u, const char *body, size_t len, int timeout_ms);

#endif
