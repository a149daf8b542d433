/* time_sync.c - the device's side of the signed time beacon (see time_sync.h). The answer
 * is read by a small strict scanner of one flat JSON object (strings without escapes,
 * plain integers), since its four fields never need more. */
#include "lk/time_sync.h"

#include <string.h>

#include "latchkey/b64url.h"

enum beacon_key { B_V, B_NONCE, B_TIME, B_SIG, B_COUNT };

static const char *const beacon_keys[B_COUNT] = {"v", "nonce", "time", "sig"};

/* One value of the flat object: its raw text (a string without its quotes). */
struct flat_value {
    const char *s;
    size_t len;
    uint8_t is_string;
};

const char *lk_time_verdict_name(enum lk_time_verdict v)
{
    switch (v) {
    case LK_TIME_ACCEPTED: return "accepted";
    case LK_TIME_MALFORMED: return "malformed";
    case LK_TIME_UNSOLICITED: return "unsolicited";
    case LK_TIME_BAD_SIGNATURE: return "bad-signature";
    case LK_TIME_ROLLBACK: return "rollback";
    }
    return "malformed";
}

static size_t skip_ws(const char *js, size_t len, size_t i)
{
    while (i < len && (js[i] == ' ' || js[i] == '\t' || js[i] == '\n' || js[i] == '\r'))
        i++;
    return i;
}

/* A string at js[i] == '"' without escapes or control characters: its body into *v,
 * returns the index after the closing quote, or 0. */
static size_t scan_string(const char *js, size_t len, size_t i, struct flat_value *v)
{
    size_t start = ++i;
    for (; i < len && js[i] != '"'; i++)
        if (js[i] == '\\' || (unsigned char)js[i] < 0x20u)
            return 0;
    if (i >= len)
        return 0;
    v->s = js + start;
    v->len = i - start;
    v->is_string = 1;
    return i + 1;
}

/* A bare token of digits and '-' (checked later as an integer); returns the index after it. */
static size_t scan_number(const char *js, size_t len, size_t i, struct flat_value *v)
{
    size_t start = i;
    while (i < len && ((js[i] >= '0' && js[i] <= '9') || js[i] == '-'))
        i++;
    v->s = js + start;
    v->len = i - start;
    v->is_string = 0;
    return i > start ? i : 0;
}

/* Exactly one object with the keys of beacon_keys, each once, nothing around it but
 * whitespace. 1 with vals filled, else 0. */
static int scan_object(const char *js, size_t len, struct flat_value vals[B_COUNT])
{
    unsigned seen = 0, k;
    size_t i = skip_ws(js, len, 0);
    if (i >= len || js[i] != '{')
        return 0;
    for (;;) {
        struct flat_value key;
        i = skip_ws(js, len, i + 1);
        if (i >= len || js[i] != '"' || (i = scan_string(js, len, i, &key)) == 0)
            return 0;
        for (k = 0; k < B_COUNT; k++)
            if (strlen(beacon_keys[k]) == key.len && memcmp(beacon_keys[k], key.s, key.len) == 0)
                break;
        if (k == B_COUNT || (seen & (1u << k)) != 0)
            return 0;
        seen |= 1u << k;
        i = skip_ws(js, len, i);
        if (i >= len || js[i] != ':')
            return 0;
        i = skip_ws(js, len, i + 1);
        if (i >= len)
            return 0;
        i = js[i] == '"' ? scan_string(js, len, i, &vals[k]) : scan_number(js, len, i, &vals[k]);
        if (i == 0)
            return 0;
        i = skip_ws(js, len, i);
        if (i < len && js[i] == ',')
            continue;
        if (i >= len || js[i] != '}')
            return 0;
        break;
    }
    return seen == (1u << B_COUNT) - 1u && skip_ws(js, len, i + 1) == len;
}

/* A positive JSON integer without leading zeros, at most 18 digits. */
static int positive_int(const struct flat_value *v, int64_t *out)
{
    size_t i;
    int64_t n = 0;
    if (v->is_string || v->len == 0 || v->len > 18 || v->s[0] == '0')
        return 0;
    for (i = 0; i < v->len; i++) {
        if (v->s[i] < '0' || v->s[i] > '9')
            return 0;
        n = n * 10 + (v->s[i] - '0');
    }
    *out = n;
    return 1;
}

struct beacon {
    char nonce[LK_NONCE_HEX_LEN + 1];
    int64_t time;
    uint8_t sig[LK_SIG_LEN];
};

static int parse_beacon(const uint8_t *payload, size_t len, struct beacon *b)
{
    struct flat_value vals[B_COUNT];
    int64_t version;
    memset(vals, 0, sizeof vals);
    if (payload == NULL || len == 0 || len > LK_TIME_PAYLOAD_MAX ||
        !scan_object((const char *)payload, len, vals))
        return 0;
    if (!positive_int(&vals[B_V], &version) || version != 1 ||
        !positive_int(&vals[B_TIME], &b->time))
        return 0;
    if (!vals[B_NONCE].is_string || !lk_id_valid(vals[B_NONCE].s, vals[B_NONCE].len))
        return 0;
    memcpy(b->nonce, vals[B_NONCE].s, LK_NONCE_HEX_LEN);
    b->nonce[LK_NONCE_HEX_LEN] = '\0';
    return vals[B_SIG].is_string && vals[B_SIG].len == LK_SIG_B64_LEN &&
           lk_b64url_decode(vals[B_SIG].s, vals[B_SIG].len, b->sig, sizeof b->sig) == LK_SIG_LEN;
}

void lk_time_sync_init(struct lk_time_sync *ts, int64_t high_water)
{
    memset(ts, 0, sizeof *ts);
    ts->high_water = high_water > 0 ? high_water : 0;
}

void lk_time_sync_link_up(struct lk_time_sync *ts)
{
    ts->open = 0;
    ts->ask = 1;
}

void lk_time_sync_link_down(struct lk_time_sync *ts)
{
    ts->open = 0;
    ts->ask = 0;
}

int lk_time_sync_due(struct lk_time_sync *ts, uint32_t now_ms)
{
    if (ts->open && (uint32_t)(now_ms - ts->asked_ms) >= LK_TIME_OPEN_MS)
        ts->open = 0; /* unanswered: a late answer is unsolicited */
    if (ts->open)
        return 0;
    if (ts->ask)
        return 1;
    if (!ts->synced)
        return !ts->asked_once || (uint32_t)(now_ms - ts->asked_ms) >= LK_TIME_RETRY_MS;
    /* Re-sync; after an unanswered re-sync request, retry like before the first one. */
    return (uint32_t)(now_ms - ts->synced_ms) >= LK_TIME_RESYNC_MS &&
           (uint32_t)(now_ms - ts->asked_ms) >= LK_TIME_RETRY_MS;
}

size_t lk_time_sync_request(struct lk_time_sync *ts, const struct lk_platform *plat, char *out,
                            size_t cap)
{
    static const char hex[] = "0123456789abcdef";
    uint8_t raw[LK_NONCE_HEX_LEN / 2];
    size_t i;
    if (cap < LK_TIME_REQ_LEN + 1 || plat->random(plat->ctx, raw, sizeof raw) != 0)
        return 0;
    for (i = 0; i < sizeof raw; i++) {
        ts->nonce[2 * i] = hex[raw[i] >> 4];
        ts->nonce[2 * i + 1] = hex[raw[i] & 0x0fu];
    }
    memset(raw, 0, sizeof raw);
    /* NOLINTNEXTLINE(bugprone-not-null-terminated-result): the last copy brings the NUL */
    memcpy(out, "{\"v\":1,\"nonce\":\"", 16);
    memcpy(out + 16, ts->nonce, LK_NONCE_HEX_LEN);
    memcpy(out + 16 + LK_NONCE_HEX_LEN, "\"}", 3);
    return LK_TIME_REQ_LEN;
}

void lk_time_sync_sent(struct lk_time_sync *ts, uint32_t now_ms)
{
    ts->open = 1;
    ts->ask = 0;
    ts->asked_once = 1;
    ts->asked_ms = now_ms;
}

enum lk_time_verdict lk_time_sync_check(struct lk_time_sync *ts, const struct lk_platform *plat,
                                        const uint8_t pubkey[LK_PUBKEY_LEN], const uint8_t *payload,
                                        size_t len, uint32_t now_ms, uint64_t uptime_ms,
                                        int64_t *time)
{
    struct beacon b;
    char msg[LK_TIME_MSG_MAX];
    size_t mlen;
    *time = 0;
    memset(&b, 0, sizeof b);
    if (!parse_beacon(payload, len, &b))
        return LK_TIME_MALFORMED;
    (void)lk_time_sync_due(ts, now_ms); /* closes a nonce that stayed open too long */
    if (!ts->open || memcmp(b.nonce, ts->nonce, LK_NONCE_HEX_LEN) != 0)
        return LK_TIME_UNSOLICITED;
    mlen = lk_time_signing_message(b.nonce, b.time, msg, sizeof msg);
    if (mlen == 0 ||
        plat->ed25519_verify(plat->ctx, pubkey, (const uint8_t *)msg, mlen, b.sig) != 1)
        return LK_TIME_BAD_SIGNATURE;
    if (b.time < ts->high_water)
        return LK_TIME_ROLLBACK;
    ts->open = 0;
    ts->synced = 1;
    ts->synced_ms = now_ms;
    if (b.time > ts->high_water)
        ts->mark_dirty = 1;
    ts->high_water = b.time;
    ts->base_uptime_ms = uptime_ms;
    *time = b.time;
    return LK_TIME_ACCEPTED;
}

int64_t lk_time_sync_now(const struct lk_time_sync *ts, uint64_t uptime_ms)
{
    if (!ts->synced)
        return 0;
    return ts->high_water + (int64_t)((uptime_ms - ts->base_uptime_ms) / 1000u);
}

int lk_time_sync_persist_due(const struct lk_time_sync *ts, uint32_t now_ms)
{
    return ts->mark_dirty &&
           (!ts->persist_tried || (uint32_t)(now_ms - ts->persisted_ms) >= LK_TIME_PERSIST_MS);
}

void lk_time_sync_persisted(struct lk_time_sync *ts, uint32_t now_ms, int ok)
{
    ts->persist_tried = 1;
    ts->persisted_ms = now_ms;
    if (ok)
        ts->mark_dirty = 0;
}
