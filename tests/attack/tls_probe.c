/* tls_probe.c - an attacker's TLS client for the certificate attack matrix. It presents
 * whatever certificate chain and key it is given WITHOUT checking that they belong
 * together (wolfSSL does not check; OpenSSL-based tools like curl refuse to even try),
 * so a server can be tested against a client that sends a certificate it has no key for.
 * It verifies the server against the CA, then speaks one request and reports the answer.
 *
 * usage: tls_probe http|mqtt HOST PORT CA_PEM [CERT_CHAIN_PEM KEY_PEM]
 * exit:  0 the server answered the request (first line / CONNACK printed)
 *        3 the TLS handshake failed
 *        4 the handshake completed but the server closed without answering
 *        2 usage or local error */
#define _POSIX_C_SOURCE 200809L
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <wolfssl/options.h>
#include <wolfssl/ssl.h>

static int tcp_connect(const char *host, const char *port)
{
    struct addrinfo hints, *res, *ai;
    struct timeval tv = {5, 0};
    int fd = -1;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, port, &hints, &res) != 0)
        return -1;
    for (ai = res; ai != NULL; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0)
            continue;
        /* Bounded: no read or write waits more than 5 s. */
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
            break;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    return fd;
}

/* MQTT 3.1.1 CONNECT, clean session, keep-alive 10 s, client id "latchkey-attack-probe"
 * (the one the broker admits for CN attack-probe, broker/identity.h). */
static const unsigned char mqtt_connect[] = {0x10, 33,   0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04,
                                             0x02, 0x00, 0x0a, 0x00, 21,  'l', 'a', 't', 'c',
                                             'h',  'k',  'e',  'y',  '-', 'a', 't', 't', 'a',
                                             'c',  'k',  '-',  'p',  'r', 'o', 'b', 'e'};

/* Freed at exit on every path, so LeakSanitizer (scripts/sanitize.sh) stays quiet. */
static WOLFSSL_CTX *probe_ctx;
static WOLFSSL *probe_ssl;

static void probe_cleanup(void)
{
    if (probe_ssl != NULL)
        wolfSSL_free(probe_ssl);
    if (probe_ctx != NULL)
        wolfSSL_CTX_free(probe_ctx);
    wolfSSL_Cleanup();
}

int main(int argc, char **argv)
{
    WOLFSSL_CTX *ctx;
    WOLFSSL *ssl;
    char req[256], buf[512];
    const void *out;
    int fd, n, outlen, http;
    if ((argc != 5 && argc != 7) || (strcmp(argv[1], "http") != 0 && strcmp(argv[1], "mqtt") != 0)) {
        (void)fprintf(stderr,
                      "usage: tls_probe http|mqtt HOST PORT CA_PEM [CERT_CHAIN_PEM KEY_PEM]\n");
        return 2;
    }
    http = strcmp(argv[1], "http") == 0;
    wolfSSL_Init();
    if (atexit(probe_cleanup) != 0)
        return 2;
    ctx = probe_ctx = wolfSSL_CTX_new(wolfSSLv23_client_method());
    if (ctx == NULL || wolfSSL_CTX_load_verify_locations(ctx, argv[4], NULL) != WOLFSSL_SUCCESS) {
        (void)fprintf(stderr, "tls_probe: cannot load CA %s\n", argv[4]);
        return 2;
    }
    if (argc == 7 && (wolfSSL_CTX_use_certificate_chain_file(ctx, argv[5]) != WOLFSSL_SUCCESS ||
                      wolfSSL_CTX_use_PrivateKey_file(ctx, argv[6], WOLFSSL_FILETYPE_PEM) != WOLFSSL_SUCCESS)) {
        (void)fprintf(stderr, "tls_probe: cannot load certificate %s or key %s\n", argv[5],
                      argv[6]);
        return 2;
    }
    fd = tcp_connect(argv[2], argv[3]);
    if (fd < 0) {
        (void)fprintf(stderr, "tls_probe: cannot connect to %s:%s\n", argv[2], argv[3]);
        return 2;
    }
    ssl = probe_ssl = wolfSSL_new(ctx);
    if (ssl == NULL || wolfSSL_set_fd(ssl, fd) != WOLFSSL_SUCCESS ||
        wolfSSL_UseSNI(ssl, WOLFSSL_SNI_HOST_NAME, argv[2], (unsigned short)strlen(argv[2])) != WOLFSSL_SUCCESS ||
        wolfSSL_check_domain_name(ssl, argv[2]) != WOLFSSL_SUCCESS) {
        (void)fprintf(stderr, "tls_probe: TLS set-up failed\n");
        return 2;
    }
    if (wolfSSL_connect(ssl) != WOLFSSL_SUCCESS) {
        n = wolfSSL_get_error(ssl, 0);
        printf("handshake failed: %s\n", wolfSSL_ERR_reason_error_string((unsigned long)n));
        return 3;
    }
    if (http) {
        n = snprintf(req, sizeof req, "GET / HTTP/1.1\r\nHost: %s:%s\r\nConnection: close\r\n\r\n",
                     argv[2], argv[3]);
        out = req;
        outlen = n;
    } else {
        out = mqtt_connect;
        outlen = (int)sizeof mqtt_connect;
    }
    if (wolfSSL_write(ssl, out, outlen) != outlen) {
        printf("closed before the request was sent\n");
        return 4;
    }
    n = wolfSSL_read(ssl, buf, (int)sizeof buf - 1);
    if (n <= 0) {
        printf("closed without an answer\n");
        return 4;
    }
    buf[n] = '\0';
    if (http) {
        buf[strcspn(buf, "\r\n")] = '\0';
        printf("%s\n", buf);
    } else {
        printf("CONNACK %s return code %d\n", n >= 4 && (unsigned char)buf[0] == 0x20 ? "received" : "malformed",
               n >= 4 ? buf[3] : -1);
    }
    close(fd);
    return 0; /* probe_cleanup frees ssl and ctx */
}
