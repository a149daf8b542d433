/* tls_store_types.h - the data of the client-certificate trust (tls_store.h): the CRL
 * states, one CRL file, the set of CRLs in force and the store itself, apart from the
 * functions so that the set builder (crl_set.h) can fill them without including the store's
 * interface, which calls it. */
#ifndef GW_TLS_STORE_TYPES_H
#define GW_TLS_STORE_TYPES_H

#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include <openssl/x509.h>

#include <lkhost/crl_floor.h>
#include <lkhost/crl_index.h>

#include "crl_sources.h"

enum crl_state {
    CRL_OFF = 0, /* crl = none: revocation not checked (unsafe) */
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

#define TLS_CA_MAX 16 /* certificates in client_ca */

/* A CRL as read, shared by the sets that hold it (refs: changed only by the thread that
 * builds a set, while no other one does). */
struct tls_crl_data {
    struct lkh_crl_index x;
    int refs;
};

/* One CRL file. */
struct tls_crl {
    char path[CRL_PATH_MAX];
    struct tls_file_id id;
    unsigned char file_sha256[32]; /* of the file's bytes when last read (has_sha) */
    int has_sha;
    struct tls_crl_data *crl;  /* the CRL accepted from this file, NULL if none */
    int signer;                /* index in ca of the CA that signed it, -1 if none */
    time_t last, next;         /* its lastUpdate and nextUpdate (unix seconds) */
    int has_next;              /* 0: no nextUpdate (then it counts as expired) */
    enum crl_state load_state; /* result of the last load (time checks come on top) */
};

/* The CRLs in force: built whole (on the CRL thread, or by tls_store_init and the
 * synchronous tls_store_poll), never changed once the loop has it. */
struct crl_set {
    struct tls_crl crls[CRL_FILES_MAX];
    int n_crls;
    int too_many;                        /* the directories hold more than CRL_FILES_MAX files */
    int in_force[TLS_CA_MAX];            /* index in crls of each CA's CRL in force, -1 if none */
    enum crl_state ca_state[TLS_CA_MAX]; /* CRL_OK, or why a CA has no CRL in force */
    unsigned long loads;                 /* CRL files parsed and checked since the start */
    unsigned long unchanged; /* files read again (SIGHUP, a new mtime) found unchanged */
    long build_us;           /* how long building this set took (on the CRL thread) */
};

struct crl_worker;

struct tls_store {
    char ca_path[256];
    char crl_path[256]; /* the crl setting as given ("" when crl = none), for logs */
    struct crl_sources sources;
    STACK_OF(X509) * ca;                 /* certificates of client_ca */
    struct crl_set *set;                 /* in force; the loop reads it, a swap replaces it */
    struct crl_floor floors[TLS_CA_MAX]; /* the highest CRL number accepted (rollback); used
                                          * by the thread that builds a set */
    int floor_of[TLS_CA_MAX];            /* index in floors of each CA's floor */
    int n_floors;
    X509_STORE *store;         /* the CA certificates only (no CRL, no CRL_CHECK); owned,
                                   * built once, never replaced */
    uint64_t generation;       /* +1 at every swap that changed a CRL (crl_generation.h too) */
    struct crl_worker *worker; /* NULL: tls_store_poll reads on the caller's thread */
    long swap_us;              /* the loop's part of the last swap (pointer, old set freed) */
};

#endif
