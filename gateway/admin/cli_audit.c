/* cli_audit.c - `audit [--since 2026-11-01|2026-11-01T08:00:00|90s|30m|1h|2d] [--user U]
 * [--json]`: the audit log, oldest first, as one line per attempt or a JSON array (one
 * object per line, streamed row by row). Dates are UTC. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lkhost/iso_time.h>

#include "audit.h"
#include "cli.h"

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

static void iso_time(int64_t ms, char *out, size_t cap)
{
    char iso[LKH_ISO_MS_LEN + 1];
    if (lkh_iso_from_ms(ms, iso) != 0)
        snprintf(out, cap, "%lld", (long long)ms);
    else
        snprintf(out, cap, "%s", iso);
}

/* Text values are printed as single tokens: anything but printable non-space ASCII -> '?'. */
static const char *token(const char *s, char *buf, size_t cap)
{
    size_t i;
    if (s[0] == '\0')
        return "-";
    for (i = 0; s[i] != '\0' && i + 1 < cap; i++)
        buf[i] = s[i] > ' ' && s[i] < 127 ? s[i] : '?';
    buf[i] = '\0';
    return buf;
}

static int print_text(void *arg, const struct audit_rec *r)
{
    char when[48], a[128], b[128], c[128], d[128], e[128], f[128], g[128];
    (void)arg;
    iso_time(r->at_ms, when, sizeof when);
    printf("%s user=%s door=%s result=%s reason=%s latency_ms=%lld serial=%s peer=%s id=%s\n",
           when, token(r->user, a, sizeof a), token(r->door, b, sizeof b),
           token(r->result, c, sizeof c), token(r->reason, d, sizeof d), (long long)r->latency_ms,
           token(r->serial, e, sizeof e), token(r->peer, f, sizeof f),
           token(r->cmd_id, g, sizeof g));
    return 0;
}

/* JSON string literal of s (the escapes cJSON uses; other bytes as they are). */
static void json_str(const char *s)
{
    putchar('"');
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        switch (c) {
        case '"': fputs("\\\"", stdout); break;
        case '\\': fputs("\\\\", stdout); break;
        case '\b': fputs("\\b", stdout); break;
        case '\f': fputs("\\f", stdout); break;
        case '\n': fputs("\\n", stdout); break;
        case '\r': fputs("\\r", stdout); break;
        case '\t': fputs("\\t", stdout); break;
        default:
            if (c < 0x20)
                printf("\\u%04x", c);
            else
                putchar(c);
        }
    }
    putchar('"');
}

static void json_field(const char *name, const char *value)
{
    printf(",\"%s\":", name);
    json_str(value);
}

/* One object per row, streamed as it comes: the first row leaves at once, memory stays
 * flat whatever the size of the log. */
static int print_json(void *arg, const struct audit_rec *r)
{
    long *n = arg;
    char when[48];
    iso_time(r->at_ms, when, sizeof when);
    fputs(*n == 0 ? "[{\"time\":" : ",\n{\"time\":", stdout);
    json_str(when);
    printf(",\"at_ms\":%lld", (long long)r->at_ms);
    json_field("user", r->user);
    json_field("door", r->door);
    json_field("result", r->result);
    json_field("reason", r->reason);
    printf(",\"latency_ms\":%lld", (long long)r->latency_ms);
    json_field("serial", r->serial);
    json_field("peer", r->peer);
    if (r->cmd_id[0] != '\0')
        json_field("cmd_id", r->cmd_id);
    else
        fputs(",\"cmd_id\":null", stdout);
    putchar('}');
    if (++*n == 1 && fflush(stdout) != 0)
        return -1;
    return ferror(stdout) ? -1 : 0;
}

int cli_audit(struct cli_ctx *ctx, int argc, char **argv)
{
    int64_t since = 0;
    const char *user = NULL;
    int json = 0, i, rc;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--since") == 0 && i + 1 < argc) {
            if (parse_since(argv[++i], audit_now_ms(), &since) != 0) {
                fprintf(stderr, "latchkey-gateway: --since '%s': use a UTC date (2026-11-01, "
                        "2026-11-01T08:30:00) or an age (90s, 30m, 1h, 2d)\n", argv[i]);
                return CLI_USAGE;
            }
        } else if (strcmp(argv[i], "--user") == 0 && i + 1 < argc) {
            user = argv[++i];
        } else if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else {
            fprintf(stderr, "latchkey-gateway: audit: unexpected '%s'\n", argv[i]);
            cli_usage(stderr);
            return CLI_USAGE;
        }
    }
    if (!json) {
        rc = audit_query(ctx->store, since, user, 0, 0, print_text, NULL);
    } else {
        long n = 0;
        rc = audit_query(ctx->store, since, user, 0, 0, print_json, &n);
        fputs(n == 0 ? "[]\n" : "]\n", stdout);
    }
    if (rc != 0) {
        fprintf(stderr, "latchkey-gateway: cannot read the audit log: %s\n", store_errmsg(ctx->store));
        return CLI_FAIL;
    }
    return fflush(stdout) == 0 ? CLI_OK : CLI_FAIL;
}
