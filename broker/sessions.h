/* sessions.h - the broker plugin's table of live MQTT sessions: client id and the serial of
 * the certificate it connected with, noted at its first access check and forgotten when it
 * disconnects (at the next tick: its will is checked after its TLS session is gone); and
 * the ids waiting to be disconnected (their certificate was revoked).
 * Bounded, no allocation, no locking: Mosquitto calls its plugins from one thread. */
#ifndef LK_BROKER_SESSIONS_H
#define LK_BROKER_SESSIONS_H

#include <stddef.h>

#define SESSIONS_MAX 4096     /* live sessions tracked; one per identity (identity.h) */
#define SESSION_ID_MAX 73     /* "latchkey-" and a CN of at most 64 (identity.h) */
#define SESSION_SERIAL_MAX 32 /* RFC 5280: at most 20 octets; room to spare */

struct session {
    char id[SESSION_ID_MAX + 1];
    unsigned char serial[SESSION_SERIAL_MAX];
    size_t serial_len;
    int kick;  /* 1: to be disconnected at the next tick */
    int ended; /* 1: disconnected, dropped at the next tick */
};

struct sessions {
    struct session s[SESSIONS_MAX];
    int n;
};

void sessions_init(struct sessions *t);

/* Notes (or updates) the session of id with this serial. 0 on success, -1 if id or serial
 * is too long or the table is full (the caller refuses the access: fail closed). */
int sessions_note(struct sessions *t, const char *id, const unsigned char *serial, size_t len);

/* Marks id's entry ended if it is the one of this serial (a session taken over by a newer one
 * of the same id keeps the newer one's entry), to be kicked or not: that session is over. */
void sessions_forget(struct sessions *t, const char *id, const unsigned char *serial, size_t len);

/* The serial noted for id (ended or not) into out; 0 if id has no entry. */
size_t sessions_serial(struct sessions *t, const char *id, unsigned char out[SESSION_SERIAL_MAX]);

/* Drops the ended entries. */
void sessions_purge(struct sessions *t);

/* Notes id's session with this serial and marks it to be disconnected. -1 as sessions_note
 * (the caller still refuses every access of that session). */
int sessions_mark(struct sessions *t, const char *id, const unsigned char *serial, size_t len);

/* Calls revoked(serial) for every entry and marks those for which it returns 1; returns how
 * many were marked. */
int sessions_sweep(struct sessions *t, int (*revoked)(const unsigned char *, size_t, void *), void *arg);

/* Copies the id of one marked entry into out and clears its mark; 0 if none is marked. */
int sessions_next_kick(struct sessions *t, char out[SESSION_ID_MAX + 1]);

#endif
