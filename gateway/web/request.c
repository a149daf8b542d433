/* request.c - what a request on the HTTPS listener says and how it ends: header values
 * (lws keeps some as tokens), the origin it was sent to, whether it is an HTTP/2 stream,
 * and closing an HTTP/2 stream's whole connection (see request.h). */
#include "request.h"

#include <stdio.h>
#include <string.h>

#include "http_session.h"

int request_header(struct lws *wsi, const char *name, char *out, size_t cap)
{
    int n;
    /* Headers lws knows as tokens never reach the custom-header table. */
    if (strcmp(name, "origin:") == 0) {
        n = lws_hdr_total_length(wsi, WSI_TOKEN_ORIGIN);
        return n > 0 && (size_t)n < cap && lws_hdr_copy(wsi, out, (int)cap, WSI_TOKEN_ORIGIN) > 0;
    }
    n = lws_hdr_custom_length(wsi, name, (int)strlen(name));
    if (n <= 0 || (size_t)n >= cap)
        return 0;
    return lws_hdr_custom_copy(wsi, out, (int)cap, name, (int)strlen(name)) > 0;
}

int request_h2_stream(struct lws *wsi)
{
    return lws_get_network_wsi(wsi) != wsi;
}

/* Uses the network wsi's own timer (lws_set_timer_usecs: LWS_CALLBACK_TIMER on protocols[0],
 * cancelled if the connection goes first), not its timeout, which lws resets to
 * keepalive_timeout whenever a frame comes in. The connection's own http_session (lws gives
 * the network wsi one too) is marked. */
void request_end_connection(struct lws *wsi)
{
    struct lws *nwsi = lws_get_network_wsi(wsi);
    struct http_session *ns = lws_wsi_user(nwsi);

    if (ns != NULL) {
        ns->end_connection = 1;
        lws_set_timer_usecs(nwsi, 1000);
    } else {
        lws_set_timeout(nwsi, PENDING_TIMEOUT_HTTP_KEEPALIVE_IDLE, LWS_TO_KILL_ASYNC);
    }
}

int request_ws_refuse(struct lws *wsi)
{
    static const char why[] = "refused";
    lws_close_reason(wsi, LWS_CLOSE_STATUS_POLICY_VIOLATION, (unsigned char *)why,
                     sizeof why - 1);
    return -1;
}

int request_own_origin(struct lws *wsi, char *out, size_t cap)
{
    char host[256];
    int n = -1;
    /* HTTP/2 names the target in :authority (a Host header, if any, must not differ:
     * RFC 9113 8.3.1, and :authority is the one that counts); HTTP/1.1 in Host. */
    if (request_h2_stream(wsi))
        n = lws_hdr_copy(wsi, host, sizeof host, WSI_TOKEN_HTTP_COLON_AUTHORITY);
    if (n <= 0)
        n = lws_hdr_copy(wsi, host, sizeof host, WSI_TOKEN_HOST);
    if (n <= 0 || strpbrk(host, "/\\@ ") != NULL)
        return -1;
    n = snprintf(out, cap, "https://%s", host);
    return n > 0 && (size_t)n < cap ? 0 : -1;
}
