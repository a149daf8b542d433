/* metrics.c - counters and the Prometheus text rendering (see metrics.h), with the heap in
 * use read at each scrape (heap_usage.c; the load test's leak check). */
#include "metrics.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "heap_usage.h"

#define N_RESULTS 16 /* room for results added to result.h later */

static const int64_t buckets_ms[] = {50, 100, 250, 500, 1000, 2500, 5000, 10000};
#define N_BUCKETS (sizeof buckets_ms / sizeof buckets_ms[0])

static atomic_ullong requests, tls_refused, refused[REFUSED_COUNT], results[N_RESULTS];
static atomic_ullong lat_bucket[N_BUCKETS], lat_count, lat_sum_ms;
static atomic_llong websockets;
static atomic_ullong pin_checks[2]; /* [0] scrypt, [1] cache */

void metrics_request(void) { atomic_fetch_add(&requests, 1); }
void metrics_tls_refused(void) { atomic_fetch_add(&tls_refused, 1); }
void metrics_websockets(int delta) { atomic_fetch_add(&websockets, delta); }
void metrics_pin_check(int cached) { atomic_fetch_add(&pin_checks[cached != 0], 1); }

void metrics_refused(enum metrics_refusal why)
{
    if (why < REFUSED_COUNT)
        atomic_fetch_add(&refused[why], 1);
}

void metrics_result(enum gw_result r, int64_t ack_latency_ms)
{
    size_t i;
    if ((unsigned)r < N_RESULTS)
        atomic_fetch_add(&results[r], 1);
    if (ack_latency_ms < 0)
        return;
    for (i = 0; i < N_BUCKETS; i++)
        if (ack_latency_ms <= buckets_ms[i])
            atomic_fetch_add(&lat_bucket[i], 1); /* stored cumulative */
    atomic_fetch_add(&lat_count, 1);
    atomic_fetch_add(&lat_sum_ms, (unsigned long long)ack_latency_ms);
}

static void line(struct html_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void line(struct html_buf *b, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    html_raw(b, buf);
}

void metrics_render(struct html_buf *b, int mqtt_connected, int crl_valid)
{
    static const char *const refusal_names[REFUSED_COUNT] = {"revoked", "crl", "csrf"};
    size_t i, heap;
    int r;

    line(b, "# HELP latchkey_http_requests_total HTTP requests and websocket messages received.\n"
            "# TYPE latchkey_http_requests_total counter\nlatchkey_http_requests_total %llu\n",
         (unsigned long long)atomic_load(&requests));
    line(b, "# HELP latchkey_action_results_total Door actions by result.\n"
            "# TYPE latchkey_action_results_total counter\n");
    for (r = 0; r < N_RESULTS; r++) {
        /* gw_result_name() answers "bad-request" for values past the last result. */
        if (r != GW_BAD_REQUEST && strcmp(gw_result_name((enum gw_result)r), "bad-request") == 0)
            break;
        line(b, "latchkey_action_results_total{result=\"%s\"} %llu\n",
             gw_result_name((enum gw_result)r), (unsigned long long)atomic_load(&results[r]));
    }
    line(b, "# HELP latchkey_tls_handshake_failures_total Client certificates refused during the TLS handshake.\n"
            "# TYPE latchkey_tls_handshake_failures_total counter\n"
            "latchkey_tls_handshake_failures_total %llu\n",
         (unsigned long long)atomic_load(&tls_refused));
    line(b, "# HELP latchkey_requests_refused_total Requests refused after the handshake.\n"
            "# TYPE latchkey_requests_refused_total counter\n");
    for (i = 0; i < REFUSED_COUNT; i++)
        line(b, "latchkey_requests_refused_total{reason=\"%s\"} %llu\n", refusal_names[i],
             (unsigned long long)atomic_load(&refused[i]));
    line(b, "# HELP latchkey_mqtt_connected 1 when connected and subscribed to the broker.\n"
            "# TYPE latchkey_mqtt_connected gauge\nlatchkey_mqtt_connected %d\n", mqtt_connected);
    line(b, "# HELP latchkey_crl_valid 1 when the CRL is loaded and current (or checking is off).\n"
            "# TYPE latchkey_crl_valid gauge\nlatchkey_crl_valid %d\n", crl_valid);
    line(b, "# HELP latchkey_websockets_open Open live-status websockets.\n"
            "# TYPE latchkey_websockets_open gauge\nlatchkey_websockets_open %lld\n",
         (long long)atomic_load(&websockets));
    if (heap_in_use(&heap) == 0)
        line(b, "# HELP latchkey_heap_in_use_bytes Bytes allocated with malloc and not freed.\n"
                "# TYPE latchkey_heap_in_use_bytes gauge\nlatchkey_heap_in_use_bytes %zu\n",
             heap);
    line(b, "# HELP latchkey_pin_checks_total PIN checks by how they were decided.\n"
            "# TYPE latchkey_pin_checks_total counter\n");
    line(b, "latchkey_pin_checks_total{path=\"scrypt\"} %llu\n"
            "latchkey_pin_checks_total{path=\"cache\"} %llu\n",
         (unsigned long long)atomic_load(&pin_checks[0]),
         (unsigned long long)atomic_load(&pin_checks[1]));
    line(b, "# HELP latchkey_ack_latency_seconds Time from the request to the device's ack (or timeout).\n"
            "# TYPE latchkey_ack_latency_seconds histogram\n");
    for (i = 0; i < N_BUCKETS; i++)
        line(b, "latchkey_ack_latency_seconds_bucket{le=\"%g\"} %llu\n", (double)buckets_ms[i] / 1000.0,
             (unsigned long long)atomic_load(&lat_bucket[i]));
    line(b, "latchkey_ack_latency_seconds_bucket{le=\"+Inf\"} %llu\n"
            "latchkey_ack_latency_seconds_sum %.3f\nlatchkey_ack_latency_seconds_count %llu\n",
         (unsigned long long)atomic_load(&lat_count),
         (double)atomic_load(&lat_sum_ms) / 1000.0, (unsigned long long)atomic_load(&lat_count));
}
