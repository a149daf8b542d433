/* metrics.c - the gateway's counters (see metrics.h); web/metrics_page.c renders them. */
#include "metrics.h"

#include <stdatomic.h>
#include <stddef.h>
#include <string.h>

const int64_t metrics_buckets_ms[METRICS_BUCKETS] = {50, 100, 250, 500, 1000, 2500, 5000, 10000};
const char *const metrics_busy_reasons[METRICS_BUSY_REASONS] = {
    "busy-user", "busy-door", "busy-gateway", "pin-check-running", "pin-checks-full",
    "attempts-full", "other"};

static atomic_ullong requests, tls_refused, conn_refused, refused[REFUSED_COUNT], results[METRICS_RESULTS];
static atomic_ullong lat_bucket[METRICS_BUCKETS], lat_count, lat_sum_ms;
static atomic_llong websockets;
static atomic_ullong pin_checks[2]; /* [0] scrypt, [1] cache */
static atomic_ullong cert_checks[2]; /* [0] X509_verify_cert, [1] leaf_cache */
static atomic_ullong mqtt_oversize;
static atomic_ullong busy[METRICS_BUSY_REASONS];

void metrics_request(void) { atomic_fetch_add(&requests, 1); }
void metrics_tls_refused(void) { atomic_fetch_add(&tls_refused, 1); }
void metrics_conn_refused(void) { atomic_fetch_add(&conn_refused, 1); }
void metrics_websockets(int delta) { atomic_fetch_add(&websockets, delta); }
void metrics_pin_check(int cached) { atomic_fetch_add(&pin_checks[cached != 0], 1); }
void metrics_cert_check(int cached)
{
    atomic_fetch_add(&cert_checks[cached != 0], 1);
}
void metrics_mqtt_oversize(void) { atomic_fetch_add(&mqtt_oversize, 1); }

void metrics_busy(const char *reason)
{
    size_t i;
    for (i = 0; i + 1 < METRICS_BUSY_REASONS; i++)
        if (reason != NULL && strcmp(reason, metrics_busy_reasons[i]) == 0)
            break;
    atomic_fetch_add(&busy[i], 1);
}

void metrics_refused(enum metrics_refusal why)
{
    if (why < REFUSED_COUNT)
        atomic_fetch_add(&refused[why], 1);
}

void metrics_result(enum gw_result r, int64_t ack_latency_ms)
{
    size_t i;
    if ((unsigned)r < METRICS_RESULTS)
        atomic_fetch_add(&results[r], 1);
    if (ack_latency_ms < 0)
        return;
    for (i = 0; i < METRICS_BUCKETS; i++)
        if (ack_latency_ms <= metrics_buckets_ms[i])
            atomic_fetch_add(&lat_bucket[i], 1); /* stored cumulative */
    atomic_fetch_add(&lat_count, 1);
    atomic_fetch_add(&lat_sum_ms, (unsigned long long)ack_latency_ms);
}

void metrics_read(struct metrics_snapshot *m)
{
    size_t i;
    m->requests = atomic_load(&requests);
    m->tls_refused = atomic_load(&tls_refused);
    m->conn_refused = atomic_load(&conn_refused);
    for (i = 0; i < REFUSED_COUNT; i++)
        m->refused[i] = atomic_load(&refused[i]);
    for (i = 0; i < METRICS_RESULTS; i++)
        m->results[i] = atomic_load(&results[i]);
    for (i = 0; i < METRICS_BUCKETS; i++)
        m->lat_bucket[i] = atomic_load(&lat_bucket[i]);
    m->lat_count = atomic_load(&lat_count);
    m->lat_sum_ms = atomic_load(&lat_sum_ms);
    m->websockets = atomic_load(&websockets);
    m->pin_checks[0] = atomic_load(&pin_checks[0]);
    m->pin_checks[1] = atomic_load(&pin_checks[1]);
    m->cert_checks[0] = atomic_load(&cert_checks[0]);
    m->cert_checks[1] = atomic_load(&cert_checks[1]);
    m->mqtt_oversize = atomic_load(&mqtt_oversize);
    for (i = 0; i < METRICS_BUSY_REASONS; i++)
        m->busy[i] = atomic_load(&busy[i]);
}
