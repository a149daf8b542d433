/* own_origin.c - the gateway's own origin from its configuration (see own_origin.h). */
#include "own_origin.h"

#include <arpa/inet.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>

/* The first DNS name of cert's subjectAltName, else its first IP address ("[...]" for
 * IPv6), into host. */
static int cert_host(X509 *cert, char *host, size_t cap)
{
    GENERAL_NAMES *names = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
    int i, pass, rc = -1;

    for (pass = 0; pass < 2 && rc != 0; pass++)
        for (i = 0; i < sk_GENERAL_NAME_num(names) && rc != 0; i++) {
            const GENERAL_NAME *g = sk_GENERAL_NAME_value(names, i);
            const ASN1_STRING *s = pass == 0 && g->type == GEN_DNS ? g->d.dNSName
                                   : pass == 1 && g->type == GEN_IPADD ? g->d.iPAddress : NULL;
            char ip[INET6_ADDRSTRLEN];
            int len = s != NULL ? ASN1_STRING_length(s) : 0;
            const unsigned char *d = s != NULL ? ASN1_STRING_get0_data(s) : NULL;
            if (d == NULL || len <= 0)
                continue;
            if (pass == 0 && (size_t)len < cap && memchr(d, '\0', (size_t)len) == NULL) {
                memcpy(host, d, (size_t)len);
                host[len] = '\0';
                rc = 0;
            } else if (pass == 1 && (len == 4 || len == 16) &&
                       inet_ntop(len == 4 ? AF_INET : AF_INET6, d, ip, sizeof ip) != NULL) {
                rc = snprintf(host, cap, len == 4 ? "%s" : "[%s]", ip) < (int)cap ? 0 : -1;
            }
        }
    GENERAL_NAMES_free(names);
    return rc;
}

int own_origin_get(const struct conf *c, char *out, size_t cap, char *err, size_t errlen)
{
    char host[256];
    FILE *f;
    X509 *cert;
    int rc, n;

    if (c->server.public_origin[0] != '\0') {
        n = snprintf(out, cap, "%s", c->server.public_origin);
        return n > 0 && (size_t)n < cap ? 0 : -1;
    }
    f = fopen(c->server.cert, "r");
    cert = f != NULL ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
    if (f != NULL)
        fclose(f);
    rc = cert != NULL ? cert_host(cert, host, sizeof host) : -1;
    X509_free(cert);
    if (rc != 0) {
        snprintf(err, errlen, "%s: [server] cert has no DNS name or IP address to make the "
                 "gateway's origin from: set [server] public_origin", c->path);
        return -1;
    }
    n = c->server.port == 443 ? snprintf(out, cap, "https://%s", host)
                              : snprintf(out, cap, "https://%s:%d", host, c->server.port);
    return n > 0 && (size_t)n < cap ? 0 : -1;
}
