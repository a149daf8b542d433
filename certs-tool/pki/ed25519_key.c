/* ed25519_key.c - a fresh Ed25519 key as PKCS#8 PEM and public hex (ed25519_key.h). */
#include "ed25519_key.h"

#include <lkhost/hex.h>

#include "certgen.h"
#include "diag.h"

EVP_PKEY *lk_ed25519_generate(BIO **priv, char hex[LK_ED25519_HEX_LEN + 1])
{
    unsigned char raw[32];
    size_t rawlen = sizeof raw;
    EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");

    *priv = NULL;
    if (key == NULL) {
        lk_err_ssl("cannot generate an Ed25519 key");
        return NULL;
    }
    if (EVP_PKEY_get_raw_public_key(key, raw, &rawlen) != 1 || rawlen != sizeof raw) {
        lk_err_ssl("cannot read the Ed25519 public key");
        goto fail;
    }
    lkh_hex_encode(raw, rawlen, hex, LK_ED25519_HEX_LEN + 1);
    hex[64] = '\n';
    hex[65] = '\0';
    if ((*priv = BIO_new(BIO_s_secmem())) == NULL) {
        lk_err_ssl("out of memory");
        goto fail;
    }
    if (lk_pem_pkcs8(*priv, key, NULL) != 0)
        goto fail;
    return key;
fail:
    BIO_free(*priv);
    *priv = NULL;
    EVP_PKEY_free(key);
    return NULL;
}
