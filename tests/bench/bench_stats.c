/* bench_stats.c - latency samples of latchkey-bench: recording, errors by kind,
 * percentiles (nearest rank on a sorted copy) and the per-request samples file. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

int64_t bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t bench_unix_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int stats_init(struct bench_stats *st, size_t cap)
{
    memset(st, 0, sizeof *st);
    st->cap = cap;
    st->lat_ns = calloc(cap, sizeof *st->lat_ns);
    st->start_us = calloc(cap, sizeof *st->start_us);
    st->status = calloc(cap, sizeof *st->status);
    if (st->lat_ns == NULL || st->start_us == NULL || st->status == NULL) {
        stats_free(st);
        return -1;
    }
    return 0;
}

void stats_free(struct bench_stats *st)
{
    free(st->lat_ns);
    free(st->start_us);
    free(st->status);
    st->lat_ns = NULL;
    st->start_us = NULL;
    st->status = NULL;
}

void stats_add(struct bench_stats *st, int64_t lat_ns, int64_t start_us, int status)
{
    if (st->n >= st->cap)
        return; /* the caller stops at max_requests, which is the capacity */
    st->lat_ns[st->n] = lat_ns;
    st->start_us[st->n] = start_us;
    st->status[st->n] = status;
    st->n++;
}

void stats_error(struct bench_stats *st, int status, const char *fmt, ...)
{
    va_list ap;
    st->errors++;
    if (status >= 100 && status < 600)
        st->by_status[status / 100]++;
    else
        st->by_status[0]++;
    if (st->first_error[0] != '\0')
        return;
    va_start(ap, fmt);
    vsnprintf(st->first_error, sizeof st->first_error, fmt, ap);
    va_end(ap);
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

int64_t stats_quantile(const struct bench_stats *st, int64_t *sorted, double q)
{
    size_t rank;
    if (st->n == 0)
        return 0;
    if (sorted[0] == -1) { /* first call: sort once */
        memcpy(sorted, st->lat_ns, st->n * sizeof *sorted);
        qsort(sorted, st->n, sizeof *sorted, cmp_i64);
    }
    rank = (size_t)(q * (double)st->n + 0.999999);
    if (rank < 1)
        rank = 1;
    if (rank > st->n)
        rank = st->n;
    return sorted[rank - 1];
}

int stats_write_samples(const struct bench_stats *st, const char *path)
{
    FILE *f = fopen(path, "w");
    size_t i;
    int rc = 0;
    if (f == NULL)
        return -1;
    for (i = 0; i < st->n; i++)
        if (fprintf(f, "%lld %lld %d\n", (long long)st->start_us[i],
                    (long long)st->lat_ns[i] / 1000, st->status[i]) < 0)
            rc = -1;
    if (fclose(f) != 0)
        rc = -1;
    return rc;
}
