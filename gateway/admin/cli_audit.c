/* cli_audit.c - `audit [--since 2026-11-01|2026-11-01T08:00:00|90s|30m|1h|2d] [--user U]
 * [--json]`: the audit log, oldest first, as one line per attempt or a JSON array (one
 * object per line, streamed row by row). Dates are UTC. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lkhost/iso_time.h>

#include "audit.h"
#include "cli.h"
#include "gw_log.h"

/* Parses --since into unix milliseconds. 0 or -1. */
static int parse_since(const char *s, int64_t now_ms, int64_t *out)
{
    char *end;
    unsigned long long n;
    time_t t;

    if (s[0] >= '0' && s[0] <= '9' && strchr(s, '-') == NULL) {
        n = strtoull(s, &end, 10);
        if (end == s || end[0] == '\0' || end[1] != '\0' || n > 100000000ULL)
            return -1;
        switch (*end) {
        case 's': break;
        case 'm': n *= 60; break;
        case 'h': n *= 3600; break;
        case 'd': n *= 86400; break;
        default: return -1;
        }
        *out = now_ms - (int64_t)n * 1000;
        return 0;
    }
    if (lkh_iso_parse(s, LKH_ISO_DATE_OR_TIME, &t) != 0)
        return -1;
    *out = (int64_t)t * 1000;
    return 0;
}

/* One output line, built in memory and written with one fwrite: a million rows must not
 * pay for a printf per field. Every field is bounded (audit.h), so the line fits. */
struct line {
    char b[4096];
    size_t n;
};

static void put(struct line *l, const char *s, size_t n)
{
    if (n > sizeof l->b - l->n)
        n = sizeof l->b - l->n;
    memcpy(l->b + l->n, s, n);
    l->n += n;
}

#define PUT(l, lit) put((l), (lit), sizeof(lit) - 1)

static void put_i64(struct line *l, int64_t v)
{
    char d[24];
    size_t i = sizeof d;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do
        d[--i] = (char)('0' + u % 10);
    while ((u /= 10) != 0);
    if (v < 0)
        d[--i] = '-';
    put(l, d + i, sizeof d - i);
}

static void put_time(struct line *l, int64_t ms)
{
    char iso[LKH_ISO_MS_LEN + 1];
    if (lkh_iso_from_ms(ms, iso) == 0)
        put(l, iso, strlen(iso));
    else
        put_i64(l, ms);
}

/* Text values are printed as single tokens: anything but printable non-space ASCII -> '?'. */
static void put_token(struct line *l, const char *s)
{
    if (s[0] == '\0') {
        PUT(l, "-");
        return;
    }
    for (; *s != '\0' && l->n < sizeof l->b; s++)
        l->b[l->n++] = (char)(*s > ' ' && *s < 127 ? *s : '?');
}

/* JSON string literal of s (the escapes cJSON uses; other bytes as they are). */
static void put_json(struct line *l, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    PUT(l, "\"");
    for (;;) {
        size_t run = 0;
        unsigned char c;
        while ((c = (unsigned char)s[run]) >= 0x20 && c != '"' && c != '\\')
            run++;
        put(l, s, run); /* the plain part, at once */
        s += run;
        if (c == '\0')
            break;
        switch (c) {
        case '"': PUT(l, "\\\""); break;
        case '\\': PUT(l, "\\\\"); break;
        case '\b': PUT(l, "\\b"); break;
        case '\f': PUT(l, "\\f"); break;
        case '\n': PUT(l, "\\n"); break;
        case '\r': PUT(l, "\\r"); break;
        case '\t': PUT(l, "\\t"); break;
        default: {
            char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            put(l, esc, sizeof esc);
        }
        }
        s++;
    }
    PUT(l, "\"");
}

struct out {
    long rows;
    int json;
};

/* A row as text ("TIME user=... id=...") or as one JSON object of the array, written as
 * it comes: the first row leaves at once, memory stays flat whatever the log's size. */
static int print_row(void *arg, const struct audit_rec *r)
{
    struct out *o = arg;
    struct line l;

    l.n = 0;
    if (!o->json) {
        put_time(&l, r->at_ms);
        PUT(&l, " user=");
        put_token(&l, r->user);
        PUT(&l, " door=");
        put_token(&l, r->door);
        PUT(&l, " result=");
        put_token(&l, r->result);
        PUT(&l, " reason=");
        put_token(&l, r->reason);
        PUT(&l, " latency_ms=");
        put_i64(&l, r->latency_ms);
        PUT(&l, " serial=");
        put_token(&l, r->serial);
        PUT(&l, " peer=");
        put_token(&l, r->peer);
        PUT(&l, " id=");
        put_token(&l, r->cmd_id);
        if (r->has_uses) {
            PUT(&l, " uses_left=");
            put_i64(&l, r->uses_left);
        }
        PUT(&l, "\n");
    } else {
        if (o->rows == 0)
            PUT(&l, "[{\"time\":\"");
        else
            PUT(&l, ",\n{\"time\":\"");
        put_time(&l, r->at_ms);
        PUT(&l, "\",\"at_ms\":");
        put_i64(&l, r->at_ms);
        PUT(&l, ",\"user\":");
        put_json(&l, r->user);
        PUT(&l, ",\"door\":");
        put_json(&l, r->door);
        PUT(&l, ",\"result\":");
        put_json(&l, r->result);
        PUT(&l, ",\"reason\":");
        put_json(&l, r->reason);
        PUT(&l, ",\"latency_ms\":");
        put_i64(&l, r->latency_ms);
        PUT(&l, ",\"serial\":");
        put_json(&l, r->serial);
        PUT(&l, ",\"peer\":");
        put_json(&l, r->peer);
        PUT(&l, ",\"cmd_id\":");
        if (r->cmd_id[0] != '\0')
            put_json(&l, r->cmd_id);
        else
            PUT(&l, "null");
        if (r->has_uses) {
            PUT(&l, ",\"uses_left\":");
            put_i64(&l, r->uses_left);
        }
        PUT(&l, "}");
    }
    if (fwrite(l.b, 1, l.n, stdout) != l.n)
        return -1;
    if (++o->rows == 1 && fflush(stdout) != 0) /* the first row at once */
        return -1;
    return 0;
}

int cli_audit(struct cli_ctx *ctx, int argc, char **argv)
{
    int64_t since = 0;
    const char *user = NULL;
    int json = 0, i, rc;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--since") == 0 && i + 1 < argc) {
            if (parse_since(argv[++i], audit_now_ms(), &since) != 0) {
                gw_err(
                    "--since '%s': use a UTC date (2026-11-01, "
                    "2026-11-01T08:30:00) or an age (90s, 30m, 1h, 2d)",
                    argv[i]);
                return CLI_USAGE;
            }
        } else if (strcmp(argv[i], "--user") == 0 && i + 1 < argc) {
            user = argv[++i];
        } else if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else {
            gw_err("audit: unexpected '%s'", argv[i]);
            cli_usage(stderr);
            return CLI_USAGE;
        }
    }
    {
        static char buf[1 << 16]; /* a million rows: 64 KiB writes, not 4 KiB ones */
        struct out o = {0, json};
        if (setvbuf(stdout, buf, _IOFBF, sizeof buf) != 0) /* only slower: carry on */
            buf[0] = '\0';
        rc = audit_query(ctx->store, since, user, 0, 0, print_row, &o);
        if (json && fputs(o.rows == 0 ? "[]\n" : "]\n", stdout) == EOF)
            rc = -1;
    }
    if (rc != 0) {
        gw_err("cannot read the audit log: %s", store_errmsg(ctx->store));
        return CLI_FAIL;
    }
    return fflush(stdout) == 0 ? CLI_OK : CLI_FAIL;
}
