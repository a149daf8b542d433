/* cmd_format.c - validation and canonical signing bytes of the door command, the time beacon
 * and the signed ack (docs/protocol.md). */
#include "latchkey/cmd_format.h"

#include <string.h>

const char *lk_reason_name(enum lk_reason r)
{
    switch (r) {
    case LK_OK: return "ok";
    case LK_BAD_SIGNATURE: return "bad-signature";
    case LK_WRONG_TARGET: return "wrong-target";
    case LK_EXPIRED: return "expired";
    case LK_NOT_YET_VALID: return "not-yet-valid";
    case LK_REPLAY: return "replay";
    case LK_UNKNOWN_ACTION: return "unknown-action";
    case LK_MALFORMED: return "malformed";
    case LK_BEFORE_START: return "before-start";
    }
    return "malformed";
}

static int is_lower_digit_dash(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

static int all_chars(const char *s, size_t len, size_t max, int (*ok)(char))
{
    size_t i;
    if (s == NULL || len == 0 || len > max)
        return 0;
    for (i = 0; i < len; i++)
        if (!ok(s[i]))
            return 0;
    return 1;
}

static int is_by_char(char c)
{
    return is_lower_digit_dash(c) || (c >= 'A' && c <= 'Z') || c == '.' || c == '@';
}

static int is_lower_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

int lk_name_valid(const char *s, size_t len) { return all_chars(s, len, LK_NAME_MAX, is_lower_digit_dash); }
int lk_action_valid(const char *s, size_t len) { return all_chars(s, len, LK_ACTION_MAX, is_lower_digit_dash); }
int lk_by_valid(const char *s, size_t len) { return all_chars(s, len, LK_BY_MAX, is_by_char); }

int lk_id_valid(const char *s, size_t len)
{
    return len == LK_ID_HEX_LEN && all_chars(s, len, LK_ID_HEX_LEN, is_lower_hex);
}

size_t lk_field_len(const char *s, size_t cap)
{
    size_t n = 0;
    while (n < cap && s[n] != '\0')
        n++;
    return n;
}

int lk_cmd_fields_valid(const struct lk_cmd *c)
{
    return c != NULL &&
           lk_id_valid(c->id, lk_field_len(c->id, sizeof c->id)) &&
           lk_name_valid(c->site, lk_field_len(c->site, sizeof c->site)) &&
           lk_name_valid(c->door, lk_field_len(c->door, sizeof c->door)) &&
           lk_action_valid(c->action, lk_field_len(c->action, sizeof c->action)) &&
           lk_by_valid(c->by, lk_field_len(c->by, sizeof c->by)) &&
           c->exp >= c->iat;
}

size_t lk_i64_to_dec(int64_t v, char *out, size_t cap)
{
    char tmp[20];
    size_t n = 0, len, i;
    /* Work on the magnitude as unsigned so INT64_MIN is handled. */
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        tmp[n++] = (char)('0' + (u % 10));
        u /= 10;
    } while (u != 0);
    len = n + (v < 0 ? 1 : 0);
    if (len > cap)
        return 0;
    i = 0;
    if (v < 0)
        out[i++] = '-';
    while (n > 0)
        out[i++] = tmp[--n];
    return len;
}

/* Appends len bytes then an optional separator; returns 0 when out of room. */
static int put(char *out, size_t cap, size_t *pos, const char *s, size_t len, int newline)
{
    if (len + (newline ? 1u : 0u) > cap - *pos)
        return 0;
    memcpy(out + *pos, s, len);
    *pos += len;
    if (newline)
        out[(*pos)++] = '\n';
    return 1;
}

static int put_i64(char *out, size_t cap, size_t *pos, int64_t v, int newline)
{
    char num[20];
    size_t n = lk_i64_to_dec(v, num, sizeof num);
    return n != 0 && put(out, cap, pos, num, n, newline);
}

size_t lk_cmd_signing_message(const struct lk_cmd *c, char *out, size_t cap)
{
    size_t pos = 0;
    if (out == NULL || !lk_cmd_fields_valid(c))
        return 0;
    if (!put(out, cap, &pos, LK_CMD_SIG_DOMAIN, sizeof(LK_CMD_SIG_DOMAIN) - 1, 1) ||
        !put(out, cap, &pos, c->id, strlen(c->id), 1) ||
        !put(out, cap, &pos, c->site, strlen(c->site), 1) ||
        !put(out, cap, &pos, c->door, strlen(c->door), 1) ||
        !put(out, cap, &pos, c->action, strlen(c->action), 1) ||
        !put(out, cap, &pos, c->by, strlen(c->by), 1) ||
        !put_i64(out, cap, &pos, c->iat, 1) ||
        !put_i64(out, cap, &pos, c->exp, 0))
        return 0;
    return pos;
}

size_t lk_topic(char *out, size_t cap, const char *site, const char *door, const char *suffix)
{
    static const char root[] = "latchkey/";
    size_t pos = 0;
    size_t sl, dl, xl;
    if (out == NULL || site == NULL || door == NULL || suffix == NULL || cap == 0)
        return 0;
    sl = lk_field_len(site, LK_NAME_MAX + 1);
    dl = lk_field_len(door, LK_NAME_MAX + 1);
    xl = strlen(suffix);
    if (!lk_name_valid(site, sl) || !lk_name_valid(door, dl))
        return 0;
    if (!put(out, cap - 1, &pos, root, sizeof root - 1, 0) ||
        !put(out, cap - 1, &pos, site, sl, 0) || !put(out, cap - 1, &pos, "/", 1, 0) ||
        !put(out, cap - 1, &pos, door, dl, 0) || !put(out, cap - 1, &pos, "/", 1, 0) ||
        !put(out, cap - 1, &pos, suffix, xl, 0))
        return 0;
    out[pos] = '\0';
    return pos;
}

size_t lk_time_signing_message(const char *nonce, int64_t time, char *out, size_t cap)
{
    size_t pos = 0;
    if (out == NULL || nonce == NULL || time <= 0 ||
        !lk_id_valid(nonce, lk_field_len(nonce, LK_NONCE_HEX_LEN + 1)))
        return 0;
    if (!put(out, cap, &pos, LK_TIME_SIG_DOMAIN, sizeof(LK_TIME_SIG_DOMAIN) - 1, 1) ||
        !put(out, cap, &pos, nonce, LK_NONCE_HEX_LEN, 1) || !put_i64(out, cap, &pos, time, 0))
        return 0;
    return pos;
}

int lk_ack_result_valid(const char *result, const char *reason)
{
    if (result == NULL || reason == NULL)
        return 0;
    if (strcmp(result, "ok") == 0)
        return reason[0] == '\0';
    return strcmp(result, "rejected") == 0 &&
           lk_name_valid(reason, lk_field_len(reason, LK_ACK_REASON_MAX + 1));
}

size_t lk_ack_signing_message(const char *id, const char *site, const char *door,
                              const char *result, const char *reason, int64_t at, char *out,
                              size_t cap)
{
    size_t pos = 0, il;
    if (out == NULL || id == NULL || site == NULL || door == NULL ||
        !lk_ack_result_valid(result, reason))
        return 0;
    il = lk_field_len(id, LK_ID_HEX_LEN + 1);
    if ((il != 0 && !lk_id_valid(id, il)) ||
        !lk_name_valid(site, lk_field_len(site, LK_NAME_MAX + 1)) ||
        !lk_name_valid(door, lk_field_len(door, LK_NAME_MAX + 1)))
        return 0;
    if (!put(out, cap, &pos, LK_ACK_SIG_DOMAIN, sizeof(LK_ACK_SIG_DOMAIN) - 1, 1) ||
        !put(out, cap, &pos, id, il, 1) || !put(out, cap, &pos, site, strlen(site), 1) ||
        !put(out, cap, &pos, door, strlen(door), 1) ||
        !put(out, cap, &pos, result, strlen(result), 1) ||
        !put(out, cap, &pos, reason, strlen(reason), 1) || !put_i64(out, cap, &pos, at, 0))
        return 0;
    return pos;
}
