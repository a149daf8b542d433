/* audit_journal.h - the audit's intent journal: the one durable write on the path of a tap.
 * A small file beside the database (DATABASE-intent, 0600), allocated and written in full
 * when it is created, so that writing a record never changes its size or its blocks: one
 * pwrite of one 512-byte slot and one fdatasync, which is one flush of the device and no
 * file-system journal commit. With the journal running, audit_append commits the row to
 * SQLite lazily (in the WAL; the flusher of store_flush.h syncs it within
 * STORE_FLUSH_DELAY_MS) and then writes the row to the journal; only then does the caller
 * publish. A machine crash can lose the lazy SQLite commit, never the journal record: at
 * start the gateway restores from the journal every row the database lacks (then
 * audit_recover marks the pending ones unknown). Slots are reused in a ring, and a slot
 * is reused only once the flusher has synced the row it holds; when none is free
 * audit_append falls back to a durable SQLite commit. Records carry a generation: a start
 * (after the restore) and a clean stop begin a new one, so a record of an earlier run is
 * never restored twice, nor into another database. */
#ifndef GW_AUDIT_JOURNAL_H
#define GW_AUDIT_JOURNAL_H

#include <stddef.h>

#include "audit.h"
#include "store.h"

#define AUDIT_JOURNAL_SLOT 512   /* bytes per record: one sector */
#define AUDIT_JOURNAL_SLOTS 1024 /* records in the ring (the file: one more slot, the head) */
#define AUDIT_JOURNAL_SUFFIX "-intent"

/* At the gateway's start, with the flusher not yet running and before any attempt: opens
 * (creating it if missing) the journal of s, restores the rows it holds that s lacks
 * (logged, durable commit), runs audit_recover, begins a new generation and attaches the
 * journal to s (store_close detaches it and, if every row reached the disk, ends the
 * generation). The number of rows restored, or -1 with a one-line err. */
int audit_journal_start(struct store *s, char *err, size_t errlen);

struct audit_journal_counts {
    unsigned long records; /* records written */
    unsigned long syncs;   /* fdatasyncs of the journal file */
    unsigned long full;    /* appends that found no free slot (durable SQLite commits) */
};

/* What the journal of s did so far (tests, diagnostics); zeros without one. */
void audit_journal_counts(struct store *s, struct audit_journal_counts *c);

#endif
