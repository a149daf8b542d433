/* mqtt_request.c - request topics from the broker into the loop's queue (see mqtt_request.h). */
#include "mqtt_request.h"

#include <stdio.h>
#include <string.h>

#include "gw_log.h"
#include "latchkey/mqtt_limits.h"
#include "request_queue.h"

/* latchkey/<site>/<door>/request/<identity> -> door, identity (copied). */
static int split(const char *site, const char *topic, size_t len, struct mqtt_request *r)
{
    char want[LK_TOPIC_MAX + 1];
    const char *d, *end = topic + len, *slash;
    size_t dl, il;
    int n = snprintf(want, sizeof want, "latchkey/%s/", site);
    if (n <= 0 || (size_t)n >= sizeof want || len <= (size_t)n ||
        strncmp(topic, want, (size_t)n) != 0)
        return -1;
    d = topic + n;
    slash = memchr(d, '/', (size_t)(end - d));
    if (slash == NULL || (size_t)(end - slash) < 10 || memcmp(slash, "/request/", 9) != 0)
        return -1;
    dl = (size_t)(slash - d);
    il = (size_t)(end - slash - 9);
    if (!lk_name_valid(d, dl) || !lk_by_valid(slash + 9, il))
        return -1;
    memcpy(r->door, d, dl);
    r->door[dl] = '\0';
    memcpy(r->identity, slash + 9, il);
    r->identity[il] = '\0';
    return 0;
}

/* latchkey/<site>/<anything>/request[/...]: the shape of a request topic. */
static int request_shaped(const char *site, const char *topic, size_t len)
{
    char want[LK_TOPIC_MAX + 1];
    const char *d, *end = topic + len, *slash;
    int n = snprintf(want, sizeof want, "latchkey/%s/", site);
    if (n <= 0 || (size_t)n >= sizeof want || len <= (size_t)n ||
        strncmp(topic, want, (size_t)n) != 0)
        return 0;
    d = topic + n;
    slash = memchr(d, '/', (size_t)(end - d));
    return slash != NULL && (size_t)(end - slash) >= 8 && memcmp(slash, "/request", 8) == 0 &&
           ((size_t)(end - slash) == 8 || slash[8] == '/');
}

int mqtt_request_inbound(const char *site, struct attempts *attempts, const char *topic,
                         size_t topic_len, const char *payload, size_t len, int retained)
{
    struct mqtt_request r;

    if (!request_shaped(site, topic, topic_len))
        return 0;
    memset(&r, 0, sizeof r);
    if (split(site, topic, topic_len, &r) != 0) {
        gw_log("mqtt: request on a bad topic %.*s ignored",
               (int)(topic_len < LK_TOPIC_MAX ? topic_len : LK_TOPIC_MAX), topic);
        return 1;
    }
    if (retained) {
        /* One left on the broker would open the door at every reconnect of the gateway. */
        gw_log(
            "mqtt: RETAINED request of %s for door %s ignored: requests are never kept "
            "(clear it: mosquitto_pub -r -n -t TOPIC)",
            r.identity, r.door);
        return 1;
    }
    if (len > LK_MQTT_PAYLOAD_MAX || request_parse(payload, len, &r.at) != 0) {
        gw_log("mqtt: malformed request of %s for door %s ignored", r.identity, r.door);
        return 1;
    }
    if (request_queue_push(&r) != 0) {
        gw_log("mqtt: request of %s for door %s dropped: %d requests wait already", r.identity,
               r.door, REQUEST_QUEUE_MAX);
        return 1;
    }
    if (attempts->wake != NULL)
        attempts->wake(attempts->wake_arg);
    return 1;
}
