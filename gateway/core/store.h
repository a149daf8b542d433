/* store.h - the gateway's SQLite database (users, lockout counters, audit log): opening
 * with the durability settings the audit needs, the per-commit durability switch, and
 * schema migrations. The background checkpointer is store_flush.h. */
#ifndef GW_STORE_H
#define GW_STORE_H

#include <stddef.h>

struct sqlite3;

#define STORE_SCHEMA_VERSION 3
#define STORE_BUSY_TIMEOUT_DEFAULT 1000 /* ms a write waits for another writer's lock */

/* How a commit of this connection reaches the disk. */
enum store_sync {
    STORE_DURABLE = 0, /* synchronous=FULL: the WAL is fsynced before the commit returns */
    STORE_LAZY,        /* synchronous=NORMAL: in the WAL (survives a crash of the process,
                        * not of the machine) until the next durable commit or checkpoint */
};

struct store;
struct store_flusher;
struct audit_journal;
struct audit_rec;

/* The audit's intent journal, attached by audit_journal.c (audit_journal.h); NULLs: none. */
struct store_journal {
    struct audit_journal *j;
    int (*ready)(struct store *s); /* can the next row be journaled: 1 or 0 */
    int (*write)(struct store *s, const struct audit_rec *r, unsigned long commit);
    void (*close)(struct store *s); /* store_close, after before_close */
};

struct store {
    struct sqlite3 *db;
    char path[256];
    enum store_sync sync;                  /* the mode the next commit uses */
    struct store_flusher *flusher;         /* background syncs and checkpoints (store_flush.h) */
    void (*before_close)(struct store *s); /* set by store_flush.c: stops the flusher */
    struct store_journal journal;          /* the audit's intent journal */
};

/* Opens (creating it with mode 0600 if missing) and migrates the database: WAL journal,
 * synchronous=FULL (STORE_DURABLE: a commit is on disk when it returns), foreign keys,
 * busy timeout.
 * Returns NULL and a one-line err on failure. */
struct store *store_open(const char *path, int busy_timeout_ms, char *err, size_t errlen);
void store_close(struct store *s);

/* The schema version recorded in the database (after store_open: STORE_SCHEMA_VERSION). */
int store_schema_version(struct store *s);

/* Sets the durability of the following commits. 0 or -1 (the mode is then unknown:
 * s->sync says STORE_LAZY, so a durable writer sets it again and fails closed). */
int store_set_sync(struct store *s, enum store_sync mode);

/* SQLite's last error message of this connection. */
const char *store_errmsg(struct store *s);

/* Runs SQL without results ("BEGIN IMMEDIATE", "COMMIT", ...). 0 or -1. */
int store_exec(struct store *s, const char *sql);

#endif
