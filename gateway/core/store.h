/* store.h - the gateway's SQLite database (users, lockout counters, audit log): opening
 * with the durability settings the audit needs, and schema migrations. */
#ifndef GW_STORE_H
#define GW_STORE_H

#include <stddef.h>

struct sqlite3;

#define STORE_SCHEMA_VERSION 1
#define STORE_BUSY_TIMEOUT_DEFAULT 1000 /* ms a write waits for another writer's lock */

struct store {
    struct sqlite3 *db;
    char path[256];
};

/* Opens (creating it with mode 0600 if missing) and migrates the database: WAL journal,
 * synchronous=FULL (a commit is on disk when it returns), foreign keys, busy timeout.
 * Returns NULL and a one-line err on failure. */
struct store *store_open(const char *path, int busy_timeout_ms, char *err, size_t errlen);
void store_close(struct store *s);

/* The schema version recorded in the database (after store_open: STORE_SCHEMA_VERSION). */
int store_schema_version(struct store *s);

/* SQLite's last error message of this connection. */
const char *store_errmsg(struct store *s);

/* Runs SQL without results ("BEGIN IMMEDIATE", "COMMIT", ...). 0 or -1. */
int store_exec(struct store *s, const char *sql);

#endif
