/* request_queue.c - the strict request parser and the bounded queue of MQTT requests
 * (see request_queue.h). */
#include "request_queue.h"

#include <cJSON.h>
#include <math.h>
#include <pthread.h>
#include <string.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct mqtt_request ring[REQUEST_QUEUE_MAX];
static unsigned head, count;

/* An integer-valued JSON number in 1..2^53 (no fraction), as the raw text shows it. */
static int positive_int(const cJSON *n, int64_t *out)
{
    if (!cJSON_IsNumber(n) || !(n->valuedouble >= 1.0) || n->valuedouble > 9007199254740992.0 ||
        floor(n->valuedouble) != n->valuedouble)
        return 0;
    *out = (int64_t)n->valuedouble;
    return 1;
}

int request_parse(const char *payload, size_t len, int64_t *at)
{
    cJSON *j = cJSON_ParseWithLength(payload, len);
    const cJSON *it;
    int keys = 0, ok = cJSON_IsObject(j), seen_v = 0, seen_action = 0, seen_at = 0;

    for (it = ok ? j->child : NULL; ok && it != NULL; it = it->next, keys++) {
        const char *k = it->string != NULL ? it->string : "";
        if (strcmp(k, "v") == 0)
            ok = !seen_v++ && cJSON_IsNumber(it) && it->valuedouble == 1.0;
        else if (strcmp(k, "action") == 0)
            ok = !seen_action++ && cJSON_IsString(it) && strcmp(it->valuestring, "open") == 0;
        else if (strcmp(k, "at") == 0)
            ok = !seen_at++ && positive_int(it, at);
        else
            ok = 0; /* any other key, or none */
    }
    ok = ok && keys == 3;
    cJSON_Delete(j);
    return ok ? 0 : -1;
}

int request_queue_push(const struct mqtt_request *r)
{
    int rc = -1;
    pthread_mutex_lock(&lock);
    if (count < REQUEST_QUEUE_MAX) {
        ring[(head + count) % REQUEST_QUEUE_MAX] = *r;
        count++;
        rc = 0;
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

int request_queue_pop(struct mqtt_request *r)
{
    int got = 0;
    pthread_mutex_lock(&lock);
    if (count > 0) {
        *r = ring[head];
        head = (head + 1) % REQUEST_QUEUE_MAX;
        count--;
        got = 1;
    }
    pthread_mutex_unlock(&lock);
    return got;
}
