/* http_action.c - POST /action: bounded urlencoded body (lws_spa) with fields pin and door,
 * then action_start(); an action that waits (PIN check, device's ack) is answered from the
 * writeable callback the loop requests once the attempt is finished (action_take), for the
 * form and the JSON API (http_api.c) alike (http_outcome.h says it in the request's form). */
#include <string.h>

#include "action.h"
#include "audit.h"
#include "http_action.h"
#include "http_csrf.h"
#include "http_form.h"
#include "http_outcome.h"
#include "http_reply.h"
#include "outcome.h"
#include "web.h"

static const char *const param_names[] = {"pin", "door", "csrf"};
enum { P_PIN, P_DOOR, P_CSRF };

static const struct http_form action_form = {ROUTE_ACTION, param_names, LWS_ARRAY_SIZE(param_names),
                                             HTTP_BODY_MAX};

/* LWS_CALLBACK_HTTP for POST /action. Returns 0 (wait for the body) or the reply is set. */
int http_action_begin(struct lws *wsi, struct http_session *s)
{
    return http_form_begin(wsi, s, &action_form);
}

int http_action_body(struct lws *wsi, struct http_session *s, const char *in, size_t len)
{
    return http_form_body(wsi, s, &action_form, in, len);
}

int http_action_complete(struct lws *wsi, struct http_session *s)
{
    if (s->route != ROUTE_ACTION)
        return 0;
    if (s->spa == NULL || lws_spa_finalize(s->spa)) {
        s->close_after = 1;
        http_reply_result(wsi, s, GW_BAD_REQUEST, "the form could not be read");
        return 0;
    }
    /* CSRF token (part B): checked before anything about the user or door is looked at. */
    if (http_csrf_token(wsi, s, lws_spa_get_string(s->spa, P_CSRF)) != 0) {
        lws_spa_destroy(s->spa);
        s->spa = NULL;
        return 0;
    }
    http_action_run(wsi, s, lws_spa_get_string(s->spa, P_DOOR), lws_spa_get_string(s->spa, P_PIN));
    lws_spa_destroy(s->spa); /* the PIN goes with it */
    s->spa = NULL;
    return 0;
}

void http_action_run(struct lws *wsi, struct http_session *s, const char *door, const char *pin)
{
    struct action_request req;
    struct action_outcome out;
    char serial[AUDIT_SERIAL_MAX], peer[AUDIT_PEER_MAX];
    int stage;

    memset(&req, 0, sizeof req); /* a phone's action: not via_broker */
    req.user = s->user;
    req.pin = pin;
    req.door = door;
    (void)peer_cert_serial(wsi, serial, sizeof serial);
    (void)peer_address(wsi, peer, sizeof peer);
    req.serial = serial;
    req.peer = peer;
    req.owner = wsi;
    stage = action_start(web_of(wsi)->app, &req, &s->attempt, &out);
    s->route = ROUTE_DONE;
    if (stage == ACTION_ANSWERED)
        http_reply_outcome(wsi, s, &out);
    else
        s->active = 1;
}

/* Writeable while the action is under way: the loop may have finished it. */
void http_action_writable(struct lws *wsi, struct http_session *s)
{
    struct action_outcome out;
    int stage = action_take(web_of(wsi)->app, s->attempt, &out);

    if (stage == ACTION_CHECKING_PIN || stage == ACTION_AWAITING_ACK)
        return; /* not yet: spurious wake-up */
    s->active = 0;
    if (stage < 0) {
        outcome_lost(s->user, "lost-attempt");
        memset(&out, 0, sizeof out);
        out.result = GW_NOT_CONFIRMED;
        http_reply_outcome(wsi, s, &out);
        return;
    }
    http_reply_outcome(wsi, s, &out);
}

/* The connection closed (or its session data is going away): never touch it again. */
void http_action_closed(struct lws *wsi, struct http_session *s)
{
    if (s->active) {
        action_detach(web_of(wsi)->app, s->attempt);
        s->active = 0;
    }
    http_session_reset(s);
}
