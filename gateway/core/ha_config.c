/* ha_config.c - the gateway's Home Assistant discovery configs (see ha_config.h), written
 * with cJSON under the full key names of Home Assistant's MQTT discovery schema. */
#include "ha_config.h"

#include <cJSON.h>
#include <stdio.h>
#include <string.h>

#include "door_event.h"

static const char *const component[GW_HA_COUNT] = {"event", "sensor", "sensor", "button"};
static const char *const object[GW_HA_COUNT] = {"attempt", "last_result", "last_opener", "request"};
static const char *const label[GW_HA_COUNT] = {"Attempt", "Last result", "Last opener",
                                               "Open (signed)"};

/* snprintf that says whether it fit. */
static int fmt_ok(int n, size_t cap)
{
    return n > 0 && (size_t)n < cap;
}

/* The parts every entity has: name, unique id, the device it belongs to. */
static int common(cJSON *j, const char *node, enum gw_ha_entity e)
{
    char uniq[160];
    cJSON *dev, *ids;
    if (!fmt_ok(snprintf(uniq, sizeof uniq, "%s_%s", node, object[e]), sizeof uniq))
        return 0;
    dev = cJSON_AddObjectToObject(j, "device");
    ids = dev != NULL ? cJSON_AddArrayToObject(dev, "identifiers") : NULL;
    return cJSON_AddStringToObject(j, "name", label[e]) != NULL &&
           cJSON_AddStringToObject(j, "unique_id", uniq) != NULL && ids != NULL &&
           cJSON_AddItemToArray(ids, cJSON_CreateString(node));
}

/* A sensor on a retained gateway topic: value_json.<field>, the whole JSON as attributes. */
static int sensor(cJSON *j, const char *topic, const char *field)
{
    char tpl[64];
    return fmt_ok(snprintf(tpl, sizeof tpl, "{{ value_json.%s }}", field), sizeof tpl) &&
           cJSON_AddStringToObject(j, "state_topic", topic) != NULL &&
           cJSON_AddStringToObject(j, "value_template", tpl) != NULL &&
           cJSON_AddStringToObject(j, "json_attributes_topic", topic) != NULL;
}

static int body(cJSON *j, const char *site, const char *door, const char *identity,
                enum gw_ha_entity e)
{
    char t[GW_HA_TOPIC_MAX], types[512];
    cJSON *parsed;
    switch (e) {
    case GW_HA_EVENT:
        if (!fmt_ok(snprintf(t, sizeof t, "latchkey/%s/%s/event", site, door), sizeof t) ||
            door_event_types_json(types, sizeof types) == 0 ||
            (parsed = cJSON_Parse(types)) == NULL)
            return 0;
        if (!cJSON_AddItemToObject(j, "event_types", parsed)) {
            cJSON_Delete(parsed);
            return 0;
        }
        return cJSON_AddStringToObject(j, "state_topic", t) != NULL;
    case GW_HA_LAST_RESULT:
        return fmt_ok(snprintf(t, sizeof t, "latchkey/%s/%s/last", site, door), sizeof t) &&
               sensor(j, t, "event_type");
    case GW_HA_LAST_OPENER:
        return fmt_ok(snprintf(t, sizeof t, "latchkey/%s/%s/last_opened", site, door), sizeof t) &&
               sensor(j, t, "by");
    case GW_HA_REQUEST:
        if (!fmt_ok(snprintf(t, sizeof t, "latchkey/%s/%s/request/%s", site, door, identity),
                    sizeof t) ||
            cJSON_AddStringToObject(j, "command_topic", t) == NULL ||
            cJSON_AddStringToObject(j, "command_template", GW_HA_REQUEST_TEMPLATE) == NULL ||
            cJSON_AddNumberToObject(j, "qos", 1) == NULL ||
            cJSON_AddFalseToObject(j, "retain") == NULL ||
            !fmt_ok(snprintf(t, sizeof t, "latchkey/%s/%s/availability", site, door), sizeof t))
            return 0;
        return cJSON_AddStringToObject(j, "availability_topic", t) != NULL;
    case GW_HA_COUNT: break;
    }
    return 0;
}

int gw_ha_config(const char *prefix, const char *site, const char *door, const char *identity,
                 enum gw_ha_entity e, char *topic, size_t topic_cap, char *payload,
                 size_t payload_cap)
{
    char node[128];
    cJSON *j;
    int ok;

    if ((unsigned)e >= GW_HA_COUNT || payload_cap < 8 || payload_cap > (size_t)INT32_MAX)
        return -1;
    if (e == GW_HA_REQUEST && (identity == NULL || identity[0] == '\0'))
        return 0;
    if (!fmt_ok(snprintf(node, sizeof node, "latchkey_%s_%s", site, door), sizeof node) ||
        !fmt_ok(
            snprintf(topic, topic_cap, "%s/%s/%s/%s/config", prefix, component[e], node, object[e]),
            topic_cap))
        return -1;
    j = cJSON_CreateObject();
    ok = j != NULL && common(j, node, e) && body(j, site, door, identity, e) &&
         cJSON_PrintPreallocated(j, payload, (int)payload_cap - 5, 0);
    cJSON_Delete(j);
    return ok ? 1 : -1;
}
