/* mcu_blob.c - the bare-metal provisioning blob from a device bundle's material
 * (mcu_blob.h). The record layout is the firmware's own (latchkey/prov_blob.h). */
#include "mcu_blob.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "diag.h"
#include "latchkey/prov_blob.h"

/* One DER record from a PEM text: a certificate (key == 0) or a private key (key != 0,
 * written in its type-specific form: SEC1 for P-256). 0 or -1 (reported). */
static int add_der(struct lk_prov_writer *w, enum lk_prov_tag tag, const char *pem, size_t len,
                   int key, const char *what)
{
    BIO *b = BIO_new_mem_buf(pem, (int)len);
    X509 *x = NULL;
    EVP_PKEY *k = NULL;
    unsigned char *der = NULL;
    int n = -1, rc = -1;

    if (b != NULL && len <= 0x7FFFFFFF) {
        if (key && (k = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL)) != NULL)
            n = i2d_PrivateKey(k, &der);
        else if (!key && (x = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL)
            n = i2d_X509(x, &der);
    }
    if (n <= 0) {
        lk_err_ssl("cannot read %s", what);
    } else if ((size_t)n > LK_PROV_DER_MAX) {
        lk_err("%s: %d bytes of DER, the device takes at most %u", what, n, LK_PROV_DER_MAX);
    } else {
        rc = lk_prov_add(w, tag, der, (size_t)n);
    }
    if (der != NULL)
        OPENSSL_clear_free(der, n > 0 ? (size_t)n : 0);
    EVP_PKEY_free(k);
    X509_free(x);
    BIO_free(b);
    return rc;
}

/* The ack key's 32-byte Ed25519 seed from its PKCS#8 PEM. 0 or -1 (reported). */
static int add_seed(struct lk_prov_writer *w, const char *pem, size_t len)
{
    BIO *b = BIO_new_mem_buf(pem, (int)len);
    EVP_PKEY *k = b != NULL ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL) : NULL;
    unsigned char seed[LK_PROV_SEED_LEN];
    size_t n = sizeof seed;
    int rc = -1;

    if (k == NULL || EVP_PKEY_get_id(k) != EVP_PKEY_ED25519 ||
        EVP_PKEY_get_raw_private_key(k, seed, &n) != 1 || n != sizeof seed)
        lk_err("the device's ack key is not an Ed25519 private key");
    else
        rc = lk_prov_add(w, LK_PROV_TAG_ACK_SEED, seed, n);
    OPENSSL_cleanse(seed, sizeof seed);
    EVP_PKEY_free(k);
    BIO_free(b);
    return rc;
}

static int add_text(struct lk_prov_writer *w, enum lk_prov_tag tag, const char *s)
{
    return lk_prov_add(w, tag, s, strlen(s));
}

size_t lk_mcu_blob_build(const struct lk_bundle_src *s, const struct lk_mcu_opts *o, uint8_t *out,
                         size_t cap)
{
    struct lk_prov_writer w;
    size_t len;

    if (strlen(s->host) > LK_PROV_HOST_MAX || s->port <= 0 || s->port > 0xFFFF) {
        lk_err("the broker %s:%ld does not fit the device", s->host, s->port);
        return 0;
    }
    lk_prov_begin(&w, out, cap);
    if (add_text(&w, LK_PROV_TAG_SITE, s->site) != 0 ||
        add_text(&w, LK_PROV_TAG_DOOR, s->door) != 0 ||
        add_text(&w, LK_PROV_TAG_BROKER_HOST, s->host) != 0 ||
        lk_prov_add_uint(&w, LK_PROV_TAG_BROKER_PORT, (uint64_t)s->port, 2) != 0 ||
        add_der(&w, LK_PROV_TAG_CA_DER, s->ca, s->ca_len, 0, "the site CA certificate") != 0 ||
        add_der(&w, LK_PROV_TAG_CERT_DER, s->cert, s->cert_len, 0, "the device certificate") != 0 ||
        add_der(&w, LK_PROV_TAG_KEY_DER, s->key, s->key_len, 1, "the device key") != 0 ||
        lk_prov_add(&w, LK_PROV_TAG_CMD_PUBKEY, s->pub, sizeof s->pub) != 0 ||
        lk_prov_add_uint(&w, LK_PROV_TAG_TIME_FLOOR, (uint64_t)o->time_floor, 8) != 0 ||
        add_seed(&w, s->ack_key, s->ack_key_len) != 0)
        goto fail;
    if (o->pulse_ms > 0 &&
        lk_prov_add_uint(&w, LK_PROV_TAG_PULSE_MS, (uint64_t)o->pulse_ms, 4) != 0)
        goto fail;
    if (o->interval_ms >= 0 &&
        lk_prov_add_uint(&w, LK_PROV_TAG_INTERVAL_MS, (uint64_t)o->interval_ms, 4) != 0)
        goto fail;
    /* An open network has no password record (the device refuses an empty one). */
    if (o->wifi_ssid != NULL && (add_text(&w, LK_PROV_TAG_WIFI_SSID, o->wifi_ssid) != 0 ||
                                 (o->wifi_pass != NULL && o->wifi_pass[0] != '\0' &&
                                  add_text(&w, LK_PROV_TAG_WIFI_PASS, o->wifi_pass) != 0)))
        goto fail;
    if ((len = lk_prov_finish(&w)) == 0)
        goto fail;
    return len;
fail:
    if (w.overflow)
        lk_err("the provisioning blob would exceed %u bytes: nothing written", LK_PROV_BLOB_MAX);
    OPENSSL_cleanse(out, cap);
    return 0;
}
