/* tls_store.h - the client-certificate trust store of the HTTPS listener: the CA that
 * phones' certificates chain to plus its CRL (PEM, from `latchkey-certs crl`), built into
 * an OpenSSL X509_STORE with CRL checking. The CRL file is watched (tls_store_poll) and a
 * fresh store is built when it changes, so revocation takes effect without a restart.
 * Fails closed: while the CRL is missing, unparsable, not signed by the CA or past its
 * nextUpdate, no certificate is accepted. Loop thread only (no locking). */
#ifndef GW_TLS_STORE_H
#define GW_TLS_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include <openssl/x509.h>

enum crl_state {
    CRL_OFF = 0,       /* crl = none: revocation not checked (unsafe) */
    CRL_OK,
    CRL_MISSING,       /* file cannot be opened */
    CRL_UNPARSABLE,    /* not one PEM CRL */
    CRL_BAD_SIGNATURE, /* not issued/signed by the client CA */
    CRL_EXPIRED,       /* nextUpdate has passed (or is absent) */
    CRL_NOT_YET_VALID  /* lastUpdate more than 5 minutes in the future */
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
    enum crl_state load_state;   /* result of the last load (time checks come on top) */
    X509_STORE *store;           /* CA (+ CRL), flags CRL_CHECK unless off; owned */
    struct tls_file_id id;
    uint64_t generation;         /* +1 on every rebuild of the store */
};

/* Loads the CA (must work: -1 and err otherwise) and the CRL (crl_path NULL or "none":
 * off). A bad CRL is not an error here: see tls_store_state(). */
int tls_store_init(struct tls_store *t, const char *ca_path, const char *crl_path, char *err,
                   size_t errlen);
void tls_store_free(struct tls_store *t);

/* Looks at the CRL file (stat: inode, size, mtime); if it changed, reloads it and builds
 * a new store. Returns 1 if the store was replaced, else 0. */
int tls_store_poll(struct tls_store *t);

/* The CRL's state now (load state, then lastUpdate/nextUpdate against now). */
enum crl_state tls_store_state(const struct tls_store *t, time_t now);
const char *crl_state_name(enum crl_state s);

/* 1 if cert may be used now: CRL off, or CRL usable and cert's serial not on it.
 * Otherwise 0 and *why ("revoked", or the CRL state name). */
int tls_store_cert_ok(const struct tls_store *t, X509 *cert, time_t now, const char **why);

/* Checks a CRL file for --check-config / start-up: 0 if it loads and is signed by a
 * certificate of ca_path (expiry is reported through *state but not an error). */
int tls_store_check_crl(const char *crl_path, const char *ca_path, enum crl_state *state,
                        char *err, size_t errlen);

#endif
