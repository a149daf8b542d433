/* request.c - what a request on the HTTPS listener says and how it ends: header values
 * (lws keeps some as tokens), whether it is an HTTP/2 stream, and closing an HTTP/2
 * stream's whole connection (see request.h). The gateway's own origin is not taken from a
 * request: own_origin.h. */
#include "request.h"

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

/* lws 4.1 matches a header name with its colon: "Transfer-Encoding : chunked" is not its
 * Transfer-Encoding but an unknown header named "transfer-encoding :" (kept, lower case,
 * colon included, in its custom-header list, which has no iterator: only exact names can
 * be looked up). Such a name is probed for the two framing headers with 1 to 3 spaces or
 * tabs before the colon. */
int request_framing_obscured(struct lws *wsi)
{
    static const char *const names[] = {"transfer-encoding", "content-length"};
    char probe[32];
    size_t i, n;
    int k, j, bits;

    if (request_h2_stream(wsi))
        return 0; /* HPACK has no such syntax (and lws keeps no custom headers there) */
    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        n = strlen(names[i]);
        memcpy(probe, names[i], n);
        for (k = 1; k <= FRAMING_WS_MAX; k++)
            for (bits = 0; bits < (1 << k); bits++) {
                for (j = 0; j < k; j++)
                    probe[n + (size_t)j] = (bits >> j) & 1 ? '\t' : ' ';
                probe[n + (size_t)k] = ':';
                if (lws_hdr_custom_length(wsi, probe, (int)n + k + 1) >= 0)
                    return 1;
            }
    }
    return 0;
}
