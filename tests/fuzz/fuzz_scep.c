/* fuzz_scep.c - libFuzzer harness for what the scep verb's plain-HTTP listener reads from
 * anyone on the network: the input is taken as a request (lk_http_req_parse, its query and
 * the route table) and, whole and as the parsed body, as a pkiMessage (lk_scep_msg_read:
 * CMS parse, signature, attributes, decryption with this run's RA key). A message that
 * reads must have a printable transactionID and its signer; nothing may crash or leak. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "ca.h"
#include "fuzz_entry.h"
#include "http_request.h"
#include "scep_msg.h"
#include "scep_ra.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

static X509 *ra;
static EVP_PKEY *ra_key;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    EVP_PKEY *ca_key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    X509 *ca;
    (void)argc, (void)argv;
    CHECK(ca_key != NULL);
    ca = lk_ca_cert_build(ca_key, "Fuzz CA", 30);
    CHECK(ca != NULL && lk_scep_ra_make(ca, ca_key, &ra, &ra_key) == 0);
    X509_free(ca);
    EVP_PKEY_free(ca_key);
    return 0;
}

static void handle(void *arg, const struct lk_http_req *req, const char *peer,
                   struct lk_enroll_reply *reply)
{
    const char *v;
    size_t n;
    (void)arg, (void)peer;
    if (lk_http_query_get(req, "operation", &v, &n))
        CHECK(v >= req->query && v + n <= req->query + req->query_len);
    lk_http_text(reply, 200, "ok\n");
}

static void read_msg(const unsigned char *p, size_t len)
{
    struct lk_scep_msg m;
    char why[200];
    lk_scep_msg_init(&m);
    if (lk_scep_msg_read(p, len, ra, ra_key, &m, why, sizeof why) == 0)
        CHECK(m.signer != NULL && m.tid[0] != '\0' && m.content != NULL && m.nonce_len > 0);
    lk_scep_msg_free(&m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct lk_http_route routes[] = {
        {"GET", "/scep", handle}, {"POST", "/scep", handle}, {"GET", "/enroll/", handle}};
    struct lk_enroll_reply reply;
    struct lk_http_req req;
    unsigned char *copy = malloc(size > 0 ? size : 1); /* exact size: ASan sees any overread */
    const char *buf = (const char *)copy;

    CHECK(copy != NULL);
    if (size > 0)
        memcpy(copy, data, size);
    if (lk_http_req_parse(buf, size, LK_ENROLL_BODY_MAX, &req) == LK_HTTP_OK) {
        CHECK(req.body + req.body_len <= copy + size);
        read_msg(req.body, req.body_len);
    }
    (void)lk_http_dispatch(routes, 3, NULL, buf, size, "fuzz", &reply);
    read_msg(copy, size);
    free(copy);
    return 0;
}
