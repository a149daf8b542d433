/* http_outcome.h - the answer to one door action, for a person (the result page) or for a
 * script (the JSON API, docs/gateway.md "JSON API"): which door (its label), what happened,
 * the wrong PINs left before a lock and the lock's end. Times are <time datetime> elements
 * in the gateway's zone; /app.js rewrites them in the phone's. */
#ifndef GW_HTTP_OUTCOME_H
#define GW_HTTP_OUTCOME_H

#include <stdint.h>

#include "attempts.h"
#include "conf.h"
#include "http_session.h"

/* The result page of outcome o (status, data-result and data-door on the result line). */
void http_outcome_page(struct html_buf *b, const struct conf *c, const struct action_outcome *o);
/* The JSON object of outcome o. */
void http_outcome_json(struct html_buf *b, const struct conf *c, const struct action_outcome *o);
/* <time datetime="ISO-8601 UTC">the same in the gateway's local time</time> */
void http_outcome_time(struct html_buf *b, int64_t unix_s);

/* Sends the outcome: JSON when s->api, else the result page. */
void http_reply_outcome(struct lws *wsi, struct http_session *s, const struct action_outcome *o);
/* An answer that is no action's (bad request, csrf) in the request's form: JSON when
 * s->api ({"result":name,"message":...,"detail":...}), else the named page. */
void http_reply_refusal(struct lws *wsi, struct http_session *s, unsigned status, const char *name,
                        const char *message, const char *detail);

#endif
