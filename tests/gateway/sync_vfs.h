/* sync_vfs.h - a test VFS over SQLite's default one that counts xSync calls per kind of
 * file (database, WAL), so tests can see how many fsyncs a commit costs. */
#ifndef TEST_SYNC_VFS_H
#define TEST_SYNC_VFS_H

struct sync_counts {
    int db;  /* syncs of main database files */
    int wal; /* syncs of WAL files */
};

/* Registers the counting VFS as SQLite's default. 0 or -1. */
int sync_vfs_install(void);

/* The counts so far (all connections, all threads). */
void sync_vfs_counts(struct sync_counts *c);

/* The counts of the calling thread only. */
void sync_vfs_counts_here(struct sync_counts *c);

#endif
