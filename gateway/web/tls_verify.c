/* tls_verify.c - the TLS callbacks of the mTLS listener (see tls_verify.h): the client
 * certificate check of a full handshake, and the session-ticket hooks that keep a resumed
 * session from outliving its certificate. */
#include "tls_verify.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <time.h>

#include "gw_log.h"
#include "leaf_verify.h"
#include "mem_trim.h"
#include "metrics.h"
#include "tls_cost.h"
#include "wire_fold.h"

int tls_verify_client(struct web *sv, X509_STORE_CTX *xs, int preverify_ok)
{
    /* Inverted: 0 ACCEPTS. Called for every certificate of the chain, the leaf last;
     * preverify_ok = OpenSSL's verdict, kept: returning 0 unconditionally would let
     * any certificate in. Revocation is checked here (tls_store_verify: the leaf's
     * serial in the CRL checked at load) instead of by X509_V_FLAG_CRL_CHECK, which
     * verified the CRL's signature again in every handshake. */
    int err = tls_store_verify(&sv->tls, xs, preverify_ok, time(NULL));
    mem_trim_note(); /* a handshake: trim its transient heap once the burst is over */
    if (err == X509_V_OK)
        return 0;
    X509_STORE_CTX_set_error(xs, err); /* the verify result and the client's alert */
    gw_log("tls: client certificate refused: %s", X509_verify_cert_error_string(err));
    metrics_tls_refused();
    /* The no-certificate mode: the handshake goes on, unverified (the error stays the
     * connection's verify result), and every request gets only the no-certificate page. */
    return sv->app->conf->server.no_cert_page[0] != '\0' ? 0 : 1;
}

/* A new ticket (after a full handshake or a resumption, TLS 1.3 and 1.2): its session
 * times out no later than the certificate's notAfter, so a chain of resumptions, each
 * handed a fresh ticket, ends when the certificate does. */
static int ticket_made(SSL *ssl, void *arg)
{
    SSL_SESSION *ss = SSL_get0_session(ssl);
    X509 *peer = ss != NULL ? SSL_SESSION_get0_peer(ss) : NULL;
    long left;

    (void)arg;
    if (peer == NULL)
        return 1; /* no certificate, nothing to resume into (REQUIRE_VALID_..._CLIENT_CERT) */
    left = tls_store_cert_seconds_left(peer, time(NULL));
    if (left < 1)
        left = 1; /* expired (the no-certificate mode lets it complete TLS): a timeout of 0
                   * fails the handshake with internal_error; ticket_opened refuses it */
    if (left < SSL_SESSION_get_timeout(ss))
        SSL_SESSION_set_timeout(ss, left);
    return 1;
}

/* A ticket the client offers, decrypted: resumed only if its certificate passes the same
 * check as a request now (dates, CRL); otherwise a full handshake, which verifies it again
 * (and fails for an expired or revoked one). The other statuses keep OpenSSL's default. */
static SSL_TICKET_RETURN ticket_opened(SSL *ssl, SSL_SESSION *ss, const unsigned char *keyname,
                                       size_t keyname_len, SSL_TICKET_STATUS status, void *arg)
{
    struct web *sv = arg;
    const char *why = "no-certificate";
    X509 *peer;

    (void)ssl, (void)keyname, (void)keyname_len;
    switch (status) {
    case SSL_TICKET_EMPTY:
    case SSL_TICKET_NO_DECRYPT: return SSL_TICKET_RETURN_IGNORE_RENEW;
    case SSL_TICKET_SUCCESS:
    case SSL_TICKET_SUCCESS_RENEW:
        peer = SSL_SESSION_get0_peer(ss);
        if (peer == NULL || !tls_store_cert_ok(&sv->tls, peer, time(NULL), &why)) {
            gw_log("tls: session resumption refused: client certificate %s", why);
            metrics_tls_refused();
            return SSL_TICKET_RETURN_IGNORE;
        }
        return status == SSL_TICKET_SUCCESS ? SSL_TICKET_RETURN_USE : SSL_TICKET_RETURN_USE_RENEW;
    default: return SSL_TICKET_RETURN_IGNORE;
    }
}

int tls_verify_setup(struct web *sv, SSL_CTX *ctx)
{
    STACK_OF(X509_NAME) * names;

    /* ctx = the vhost's SSL_CTX: TLS 1.2+, and our CA store instead of the one lws
     * loaded. No X509_V_FLAG_CRL_CHECK: the verify callback above checks revocation. */
    if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1)
        return 1;
    if (sv->tls.store == NULL)
        return 1;
    /* Send the configured cert (+ any chain in its file), not a chain rebuilt from the
     * client-CA store on every handshake (a chain verification with a CRL check each
     * time, and the CA cert on the wire). (lws already sets SSL_MODE_RELEASE_BUFFERS
     * on every connection.) */
    SSL_CTX_set_mode(ctx, SSL_MODE_NO_AUTO_CHAIN);
    /* No server-side session cache: it kept every cleanly closed TLS 1.2 session with
     * its peer certificate (~6 KB) for 5 minutes, up to 20 480 of them. Resumption
     * still works through stateless tickets (TLS 1.3 and 1.2); a resumed session skips
     * the chain check: the ticket hooks above check the certificate again (dates, CRL),
     * and so does every request (peer_check). */
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    if (SSL_CTX_set_session_ticket_cb(ctx, ticket_made, ticket_opened, sv) != 1 ||
        tls_cost_setup(ctx) != 0 || wire_fold_enable(ctx) != 0)
        return 1;
    SSL_CTX_set1_cert_store(ctx, sv->tls.store);
    leaf_verify_setup(sv, ctx); /* a phone verified before skips the chain verification */
    /* The names of client_ca in the CertificateRequest (TLS 1.2, and TLS 1.3's
     * certificate_authorities): a browser holding several certificates offers or picks
     * one these CAs issued. lws 4.1 sets no list itself. */
    names = tls_store_ca_names(&sv->tls);
    if (names == NULL)
        return 1;
    SSL_CTX_set_client_CA_list(ctx, names); /* takes names */
    sv->ssl_ctx = ctx;
    return 0;
}
