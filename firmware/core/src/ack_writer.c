/* ack_writer.c - the signed ack JSON (ack_writer.h). */
#include "lk/ack_writer.h"

#include "latchkey/b64url.h"
#include "latchkey/cmd_format.h"
#include "lk/json_writer.h"

size_t lk_ack_write(const struct lk_platform *plat, const char *site, const char *door,
                    const char *id, const char *reason, int64_t at, char *out, size_t cap,
                    int *is_signed)
{
    const char *result = reason[0] == '\0' ? "ok" : "rejected";
    char msg[LK_ACK_MSG_MAX], b64[LK_SIG_B64_LEN + 1];
    uint8_t sig[LK_SIG_LEN];
    struct lk_jw w;
    size_t n = lk_ack_signing_message(id, site, door, result, reason, at, msg, sizeof msg);
    *is_signed = 0;
    if (n == 0)
        return 0;
    if (plat->ed25519_sign != NULL &&
        plat->ed25519_sign(plat->ctx, (const uint8_t *)msg, n, sig) == 0 &&
        lk_b64url_encode(sig, sizeof sig, b64, sizeof b64) == LK_SIG_B64_LEN)
        *is_signed = 1;
    lk_jw_begin(&w, out, cap);
    lk_jw_int(&w, "v", 1);
    lk_jw_str(&w, "id", id);
    lk_jw_str(&w, "result", result);
    lk_jw_str(&w, "reason", reason);
    lk_jw_int(&w, "at", at);
    if (*is_signed)
        lk_jw_str(&w, "sig", b64);
    return lk_jw_end(&w);
}
