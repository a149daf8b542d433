/* http_form.h - the urlencoded body of a POST form, shared by POST /action and POST
 * /admin: the announced size checked before anything is read (400 "the form is too
 * large"), then the body fed to an lws_spa of the form's field names, bounded again by
 * what actually arrives. */
#ifndef GW_HTTP_FORM_H
#define GW_HTTP_FORM_H

#include <stddef.h>

#include "http_session.h"

struct http_form {
    enum http_route route;    /* the session's route while the body is read */
    const char *const *names; /* the fields */
    int n_names;
    size_t max; /* bytes of body at most */
};

/* At the request: a Content-Length from 1 to f->max, then s->route = f->route. 0 (the
 * reply is set when refused: s->route is then not f->route). */
int http_form_begin(struct lws *wsi, struct http_session *s, const struct http_form *f);

/* Each piece of the body: 0 to go on (or already answered), -1 to drop the connection. */
int http_form_body(struct lws *wsi, struct http_session *s, const struct http_form *f,
                   const char *in, size_t len);

#endif
