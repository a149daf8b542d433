/* http_form.c - POST form bodies (http_form.h). */
#include "http_form.h"

#include <stdlib.h>

#include "http_reply.h"

int http_form_begin(struct lws *wsi, struct http_session *s, const struct http_form *f)
{
    char num[16];
    char *end;
    unsigned long n;
    int len = lws_hdr_copy(wsi, num, sizeof num, WSI_TOKEN_HTTP_CONTENT_LENGTH);

    s->close_after = 1; /* any early answer leaves the body unread */
    if (len <= 0) {
        http_reply_result(wsi, s, GW_BAD_REQUEST, "a Content-Length is required");
        return 0;
    }
    n = strtoul(num, &end, 10);
    if (*end != '\0' || n == 0 || n > f->max) {
        http_reply_result(wsi, s, GW_BAD_REQUEST, "the form is too large");
        return 0;
    }
    s->close_after = 0;
    s->route = f->route;
    return 0;
}

int http_form_body(struct lws *wsi, struct http_session *s, const struct http_form *f,
                   const char *in, size_t len)
{
    if (s->route != f->route)
        return 0; /* already answered; the rest is discarded and the connection closed */
    s->body_len += len;
    if (s->body_len > f->max) {
        s->close_after = 1;
        http_reply_result(wsi, s, GW_BAD_REQUEST, "the form is too large");
        return 0;
    }
    if (s->spa == NULL) {
        s->spa = lws_spa_create(wsi, f->names, f->n_names, (int)f->max, NULL, NULL);
        if (s->spa == NULL)
            return -1;
    }
    return lws_spa_process(s->spa, in, (int)len) ? -1 : 0;
}
