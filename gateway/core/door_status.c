/* door_status.c - per-door availability and relay state table (see door_status.h). */
#include "door_status.h"

#include <cJSON.h>
#include <pthread.h>
#include <string.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct door_status table[DOOR_STATUS_MAX];
static int n_doors;
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

/* Entry of door, created if new; NULL if the table is full. Lock held. */
static struct door_status *slot(const char *door)
{
    int i;
    for (i = 0; i < n_doors; i++)
        if (strcmp(table[i].door, door) == 0)
            return &table[i];
    if (n_doors == DOOR_STATUS_MAX)
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
    if ((d = slot(door)) == NULL || d->avail == a) {
        pthread_mutex_unlock(&lock);
        return d == NULL ? -1 : 0;
    }
    d->avail = a;
    changed();
    return 0;
}

int door_status_state(const char *door, const char *payload, size_t len)
{
    cJSON *j;
    const cJSON *relay, *fw, *sensor;
    struct door_status *d;
    int rc = -1;

    if (!lk_name_valid(door, strlen(door)))
        return -1;
    j = cJSON_ParseWithLength(payload, len);
    relay = cJSON_GetObjectItemCaseSensitive(j, "relay");
    fw = cJSON_GetObjectItemCaseSensitive(j, "fw");
    sensor = cJSON_GetObjectItemCaseSensitive(j, "door"); /* optional: a contact sensor */
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
            d->sensor[0] = '\0';
            if (cJSON_IsString(sensor) && (strcmp(sensor->valuestring, "open") == 0 ||
                                           strcmp(sensor->valuestring, "closed") == 0))
                strcpy(d->sensor, sensor->valuestring);
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
    for (i = 0; i < n_doors; i++)
        if (strcmp(table[i].door, door) == 0)
            *out = table[i];
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
