/* cmd_verify.c - parses and checks a signed door command (see cmd_verify.h). The JSON
 * is tokenised by jsmn (header-only, strict mode); this file checks the grammar between
 * tokens, decodes strings, and applies the checks of docs/protocol.md in the shared order. */
#include "lk/cmd_verify.h"

#include <string.h>

#include "latchkey/b64url.h"
#include "lk/json_string.h"

#define JSMN_STATIC
#define JSMN_STRICT
#include <jsmn.h>

enum cmd_key { K_V, K_ID, K_SITE, K_DOOR, K_ACTION, K_BY, K_IAT, K_EXP, K_SIG, K_COUNT };

static const char *const key_names[K_COUNT] = {
    "v", "id", "site", "door", "action", "by", "iat", "exp", "sig"
};

#define N_TOKENS (1 + 2 * K_COUNT)
#if LK_CMD_JSON_TOKENS < N_TOKENS + 1
#error "LK_CMD_JSON_TOKENS too small"
#endif

/* Largest integer magnitude accepted for iat/exp: 18 digits keeps every difference of
 * two values inside int64. */
#define INT_MAX_DIGITS 18

void lk_replay_init(struct lk_replay_cache *rc)
{
    memset(rc, 0, sizeof *rc);
}

int lk_replay_seen(const struct lk_replay_cache *rc, const char *id)
{
    uint32_t i;
    for (i = 0; i < rc->count; i++)
        if (memcmp(rc->ids[i], id, LK_ID_HEX_LEN) == 0)
            return 1;
    return 0;
}

void lk_replay_add(struct lk_replay_cache *rc, const char *id)
{
    memcpy(rc->ids[rc->next], id, LK_ID_HEX_LEN);
    rc->next = (rc->next + 1) % LK_REPLAY_SLOTS;
    if (rc->count < LK_REPLAY_SLOTS)
        rc->count++;
}

static int is_ws(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

/* Raw extent of a token in the text (strings include their quotes). */
static size_t tok_begin(const jsmntok_t *t)
{
    return (size_t)t->start - (t->type == JSMN_STRING ? 1u : 0u);
}

static size_t tok_end(const jsmntok_t *t)
{
    return (size_t)t->end + (t->type == JSMN_STRING ? 1u : 0u);
}

/* 1 if js[from..to) is whitespace around exactly one sep character (or only whitespace
 * when sep is 0). */
static int gap_is(const char *js, size_t from, size_t to, char sep)
{
    int seen = sep == 0;
    size_t i;
    if (from > to)
        return 0;
    for (i = from; i < to; i++) {
        if (is_ws(js[i]))
            continue;
        if (!seen && js[i] == sep) {
            seen = 1;
            continue;
        }
        return 0;
    }
    return seen;
}

/* Plain JSON integer: -?(0|[1-9][0-9]*), at most INT_MAX_DIGITS digits. */
static int parse_int(const char *s, size_t len, int64_t *out)
{
    size_t i = 0, digits;
    int neg = 0;
    int64_t v = 0;
    if (len > 0 && s[0] == '-') {
        neg = 1;
        i = 1;
    }
    digits = len - i;
    if (digits == 0 || digits > INT_MAX_DIGITS || (digits > 1 && s[i] == '0'))
        return 0;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    *out = neg ? -v : v;
    return 1;
}

/* Decodes a string token into out (cap bytes); returns its length or (size_t)-1. */
static size_t tok_string(const char *js, const jsmntok_t *t, char *out, size_t cap)
{
    if (t->type != JSMN_STRING)
        return (size_t)-1;
    return lk_json_unescape(js + t->start, (size_t)(t->end - t->start), out, cap);
}

/* Checks one value; 1 if valid (fields of out are set), 0 if malformed. */
static int take_value(enum cmd_key k, const char *js, const jsmntok_t *t, struct lk_cmd *out)
{
    size_t n;
    switch (k) {
    case K_V: {
        int64_t v;
        return t->type == JSMN_PRIMITIVE &&
               parse_int(js + t->start, (size_t)(t->end - t->start), &v) && v == LK_CMD_VERSION;
    }
    case K_IAT:
    case K_EXP:
        return t->type == JSMN_PRIMITIVE &&
               parse_int(js + t->start, (size_t)(t->end - t->start),
                         k == K_IAT ? &out->iat : &out->exp);
    case K_ID: {
        char tmp[LK_ID_HEX_LEN + 1];
        n = tok_string(js, t, tmp, sizeof tmp);
        if (n == (size_t)-1 || !lk_id_valid(tmp, n))
            return 0;
        memcpy(out->id, tmp, n + 1);
        return 1;
    }
    case K_SITE:
        n = tok_string(js, t, out->site, sizeof out->site);
        return n != (size_t)-1 && lk_name_valid(out->site, n);
    case K_DOOR:
        n = tok_string(js, t, out->door, sizeof out->door);
        return n != (size_t)-1 && lk_name_valid(out->door, n);
    case K_ACTION:
        n = tok_string(js, t, out->action, sizeof out->action);
        return n != (size_t)-1 && lk_action_valid(out->action, n);
    case K_BY:
        n = tok_string(js, t, out->by, sizeof out->by);
        return n != (size_t)-1 && lk_by_valid(out->by, n);
    case K_SIG: {
        char b64[LK_SIG_B64_LEN + 1];
        n = tok_string(js, t, b64, sizeof b64);
        return n == LK_SIG_B64_LEN &&
               lk_b64url_decode(b64, n, out->sig, sizeof out->sig) == LK_SIG_LEN;
    }
    case K_COUNT:
        break;
    }
    return 0;
}

static enum lk_reason parse_fields(const char *js, size_t len, struct lk_cmd *out)
{
    jsmn_parser parser;
    jsmntok_t tok[LK_CMD_JSON_TOKENS];
    unsigned seen = 0;
    int ok = 1, n, i;
    size_t first = 0;

    if (len == 0 || len > LK_CMD_PAYLOAD_MAX)
        return LK_MALFORMED;
    jsmn_init(&parser);
    n = jsmn_parse(&parser, js, len, tok, LK_CMD_JSON_TOKENS);
    if (n != N_TOKENS || tok[0].type != JSMN_OBJECT || tok[0].size != K_COUNT)
        return LK_MALFORMED;
    /* Nothing but whitespace around the object (also catches an embedded NUL, where
     * jsmn stops). */
    while (first < len && is_ws(js[first]))
        first++;
    if ((size_t)tok[0].start != first || !gap_is(js, (size_t)tok[0].end, len, 0))
        return LK_MALFORMED;
    /* Flat object: tok[1 + 2i] is a key, tok[2 + 2i] its scalar value. Check the
     * punctuation between them ourselves rather than trusting the tokenizer. */
    for (i = 0; i < K_COUNT; i++) {
        const jsmntok_t *key = &tok[1 + 2 * i], *val = &tok[2 + 2 * i];
        size_t prev_end = i == 0 ? (size_t)tok[0].start + 1 : tok_end(&tok[2 * i]);
        char name[8];
        size_t kl;
        int k;
        if (key->type != JSMN_STRING || key->size != 1 ||
            (val->type != JSMN_STRING && val->type != JSMN_PRIMITIVE) || val->size != 0 ||
            !gap_is(js, prev_end, tok_begin(key), i == 0 ? 0 : ','))
            return LK_MALFORMED;
        if (!gap_is(js, tok_end(key), tok_begin(val), ':'))
            return LK_MALFORMED;
        kl = tok_string(js, key, name, sizeof name);
        if (kl == (size_t)-1)
            return LK_MALFORMED;
        for (k = 0; k < K_COUNT; k++)
            if (strlen(key_names[k]) == kl && memcmp(key_names[k], name, kl) == 0)
                break;
        if (k == K_COUNT || (seen & (1u << k)))
            return LK_MALFORMED;
        seen |= 1u << k;
        /* Keep going after a bad value so that a valid id can still be echoed. */
        if (!take_value((enum cmd_key)k, js, val, out))
            ok = 0;
    }
    if (!gap_is(js, tok_end(&tok[2 * K_COUNT]), (size_t)tok[0].end - 1, 0))
        return LK_MALFORMED;
    if (!ok || out->exp < out->iat || out->exp - out->iat > LK_CMD_MAX_LIFETIME)
        return LK_MALFORMED;
    return LK_OK;
}

enum lk_reason lk_cmd_parse(const uint8_t *payload, size_t len, struct lk_cmd *out)
{
    enum lk_reason r;
    memset(out, 0, sizeof *out);
    if (payload == NULL)
        return LK_MALFORMED;
    r = parse_fields((const char *)payload, len, out);
    if (r != LK_OK) {
        char id[LK_ID_HEX_LEN + 1];
        memcpy(id, out->id, sizeof id);
        memset(out, 0, sizeof *out);
        if (lk_id_valid(id, strlen(id)))
            memcpy(out->id, id, sizeof id);
    }
    return r;
}

void lk_verifier_init(struct lk_verifier *v, const struct lk_platform *plat,
                      const uint8_t pubkey[LK_PUBKEY_LEN], const char *site, const char *door)
{
    memset(v, 0, sizeof *v);
    v->plat = plat;
    memcpy(v->pubkey, pubkey, LK_PUBKEY_LEN);
    /* Bounded copies; an invalid name simply never matches a valid command. */
    if (site != NULL)
        strncpy(v->site, site, LK_NAME_MAX);
    if (door != NULL)
        strncpy(v->door, door, LK_NAME_MAX);
    lk_replay_init(&v->replay);
}

void lk_verifier_trust_time(struct lk_verifier *v, int64_t not_before)
{
    v->not_before = not_before;
    v->time_trusted = 1;
}

enum lk_reason lk_cmd_verify(struct lk_verifier *v, const uint8_t *payload, size_t len,
                             int64_t now, struct lk_cmd *out)
{
    char msg[LK_CMD_MSG_MAX];
    size_t mlen;
    enum lk_reason r = lk_cmd_parse(payload, len, out);
    if (r != LK_OK)
        return r;
    mlen = lk_cmd_signing_message(out, msg, sizeof msg);
    if (mlen == 0)
        return LK_MALFORMED;
    if (v->plat->ed25519_verify(v->plat->ctx, v->pubkey, (const uint8_t *)msg, mlen, out->sig) != 1)
        return LK_BAD_SIGNATURE;
    if (strcmp(out->site, v->site) != 0 || strcmp(out->door, v->door) != 0)
        return LK_WRONG_TARGET;
    if (strcmp(out->action, LK_ACTION_OPEN) != 0)
        return LK_UNKNOWN_ACTION;
    /* iat - skew <= now <= exp, written so that nothing can overflow. */
    if (!v->time_trusted ||
        (now < out->iat && (uint64_t)out->iat - (uint64_t)now > LK_CMD_CLOCK_SKEW))
        return LK_NOT_YET_VALID;
    if (now > out->exp)
        return LK_EXPIRED;
    /* iat - skew < not_before: the previous run may have accepted it (not in our cache). */
    if (out->iat < INT64_MIN + LK_CMD_CLOCK_SKEW || out->iat - LK_CMD_CLOCK_SKEW < v->not_before)
        return LK_BEFORE_START;
    if (lk_replay_seen(&v->replay, out->id))
        return LK_REPLAY;
    lk_replay_add(&v->replay, out->id);
    return LK_OK;
}
