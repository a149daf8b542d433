/* metrics_page.c - the counters of metrics.h as Prometheus text (exposition format 0.0.4),
 * with the heap in use read at each scrape (heap_usage.c; the load test's leak check). */
#include "metrics_page.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "heap_usage.h"
#include "metrics.h"

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

/* One counter family with one label: the HELP and TYPE lines, then a sample per name. */
static void counter_family(struct html_buf *b, const char *family, const char *help,
                           const char *label, const char *const *names,
                           const unsigned long long *values, size_t n)
{
    size_t i;
    line(b, "# HELP %s %s\n# TYPE %s counter\n", family, help, family);
    for (i = 0; i < n; i++)
        line(b, "%s{%s=\"%s\"} %llu\n", family, label, names[i], values[i]);
}

void metrics_render(struct html_buf *b, int mqtt_connected, int crl_valid, long crl_seconds_left)
{
    static const char *const refusal_names[REFUSED_COUNT] = {"revoked", "crl", "csrf", "expired",
                                                               "bad-name"};
    struct metrics_snapshot m;
    size_t i, heap;
    int r;

    metrics_read(&m);
    line(b, "# HELP latchkey_http_requests_total HTTP requests and websocket messages received.\n"
            "# TYPE latchkey_http_requests_total counter\nlatchkey_http_requests_total %llu\n",
         (unsigned long long)m.requests);
    line(b, "# HELP latchkey_action_results_total Door actions by result.\n"
            "# TYPE latchkey_action_results_total counter\n");
    for (r = 0; r < METRICS_RESULTS; r++) {
        /* gw_result_name() answers "bad-request" for values past the last result. */
        if (r != GW_BAD_REQUEST && strcmp(gw_result_name((enum gw_result)r), "bad-request") == 0)
            break;
        line(b, "latchkey_action_results_total{result=\"%s\"} %llu\n",
             gw_result_name((enum gw_result)r), (unsigned long long)m.results[r]);
    }
    counter_family(b, "latchkey_action_busy_total",
                   "Door actions answered busy, by the bound they reached.", "reason",
                   metrics_busy_reasons, m.busy, METRICS_BUSY_REASONS);
    line(b, "# HELP latchkey_tls_handshake_failures_total Client certificates refused during the TLS handshake.\n"
            "# TYPE latchkey_tls_handshake_failures_total counter\n"
            "latchkey_tls_handshake_failures_total %llu\n",
         (unsigned long long)m.tls_refused);
    line(b, "# HELP latchkey_connections_refused_total Connections closed at accept "
            "(max_connections_per_address, descriptor reserve).\n"
            "# TYPE latchkey_connections_refused_total counter\n"
            "latchkey_connections_refused_total %llu\n",
         (unsigned long long)m.conn_refused);
    counter_family(b, "latchkey_requests_refused_total", "Requests refused after the handshake.",
                   "reason", refusal_names, m.refused, REFUSED_COUNT);
    line(b, "# HELP latchkey_mqtt_connected 1 when connected and subscribed to the broker.\n"
            "# TYPE latchkey_mqtt_connected gauge\nlatchkey_mqtt_connected %d\n", mqtt_connected);
    line(b, "# HELP latchkey_crl_valid 1 when the CRL is loaded and current (or checking is off).\n"
            "# TYPE latchkey_crl_valid gauge\nlatchkey_crl_valid %d\n", crl_valid);
    if (crl_seconds_left >= 0)
        line(b,
             "# HELP latchkey_crl_seconds_left Seconds until the CRL in force reaches its "
             "nextUpdate (then every client certificate is refused).\n"
             "# TYPE latchkey_crl_seconds_left gauge\nlatchkey_crl_seconds_left %ld\n",
             crl_seconds_left);
    line(b, "# HELP latchkey_websockets_open Open live-status websockets.\n"
            "# TYPE latchkey_websockets_open gauge\nlatchkey_websockets_open %lld\n",
         (long long)m.websockets);
    if (heap_in_use(&heap) == 0)
        line(b, "# HELP latchkey_heap_in_use_bytes Bytes allocated with malloc and not freed.\n"
                "# TYPE latchkey_heap_in_use_bytes gauge\nlatchkey_heap_in_use_bytes %zu\n",
             heap);
    line(b, "# HELP latchkey_pin_checks_total PIN checks by how they were decided.\n"
            "# TYPE latchkey_pin_checks_total counter\n");
    line(b, "latchkey_pin_checks_total{path=\"scrypt\"} %llu\n"
            "latchkey_pin_checks_total{path=\"cache\"} %llu\n",
         (unsigned long long)m.pin_checks[0],
         (unsigned long long)m.pin_checks[1]);
    line(b,
         "# HELP latchkey_client_cert_checks_total Client certificate chains of full handshakes, "
         "by how they were checked.\n"
         "# TYPE latchkey_client_cert_checks_total counter\n");
    line(b,
         "latchkey_client_cert_checks_total{path=\"verify\"} %llu\n"
         "latchkey_client_cert_checks_total{path=\"cache\"} %llu\n",
         (unsigned long long)m.cert_checks[0], (unsigned long long)m.cert_checks[1]);
    line(b, "# HELP latchkey_mqtt_oversize_total Inbound MQTT messages dropped unread for their size.\n"
            "# TYPE latchkey_mqtt_oversize_total counter\nlatchkey_mqtt_oversize_total %llu\n",
         (unsigned long long)m.mqtt_oversize);
    line(b, "# HELP latchkey_ack_latency_seconds Time from the request to the device's ack (or timeout).\n"
            "# TYPE latchkey_ack_latency_seconds histogram\n");
    for (i = 0; i < METRICS_BUCKETS; i++)
        line(b, "latchkey_ack_latency_seconds_bucket{le=\"%g\"} %llu\n", (double)metrics_buckets_ms[i] / 1000.0,
             (unsigned long long)m.lat_bucket[i]);
    line(b, "latchkey_ack_latency_seconds_bucket{le=\"+Inf\"} %llu\n"
            "latchkey_ack_latency_seconds_sum %.3f\nlatchkey_ack_latency_seconds_count %llu\n",
         (unsigned long long)m.lat_count,
         (double)m.lat_sum_ms / 1000.0, (unsigned long long)m.lat_count);
}
