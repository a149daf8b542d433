/* cmd_sign.c - Ed25519 signing of door commands with OpenSSL (EVP_DigestSign, no digest)
 * and their JSON encoding with cJSON. The canonical message comes from common/. */
#include "cmd_sign.h"

#include <cJSON.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>

#include <lkhost/hex.h>
#include <lkhost/pem_load.h>

#include "latchkey/b64url.h"
#include "pem_check.h"

EVP_PKEY *cmd_key_load(const char *path, char *err, size_t errlen)
{
    FILE *f;
    EVP_PKEY *k;
    if (pem_check_private_key(path, EVP_PKEY_ED25519, err, errlen) != 0)
        return NULL;
    f = fopen(path, "r");
    if (f == NULL) {
        snprintf(err, errlen, "cannot open %s", path);
        return NULL;
    }
    k = PEM_read_PrivateKey(f, NULL, lkh_pem_passphrase, NULL); /* never prompts */
    (void)fclose(f); /* read-only: nothing is lost if it fails */
    ERR_clear_error();
    if (k == NULL)
        snprintf(err, errlen, "%s: cannot load the Ed25519 key", path);
    return k;
}

int cmd_new_id(char id[LK_ID_HEX_LEN + 1])
{
    unsigned char raw[LK_ID_HEX_LEN / 2];
    if (RAND_bytes(raw, sizeof raw) != 1)
        return -1;
    return lkh_hex_encode(raw, sizeof raw, id, LK_ID_HEX_LEN + 1) == LK_ID_HEX_LEN ? 0 : -1;
}

static int copy_field(char *dst, size_t cap, const char *src)
{
    size_t n = src != NULL ? strlen(src) : cap;
    if (n >= cap)
        return -1;
    memcpy(dst, src, n + 1);
    return 0;
}

int cmd_sign_bytes(EVP_PKEY *key, const char *msg, size_t len, uint8_t sig[LK_SIG_LEN])
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    size_t siglen = LK_SIG_LEN;
    int ok = md != NULL && EVP_DigestSignInit(md, NULL, NULL, NULL, key) == 1 &&
             EVP_DigestSign(md, sig, &siglen, (const unsigned char *)msg, len) == 1 &&
             siglen == LK_SIG_LEN;
    EVP_MD_CTX_free(md);
    ERR_clear_error();
    return ok ? 0 : -1;
}

/* An integer as a raw JSON number: exact for every int64 (no detour through double). */
static int add_int(cJSON *obj, const char *name, int64_t v)
{
    char num[21];
    size_t n = lk_i64_to_dec(v, num, sizeof num - 1);
    if (n == 0)
        return -1;
    num[n] = '\0';
    return cJSON_AddRawToObject(obj, name, num) != NULL ? 0 : -1;
}

static size_t to_json(const struct lk_cmd *c, const char *sig_b64, char *out, size_t cap)
{
    cJSON *o = cJSON_CreateObject();
    size_t len = 0;
    if (o != NULL && add_int(o, "v", LK_CMD_VERSION) == 0 &&
        cJSON_AddStringToObject(o, "id", c->id) && cJSON_AddStringToObject(o, "site", c->site) &&
        cJSON_AddStringToObject(o, "door", c->door) &&
        cJSON_AddStringToObject(o, "action", c->action) &&
        cJSON_AddStringToObject(o, "by", c->by) && add_int(o, "iat", c->iat) == 0 &&
        add_int(o, "exp", c->exp) == 0 && cJSON_AddStringToObject(o, "sig", sig_b64) &&
        cJSON_PrintPreallocated(o, out, (int)cap, 0))
        len = strlen(out);
    cJSON_Delete(o);
    return len;
}

size_t cmd_build(EVP_PKEY *key, const char *id, const char *site, const char *door,
                 const char *action, const char *by, int64_t iat, int64_t exp,
                 struct lk_cmd *cmd, char *out, size_t cap)
{
    char msg[LK_CMD_MSG_MAX];
    char sig_b64[LK_SIG_B64_LEN + 1];
    size_t mlen;

    if (key == NULL || cmd == NULL || out == NULL || cap == 0)
        return 0;
    memset(cmd, 0, sizeof *cmd);
    if (copy_field(cmd->id, sizeof cmd->id, id) || copy_field(cmd->site, sizeof cmd->site, site) ||
        copy_field(cmd->door, sizeof cmd->door, door) ||
        copy_field(cmd->action, sizeof cmd->action, action) ||
        copy_field(cmd->by, sizeof cmd->by, by))
        return 0;
    cmd->iat = iat;
    cmd->exp = exp;
    mlen = lk_cmd_signing_message(cmd, msg, sizeof msg); /* validates fields, exp >= iat */
    if (mlen == 0 || (uint64_t)exp - (uint64_t)iat > LK_CMD_MAX_LIFETIME ||
        cmd_sign_bytes(key, msg, mlen, cmd->sig) != 0 ||
        lk_b64url_encode(cmd->sig, LK_SIG_LEN, sig_b64, sizeof sig_b64) != LK_SIG_B64_LEN)
        return 0;
    return to_json(cmd, sig_b64, out, cap);
}
