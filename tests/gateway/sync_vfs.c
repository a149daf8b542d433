/* sync_vfs.c - the counting VFS of sync_vfs.h: every call goes to the default VFS; each
 * open file is wrapped so that its xSync is counted (atomically) by the kind of file. */
#include "sync_vfs.h"

#include <sqlite3.h>
#include <stdatomic.h>
#include <string.h>

static sqlite3_vfs *real;
static sqlite3_vfs counting;
static atomic_int n_db, n_wal;
static _Thread_local int here_db, here_wal; /* this thread's */

struct cfile {
    sqlite3_file base;
    int kind;            /* SQLITE_OPEN_MAIN_DB, SQLITE_OPEN_WAL or another */
    sqlite3_file *inner; /* the real file, right after this struct */
};

#define INNER(f) (((struct cfile *)(f))->inner)

static int c_close(sqlite3_file *f)
{
    return INNER(f)->pMethods->xClose(INNER(f));
}
static int c_read(sqlite3_file *f, void *b, int n, sqlite3_int64 o)
{
    return INNER(f)->pMethods->xRead(INNER(f), b, n, o);
}
static int c_write(sqlite3_file *f, const void *b, int n, sqlite3_int64 o)
{
    return INNER(f)->pMethods->xWrite(INNER(f), b, n, o);
}
static int c_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    return INNER(f)->pMethods->xTruncate(INNER(f), size);
}
static int c_sync(sqlite3_file *f, int flags)
{
    int kind = ((struct cfile *)f)->kind;
    if (kind == SQLITE_OPEN_MAIN_DB) {
        atomic_fetch_add(&n_db, 1);
        here_db++;
    } else if (kind == SQLITE_OPEN_WAL) {
        atomic_fetch_add(&n_wal, 1);
        here_wal++;
    }
    return INNER(f)->pMethods->xSync(INNER(f), flags);
}
static int c_size(sqlite3_file *f, sqlite3_int64 *size)
{
    return INNER(f)->pMethods->xFileSize(INNER(f), size);
}
static int c_lock(sqlite3_file *f, int l)
{
    return INNER(f)->pMethods->xLock(INNER(f), l);
}
static int c_unlock(sqlite3_file *f, int l)
{
    return INNER(f)->pMethods->xUnlock(INNER(f), l);
}
static int c_check(sqlite3_file *f, int *out)
{
    return INNER(f)->pMethods->xCheckReservedLock(INNER(f), out);
}
static int c_fcntl(sqlite3_file *f, int op, void *arg)
{
    return INNER(f)->pMethods->xFileControl(INNER(f), op, arg);
}
static int c_sector(sqlite3_file *f)
{
    return INNER(f)->pMethods->xSectorSize(INNER(f));
}
static int c_caps(sqlite3_file *f)
{
    return INNER(f)->pMethods->xDeviceCharacteristics(INNER(f));
}
static int c_shm_map(sqlite3_file *f, int pg, int sz, int ext, void volatile **p)
{
    return INNER(f)->pMethods->xShmMap(INNER(f), pg, sz, ext, p);
}
static int c_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
    return INNER(f)->pMethods->xShmLock(INNER(f), off, n, flags);
}
static void c_shm_barrier(sqlite3_file *f)
{
    INNER(f)->pMethods->xShmBarrier(INNER(f));
}
static int c_shm_unmap(sqlite3_file *f, int del)
{
    return INNER(f)->pMethods->xShmUnmap(INNER(f), del);
}
static int c_fetch(sqlite3_file *f, sqlite3_int64 o, int n, void **p)
{
    return INNER(f)->pMethods->xFetch(INNER(f), o, n, p);
}
static int c_unfetch(sqlite3_file *f, sqlite3_int64 o, void *p)
{
    return INNER(f)->pMethods->xUnfetch(INNER(f), o, p);
}

static const sqlite3_io_methods methods = {
    3,          c_close,       c_read,      c_write, c_truncate, c_sync, c_size,
    c_lock,     c_unlock,      c_check,     c_fcntl, c_sector,   c_caps, c_shm_map,
    c_shm_lock, c_shm_barrier, c_shm_unmap, c_fetch, c_unfetch,
};

static int c_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out)
{
    struct cfile *c = (struct cfile *)f;
    int rc;
    (void)vfs;
    c->inner = (sqlite3_file *)(c + 1);
    c->kind = flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_WAL);
    c->base.pMethods = NULL;
    rc = real->xOpen(real, name, c->inner, flags, out);
    if (rc == SQLITE_OK && c->inner->pMethods != NULL)
        c->base.pMethods = &methods;
    return rc;
}

int sync_vfs_install(void)
{
    if (real != NULL)
        return 0;
    real = sqlite3_vfs_find(NULL);
    if (real == NULL)
        return -1;
    counting = *real; /* every other call goes straight to the default VFS */
    counting.zName = "lk-sync-count";
    counting.szOsFile = (int)sizeof(struct cfile) + real->szOsFile;
    counting.pNext = NULL;
    counting.xOpen = c_open;
    return sqlite3_vfs_register(&counting, 1) == SQLITE_OK ? 0 : -1;
}

void sync_vfs_counts(struct sync_counts *c)
{
    c->db = atomic_load(&n_db);
    c->wal = atomic_load(&n_wal);
}

void sync_vfs_counts_here(struct sync_counts *c)
{
    c->db = here_db;
    c->wal = here_wal;
}
