/* door_status.c - per-door availability and relay state table, and the site's bridge link
 * (see door_status.h). */
#include "door_status.h"

#include <cJSON.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct door_status table[DOOR_STATUS_MAX];
static int n_doors;
static struct door_index names; /* of table[] */
static enum door_link link_state;
static uint64_t version;
static void (*wake_fn)(void *);
static void *wake_arg;

void door_status_set_wake(void (*wake)(void *arg), void *arg)
{
    pthread_mutex_lock(&lock);
    wake_fn = wake;
    wake_arg = arg;
    pthread_mutex_unlock(&lock);
}

/* Index of door in table[], or -1. Lock held. */
static int find(const char *door)
{
    return door_index_find(&names, door, table[0].door, sizeof table[0], n_doors);
}

/* Entry of door, created if new; NULL if the table is full. Lock held. */
static struct door_status *slot(const char *door)
{
    int i = find(door);
    if (i >= 0)
        return &table[i];
    if (n_doors == DOOR_STATUS_MAX || door_index_add(&names, door, n_doors) != 0)
        return NULL;
    memset(&table[n_doors], 0, sizeof table[0]);
    strcpy(table[n_doors].door, door);
    return &table[n_doors++];
}

static void changed(void)
{
    void (*fn)(void *);
    void *arg;
    version++;
    fn = wake_fn;
    arg = wake_arg;
    pthread_mutex_unlock(&lock);
    if (fn != NULL)
        fn(arg);
}

int door_status_availability(const char *door, const char *payload, size_t len)
{
    enum door_avail a;
    struct door_status *d;
    if (!lk_name_valid(door, strlen(door)))
        return -1;
    if (len == 6 && memcmp(payload, "online", 6) == 0)
        a = DOOR_ONLINE;
    else if (len == 7 && memcmp(payload, "offline", 7) == 0)
        a = DOOR_OFFLINE;
    else
        return -1;
    pthread_mutex_lock(&lock);
    if ((d = slot(door)) == NULL || d->reported == a) {
        pthread_mutex_unlock(&lock);
        return d == NULL ? -1 : 0;
    }
    d->reported = a;
    changed();
    return 0;
}

int door_status_bridge(const char *payload, size_t len)
{
    enum door_link l;
    if (len == 1 && payload[0] == '1')
        l = LINK_UP;
    else if (len == 1 && payload[0] == '0')
        l = LINK_DOWN;
    else
        return -1;
    pthread_mutex_lock(&lock);
    if (link_state == l) {
        pthread_mutex_unlock(&lock);
        return 0;
    }
    link_state = l;
    changed();
    return 0;
}

/* dst = the string item key of j if it is one of the allowed words, else "". */
static void word_of(const cJSON *j, const char *key, const char *const *allowed, char *dst,
                    size_t cap)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
    dst[0] = '\0';
    for (; cJSON_IsString(v) && *allowed != NULL; allowed++)
        if (strcmp(v->valuestring, *allowed) == 0 && strlen(*allowed) < cap)
            strcpy(dst, *allowed);
}

/* The door sensor's fields of the state (all "" without a sensor). Lock held. */
static void contact_of(const cJSON *j, struct door_status *d)
{
    static const char *const contact[] = {"open", "closed", NULL};
    static const char *const entry[] = {"opened", "not-opened", NULL};
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(j, "entry_id");
    word_of(j, "door", contact, d->contact, sizeof d->contact);
    word_of(j, "entry", entry, d->entry, sizeof d->entry);
    d->entry_id[0] = '\0';
    if (d->entry[0] != '\0' && cJSON_IsString(id) &&
        (id->valuestring[0] == '\0' || lk_id_valid(id->valuestring, strlen(id->valuestring))))
        snprintf(d->entry_id, sizeof d->entry_id, "%s", id->valuestring);
}

int door_status_state(const char *door, const char *payload, size_t len)
{
    cJSON *j;
    const cJSON *relay, *fw;
    struct door_status *d;
    int rc = -1;

    if (!lk_name_valid(door, strlen(door)))
        return -1;
    j = cJSON_ParseWithLength(payload, len);
    relay = cJSON_GetObjectItemCaseSensitive(j, "relay");
    fw = cJSON_GetObjectItemCaseSensitive(j, "fw");
    if (cJSON_IsObject(j) && cJSON_IsString(relay) &&
        (strcmp(relay->valuestring, "idle") == 0 || strcmp(relay->valuestring, "active") == 0)) {
        pthread_mutex_lock(&lock);
        if ((d = slot(door)) != NULL) {
            strcpy(d->relay, relay->valuestring);
            d->fw[0] = '\0';
            if (cJSON_IsString(fw) && strlen(fw->valuestring) < sizeof d->fw &&
                strspn(fw->valuestring, "0123456789.abcdefghijklmnopqrstuvwxyz-+") ==
                    strlen(fw->valuestring))
                strcpy(d->fw, fw->valuestring);
            contact_of(j, d);
            changed();
            rc = 0;
        } else {
            pthread_mutex_unlock(&lock);
        }
    }
    cJSON_Delete(j);
    return rc;
}

void door_status_get(const char *door, struct door_status *out)
{
    int i;
    memset(out, 0, sizeof *out);
    if (strlen(door) < sizeof out->door)
        strcpy(out->door, door);
    pthread_mutex_lock(&lock);
    if ((i = find(door)) >= 0)
        *out = table[i];
    out->link = link_state;
    out->avail = link_state == LINK_DOWN ? DOOR_OFFLINE : out->reported;
    pthread_mutex_unlock(&lock);
}

uint64_t door_status_version(void)
{
    uint64_t v;
    pthread_mutex_lock(&lock);
    v = version;
    pthread_mutex_unlock(&lock);
    return v;
}

const char *door_avail_name(enum door_avail a)
{
    switch (a) {
    case DOOR_ONLINE: return "online";
    case DOOR_OFFLINE: return "offline";
    case DOOR_UNKNOWN: break;
    }
    return "unknown";
}
