/* pending.h - the table of door actions in flight: published, waiting for the device's ack
 * or the timeout. Written from two threads (Paho's callback thread delivers acks, the lws
 * loop adds, expires and takes entries), so every access holds the table's mutex.
 * Entries are addressed by a handle (slot + generation) so a stale handle never reaches
 * a reused slot. The owner (the waiting HTTP connection) is opaque here. */
#ifndef GW_PENDING_H
#define GW_PENDING_H

#include <pthread.h>
#include <stdint.h>

#include "latchkey/cmd_format.h"
#include "result.h"

#define PENDING_MAX 64
#define PENDING_REASON_MAX 32

struct pending_handle {
    int slot;         /* -1: none */
    uint32_t gen;
};

struct pending_info {
    char id[LK_ID_HEX_LEN + 1];
    char user[LK_BY_MAX + 1];
    char door[LK_NAME_MAX + 1];
    enum gw_result result;
    char reason[PENDING_REASON_MAX + 1];
    int64_t started_ms;
    void *owner;      /* NULL once the owner went away */
};

enum pending_state { PENDING_FREE = 0, PENDING_WAITING, PENDING_DONE };

struct pending_entry {
    enum pending_state state;
    uint32_t gen;
    int64_t deadline_ms;
    struct pending_info info;
};

struct pending_table {
    pthread_mutex_t lock;
    struct pending_entry e[PENDING_MAX];
    uint32_t next_gen;
    void (*wake)(void *arg); /* called (unlocked) after an entry becomes done off-loop */
    void *wake_arg;
};

int pending_init(struct pending_table *t, void (*wake)(void *), void *wake_arg);
void pending_destroy(struct pending_table *t);

/* Adds a waiting entry. Returns 0 and fills *h, or -1 if the table is full. */
int pending_add(struct pending_table *t, const char *id, const char *user, const char *door,
                int64_t now_ms, int64_t deadline_ms, void *owner, struct pending_handle *h);

/* An ack arrived for id from door: marks the waiting entry done and wakes the loop.
 * reason may be NULL. Returns 0, or -1 if no such waiting entry (late or foreign ack). */
int pending_ack(struct pending_table *t, const char *id, const char *door, int ok,
                const char *reason);

/* Ends a waiting entry early with result (e.g. the publish failed); wakes the loop. */
void pending_fail(struct pending_table *t, struct pending_handle h, enum gw_result result,
                  const char *reason);

/* Marks waiting entries past their deadline done (not-confirmed). Returns how many. */
int pending_expire(struct pending_table *t, int64_t now_ms);

/* Earliest deadline of a waiting entry, or -1 if none waits. */
int64_t pending_next_deadline(struct pending_table *t);

/* For each done entry: with an owner, calls on_done(arg, owner) (entry stays until taken);
 * without an owner (it went away), calls on_orphan(arg, info) and frees the entry. */
void pending_collect(struct pending_table *t, void (*on_done)(void *arg, void *owner),
                     void (*on_orphan)(void *arg, const struct pending_info *info), void *arg);

/* If h's entry is done, copies it to *out, frees it and returns 1; 0 if still waiting;
 * -1 if h is not a live entry. */
int pending_take(struct pending_table *t, struct pending_handle h, struct pending_info *out);

/* Copies the owners of the entries still waiting (owner not gone) into owners, at most
 * cap of them; returns how many. */
int pending_waiting_owners(struct pending_table *t, void **owners, int cap);

/* The owner went away: the entry lives on until done, then pending_collect reaps it. */
void pending_detach(struct pending_table *t, struct pending_handle h);

#endif
