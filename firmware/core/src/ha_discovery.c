/* ha_discovery.c - builds the Home Assistant MQTT discovery config messages of the device
 * (ha_discovery.h) with the bounded JSON writer: topics and payloads only, no I/O. */
#include "lk/ha_discovery.h"

#include <string.h>

#include "lk/json_writer.h"

static const char *const component[LK_HA_COUNT] = {"binary_sensor", "binary_sensor", "button",
                                                   "binary_sensor"};
static const char *const object[LK_HA_COUNT] = {"online", "relay", "open", "door"};

int lk_ha_prefix_valid(const char *p)
{
    size_t i, n = 0;
    if (p == NULL)
        return 0;
    while (n <= LK_HA_PREFIX_MAX && p[n] != '\0')
        n++;
    if (n == 0 || n > LK_HA_PREFIX_MAX || p[0] == '/' || p[n - 1] == '/')
        return 0;
    for (i = 0; i < n; i++) {
        char ch = p[i];
        if (ch == '/' && p[i + 1] == '/')
            return 0;
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '_' || ch == '-' || ch == '/'))
            return 0;
    }
    return 1;
}

/* Appends s to out[*len..cap), keeping room for the NUL. 0 on overflow. */
static int append(char *out, size_t cap, size_t *len, const char *s)
{
    size_t n = strlen(s);
    if (n >= cap - *len)
        return 0;
    memcpy(out + *len, s, n + 1);
    *len += n;
    return 1;
}

/* "latchkey_<site>_<door>", then "_<obj>" unless obj is NULL. */
static int node_id(char *out, size_t cap, const struct lk_ha_device *d, const char *obj)
{
    size_t len = 0;
    out[0] = '\0';
    return append(out, cap, &len, "latchkey_") && append(out, cap, &len, d->site) &&
           append(out, cap, &len, "_") && append(out, cap, &len, d->door) &&
           (obj == NULL || (append(out, cap, &len, "_") && append(out, cap, &len, obj)));
}

static void availability(struct lk_jw *w, const struct lk_ha_device *d)
{
    lk_jw_str(w, "avty_t", d->topic_avail);
    lk_jw_str(w, "pl_avail", "online");
    lk_jw_str(w, "pl_not_avail", "offline");
}

size_t lk_ha_config(const struct lk_ha_device *d, enum lk_ha_entity e, char *topic,
                    size_t topic_cap, char *payload, size_t payload_cap)
{
    char id[80], uniq[96], name[80];
    size_t len = 0;
    struct lk_jw w;

    if ((unsigned)e >= LK_HA_COUNT || topic_cap == 0 || payload_cap == 0)
        return (size_t)-1;
    if ((e == LK_HA_OPEN_BUTTON && d->topic_local == NULL) || (e == LK_HA_DOOR && !d->has_door))
        return 0;
    topic[0] = '\0';
    if (!node_id(id, sizeof id, d, NULL) || !node_id(uniq, sizeof uniq, d, object[e]))
        return (size_t)-1;
    if (!append(topic, topic_cap, &len, d->prefix) || !append(topic, topic_cap, &len, "/") ||
        !append(topic, topic_cap, &len, component[e]) || !append(topic, topic_cap, &len, "/") ||
        !append(topic, topic_cap, &len, id) || !append(topic, topic_cap, &len, "/") ||
        !append(topic, topic_cap, &len, object[e]) || !append(topic, topic_cap, &len, "/config"))
        return (size_t)-1;

    lk_jw_begin(&w, payload, payload_cap);
    switch (e) {
    case LK_HA_ONLINE:
        lk_jw_str(&w, "name", "Online");
        lk_jw_str(&w, "dev_cla", "connectivity");
        lk_jw_str(&w, "ent_cat", "diagnostic");
        lk_jw_str(&w, "stat_t", d->topic_avail);
        lk_jw_str(&w, "pl_on", "online");
        lk_jw_str(&w, "pl_off", "offline");
        break;
    case LK_HA_RELAY:
        lk_jw_str(&w, "name", "Relay");
        lk_jw_str(&w, "stat_t", d->topic_state);
        lk_jw_str(&w, "val_tpl", "{{ value_json.relay }}");
        lk_jw_str(&w, "pl_on", "active");
        lk_jw_str(&w, "pl_off", "idle");
        availability(&w, d);
        break;
    case LK_HA_DOOR:
        lk_jw_str(&w, "name", "Door");
        lk_jw_str(&w, "dev_cla", "door");
        lk_jw_str(&w, "stat_t", d->topic_state);
        lk_jw_str(&w, "val_tpl", "{{ value_json.door }}");
        lk_jw_str(&w, "pl_on", "open");
        lk_jw_str(&w, "pl_off", "closed");
        availability(&w, d);
        break;
    case LK_HA_OPEN_BUTTON:
        lk_jw_str(&w, "name", "Open (local, unsigned)");
        lk_jw_str(&w, "cmd_t", d->topic_local);
        lk_jw_str(&w, "pl_prs", LK_HA_LOCAL_PAYLOAD);
        availability(&w, d);
        break;
    default:
        return (size_t)-1;
    }
    lk_jw_str(&w, "uniq_id", uniq);
    lk_jw_obj_begin(&w, "dev");
    lk_jw_str(&w, "ids", id);
    len = 0;
    name[0] = '\0';
    if (!append(name, sizeof name, &len, "Latchkey ") || !append(name, sizeof name, &len, d->site) ||
        !append(name, sizeof name, &len, "/") || !append(name, sizeof name, &len, d->door))
        return (size_t)-1;
    lk_jw_str(&w, "name", name);
    lk_jw_str(&w, "mf", "Latchkey");
    lk_jw_str(&w, "mdl", "latchkey-device");
    lk_jw_str(&w, "sw", d->fw);
    lk_jw_obj_end(&w);
    len = lk_jw_end(&w);
    return len == 0 ? (size_t)-1 : len;
}
