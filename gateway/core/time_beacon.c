/* time_beacon.c - the strict request parser, the signed answer, the bounded queue from
 * Paho's thread and the per-door rate limit of the time beacon (see time_beacon.h). */
#include "time_beacon.h"

#include <cJSON.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "cmd_sign.h"
#include "gw_log.h"
#include "latchkey/b64url.h"
#include "metrics.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct time_request ring[TIME_QUEUE_MAX];
static unsigned head, count;

/* Loop only: when each door (by its index in the config) was last answered. */
static int64_t answered_ms[CONF_MAX_DOORS];
static uint8_t answered_once[CONF_MAX_DOORS];

int time_request_parse(const char *payload, size_t len, char nonce[LK_NONCE_HEX_LEN + 1])
{
    cJSON *j;
    const cJSON *it;
    int keys = 0, ok, seen_v = 0, seen_nonce = 0;

    if (payload == NULL || len == 0 || len > TIME_REQUEST_MAX)
        return -1;
    j = cJSON_ParseWithLength(payload, len);
    ok = cJSON_IsObject(j);
    for (it = ok ? j->child : NULL; ok && it != NULL; it = it->next, keys++) {
        const char *k = it->string != NULL ? it->string : "";
        if (strcmp(k, "v") == 0)
            ok = !seen_v++ && cJSON_IsNumber(it) && it->valuedouble == 1.0;
        else if (strcmp(k, "nonce") == 0)
            ok = !seen_nonce++ && cJSON_IsString(it) &&
                 lk_id_valid(it->valuestring, strlen(it->valuestring));
        else
            ok = 0; /* any other key */
        if (ok && seen_nonce == 1 && strcmp(k, "nonce") == 0)
            memcpy(nonce, it->valuestring, LK_NONCE_HEX_LEN + 1);
    }
    ok = ok && keys == 2;
    cJSON_Delete(j);
    return ok ? 0 : -1;
}

size_t time_beacon_build(EVP_PKEY *key, const char *nonce, int64_t t, char *out, size_t cap)
{
    char msg[LK_TIME_MSG_MAX], b64[LK_SIG_B64_LEN + 1];
    uint8_t sig[LK_SIG_LEN];
    size_t n = lk_time_signing_message(nonce, t, msg, sizeof msg);
    int w;

    if (n == 0 || cmd_sign_bytes(key, msg, n, sig) != 0 ||
        lk_b64url_encode(sig, sizeof sig, b64, sizeof b64) != LK_SIG_B64_LEN)
        return 0;
    w = snprintf(out, cap, "{\"v\":1,\"nonce\":\"%s\",\"time\":%lld,\"sig\":\"%s\"}", nonce,
                 (long long)t, b64);
    return w > 0 && (size_t)w < cap ? (size_t)w : 0;
}

int time_queue_push(const struct time_request *r)
{
    int rc = -1;
    pthread_mutex_lock(&lock);
    if (count < TIME_QUEUE_MAX) {
        ring[(head + count) % TIME_QUEUE_MAX] = *r;
        count++;
        rc = 0;
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

static int queue_pop(struct time_request *r)
{
    int got = 0;
    pthread_mutex_lock(&lock);
    if (count > 0) {
        *r = ring[head];
        head = (head + 1) % TIME_QUEUE_MAX;
        count--;
        got = 1;
    }
    pthread_mutex_unlock(&lock);
    return got;
}

/* One request: 1 if answered. */
static int answer(struct gw_app *app, const struct time_request *r)
{
    char out[TIME_BEACON_MAX];
    int64_t now_ms = app_now_ms(app), t = app_wall_ms(app) / 1000;
    int d = conf_find_door(app->conf, r->door);
    size_t n;

    if (d < 0 || d >= CONF_MAX_DOORS) {
        metrics_time_beacon(0);
        gw_log("time: request of door %s ignored: not a configured door", r->door);
        return 0;
    }
    if (answered_once[d] && now_ms - answered_ms[d] < TIME_ANSWER_EVERY_MS) {
        metrics_time_beacon(0);
        gw_log("time: request of door %s dropped: answered less than %d ms ago", r->door,
               TIME_ANSWER_EVERY_MS);
        return 0;
    }
    n = time_beacon_build(app->cmd_key, r->nonce, t, out, sizeof out);
    if (n == 0 || app->ports.publish_time == NULL ||
        app->ports.publish_time(app->ports.ctx, r->door, out, n) != 0) {
        metrics_time_beacon(0);
        gw_log("time: beacon for door %s not sent (%s)", r->door,
               n == 0 ? "signing failed" : "broker link down");
        return 0;
    }
    answered_once[d] = 1;
    answered_ms[d] = now_ms;
    metrics_time_beacon(1);
    gw_log("time: beacon sent to door %s (time %lld)", r->door, (long long)t);
    return 1;
}

int time_beacon_answer_queued(struct gw_app *app)
{
    struct time_request r;
    int n, sent = 0;

    /* Bounded: at most one queue's worth per wake-up. */
    for (n = 0; n < TIME_QUEUE_MAX && queue_pop(&r); n++)
        sent += answer(app, &r);
    return sent;
}
