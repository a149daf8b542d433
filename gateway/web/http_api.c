/* http_api.c - the JSON API for scripts: POST /api/v1/doors/DOOR/open, body {"pin":"..."}.
 * CSRF-safe without a token: it requires Content-Type: application/json and the header
 * X-Auth-Token: latchkey, neither of which a page of another site can send without a CORS
 * preflight, and a preflight (OPTIONS) is refused (405, no Access-Control-Allow-* header
 * anywhere); a request that carries an Origin or Sec-Fetch-Site anyway must be same-origin
 * (csrf.h). Then the same action as the form (action_start: user, door, lockout, PIN, bounds,
 * audit), answered with the same HTTP status and a JSON object (http_outcome.h). */
#include "http_api.h"

#include <cJSON.h>
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csrf.h"
#include "http_action.h"
#include "http_csrf.h"
#include "http_outcome.h"
#include "http_reply.h"
#include "request.h"
#include "web.h"

#define API_PREFIX "/api/v1/doors/"
#define API_SUFFIX "/open"
/* The marker header: X-Auth-Token, a fixed value, no secret. Any header but a handful
 * makes a cross-site fetch preflight; this one because lws 4.1 keeps on HTTP/2 only the
 * headers it knows by name (X-Latchkey would arrive over HTTP/1.1 only). */
#define API_MARKER "latchkey"

int http_api_path(const char *path, char *door, size_t cap)
{
    size_t pre = strlen(API_PREFIX), suf = strlen(API_SUFFIX), len = strlen(path), n;

    door[0] = '\0';
    if (strncmp(path, API_PREFIX, pre) != 0)
        return 0;
    if (len <= pre + suf || strcmp(path + len - suf, API_SUFFIX) != 0)
        return 1; /* under the API, but no door action: 404 */
    n = len - pre - suf;
    if (n < cap && lk_name_valid(path + pre, n)) {
        memcpy(door, path + pre, n);
        door[n] = '\0';
    }
    return 1;
}

/* Content-Type application/json, parameters (charset) allowed. */
static int json_type(struct lws *wsi)
{
    char ct[80];
    size_t n = strlen("application/json");
    if (lws_hdr_copy(wsi, ct, sizeof ct, WSI_TOKEN_HTTP_CONTENT_TYPE) <= 0)
        return 0;
    return strncasecmp(ct, "application/json", n) == 0 &&
           (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/* The CSRF rule of the API. 0, or the 403 is set and -1 returned. */
static int api_guard(struct lws *wsi, struct http_session *s)
{
    char marker[16], origin[300], site[32];
    int has_origin = request_header(wsi, "origin:", origin, sizeof origin);
    int has_site = request_header(wsi, "sec-fetch-site:", site, sizeof site);
    const char *why = NULL;

    if (!json_type(wsi))
        why = "content-type-not-json";
    else if (lws_hdr_copy(wsi, marker, sizeof marker, WSI_TOKEN_X_AUTH_TOKEN) <= 0 ||
             strcmp(marker, API_MARKER) != 0)
        why = "no-api-header";
    else if ((!has_origin && !has_site) ||
             csrf_origin_ok(web_of(wsi)->origin, has_origin ? origin : NULL, has_site ? site : NULL,
                            &why))
        return 0;
    http_csrf_refuse(wsi, s, why,
                     "The API needs the headers Content-Type: application/json and "
                     "X-Auth-Token: " API_MARKER ", and no other site's Origin.");
    return -1;
}

int http_api_begin(struct lws *wsi, struct http_session *s, int method)
{
    char num[16], *end;
    unsigned long n;

    s->api = 1;
    s->close_after = method == LWSHUMETH_POST;
    if (method != LWSHUMETH_POST) {
        /* OPTIONS too: no preflight is ever granted (and no CORS header sent) */
        http_reply_refusal(wsi, s, HTTP_STATUS_METHOD_NOT_ALLOWED, "bad-request",
                           "Only POST is served here.", NULL);
        return 0;
    }
    if (s->api_door[0] == '\0') {
        http_reply_refusal(wsi, s, HTTP_STATUS_NOT_FOUND, "bad-request",
                           "Not found: the API is POST /api/v1/doors/DOOR/open.", NULL);
        return 0;
    }
    if (lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_TRANSFER_ENCODING) > 0) {
        http_reply_refusal(wsi, s, HTTP_STATUS_BAD_REQUEST, "bad-request",
                           gw_result_message(GW_BAD_REQUEST), "Transfer-Encoding is not accepted");
        return 0;
    }
    if (lws_hdr_copy(wsi, num, sizeof num, WSI_TOKEN_HTTP_CONTENT_LENGTH) <= 0 ||
        (n = strtoul(num, &end, 10)) == 0 || *end != '\0' || n > HTTP_BODY_MAX) {
        http_reply_refusal(wsi, s, HTTP_STATUS_BAD_REQUEST, "bad-request",
                           gw_result_message(GW_BAD_REQUEST),
                           "a Content-Length of 1 to 1024 bytes is required");
        return 0;
    }
    if (api_guard(wsi, s) != 0)
        return 0;
    s->close_after = 0;
    s->route = ROUTE_API;
    return 0;
}

int http_api_body(struct lws *wsi, struct http_session *s, const char *in, size_t len)
{
    if (s->route != ROUTE_API)
        return 0; /* already answered; the rest is discarded and the connection closed */
    if (len > HTTP_BODY_MAX - s->body_len) {
        s->close_after = 1;
        http_reply_refusal(wsi, s, HTTP_STATUS_BAD_REQUEST, "bad-request",
                           gw_result_message(GW_BAD_REQUEST), "the body is too large");
        return 0;
    }
    memcpy(s->api_body + s->body_len, in, len);
    s->body_len += len;
    s->api_body[s->body_len] = '\0';
    return 0;
}

int http_api_complete(struct lws *wsi, struct http_session *s)
{
    const cJSON *pin;
    cJSON *j;

    if (s->route != ROUTE_API)
        return 0;
    /* one JSON value and nothing after it (the terminating NUL is counted in) */
    j = cJSON_ParseWithLengthOpts(s->api_body, s->body_len + 1, NULL, 1);
    OPENSSL_cleanse(s->api_body, sizeof s->api_body);
    pin = cJSON_GetObjectItemCaseSensitive(j, "pin");
    if (!cJSON_IsObject(j) || !cJSON_IsString(pin)) {
        cJSON_Delete(j);
        s->route = ROUTE_DONE;
        http_reply_refusal(wsi, s, HTTP_STATUS_BAD_REQUEST, "bad-request",
                           gw_result_message(GW_BAD_REQUEST),
                           "the body must be a JSON object with a string \"pin\"");
        return 0;
    }
    http_action_run(wsi, s, s->api_door, pin->valuestring);
    OPENSSL_cleanse(pin->valuestring, strlen(pin->valuestring)); /* the PIN goes */
    cJSON_Delete(j);
    return 0;
}
