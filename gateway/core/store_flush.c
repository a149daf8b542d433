/* store_flush.c - the background flusher of store_flush.h: one thread, woken by the
 * commit hook of the loop's connection, with a WAL descriptor and a connection of its own. */
#include "store_flush.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gw_log.h"

#define AUTOCHECKPOINT_PAGES 1000 /* SQLite's default, given back at the stop */

struct store_flusher {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv; /* CLOCK_MONOTONIC */
    struct store *s;   /* for the hook: is the commit lazy */
    sqlite3 *db;       /* the thread's own connection (checkpoints) */
    int wal_fd;        /* the WAL file (fdatasync) */
    int delay_ms;
    int unsynced;   /* a lazy commit since the last sync started */
    int wal_frames; /* pages in the WAL after the last commit */
    int kicked, stop;
    int failing; /* the last sync or checkpoint failed (logged once per streak) */
    struct store_flush_counts n;
};

static void deadline_in(struct timespec *ts, int ms)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

/* Commit hook of the loop's connection (loop thread, inside the commit; no I/O here). */
static int on_commit(void *arg, sqlite3 *db, const char *name, int frames)
{
    struct store_flusher *f = arg;
    (void)db;
    (void)name;
    pthread_mutex_lock(&f->mu);
    f->wal_frames = frames;
    f->n.commits++;
    if (f->s->sync == STORE_DURABLE) /* synchronous=FULL: the WAL was synced through it */
        f->n.durable = f->n.commits;
    if (f->s->sync == STORE_LAZY)
        f->unsynced = 1;
    if ((f->unsynced || frames >= STORE_FLUSH_CHECKPOINT_FRAMES) && !f->kicked) {
        f->kicked = 1;
        pthread_cond_signal(&f->cv);
    }
    pthread_mutex_unlock(&f->mu);
    return SQLITE_OK;
}

static void note(struct store_flusher *f, int ok, const char *what, const char *why)
{
    pthread_mutex_lock(&f->mu);
    if (ok && f->failing)
        gw_log("store: background %s works again", what);
    if (!ok && !f->failing)
        gw_log(
            "store: background %s failed: %s (results of recent attempts reach the disk "
            "with the next durable commit)",
            what, why);
    f->failing = !ok;
    f->n.failures += !ok;
    pthread_mutex_unlock(&f->mu);
}

/* One round, outside the mutex: the sync the lazy commits wait for, then a checkpoint if
 * the WAL is long (PASSIVE: never waits for the writer or the readers). */
static void flush(struct store_flusher *f, int sync, int checkpoint)
{
    if (sync) {
        unsigned long covered;
        int ok;
        pthread_mutex_lock(&f->mu);
        covered = f->n.commits; /* every commit so far is in the WAL this sync covers */
        pthread_mutex_unlock(&f->mu);
        ok = fdatasync(f->wal_fd) == 0;
        note(f, ok, "WAL sync", ok ? "" : strerror(errno));
        pthread_mutex_lock(&f->mu);
        f->n.syncs += ok ? 1u : 0u;
        if (ok && covered > f->n.durable)
            f->n.durable = covered;
        pthread_mutex_unlock(&f->mu);
    }
    if (checkpoint) {
        int rc = sqlite3_wal_checkpoint_v2(f->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        int ok = rc == SQLITE_OK || rc == SQLITE_BUSY;
        note(f, ok, "checkpoint", ok ? "" : sqlite3_errmsg(f->db));
        pthread_mutex_lock(&f->mu);
        f->n.checkpoints += ok ? 1u : 0u;
        pthread_mutex_unlock(&f->mu);
    }
}

static void *run(void *arg)
{
    struct store_flusher *f = arg;
    struct timespec until;
    int sync, checkpoint;

    pthread_mutex_lock(&f->mu);
    for (;;) {
        while (!f->kicked && !f->stop)
            pthread_cond_wait(&f->cv, &f->mu);
        if (f->stop)
            break;
        /* Let the commits of this burst gather: one fdatasync for all of them. */
        deadline_in(&until, f->delay_ms);
        while (!f->stop && pthread_cond_timedwait(&f->cv, &f->mu, &until) != ETIMEDOUT)
            ;
        sync = f->unsynced;
        checkpoint = f->wal_frames >= STORE_FLUSH_CHECKPOINT_FRAMES;
        f->kicked = f->unsynced = 0;
        if (checkpoint)
            f->wal_frames = 0;
        pthread_mutex_unlock(&f->mu);
        flush(f, sync, checkpoint);
        pthread_mutex_lock(&f->mu);
    }
    sync = f->unsynced;
    pthread_mutex_unlock(&f->mu);
    flush(f, sync, 0); /* what was committed before the stop */
    return NULL;
}

int store_flusher_start(struct store *s, int delay_ms, char *err, size_t errlen)
{
    struct store_flusher *f;
    pthread_condattr_t ca;
    char wal[sizeof s->path + 8];

    if (s->flusher != NULL) {
        snprintf(err, errlen, "%s: flusher already running", s->path);
        return -1;
    }
    f = calloc(1, sizeof *f);
    if (f == NULL) {
        snprintf(err, errlen, "%s: out of memory", s->path);
        return -1;
    }
    f->s = s;
    f->delay_ms = delay_ms > 0 ? delay_ms : 1;
    /* The WAL exists while a connection is open (store_open has one). */
    snprintf(wal, sizeof wal, "%s-wal", s->path);
    f->wal_fd = open(wal, O_RDONLY | O_CLOEXEC);
    if (f->wal_fd < 0) {
        snprintf(err, errlen, "%s: cannot open the WAL for syncing: %s", wal, strerror(errno));
        free(f);
        return -1;
    }
    if (sqlite3_open_v2(s->path, &f->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, NULL) !=
            SQLITE_OK ||
        sqlite3_exec(f->db, "PRAGMA synchronous=FULL", NULL, NULL, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s: the flusher cannot open the database: %s", s->path,
                 f->db != NULL ? sqlite3_errmsg(f->db) : "out of memory");
        sqlite3_close(f->db);
        close(f->wal_fd);
        free(f);
        return -1;
    }
    pthread_mutex_init(&f->mu, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&f->cv, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&f->thread, NULL, run, f) != 0) {
        snprintf(err, errlen, "%s: cannot start the flusher thread", s->path);
        pthread_cond_destroy(&f->cv);
        pthread_mutex_destroy(&f->mu);
        sqlite3_close(f->db);
        close(f->wal_fd);
        free(f);
        return -1;
    }
    s->flusher = f;
    s->before_close = store_flusher_stop;
    sqlite3_wal_hook(s->db, on_commit, f); /* replaces the auto-checkpoint */
    return 0;
}

void store_flusher_stop(struct store *s)
{
    struct store_flusher *f = s != NULL ? s->flusher : NULL;
    if (f == NULL)
        return;
    sqlite3_wal_autocheckpoint(s->db, AUTOCHECKPOINT_PAGES); /* removes on_commit */
    pthread_mutex_lock(&f->mu);
    f->stop = 1;
    pthread_cond_signal(&f->cv);
    pthread_mutex_unlock(&f->mu);
    pthread_join(f->thread, NULL);
    sqlite3_close(f->db);
    close(f->wal_fd);
    pthread_cond_destroy(&f->cv);
    pthread_mutex_destroy(&f->mu);
    free(f);
    s->flusher = NULL;
    s->before_close = NULL;
}

void store_flusher_counts(struct store *s, struct store_flush_counts *c)
{
    struct store_flusher *f = s->flusher;
    memset(c, 0, sizeof *c);
    if (f == NULL)
        return;
    pthread_mutex_lock(&f->mu);
    *c = f->n;
    pthread_mutex_unlock(&f->mu);
}
