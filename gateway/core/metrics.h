/* metrics.h - the gateway's counters, rendered as Prometheus text by web/metrics_page.c on
 * the loopback metrics listener. Counters are atomics: safe from any thread. */
#ifndef GW_METRICS_H
#define GW_METRICS_H

#include <stdint.h>

#include "result.h"

enum metrics_refusal {
    REFUSED_REVOKED = 0, REFUSED_CRL, REFUSED_CSRF,
    REFUSED_EXPIRED,  /* the certificate's own dates (a resumed session, an open connection) */
    REFUSED_BAD_NAME, /* the certificate's CN is not a user name */
    REFUSED_COUNT
};

void metrics_request(void);                       /* one HTTP request or websocket message */
void metrics_result(enum gw_result r, int64_t ack_latency_ms); /* latency < 0: not waited */
void metrics_tls_refused(void);                   /* a client certificate refused at TLS */
void metrics_conn_refused(void);                  /* a connection closed at accept (bounds) */
void metrics_refused(enum metrics_refusal why);   /* a request refused after TLS */
void metrics_websockets(int delta);
void metrics_pin_check(int cached);               /* a PIN check: 1 from pin_cache, 0 scrypt */
void metrics_cert_check(int cached); /* a handshake's chain check: 1 from leaf_cache, 0 OpenSSL's */
void metrics_mqtt_oversize(void);                 /* an inbound MQTT message dropped for its size */
void metrics_busy(const char *reason);            /* a "busy" result, by its reason */

#define METRICS_RESULTS 16 /* room for results added to result.h later */
#define METRICS_BUCKETS 8  /* ack latency histogram */
extern const int64_t metrics_buckets_ms[METRICS_BUCKETS]; /* upper bounds */
/* The reasons of a "busy" result (action.c); the last, "other", counts any else. */
#define METRICS_BUSY_REASONS 7
extern const char *const metrics_busy_reasons[METRICS_BUSY_REASONS];

struct metrics_snapshot {
    unsigned long long requests, tls_refused, conn_refused, refused[REFUSED_COUNT], results[METRICS_RESULTS];
    unsigned long long lat_bucket[METRICS_BUCKETS], lat_count, lat_sum_ms; /* cumulative */
    long long websockets;
    unsigned long long pin_checks[2]; /* [0] scrypt, [1] cache */
    unsigned long long cert_checks[2]; /* [0] X509_verify_cert, [1] leaf_cache */
    unsigned long long mqtt_oversize;
    unsigned long long busy[METRICS_BUSY_REASONS];
};

/* A copy of every counter (each read atomically). */
void metrics_read(struct metrics_snapshot *m);

#endif
