/* cli_audit.c - `audit [--since 2026-11-01|2026-11-01T08:00:00|90s|30m|1h|2d] [--user U]
 * [--json]`: the audit log, oldest first, as one line per attempt or a JSON array (cJSON).
 * Dates are UTC. */
#include <cjson/cJSON.h>
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
        buf[i] = (char)(s[i] > ' ' && s[i] < 127 ? s[i] : '?');
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

static int add_json(void *arg, const struct audit_rec *r)
{
    cJSON *arr = arg, *o = cJSON_CreateObject();
    char when[48];
    iso_time(r->at_ms, when, sizeof when);
    if (o == NULL || !cJSON_AddItemToArray(arr, o))
        return -1;
    if (cJSON_AddStringToObject(o, "time", when) == NULL ||
        cJSON_AddNumberToObject(o, "at_ms", (double)r->at_ms) == NULL ||
        cJSON_AddStringToObject(o, "user", r->user) == NULL ||
        cJSON_AddStringToObject(o, "door", r->door) == NULL ||
        cJSON_AddStringToObject(o, "result", r->result) == NULL ||
        cJSON_AddStringToObject(o, "reason", r->reason) == NULL ||
        cJSON_AddNumberToObject(o, "latency_ms", (double)r->latency_ms) == NULL ||
        cJSON_AddStringToObject(o, "serial", r->serial) == NULL ||
        cJSON_AddStringToObject(o, "peer", r->peer) == NULL ||
        (r->cmd_id[0] != '\0' ? cJSON_AddStringToObject(o, "cmd_id", r->cmd_id)
                              : cJSON_AddNullToObject(o, "cmd_id")) == NULL)
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
    if (!json) {
        rc = audit_query(ctx->store, since, user, 0, 0, print_text, NULL);
    } else {
        cJSON *arr = cJSON_CreateArray();
        char *text = NULL;
        rc = arr != NULL ? audit_query(ctx->store, since, user, 0, 0, add_json, arr) : -1;
        if (rc == 0 && (text = cJSON_PrintUnformatted(arr)) != NULL)
            printf("%s\n", text);
        else
            rc = -1;
        cJSON_free(text);
        cJSON_Delete(arr);
    }
    if (rc != 0) {
        gw_err("cannot read the audit log: %s", store_errmsg(ctx->store));
        return CLI_FAIL;
    }
    return fflush(stdout) == 0 ? CLI_OK : CLI_FAIL;
}
