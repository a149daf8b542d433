/* fuzz_crl_index.c - libFuzzer harness for the CRL reader of host/ (lkh_crl_index_parse,
 * crl_index.h): the first byte picks the form, PEM text as given (0) or DER that the harness
 * wraps in a PEM block (else, so mutations hit the DER walk); any input is read without a
 * fault or a leak, and a CRL it accepts has a head, a sorted table and lookups that answer.
 * The CA is made once at start-up: mutated CRLs fail its signature, which runs last. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "fuzz_entry.h"
#include "lkhost/crl_index.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

static STACK_OF(X509) * ca;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    EVP_PKEY *key = EVP_EC_gen("P-256");
    X509 *x = X509_new();
    X509_NAME *n = X509_NAME_new();
    (void)argc;
    (void)argv;
    CHECK(key != NULL && x != NULL && n != NULL);
    CHECK(X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)"Fuzz CA", -1,
                                     -1, 0) == 1);
    CHECK(X509_set_subject_name(x, n) == 1 && X509_set_issuer_name(x, n) == 1);
    CHECK(X509_set_pubkey(x, key) == 1 && X509_sign(x, key, EVP_sha256()) > 0);
    ca = sk_X509_new_null();
    CHECK(ca != NULL && sk_X509_push(ca, x) == 1);
    X509_NAME_free(n);
    EVP_PKEY_free(key);
    return 0;
}

/* data as a PEM "X509 CRL" block, 64 base64 digits a line. */
static unsigned char *as_pem(const uint8_t *data, size_t size, size_t *len)
{
    static const char head[] = "-----BEGIN X509 CRL-----\n", tail[] = "-----END X509 CRL-----\n";
    size_t b64 = (size + 2) / 3 * 4, cap = sizeof head + b64 + b64 / 64 + sizeof tail + 2, i;
    unsigned char *out = malloc(cap), *w;
    unsigned char *digits = malloc(b64 + 1);

    CHECK(out != NULL && digits != NULL);
    EVP_EncodeBlock(digits, data, (int)size);
    w = out;
    memcpy(w, head, sizeof head - 1);
    w += sizeof head - 1;
    for (i = 0; i < b64; i += 64) {
        size_t k = b64 - i < 64 ? b64 - i : 64;
        memcpy(w, digits + i, k);
        w += k;
        *w++ = '\n';
    }
    memcpy(w, tail, sizeof tail - 1);
    w += sizeof tail - 1;
    *len = (size_t)(w - out);
    free(digits);
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct lkh_crl_index x;
    unsigned char *pem;
    size_t len, i;
    int signer = 7;
    ASN1_INTEGER *sn;

    if (size < 1 || size > 1 << 20)
        return 0;
    if (data[0] == 0) {
        pem = malloc(size);
        CHECK(pem != NULL);
        memcpy(pem, data + 1, size - 1);
        len = size - 1;
    } else {
        pem = as_pem(data + 1, size - 1, &len);
    }
    if (lkh_crl_index_parse(pem, len, ca, &x, &signer) == LKH_CRL_OK) {
        CHECK(x.head != NULL && signer == 0);
        sn = ASN1_INTEGER_new();
        CHECK(sn != NULL);
        for (i = 0; i < x.n && i < 64; i++)
            CHECK(ASN1_INTEGER_set(sn, (long)i) == 1 && lkh_crl_index_has(&x, sn) >= 0);
        ASN1_INTEGER_free(sn);
        lkh_crl_index_free(&x);
    } else {
        CHECK(x.head == NULL && x.serials == NULL && signer == -1);
    }
    free(pem);
    return 0;
}
