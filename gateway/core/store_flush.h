/* store_flush.h - the store's background flusher: a thread that makes lazy commits
 * (store.h STORE_LAZY) durable and keeps the WAL short, so that no commit on the path of
 * a request waits for more than its own fsync. A short delay after a lazy commit it
 * fdatasyncs the WAL file (a descriptor of its own on the same file); once the WAL holds
 * STORE_FLUSH_CHECKPOINT_FRAMES pages it runs a PASSIVE checkpoint on a connection of its
 * own. The loop's connection then never checkpoints itself (its commit hook is the
 * flusher's instead of SQLite's auto-checkpoint). */
#ifndef GW_STORE_FLUSH_H
#define GW_STORE_FLUSH_H

#include <stddef.h>

#include "store.h"

#define STORE_FLUSH_DELAY_MS 200           /* from a lazy commit to the fdatasync */
#define STORE_FLUSH_CHECKPOINT_FRAMES 1000 /* WAL pages (SQLite's auto-checkpoint size) */

/* Starts the flusher of s (the gateway's; the command line keeps SQLite's own
 * checkpoints). delay_ms: how long after the first lazy commit of a quiet spell it syncs
 * (commits within the delay share one fdatasync). 0 or -1 with a one-line err. */
int store_flusher_start(struct store *s, int delay_ms, char *err, size_t errlen);

/* Syncs what is left, stops the thread and gives the connection SQLite's automatic
 * checkpoints back. No-op without a flusher (store_close calls it). */
void store_flusher_stop(struct store *s);

struct store_flush_counts {
    unsigned long syncs;       /* fdatasyncs of the WAL */
    unsigned long checkpoints; /* PASSIVE checkpoints run */
    unsigned long failures;    /* either one failed */
    unsigned long commits;     /* commits of the loop's connection, counted by its hook */
    unsigned long durable;     /* the first this many are on disk (a sync, or a FULL commit) */
};

/* What the flusher did so far (tests and diagnostics); zeros without one. */
void store_flusher_counts(struct store *s, struct store_flush_counts *c);

#endif
