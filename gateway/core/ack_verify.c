/* ack_verify.c - parse and signature check of a device's ack (ack_verify.h), OpenSSL. */
#include "ack_verify.h"

#include <cJSON.h>
#include <openssl/evp.h>
#include <string.h>

#include "latchkey/b64url.h"

const char *ack_verdict_name(enum ack_verdict v)
{
    switch (v) {
    case ACK_VALID: return "valid";
    case ACK_MALFORMED: return "malformed";
    case ACK_UNKNOWN_ID: return "unknown-id";
    case ACK_NO_KEY: return "no-key";
    case ACK_UNSIGNED: return "unsigned";
    case ACK_BAD_SIGNATURE: return "bad-signature";
    }
    return "malformed";
}

/* Copies a JSON string of at most cap - 1 bytes; -1 if it is not one or too long. */
static int take_str(const cJSON *j, char *dst, size_t cap)
{
    size_t n;
    if (!cJSON_IsString(j))
        return -1;
    n = strlen(j->valuestring);
    if (n >= cap)
        return -1;
    memcpy(dst, j->valuestring, n + 1);
    return 0;
}

/* An integer JSON number exactly representable (|v| < 2^53). */
static int take_int(const cJSON *j, int64_t *v)
{
    double d;
    if (!cJSON_IsNumber(j))
        return -1;
    d = j->valuedouble;
    if (!(d > -9007199254740992.0 && d < 9007199254740992.0) || (double)(int64_t)d != d)
        return -1; /* NaN, out of range, or a fraction */
    *v = (int64_t)d;
    return 0;
}

/* One member of the object into a; seen tracks the keys met. */
static int take_member(const cJSON *m, struct gw_ack *a, unsigned *seen)
{
    static const char *const keys[] = {"v", "id", "result", "reason", "at", "sig"};
    char sig[LK_SIG_B64_LEN + 1];
    int64_t v;
    unsigned k;
    for (k = 0; k < sizeof keys / sizeof keys[0]; k++)
        if (m->string != NULL && strcmp(m->string, keys[k]) == 0)
            break;
    if (k == sizeof keys / sizeof keys[0] || (*seen & (1u << k)) != 0)
        return -1; /* unknown or repeated key */
    *seen |= 1u << k;
    switch (k) {
    case 0: return take_int(m, &v) == 0 && v == 1 ? 0 : -1;
    case 1:
        return take_str(m, a->id, sizeof a->id) == 0 && lk_id_valid(a->id, strlen(a->id)) ? 0 : -1;
    case 2: return take_str(m, a->result, sizeof a->result);
    case 3: return take_str(m, a->reason, sizeof a->reason);
    case 4: return take_int(m, &a->at);
    default:
        if (take_str(m, sig, sizeof sig) != 0 || strlen(sig) != LK_SIG_B64_LEN ||
            lk_b64url_decode(sig, LK_SIG_B64_LEN, a->sig, sizeof a->sig) != LK_SIG_LEN)
            return -1;
        a->has_sig = 1;
        return 0;
    }
}

int ack_parse(const char *payload, size_t len, struct gw_ack *out)
{
    cJSON *j = cJSON_ParseWithLength(payload, len);
    const cJSON *m;
    unsigned seen = 0;
    int rc = -1;
    memset(out, 0, sizeof *out);
    if (cJSON_IsObject(j)) {
        rc = 0;
        cJSON_ArrayForEach(m, j) if (rc == 0 && take_member(m, out, &seen) != 0) rc = -1;
        if ((seen & 0x1fu) != 0x1fu || !lk_ack_result_valid(out->result, out->reason))
            rc = -1; /* v, id, result, reason and at are required; sig is not */
    }
    cJSON_Delete(j);
    return rc;
}

static int ed25519_ok(const uint8_t key[32], const char *msg, size_t len, const uint8_t sig[64])
{
    EVP_PKEY *pk = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, key, 32);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = 0;
    if (pk != NULL && ctx != NULL && EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, pk) == 1)
        ok = EVP_DigestVerify(ctx, sig, LK_SIG_LEN, (const unsigned char *)msg, len) == 1;
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(pk);
    return ok;
}

enum ack_verdict ack_check(const struct gw_ack *a, const char *site, const char *door,
                           const uint8_t *key)
{
    char msg[LK_ACK_MSG_MAX];
    size_t n;
    if (key == NULL)
        return ACK_NO_KEY;
    if (!a->has_sig)
        return ACK_UNSIGNED;
    n = lk_ack_signing_message(a->id, site, door, a->result, a->reason, a->at, msg, sizeof msg);
    return n != 0 && ed25519_ok(key, msg, n, a->sig) ? ACK_VALID : ACK_BAD_SIGNATURE;
}
