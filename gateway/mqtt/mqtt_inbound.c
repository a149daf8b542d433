/* mqtt_inbound.c - the gateway's handling of what arrives from the broker: the topic must
 * be latchkey/<our site>/<valid door>/ack|availability|state; acks are parsed strictly and
 * checked against the door's ack key by the attempt waiting for them (core/ack_verify.h,
 * attempts_ack): only a valid signature completes it as opened or rejected; availability
 * and state go to door_status (a state's door sensor verdict also to the attempt of its
 * command, attempts_entry), and so does the site's bridge link (latchkey/<site>/bridge). A payload longer than LK_MQTT_PAYLOAD_MAX is counted, logged
 * and dropped before anything looks at it. Everything else is logged and dropped. */
#include "mqtt_inbound.h"

#include <stdio.h>
#include <string.h>

#include "door_status.h"
#include "gw_log.h"
#include "latchkey/cmd_format.h"
#include "latchkey/mqtt_limits.h"
#include "metrics.h"

/* latchkey/<site>/<door>/<suffix> (suffix with its '/', e.g. "/ack") -> door (copied), if
 * the site is ours. */
static int door_of_topic(const char *site, const char *topic, size_t len, const char *suffix,
                         char door[LK_NAME_MAX + 1])
{
    size_t sl = strlen(suffix);
    char want[LK_TOPIC_MAX + 1];
    const char *d, *slash;
    size_t dl;
    int n = snprintf(want, sizeof want, "latchkey/%s/", site);
    if (n <= 0 || (size_t)n >= sizeof want || len <= (size_t)n || strncmp(topic, want, (size_t)n) != 0)
        return -1;
    d = topic + n;
    slash = memchr(d, '/', len - (size_t)n);
    if (slash == NULL || (size_t)(topic + len - slash) != sl || memcmp(slash, suffix, sl) != 0)
        return -1;
    dl = (size_t)(slash - d);
    if (!lk_name_valid(d, dl))
        return -1;
    memcpy(door, d, dl);
    door[dl] = '\0';
    return 0;
}

/* latchkey/<site>/bridge: the bridge's notification topic (docs/protocol.md). */
static int is_bridge_topic(const char *site, const char *topic, size_t len)
{
    char want[LK_TOPIC_MAX + 1];
    int n = snprintf(want, sizeof want, "latchkey/%s/bridge", site);
    return n > 0 && (size_t)n < sizeof want && len == (size_t)n && memcmp(topic, want, len) == 0;
}

static void handle_ack(const char *site, struct attempts *attempts, const char *door,
                       const char *payload, size_t len)
{
    struct gw_ack ack;
    enum ack_verdict v;

    if (ack_parse(payload, len, &ack) != 0) {
        gw_log("mqtt: malformed ack from door %s ignored", door);
        return;
    }
    v = attempts_ack(attempts, site, door, &ack);
    if (v == ACK_UNKNOWN_ID)
        gw_log("mqtt: ack for unknown or finished id %s from door %s ignored", ack.id, door);
    else if (v != ACK_VALID)
        gw_log("mqtt: ack for id %s from door %s NOT trusted (%s): it cannot confirm the command",
               ack.id, door, ack_verdict_name(v));
}

/* A state that carries a door sensor's verdict (entry, entry_id): to the attempt of that
 * command, which may wait for it (core/entry_hold.h). */
static void handle_entry(struct attempts *attempts, const char *door)
{
    struct door_status st;
    door_status_get(door, &st);
    if (attempts != NULL && st.entry_id[0] != '\0' &&
        attempts_entry(attempts, door, st.entry_id,
                       strcmp(st.entry, "opened") == 0 ? ENTRY_OPENED : ENTRY_NOT_OPENED))
        gw_log("mqtt: door %s reports its sensor's verdict on id %s: %s", door, st.entry_id,
               st.entry);
}

void mqtt_inbound(const char *site, struct attempts *attempts, const char *topic,
                  size_t topic_len, const char *payload, size_t len)
{
    char door[LK_NAME_MAX + 1];

    if (len > LK_MQTT_PAYLOAD_MAX) {
        metrics_mqtt_oversize();
        gw_log("mqtt: oversized message (%zu bytes, limit %d) on %.*s dropped unread", len,
               LK_MQTT_PAYLOAD_MAX, (int)(topic_len < LK_TOPIC_MAX ? topic_len : LK_TOPIC_MAX), topic);
        return;
    }
    if (is_bridge_topic(site, topic, topic_len)) {
        if (door_status_bridge(payload, len) != 0)
            gw_log("mqtt: bad bridge notification ignored");
        else
            gw_log("mqtt: bridge link of site %s %s", site,
                   len == 1 && payload[0] == '1' ? "up" : "DOWN");
    } else if (door_of_topic(site, topic, topic_len, "/ack", door) == 0)
        handle_ack(site, attempts, door, payload, len);
    else if (door_of_topic(site, topic, topic_len, "/availability", door) == 0) {
        if (door_status_availability(door, payload, len) != 0)
            gw_log("mqtt: bad availability from door %s ignored", door);
    } else if (door_of_topic(site, topic, topic_len, "/state", door) == 0) {
        if (door_status_state(door, payload, len) != 0)
            gw_log("mqtt: bad state from door %s ignored", door);
        else
            handle_entry(attempts, door);
    }
}
