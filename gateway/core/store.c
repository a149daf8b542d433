/* store.c - opens the SQLite database and brings its schema up to date. The schema version
 * lives in table schema_version (one row); each migration runs in its own transaction and
 * bumps it, so an interrupted upgrade leaves the previous version intact. */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* migrations[i] takes the schema from version i to i + 1. Never edit a released one:
 * append a new one instead. */
static const char *const migrations[STORE_SCHEMA_VERSION] = {
    /* 0 -> 1: users with their lockout state, and the audit log */
    "CREATE TABLE users ("
    "  name TEXT PRIMARY KEY NOT NULL," /* client certificate CN */
    "  pin_hash TEXT NOT NULL,"         /* pin_hash.h format */
    "  doors TEXT NOT NULL,"            /* comma-separated door names */
    "  enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),"
    "  role TEXT NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),"
    "  failed INTEGER NOT NULL DEFAULT 0,"       /* wrong PINs in a row */
    "  lockouts INTEGER NOT NULL DEFAULT 0,"     /* lockouts since the last right PIN */
    "  locked_until INTEGER NOT NULL DEFAULT 0," /* unix seconds; 0: not locked */
    "  created INTEGER NOT NULL"                 /* unix seconds */
    ");"
    "CREATE TABLE audit ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  at_ms INTEGER NOT NULL," /* unix milliseconds of the attempt */
    "  user TEXT NOT NULL,"
    "  serial TEXT NOT NULL," /* client certificate serial, hex */
    "  door TEXT NOT NULL,"
    "  result TEXT NOT NULL,"
    "  reason TEXT NOT NULL,"
    "  latency_ms INTEGER NOT NULL,"
    "  peer TEXT NOT NULL," /* peer IP address */
    "  cmd_id TEXT"         /* command id when one was sent */
    ");"
    "CREATE INDEX audit_at ON audit (at_ms);"
    "CREATE INDEX audit_user ON audit (user, at_ms);"
    "CREATE UNIQUE INDEX audit_cmd ON audit (cmd_id) WHERE cmd_id IS NOT NULL;",
    /* 1 -> 2: fewer pages per audit row. The table is rebuilt without AUTOINCREMENT (its
     * sqlite_sequence row was one more page in every commit; ids are still the rowid,
     * max + 1, and no audit row is ever deleted), every row and id kept. audit_cmd (every
     * command row, ever) gives way to audit_pending: only the rows whose command is out
     * and whose result is not yet on record, which is what audit_finish and the recovery
     * at start look up (audit.h). audit_at and audit_user serve the queries. */
    "CREATE TABLE audit_v2 ("
    "  id INTEGER PRIMARY KEY,"
    "  at_ms INTEGER NOT NULL,"
    "  user TEXT NOT NULL,"
    "  serial TEXT NOT NULL,"
    "  door TEXT NOT NULL,"
    "  result TEXT NOT NULL,"
    "  reason TEXT NOT NULL,"
    "  latency_ms INTEGER NOT NULL,"
    "  peer TEXT NOT NULL,"
    "  cmd_id TEXT"
    ");"
    "INSERT INTO audit_v2 (id, at_ms, user, serial, door, result, reason, latency_ms, peer, "
    "cmd_id) SELECT id, at_ms, user, serial, door, result, reason, latency_ms, peer, cmd_id "
    "FROM audit ORDER BY id;"
    "DROP TABLE audit;"
    "ALTER TABLE audit_v2 RENAME TO audit;"
    "CREATE INDEX audit_at ON audit (at_ms);"
    "CREATE INDEX audit_user ON audit (user, at_ms);"
    "CREATE UNIQUE INDEX audit_pending ON audit (cmd_id) WHERE result = 'pending';",
    /* 2 -> 3: schedules and guests (schedule.h, sched_store.h). A user may carry an end
     * of access (a guest's: the end of the visit, as the certificate's notAfter); each
     * (user, door) may have a schedule, gone with the user. An audit row of an attempt
     * that used one of a counted number of uses records how many are left. */
    "ALTER TABLE users ADD COLUMN expires INTEGER NOT NULL DEFAULT 0;" /* unix s; 0 never */
    "ALTER TABLE users ADD COLUMN guest INTEGER NOT NULL DEFAULT 0 CHECK (guest IN (0, 1));"
    "CREATE TABLE schedules ("
    "  user TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,"
    "  door TEXT NOT NULL,"
    "  valid_from INTEGER NOT NULL DEFAULT 0,"  /* unix seconds; 0: no start */
    "  valid_until INTEGER NOT NULL DEFAULT 0," /* unix seconds, exclusive; 0: no end */
    "  windows TEXT NOT NULL DEFAULT '',"       /* schedule.h text, canonical */
    "  uses_left INTEGER CHECK (uses_left IS NULL OR uses_left >= 0)," /* NULL: no count */
    "  PRIMARY KEY (user, door)"
    ") WITHOUT ROWID;"
    "ALTER TABLE audit ADD COLUMN uses_left INTEGER;",
};

const char *store_errmsg(struct store *s)
{
    return s != NULL && s->db != NULL ? sqlite3_errmsg(s->db) : "no database";
}

int store_exec(struct store *s, const char *sql)
{
    return sqlite3_exec(s->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

int store_set_sync(struct store *s, enum store_sync mode)
{
    if (s->sync == mode)
        return 0;
    s->sync = STORE_LAZY; /* until FULL is known to be set */
    if (store_exec(s, mode == STORE_DURABLE ? "PRAGMA synchronous=FULL"
                                            : "PRAGMA synchronous=NORMAL") != 0)
        return -1;
    s->sync = mode;
    return 0;
}

int store_schema_version(struct store *s)
{
    sqlite3_stmt *st;
    int v = -1;
    if (sqlite3_prepare_v2(s->db, "SELECT version FROM schema_version", -1, &st, NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* Text of a one-row, one-column query, or "" */
static void query_text(struct store *s, const char *sql, char *out, size_t cap)
{
    sqlite3_stmt *st;
    out[0] = '\0';
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL)
        snprintf(out, cap, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
}

static int migrate(struct store *s, char *err, size_t errlen)
{
    int v;
    if (store_exec(s, "BEGIN IMMEDIATE;"
                      "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);"
                      "INSERT INTO schema_version (version) SELECT 0 WHERE NOT EXISTS "
                      "(SELECT 1 FROM schema_version);"
                      "COMMIT") != 0) {
        store_exec(s, "ROLLBACK");
        snprintf(err, errlen, "%s: cannot create the schema table: %s", s->path, store_errmsg(s));
        return -1;
    }
    for (;;) {
        char bump[64];
        v = store_schema_version(s);
        if (v < 0) {
            snprintf(err, errlen, "%s: cannot read the schema version: %s", s->path, store_errmsg(s));
            return -1;
        }
        if (v > STORE_SCHEMA_VERSION) {
            snprintf(err, errlen, "%s: schema version %d is newer than this gateway knows (%d)",
                     s->path, v, STORE_SCHEMA_VERSION);
            return -1;
        }
        if (v == STORE_SCHEMA_VERSION)
            return 0;
        if (store_exec(s, "BEGIN IMMEDIATE") != 0) {
            snprintf(err, errlen, "%s: cannot migrate: %s", s->path, store_errmsg(s));
            return -1;
        }
        if (store_schema_version(s) != v) { /* another process migrated meanwhile */
            store_exec(s, "ROLLBACK");
            continue;
        }
        snprintf(bump, sizeof bump, "UPDATE schema_version SET version = %d", v + 1);
        if (store_exec(s, migrations[v]) != 0 || store_exec(s, bump) != 0) {
            snprintf(err, errlen, "%s: migration to schema %d failed: %s", s->path, v + 1,
                     store_errmsg(s));
            store_exec(s, "ROLLBACK");
            return -1;
        }
        if (store_exec(s, "COMMIT") != 0) {
            snprintf(err, errlen, "%s: cannot commit migration: %s", s->path, store_errmsg(s));
            store_exec(s, "ROLLBACK");
            return -1;
        }
    }
}

struct store *store_open(const char *path, int busy_timeout_ms, char *err, size_t errlen)
{
    struct store *s;
    char mode[16];
    int fd;

    if (strlen(path) >= sizeof s->path) {
        snprintf(err, errlen, "%s: path too long", path);
        return NULL;
    }
    /* Create it ourselves so that it (and SQLite's -wal/-shm, which copy its mode) is 0600:
     * it holds PIN hashes. */
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot open the database: %s", path, strerror(errno));
        return NULL;
    }
    close(fd);
    s = calloc(1, sizeof *s);
    if (s == NULL) {
        snprintf(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    strcpy(s->path, path);
    if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s: cannot open the database: %s", path, store_errmsg(s));
        store_close(s);
        return NULL;
    }
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_busy_timeout(s->db, busy_timeout_ms);
    query_text(s, "PRAGMA journal_mode=WAL", mode, sizeof mode);
    if (strcmp(mode, "wal") != 0) {
        snprintf(err, errlen, "%s: cannot switch to WAL mode: %s", path,
                 mode[0] != '\0' ? mode : store_errmsg(s));
        store_close(s);
        return NULL;
    }
    s->sync = STORE_DURABLE;
    if (store_exec(s, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON") != 0) {
        snprintf(err, errlen, "%s: cannot set pragmas: %s", path, store_errmsg(s));
        store_close(s);
        return NULL;
    }
    if (migrate(s, err, errlen) != 0) {
        store_close(s);
        return NULL;
    }
    return s;
}

void store_close(struct store *s)
{
    if (s == NULL)
        return;
    if (s->before_close != NULL)
        s->before_close(s);
    if (s->journal.close != NULL)
        s->journal.close(s);
    sqlite3_close(s->db);
    free(s);
}
