/* tls_store.h - the client-certificate trust of the HTTPS listener: an OpenSSL X509_STORE
 * of the CAs in client_ca (roots, and the intermediates below them), and the CRLs of
 * those CAs (PEM, from `latchkey-certs crl` or any CA: one or more files or directories,
 * crl_sources.h), whose signature, issuer and dates are checked here when they are loaded,
 * not again in every handshake: the handshake's verify callback calls tls_store_verify,
 * which walks the chain from the leaf up to its root and looks each certificate's serial
 * up in the CRL of the CA that issued it (the CRL "in force" for that CA). Every CA below
 * the root must be in client_ca, and every CA that issued a certificate of the chain
 * needs a CRL: a certificate whose issuer has none is refused. The CRL files are watched
 * (tls_store_poll) and reloaded when they change, so revocation takes effect for the next
 * handshake without a restart: a CRL is read and checked (crl_index.h) once per content,
 * on the CRL thread (crl_worker.h) once tls_store_start_worker has run, and the loop only
 * swaps the new set in (one pointer). Fails closed: while a CRL file is missing, unparsable, not
 * signed by a CA of client_ca or without a CRL number, no certificate is accepted; while
 * a CA's CRL is older than one accepted before (crl_floor.h; one floor per CA, or one
 * shared floor when crl names a single file) or past its nextUpdate, no certificate under
 * that CA is. Loop thread only (the worker builds each new set on its own and hands it
 * over under its lock). */
#ifndef GW_TLS_STORE_H
#define GW_TLS_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include <openssl/x509.h>

#include <lkhost/crl_floor.h>
#include <lkhost/crl_index.h>

#include "asn1_seconds.h"
#include "tls_store_types.h"

/* Loads the CAs (must work: -1 and err otherwise), the CRL number floors (crl_floor.h:
 * floor_path itself when crl_spec names a single file, else floor_path + "." + a hash of
 * each CA; NULL: in memory only; an unreadable state file: -1) and the CRLs (crl_spec: see
 * crl_sources.h; NULL or "none": off). A bad CRL is not an error here: see
 * tls_store_state(). */
int tls_store_init(struct tls_store *t, const char *ca_path, const char *crl_spec,
                   const char *floor_path, char *err, size_t errlen);
void tls_store_free(struct tls_store *t);

/* Lists the CRL files again and looks at each (stat: inode, size, mtime); a file that
 * changed is read, and parsed and checked only if its content (SHA-256) changed. Returns 1
 * if a CRL was reloaded, added or removed (whatever it holds), else 0. A CRL older than the
 * one in force for its CA (lower crlNumber, or the same number with other content) is
 * refused and logged, and the one in force stays; any other bad file replaces it (fails
 * closed). With the worker started, this runs on the CRL thread: the call swaps in what the
 * last run built (1 if that changed a CRL) and starts the next run. */
int tls_store_poll(struct tls_store *t);

/* SIGHUP: every CRL file read again whatever its stat says; one whose content did not
 * change is not parsed again (logged, counted in unchanged). With the worker: as soon as
 * it is free; the result comes with a later tls_store_poll or tls_store_adopt. */
void tls_store_rescan(struct tls_store *t);

/* With the worker: swaps in a set it has finished, if any. 1 if that changed a CRL. */
int tls_store_adopt(struct tls_store *t);

/* Starts the CRL thread; wake(arg) is called from it when a set is ready to adopt. 0, or
 * -1 if the thread cannot start (then everything stays on the caller's thread). */
int tls_store_start_worker(struct tls_store *t, void (*wake)(void *), void *arg);

/* Stops the CRL thread (waits for a run under way; what it built and nobody took is
 * dropped): before the loop's context goes away. tls_store_free does it too. */
void tls_store_stop_worker(struct tls_store *t);

/* The message for a CRL that does not load (the start-up error), from tls_store_state's
 * answer s; 0 if s is not such a problem (expired and the like are not start-up errors). */
int tls_store_crl_problem(const struct tls_store *t, enum crl_state s, char *err, size_t errlen);

/* The CRLs' state now: CRL_OFF, CRL_OK, or the first problem: a file's load state, a CA's
 * CRL refused as rolled back, or a CRL in force outside lastUpdate/nextUpdate. */
enum crl_state tls_store_state(const struct tls_store *t, time_t now);
const char *crl_state_name(enum crl_state s);

/* The *why of a certificate outside its own validity dates. */
#define CERT_EXPIRED "certificate-expired"
#define CERT_NOT_YET_VALID "certificate-not-yet-valid"

/* 1 if cert may be used now: inside its notBefore..notAfter, issued by a CA of client_ca
 * (through the intermediates in it), and unless the CRLs are off, neither it nor an
 * intermediate above it on the CRL of its issuer, which must be usable. Otherwise 0 and
 * *why (CERT_EXPIRED, CERT_NOT_YET_VALID, "revoked", "issuer-not-in-client-ca",
 * "no-crl-for-issuer", or a CRL state name). Called
 * for every request and websocket message, and when a TLS session is resumed: neither a
 * ticket nor an open connection outlives its certificate. */
int tls_store_cert_ok(const struct tls_store *t, X509 *cert, time_t now, const char **why);

/* Seconds from now until cert's notAfter; 0 if it has passed or cannot be read. */
long tls_store_cert_seconds_left(X509 *cert, time_t now);

/* The handshake's check, for OpenSSL's verify callback (preverify_ok and xs as given to
 * it, called at every depth of the chain): X509_V_OK to go on, else the X509_V_ERR_* the
 * certificate is refused with: OpenSSL's own error when preverify_ok is 0; while a CRL
 * file is not usable, X509_V_ERR_UNABLE_TO_GET_CRL (missing, unparsable, wrong signer) at
 * any depth; at depth 0 (the leaf, reported last after the chain's signatures and dates
 * were checked), for the leaf and every intermediate of the verified chain: _UNABLE_TO_
 * GET_CRL if its issuer is not a certificate of client_ca or has no CRL in force,
 * _CRL_HAS_EXPIRED or _CRL_NOT_YET_VALID for its issuer's CRL, X509_V_ERR_CERT_REVOKED if
 * its serial is on it. These are the errors OpenSSL's X509_V_FLAG_CRL_CHECK_ALL gives for
 * the same cases. */
int tls_store_verify(const struct tls_store *t, X509_STORE_CTX *xs, int preverify_ok, time_t now);

/* The index in client_ca of cert itself (the same certificate), -1 if it is not there. */
int tls_store_ca_index(const struct tls_store *t, X509 *cert);

/* The subject names of client_ca, for the CertificateRequest (the caller owns the stack);
 * NULL if out of memory. */
STACK_OF(X509_NAME) * tls_store_ca_names(const struct tls_store *t);

/* Logs each CA of client_ca that has no CRL in force (certificates it issued are refused). */
void tls_store_log_uncovered(const struct tls_store *t);

/* The first CRL file that does not load ("" if none, or the crl setting itself when the
 * problem is the list: a directory unreadable or with too many files). */
const char *tls_store_bad_path(const struct tls_store *t);

/* Checks the CRL files for --check-config / start-up: 0 if each loads and is signed by a
 * certificate of ca_path (expiry is reported through *state but not an error). */
int tls_store_check_crl(const char *crl_spec, const char *ca_path, enum crl_state *state, char *err,
                        size_t errlen);

#endif
