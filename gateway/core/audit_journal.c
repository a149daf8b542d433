/* audit_journal.c - the intent journal of audit_journal.h. The file is slot 0, the head
 * (magic, generation, checksum), then AUDIT_JOURNAL_SLOTS record slots. A record: magic,
 * checksum (the first 8 bytes of SHA-256 over the rest of the slot), generation, sequence
 * number, the row's numbers, then its texts, each a length byte and its bytes. Integers
 * are in the machine's own byte order: the file never leaves the machine. A slot whose
 * checksum does not match (a write torn by the crash) or whose generation is not the
 * head's is not a record. */
#include "audit_journal.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gw_log.h"
#include "store_flush.h"

#define HEAD_MAGIC 0x4c4b4a48u /* "LKJH" */
#define REC_MAGIC 0x4c4b4a52u  /* "LKJR" */
#define SUM_LEN 8
#define FILE_BYTES ((off_t)AUDIT_JOURNAL_SLOT * (AUDIT_JOURNAL_SLOTS + 1))

struct audit_journal {
    int fd;
    char path[sizeof((struct store *)0)->path + sizeof AUDIT_JOURNAL_SUFFIX];
    uint64_t generation;
    uint64_t seq;                             /* records written in this generation */
    unsigned long holds[AUDIT_JOURNAL_SLOTS]; /* commit number of each slot's row; 0 none */
    struct audit_journal_counts n;
};

/* A slot being built or read: a cursor over its bytes. */
struct cursor {
    unsigned char *p;
    size_t at;
    int bad;
};

static void checksum(const unsigned char *slot, unsigned char out[SUM_LEN])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(slot + 4 + SUM_LEN, AUDIT_JOURNAL_SLOT - 4 - SUM_LEN, md, &len, EVP_sha256(),
                   NULL) != 1 ||
        len < SUM_LEN)
        memset(md, 0, SUM_LEN); /* a zero sum: matches no written slot by chance alone */
    memcpy(out, md, SUM_LEN);
}

static void put(struct cursor *c, const void *v, size_t n)
{
    if (c->bad || c->at + n > AUDIT_JOURNAL_SLOT) {
        c->bad = 1;
        return;
    }
    memcpy(c->p + c->at, v, n);
    c->at += n;
}

static void get(struct cursor *c, void *v, size_t n)
{
    if (c->bad || c->at + n > AUDIT_JOURNAL_SLOT) {
        c->bad = 1;
        memset(v, 0, n);
        return;
    }
    memcpy(v, c->p + c->at, n);
    c->at += n;
}

static void put_text(struct cursor *c, const char *s)
{
    size_t n = strlen(s);
    unsigned char len = (unsigned char)(n > 255 ? 255 : n);
    put(c, &len, 1);
    put(c, s, len);
}

static void get_text(struct cursor *c, char *out, size_t cap)
{
    unsigned char len = 0;
    get(c, &len, 1);
    if (len >= cap) {
        c->bad = 1;
        out[0] = '\0';
        return;
    }
    get(c, out, len);
    out[len] = '\0';
}

/* The record of r in generation gen, sequence seq. 0, or -1 if it does not fit a slot. */
static int encode(unsigned char slot[AUDIT_JOURNAL_SLOT], uint64_t gen, uint64_t seq,
                  const struct audit_rec *r)
{
    struct cursor c = {slot, 0, 0};
    uint32_t magic = REC_MAGIC;
    unsigned char uses = (unsigned char)(r->has_uses != 0);

    memset(slot, 0, AUDIT_JOURNAL_SLOT);
    put(&c, &magic, 4);
    c.at += SUM_LEN; /* filled last */
    put(&c, &gen, 8);
    put(&c, &seq, 8);
    put(&c, &r->id, 8);
    put(&c, &r->at_ms, 8);
    put(&c, &r->latency_ms, 8);
    put(&c, &r->uses_left, 8);
    put(&c, &uses, 1);
    put_text(&c, r->user);
    put_text(&c, r->serial);
    put_text(&c, r->door);
    put_text(&c, r->result);
    put_text(&c, r->reason);
    put_text(&c, r->peer);
    put_text(&c, r->cmd_id);
    if (c.bad)
        return -1;
    checksum(slot, slot + 4);
    return 0;
}

/* The record in slot if it is one of generation gen: 0 and r, seq set; -1 otherwise. */
static int decode(unsigned char slot[AUDIT_JOURNAL_SLOT], uint64_t gen, struct audit_rec *r,
                  uint64_t *seq)
{
    struct cursor c = {slot, 0, 0};
    unsigned char sum[SUM_LEN], uses = 0;
    uint32_t magic = 0;
    uint64_t g = 0;

    memset(r, 0, sizeof *r);
    get(&c, &magic, 4);
    if (magic != REC_MAGIC)
        return -1;
    checksum(slot, sum);
    if (memcmp(sum, slot + 4, SUM_LEN) != 0)
        return -1;
    c.at += SUM_LEN;
    get(&c, &g, 8);
    get(&c, seq, 8);
    get(&c, &r->id, 8);
    get(&c, &r->at_ms, 8);
    get(&c, &r->latency_ms, 8);
    get(&c, &r->uses_left, 8);
    get(&c, &uses, 1);
    r->has_uses = uses != 0;
    get_text(&c, r->user, sizeof r->user);
    get_text(&c, r->serial, sizeof r->serial);
    get_text(&c, r->door, sizeof r->door);
    get_text(&c, r->result, sizeof r->result);
    get_text(&c, r->reason, sizeof r->reason);
    get_text(&c, r->peer, sizeof r->peer);
    get_text(&c, r->cmd_id, sizeof r->cmd_id);
    return c.bad || g != gen || r->id <= 0 ? -1 : 0;
}

static int write_slot(struct audit_journal *j, int i, const unsigned char *slot)
{
    ssize_t w = pwrite(j->fd, slot, AUDIT_JOURNAL_SLOT, (off_t)i * AUDIT_JOURNAL_SLOT);
    if (w != AUDIT_JOURNAL_SLOT) {
        if (w >= 0)
            errno = EIO;
        return -1;
    }
    if (fdatasync(j->fd) != 0)
        return -1;
    j->n.syncs++;
    return 0;
}

/* Writes the head of generation gen (durable). 0 or -1 (errno). */
static int write_head(struct audit_journal *j, uint64_t gen)
{
    unsigned char slot[AUDIT_JOURNAL_SLOT];
    uint32_t magic = HEAD_MAGIC;
    memset(slot, 0, sizeof slot);
    memcpy(slot, &magic, 4);
    memcpy(slot + 4 + SUM_LEN, &gen, 8);
    checksum(slot, slot + 4);
    if (write_slot(j, 0, slot) != 0)
        return -1;
    j->generation = gen;
    return 0;
}

/* The generation in the head: 0 and *gen, or -1 if the head is not one. */
static int read_head(struct audit_journal *j, uint64_t *gen)
{
    unsigned char slot[AUDIT_JOURNAL_SLOT], sum[SUM_LEN];
    uint32_t magic = 0;
    if (pread(j->fd, slot, sizeof slot, 0) != (ssize_t)sizeof slot)
        return -1;
    memcpy(&magic, slot, 4);
    checksum(slot, sum);
    if (magic != HEAD_MAGIC || memcmp(sum, slot + 4, SUM_LEN) != 0)
        return -1;
    memcpy(gen, slot + 4 + SUM_LEN, 8);
    return 0;
}

/* A new journal file: every byte written and synced, then the directory entry synced, so
 * that later writes change neither the size nor the allocation. 0 or -1 (errno). */
static int create_file(struct audit_journal *j)
{
    static const unsigned char zeros[64 * 1024];
    char dir[sizeof j->path];
    off_t at;
    int dfd;

    if (ftruncate(j->fd, 0) != 0)
        return -1;
    for (at = 0; at < FILE_BYTES;) {
        size_t n =
            (size_t)(FILE_BYTES - at < (off_t)sizeof zeros ? FILE_BYTES - at : (off_t)sizeof zeros);
        ssize_t w = pwrite(j->fd, zeros, n, at);
        if (w <= 0)
            return -1;
        at += w;
    }
    if (fsync(j->fd) != 0 || write_head(j, 1) != 0)
        return -1;
    snprintf(dir, sizeof dir, "%s", j->path);
    dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return -1;
    at = fsync(dfd);
    close(dfd);
    return at == 0 ? 0 : -1;
}

/* The highest generation of any record in the file (0 if none). */
static uint64_t newest_generation(struct audit_journal *j)
{
    unsigned char slot[AUDIT_JOURNAL_SLOT];
    uint64_t newest = 0, gen;
    uint32_t magic;
    unsigned char sum[SUM_LEN];
    int i;
    for (i = 1; i <= AUDIT_JOURNAL_SLOTS; i++) {
        if (pread(j->fd, slot, sizeof slot, (off_t)i * AUDIT_JOURNAL_SLOT) != (ssize_t)sizeof slot)
            break;
        memcpy(&magic, slot, 4);
        checksum(slot, sum);
        memcpy(&gen, slot + 4 + SUM_LEN, 8);
        if (magic == REC_MAGIC && memcmp(sum, slot + 4, SUM_LEN) == 0 && gen > newest)
            newest = gen;
    }
    return newest;
}

static int open_journal(struct store *s, struct audit_journal *j, char *err, size_t errlen)
{
    struct stat st;
    snprintf(j->path, sizeof j->path, "%s%s", s->path, AUDIT_JOURNAL_SUFFIX);
    j->fd = open(j->path, O_RDWR | O_CREAT | O_CLOEXEC, 0600); /* it holds who opened what */
    if (j->fd < 0 || fstat(j->fd, &st) != 0) {
        snprintf(err, errlen, "%s: cannot open the audit journal: %s", j->path, strerror(errno));
        return -1;
    }
    if (st.st_size == FILE_BYTES) {
        if (read_head(j, &j->generation) == 0)
            return 0;
        /* A head torn by a crash: the records still say which generation was running. */
        j->generation = newest_generation(j);
        gw_log("audit: journal %s: its head is damaged: replaying generation %llu", j->path,
               (unsigned long long)j->generation);
        return 0;
    }
    if (st.st_size != 0)
        gw_log("audit: journal %s is not one (size %lld): written anew", j->path,
               (long long)st.st_size);
    if (create_file(j) != 0) {
        snprintf(err, errlen, "%s: cannot create the audit journal: %s", j->path, strerror(errno));
        return -1;
    }
    return 0;
}

/* Restores the rows of the head's generation that s lacks, in one durable transaction. */
static int restore(struct store *s, struct audit_journal *j, char *err, size_t errlen)
{
    unsigned char slot[AUDIT_JOURNAL_SLOT];
    struct audit_rec r;
    uint64_t seq;
    int i, n = 0, rc = 0;

    if (store_set_sync(s, STORE_DURABLE) != 0 || store_exec(s, "BEGIN IMMEDIATE") != 0) {
        snprintf(err, errlen, "%s: cannot restore the audit journal: %s", j->path, store_errmsg(s));
        return -1;
    }
    for (i = 1; i <= AUDIT_JOURNAL_SLOTS && rc >= 0; i++) {
        if (pread(j->fd, slot, sizeof slot, (off_t)i * AUDIT_JOURNAL_SLOT) != (ssize_t)sizeof slot)
            rc = -1;
        else if (decode(slot, j->generation, &r, &seq) == 0 && (rc = audit_restore(s, &r)) == 1) {
            n++;
            gw_log(
                "audit: recovery: attempt id=%lld user=%s door=%s result=%s cmd=%s restored "
                "from the intent journal (its row did not reach the database before the "
                "crash)",
                (long long)r.id, r.user, r.door, r.result, r.cmd_id[0] ? r.cmd_id : "-");
        }
    }
    if (rc < 0 || store_exec(s, "COMMIT") != 0) {
        snprintf(err, errlen, "%s: cannot restore the audit journal: %s", j->path,
                 rc < 0 && errno != 0 ? strerror(errno) : store_errmsg(s));
        store_exec(s, "ROLLBACK");
        return -1;
    }
    if (n > 0)
        gw_log("audit: recovery: %d attempt%s restored from the intent journal", n,
               n == 1 ? "" : "s");
    return n;
}

/* store_close, after the flusher's last sync: a new generation if every row is on disk. */
static void close_journal(struct store *s)
{
    struct audit_journal *j = s->journal.j;
    char wal[sizeof s->path + 8];
    int fd, synced = 0;

    snprintf(wal, sizeof wal, "%s-wal", s->path);
    fd = open(wal, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        synced = fdatasync(fd) == 0;
        close(fd);
    }
    if (synced && write_head(j, j->generation + 1) != 0)
        gw_log("audit: cannot close the journal %s: %s (it is replayed at the next start)", j->path,
               strerror(errno));
    close(j->fd);
    free(j);
    memset(&s->journal, 0, sizeof s->journal);
}

/* store_journal.ready: the next slot is free (its row, if any, synced by the flusher). */
static int journal_ready(struct store *s)
{
    struct store_flush_counts fc;
    struct audit_journal *j = s->journal.j;
    unsigned long held;

    if (s->flusher == NULL)
        return 0;
    held = j->holds[j->seq % AUDIT_JOURNAL_SLOTS];
    if (held == 0)
        return 1;
    store_flusher_counts(s, &fc);
    if (fc.durable >= held)
        return 1;
    j->n.full++;
    return 0;
}

/* store_journal.write: r (just committed lazily as commit number commit) into the next
 * slot, one pwrite and one fdatasync. 0 once on disk, -1. */
static int journal_write(struct store *s, const struct audit_rec *r, unsigned long commit)
{
    struct audit_journal *j = s->journal.j;
    unsigned char slot[AUDIT_JOURNAL_SLOT];
    int i = (int)(j->seq % AUDIT_JOURNAL_SLOTS);

    if (encode(slot, j->generation, j->seq, r) != 0 || write_slot(j, i + 1, slot) != 0)
        return -1;
    j->holds[i] = commit;
    j->seq++;
    j->n.records++;
    return 0;
}

int audit_journal_start(struct store *s, char *err, size_t errlen)
{
    struct audit_journal *j = calloc(1, sizeof *j);
    int restored;

    if (j == NULL) {
        snprintf(err, errlen, "%s: out of memory", s->path);
        return -1;
    }
    j->fd = -1;
    if (open_journal(s, j, err, errlen) != 0)
        goto fail;
    errno = 0;
    if ((restored = restore(s, j, err, errlen)) < 0)
        goto fail;
    if (audit_recover(s) < 0) {
        snprintf(err, errlen, "%s: cannot recover the audit log: %s", s->path, store_errmsg(s));
        goto fail;
    }
    /* Every record so far is in the database now, durably: none is needed again. */
    if (write_head(j, j->generation + 1) != 0) {
        snprintf(err, errlen, "%s: cannot write the audit journal: %s", j->path, strerror(errno));
        goto fail;
    }
    s->journal.j = j;
    s->journal.ready = journal_ready;
    s->journal.write = journal_write;
    s->journal.close = close_journal;
    return restored;
fail:
    if (j->fd >= 0)
        close(j->fd);
    free(j);
    return -1;
}

void audit_journal_counts(struct store *s, struct audit_journal_counts *c)
{
    memset(c, 0, sizeof *c);
    if (s->journal.j != NULL)
        *c = s->journal.j->n;
}
