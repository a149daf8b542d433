/* timers.c - the lws loop's timers (lws_sul): the ack timer at the earliest deadline of an
 * attempt waiting for its device (action_expire), the hold timer that keeps HTTP/2
 * connections with a waiting action alive, and the CRL watch, which reloads a changed CRL
 * for the verify callback and makes open websockets re-check their certificate (on a CRL
 * change, and when a socket's certificate expires). */
#include "timers.h"

#include <time.h>

#include "action.h"
#include "cert_reload.h"
#include "crl_warning.h"
#include "gw_log.h"
#include "ws_status.h"

static void on_timer(lws_sorted_usec_list_t *sul);
static void on_hold_timer(lws_sorted_usec_list_t *sul);

/* (Re)schedules the timer for the earliest ack deadline. Loop thread only. */
static void arm(struct web *sv)
{
    int64_t next = attempts_next_deadline(&sv->app->attempts), wait;
    if (next < 0) {
        lws_sul_cancel(&sv->timer);
        return;
    }
    if (!sv->holding) {
        sv->holding = 1;
        lws_sul_schedule(sv->ctx, 0, &sv->hold_timer, on_hold_timer, HOLD_MS * LWS_US_PER_MS);
    }
    wait = next - gw_now_ms();
    if (wait < 1)
        wait = 1;
    lws_sul_schedule(sv->ctx, 0, &sv->timer, on_timer, (lws_usec_t)wait * LWS_US_PER_MS);
}


static void on_timer(lws_sorted_usec_list_t *sul)
{
    struct web *sv = lws_container_of(sul, struct web, timer);
    action_expire(sv->app); /* re-arms through the deadlines_changed port */
}

/* HTTP/2: lws restarts a connection's idle timeout (keepalive_timeout) only when a frame
 * comes in, so a stream waiting longer than that for its device's ack (ack_timeout_ms may
 * be 60 s) would lose its connection. While actions wait, the idle timer of each one's
 * connection is restarted every HOLD_MS. Not for a connection that carries a websocket:
 * lws keeps those without any timeout (immortal stream), and a timer set here would end it. */
static void on_hold_timer(lws_sorted_usec_list_t *sul)
{
    struct web *sv = lws_container_of(sul, struct web, hold_timer);
    void *owners[ATTEMPTS_MAX];
    int i, n = attempts_waiting_owners(&sv->app->attempts, owners, ATTEMPTS_MAX);

    for (i = 0; i < n; i++) {
        struct lws *nwsi = lws_get_network_wsi(owners[i]);
        if (nwsi != owners[i] && !ws_status_on_connection(nwsi))
            lws_set_timeout(nwsi, PENDING_TIMEOUT_HTTP_KEEPALIVE_IDLE, KEEPALIVE_SECS);
    }
    sv->holding = n > 0;
    if (sv->holding)
        lws_sul_schedule(sv->ctx, 0, &sv->hold_timer, on_hold_timer, HOLD_MS * LWS_US_PER_MS);
}

/* 1 if state s is of one CA's CRL in force (its dates, a rollback): only that CA's
 * certificates are refused; a bad file (missing, unparsable, unsigned) refuses them all. */
static int crl_state_of_one_ca(enum crl_state s)
{
    return s == CRL_EXPIRED || s == CRL_NOT_YET_VALID || s == CRL_ROLLED_BACK;
}

/* Logs CRL state changes once; on a bad state the clients it concerns are refused (fail
 * closed). */
static void note_crl_state(struct web *sv, int reloaded)
{
    enum crl_state s = tls_store_state(&sv->tls, time(NULL));
    if (reloaded) {
        gw_log("crl: %s reloaded: %s", sv->tls.crl_path, crl_state_name(s));
        gw_log("crl: read and checked in %ld ms%s, swapped in on the event loop in %ld us",
               sv->tls.set->build_us / 1000, sv->tls.worker != NULL ? " on the CRL thread" : "",
               sv->tls.swap_us);
        crl_warning_reset(sv);
    }
    if (s != sv->crl_logged || reloaded) {
        if (crl_state_of_one_ca(s))
            gw_log(
                "crl: %s is %s: refusing the client certificates of each CA whose CRL is "
                "%s until a current CRL signed by that CA is in place",
                sv->tls.crl_path, crl_state_name(s), crl_state_name(s));
        else if (s != CRL_OK && s != CRL_OFF)
            gw_log("crl: %s is %s: refusing every client certificate until a current CRL "
                   "signed by the CA is in place", sv->tls.crl_path, crl_state_name(s));
        else if (sv->crl_logged != CRL_OK && s == CRL_OK && !reloaded)
            gw_log("crl: %s is valid again", sv->tls.crl_path);
        sv->crl_logged = s;
        ws_status_poke(sv->ctx, 1); /* open websockets re-check their certificate */
    }
}

void timers_crl_wake(struct web *sv, int rescan)
{
    if (rescan)
        tls_store_rescan(&sv->tls); /* SIGHUP: on the CRL thread, parsed only if changed */
    if (tls_store_adopt(&sv->tls))
        note_crl_state(sv, 1);
}

static void on_crl_timer(lws_sorted_usec_list_t *sul)
{
    struct web *sv = lws_container_of(sul, struct web, crl_timer);
    int reloaded = tls_store_poll(&sv->tls); /* the next handshake's callback sees it */

    note_crl_state(sv, reloaded);
    crl_warning_tick(sv, time(NULL), 0);
    cert_reload_poll(sv, 0);      /* a renewed server certificate (ACME), without a restart */
    ws_status_expire(time(NULL)); /* websockets whose certificate has just expired */
    lws_sul_schedule(sv->ctx, 0, &sv->crl_timer, on_crl_timer, CRL_POLL_MS * LWS_US_PER_MS);
}

void timers_start(struct web *sv)
{
    note_crl_state(sv, 0);
    crl_warning_tick(sv, time(NULL), 1);
    cert_reload_init(sv);
    lws_sul_schedule(sv->ctx, 0, &sv->crl_timer, on_crl_timer, CRL_POLL_MS * LWS_US_PER_MS);
}

void timers_deadlines_changed(struct web *sv)
{
    if (sv->ctx != NULL)
        arm(sv);
}

void timers_stop(struct web *sv)
{
    lws_sul_cancel(&sv->timer);
    lws_sul_cancel(&sv->crl_timer);
    lws_sul_cancel(&sv->hold_timer);
    sv->holding = 0;
}
