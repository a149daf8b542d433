/* lk_bench.c - latchkey-bench: a concurrent mTLS HTTP load generator for the benchmarks
 * (docs/benchmarks.md). wrk and h2load cannot present client certificates; this one does.
 * Options, the client TLS context (P-256 key exchange unless --groups, no session
 * resumption), the loopback-only target, and the one-line report: rate and latency
 * percentiles (ws mode: also the latchkey.v1 messages each websocket received, lowest and
 * highest). Exit status: 0 every request succeeded (ws mode: and every websocket got its
 * "doors" message), 1 errors or nothing done, 2 usage/setup. */
#include <arpa/inet.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>

#include "bench_run.h"

static const char usage_text[] =
    "usage: latchkey-bench --port N --cert CRT --key KEY [options]\n"
    "  --mode M          handshake | keepalive | action | ws (default keepalive)\n"
    "  --host ADDR       loopback address only (default 127.0.0.1)\n"
    "  --sni NAME        server name, Host and Origin (default localhost)\n"
    "  --ca FILE         verify the server against this CA (default: no check)\n"
    "  --path P          request path (default /)\n"
    "  --conns N         concurrent connections (default 1)\n"
    "  --duration S      seconds to start requests for (default 10, max 600)\n"
    "  --requests N      at most N requests in all (default 1000000)\n"
    "  --think-ms N      pause between two requests of a connection (default 0)\n"
    "  --timeout-ms N    limit for one request (default 10000)\n"
    "  --pin P --door D  action mode: the PIN and the door(s) (comma list, per connection)\n"
    "  --hold S          ws mode: keep the websockets open S seconds (default 5);\n"
    "                    SIGUSR1 ends the hold 2 s later (messages on the way)\n"
    "  --tls12           TLS 1.2 only (default TLS 1.3 only)\n"
    "  --groups LIST     key exchange groups offered (default P-256; browsers: X25519)\n"
    "  --samples FILE    one line per request: start_unix_us latency_us status\n";

static void usage(FILE *f)
{
    (void)fputs(usage_text, f);
}

static int parse_doors(struct bench_opts *o, char *list)
{
    char *save = NULL, *d;
    for (d = strtok_r(list, ",", &save); d != NULL; d = strtok_r(NULL, ",", &save)) {
        if (o->n_doors >= BENCH_MAX_DOORS)
            return -1;
        o->doors[o->n_doors++] = d;
    }
    return o->n_doors > 0 ? 0 : -1;
}

static int parse_mode(const char *s, enum bench_mode *m)
{
    static const char *const names[] = {"handshake", "keepalive", "action", "ws"};
    int i;
    for (i = 0; i < 4; i++)
        if (strcmp(s, names[i]) == 0) {
            *m = (enum bench_mode)i;
            return 0;
        }
    return -1;
}

static int parse_opts(int argc, char **argv, struct bench_opts *o)
{
    static const struct option longopts[] = {
        {"mode", 1, 0, 'm'}, {"host", 1, 0, 'h'}, {"port", 1, 0, 'p'}, {"sni", 1, 0, 's'},
        {"ca", 1, 0, 'a'}, {"cert", 1, 0, 'c'}, {"key", 1, 0, 'k'}, {"path", 1, 0, 'P'},
        {"conns", 1, 0, 'n'}, {"duration", 1, 0, 'd'}, {"requests", 1, 0, 'r'},
        {"think-ms", 1, 0, 't'}, {"timeout-ms", 1, 0, 'T'}, {"pin", 1, 0, 'i'},
        {"door", 1, 0, 'D'}, {"hold", 1, 0, 'H'}, {"tls12", 0, 0, '2'},
        {"groups", 1, 0, 'g'}, {"samples", 1, 0, 'S'}, {"help", 0, 0, '?'}, {0, 0, 0, 0}};
    int ch;
    memset(o, 0, sizeof *o);
    o->mode = MODE_KEEPALIVE;
    o->host = "127.0.0.1";
    o->sni = "localhost";
    o->path = "/";
    o->conns = 1;
    o->duration_s = 10;
    o->max_requests = 1000000;
    o->timeout_ms = 10000;
    o->hold_s = 5;
    o->groups = "P-256";
    while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (ch) {
        case 'm': if (parse_mode(optarg, &o->mode) != 0) return -1; break;
        case 'h': o->host = optarg; break;
        case 'p': o->port = atoi(optarg); break;
        case 's': o->sni = optarg; break;
        case 'a': o->ca = optarg; break;
        case 'c': o->cert = optarg; break;
        case 'k': o->key = optarg; break;
        case 'P': o->path = optarg; break;
        case 'n': o->conns = atoi(optarg); break;
        case 'd': o->duration_s = atof(optarg); break;
        case 'r': o->max_requests = atol(optarg); break;
        case 't': o->think_ms = atoi(optarg); break;
        case 'T': o->timeout_ms = atoi(optarg); break;
        case 'i': o->pin = optarg; break;
        case 'D': if (parse_doors(o, optarg) != 0) return -1; break;
        case 'H': o->hold_s = atof(optarg); break;
        case '2': o->tls12 = 1; break;
        case 'g': o->groups = optarg; break;
        case 'S': o->samples = optarg; break;
        default: return -1;
        }
    }
    if (optind != argc || o->port < 1 || o->port > 65535 || o->cert == NULL || o->key == NULL ||
        o->conns < 1 || o->conns > 10000 || o->duration_s <= 0 || o->duration_s > 600 ||
        o->max_requests < 1 || o->max_requests > 10000000 || o->think_ms < 0 ||
        o->timeout_ms < 1 || o->hold_s < 0 || o->hold_s > 600)
        return -1;
    if (o->mode == MODE_ACTION && (o->pin == NULL || o->n_doors == 0))
        return -1;
    return 0;
}

/* Loopback only: the benchmarks never load anything but this machine. */
static int loopback_addr(const struct bench_opts *o, struct bench_run *run)
{
    struct sockaddr_in *a4 = (struct sockaddr_in *)&run->addr;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&run->addr;
    memset(&run->addr, 0, sizeof run->addr);
    if (inet_pton(AF_INET, o->host, &a4->sin_addr) == 1) {
        if ((ntohl(a4->sin_addr.s_addr) >> 24) != 127)
            return -1;
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)o->port);
        run->alen = sizeof *a4;
        return 0;
    }
    if (inet_pton(AF_INET6, o->host, &a6->sin6_addr) == 1 && IN6_IS_ADDR_LOOPBACK(&a6->sin6_addr)) {
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)o->port);
        run->alen = sizeof *a6;
        return 0;
    }
    return -1;
}

static SSL_CTX *client_ctx(const struct bench_opts *o)
{
    static const unsigned char alpn[] = "\x08http/1.1";
    int v = o->tls12 ? TLS1_2_VERSION : TLS1_3_VERSION;
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (ctx == NULL)
        return NULL;
    if (SSL_CTX_set_min_proto_version(ctx, v) != 1 || SSL_CTX_set_max_proto_version(ctx, v) != 1 ||
        SSL_CTX_set1_groups_list(ctx, o->groups) != 1 ||
        SSL_CTX_use_certificate_chain_file(ctx, o->cert) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, o->key, SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(ctx) != 1 || SSL_CTX_set_alpn_protos(ctx, alpn, 9) != 0)
        goto bad;
    /* Every handshake is a full one: no tickets, no session cache. */
    SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
    if (o->ca != NULL) {
        if (SSL_CTX_load_verify_locations(ctx, o->ca, NULL) != 1)
            goto bad;
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    } else {
        SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    }
    return ctx;
bad:
    SSL_CTX_free(ctx);
    return NULL;
}

static const char *mode_name(enum bench_mode m)
{
    static const char *const names[] = {"handshake", "keepalive", "action", "ws"};
    return names[m];
}

static void report(struct bench_run *run)
{
    const struct bench_opts *o = run->o;
    double secs = (double)(run->t_last - run->t0) / 1e9;
    int64_t *sorted = malloc((run->st.n > 0 ? run->st.n : 1) * sizeof *sorted);
    double ms = 1e6;
    if (sorted == NULL) {
        (void)fprintf(stderr, "latchkey-bench: out of memory\n");
        return;
    }
    sorted[0] = -1;
    if (secs <= 0)
        secs = 1e-9;
    printf("mode=%s conns=%d secs=%.3f ok=%zu errors=%ld rate=%.1f p50_ms=%.3f p90_ms=%.3f "
           "p99_ms=%.3f max_ms=%.3f",
           mode_name(o->mode), o->conns, secs, run->st.n, run->st.errors, (double)run->st.n / secs,
           (double)stats_quantile(&run->st, sorted, 0.50) / ms,
           (double)stats_quantile(&run->st, sorted, 0.90) / ms,
           (double)stats_quantile(&run->st, sorted, 0.99) / ms,
           (double)stats_quantile(&run->st, sorted, 1.0) / ms);
    if (o->mode == MODE_WS)
        printf(" ws_open=%d ws_rx_bytes=%ld ws_doors_min=%ld ws_doors_max=%ld ws_results_min=%ld"
               " ws_results_max=%ld ws_results_short=%d",
               run->ws_open, run->ws_rx_bytes, run->tally.doors_min, run->tally.doors_max,
               run->tally.results_min, run->tally.results_max, run->tally.results_short);
    if (o->mode == MODE_ACTION)
        printf(" sent=%ld", run->started);
    printf("\n");
    free(sorted);
    if (run->st.errors > 0)
        (void)fprintf(
            stderr,
            "latchkey-bench: %ld errors (other %ld, 3xx %ld, 4xx %ld, 5xx %ld); first: %s\n",
            run->st.errors, run->st.by_status[0], run->st.by_status[3], run->st.by_status[4],
            run->st.by_status[5], run->st.first_error);
    if (run->tally.without_doors > 0)
        (void)fprintf(stderr,
                      "latchkey-bench: %d of %d websockets never received a doors message\n",
                      run->tally.without_doors, run->tally.sockets);
}

/* SIGUSR1 (ws mode): end the hold after a drain. No SA_RESTART: epoll_wait returns. */
static int drain_on_usr1(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = bench_drain_signal;
    sigemptyset(&sa.sa_mask);
    return sigaction(SIGUSR1, &sa, NULL);
}

int main(int argc, char **argv)
{
    struct bench_opts o;
    struct bench_run run;
    int ok;

    if (parse_opts(argc, argv, &o) != 0) {
        usage(stderr);
        return 2;
    }
    memset(&run, 0, sizeof run);
    run.o = &o;
    if (loopback_addr(&o, &run) != 0) {
        (void)fprintf(stderr, "latchkey-bench: --host %s is not a loopback address literal\n",
                      o.host);
        return 2;
    }
    if (signal(SIGPIPE, SIG_IGN) == SIG_ERR || drain_on_usr1() != 0) {
        perror("latchkey-bench: signals");
        return 2;
    }
    run.ctx = client_ctx(&o);
    if (run.ctx == NULL) {
        (void)fprintf(stderr, "latchkey-bench: cannot load the client certificate/key or CA: ");
        ERR_print_errors_fp(stderr);
        return 2;
    }
    if (stats_init(&run.st, (size_t)o.max_requests < 1000000 ? (size_t)o.max_requests + 1 : 1000000) != 0 ||
        bench_run(&run) != 0) {
        perror("latchkey-bench: setup");
        SSL_CTX_free(run.ctx);
        return 2;
    }
    report(&run);
    if (o.samples != NULL && stats_write_samples(&run.st, o.samples) != 0)
        (void)fprintf(stderr, "latchkey-bench: cannot write %s\n", o.samples);
    ok = run.st.errors == 0 && run.st.n > 0 &&
         (o.mode != MODE_WS || (run.ws_open == o.conns && run.tally.without_doors == 0));
    stats_free(&run.st);
    SSL_CTX_free(run.ctx);
    return ok ? 0 : 1;
}
