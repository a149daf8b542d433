/* tls_store.h - the client-certificate trust of the HTTPS listener: an OpenSSL X509_STORE
 * of the CA that phones' certificates chain to, and its CRL (PEM, from `latchkey-certs
 * crl`), whose signature, issuer and dates are checked here when it is loaded, not again in
 * every handshake: the handshake's verify callback calls tls_store_verify, which looks the
 * leaf's serial up in the loaded CRL. The CRL file is watched (tls_store_poll) and reloaded
 * when it changes, so revocation takes effect for the next handshake without a restart.
 * Fails closed: while the CRL is missing, unparsable, not signed by the CA, without a CRL
 * number, older than one accepted before (crl_floor.h) or past its nextUpdate, no
 * certificate is accepted. Loop thread only (no locking). */
#ifndef GW_TLS_STORE_H
#define GW_TLS_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include <openssl/x509.h>

#include <lkhost/crl_floor.h>

enum crl_state {
    CRL_OFF = 0,       /* crl = none: revocation not checked (unsafe) */
    CRL_OK,
    CRL_MISSING,       /* file cannot be opened */
    CRL_UNPARSABLE,    /* not one PEM CRL */
    CRL_BAD_SIGNATURE, /* not issued/signed by the client CA */
    CRL_EXPIRED,       /* nextUpdate has passed (or is absent) */
    CRL_NOT_YET_VALID, /* lastUpdate more than 5 minutes in the future */
    CRL_NO_NUMBER,     /* no crlNumber: cannot be ordered against the last one (crl_floor.h) */
    CRL_ROLLED_BACK    /* older than the highest accepted, and no newer CRL in force */
};

struct tls_file_id {
    int exists;
    dev_t dev;
    ino_t ino;
    off_t size;
    time_t mtime_sec;
    long mtime_nsec;
};

struct tls_store {
    char ca_path[256];
    char crl_path[256];          /* "" when crl = none */
    STACK_OF(X509) *ca;          /* certificates of client_ca */
    X509_CRL *crl;               /* the CRL in force, NULL unless loaded and signed */
    X509 *crl_signer;            /* the certificate of ca that signed it (not owned) */
    time_t crl_last, crl_next;   /* its lastUpdate and nextUpdate (unix seconds) */
    int crl_has_next;            /* 0: no nextUpdate (then it counts as expired) */
    enum crl_state load_state;   /* result of the last load (time checks come on top) */
    X509_STORE *store;           /* the CA certificates only (no CRL, no CRL_CHECK); owned,
                                  * built once, never replaced */
    struct tls_file_id id;
    uint64_t generation;         /* +1 on every (re)load of the CRL */
    struct crl_floor floor;      /* the highest CRL number accepted (rollback protection) */
};

/* Loads the CA (must work: -1 and err otherwise), the CRL number floor from floor_path
 * (crl_floor.h; NULL: in memory only; an unreadable state file: -1) and the CRL (crl_path
 * NULL or "none": off). A bad CRL is not an error here: see tls_store_state(). */
int tls_store_init(struct tls_store *t, const char *ca_path, const char *crl_path,
                   const char *floor_path, char *err, size_t errlen);
void tls_store_free(struct tls_store *t);

/* Looks at the CRL file (stat: inode, size, mtime); if it changed, reloads it. Returns 1
 * if the CRL was reloaded (whatever the new file holds), else 0. A CRL older than the one
 * in force (lower crlNumber, or the same number with other content) is refused and logged,
 * and the one in force stays; any other bad file replaces it (fails closed). */
int tls_store_poll(struct tls_store *t);

/* The CRL's state now (load state, then lastUpdate/nextUpdate against now). */
enum crl_state tls_store_state(const struct tls_store *t, time_t now);
const char *crl_state_name(enum crl_state s);

/* The *why of a certificate outside its own validity dates. */
#define CERT_EXPIRED "certificate-expired"
#define CERT_NOT_YET_VALID "certificate-not-yet-valid"

/* 1 if cert may be used now: inside its notBefore..notAfter, and the CRL off, or usable,
 * of cert's issuer, and cert's serial not on it. Otherwise 0 and *why (CERT_EXPIRED,
 * CERT_NOT_YET_VALID, "revoked", "crl-of-another-issuer", or the CRL state name). Called
 * for every request and websocket message, and when a TLS session is resumed: neither a
 * ticket nor an open connection outlives its certificate. */
int tls_store_cert_ok(const struct tls_store *t, X509 *cert, time_t now, const char **why);

/* Seconds from now until cert's notAfter; 0 if it has passed or cannot be read. */
long tls_store_cert_seconds_left(X509 *cert, time_t now);

/* The handshake's check, for OpenSSL's verify callback (preverify_ok and xs as given to
 * it, called at every depth of the chain): X509_V_OK to go on, else the X509_V_ERR_* the
 * certificate is refused with: OpenSSL's own error when preverify_ok is 0; while the CRL
 * is not usable, X509_V_ERR_UNABLE_TO_GET_CRL (missing, unparsable, wrong signer),
 * _CRL_HAS_EXPIRED or _CRL_NOT_YET_VALID at any depth; at depth 0 (the leaf, reported last
 * after its signature and dates were checked), _UNABLE_TO_GET_CRL if its issuer in the
 * chain is not the CA that signed the CRL, and X509_V_ERR_CERT_REVOKED if its serial is on
 * the CRL. These are the errors OpenSSL's X509_V_FLAG_CRL_CHECK gave for the same cases. */
int tls_store_verify(const struct tls_store *t, X509_STORE_CTX *xs, int preverify_ok, time_t now);

/* Checks a CRL file for --check-config / start-up: 0 if it loads and is signed by a
 * certificate of ca_path (expiry is reported through *state but not an error). */
int tls_store_check_crl(const char *crl_path, const char *ca_path, enum crl_state *state,
                        char *err, size_t errlen);

#endif
