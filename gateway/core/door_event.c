/* door_event.c - the event JSON of every attempt on a door (see door_event.h), written
 * with cJSON so that every string is escaped whatever it holds. */
#include "door_event.h"

#include <cJSON.h>
#include <string.h>

/* Prints j unformatted into out; the length, or 0 if it does not fit. Frees j. */
static size_t print_into(cJSON *j, char *out, size_t cap)
{
    size_t n = 0;
    if (j != NULL && cap > 5 && cap <= (size_t)INT32_MAX &&
        cJSON_PrintPreallocated(j, out, (int)cap - 5, 0)) /* cJSON asks for 5 spare bytes */
        n = strlen(out);
    cJSON_Delete(j);
    return n;
}

size_t door_event_json(const char *door, const char *by, enum gw_result r, const char *reason,
                       int64_t at_s, char *out, size_t cap)
{
    cJSON *j = cJSON_CreateObject();
    if (j == NULL || cJSON_AddNumberToObject(j, "v", 1) == NULL ||
        cJSON_AddStringToObject(j, "event_type", gw_result_name(r)) == NULL ||
        cJSON_AddStringToObject(j, "door", door) == NULL ||
        cJSON_AddStringToObject(j, "by", by) == NULL ||
        cJSON_AddStringToObject(j, "reason", reason != NULL && reason[0] != '\0' ? reason : "-") ==
            NULL ||
        cJSON_AddNumberToObject(j, "at", (double)at_s) == NULL) {
        cJSON_Delete(j);
        return 0;
    }
    return print_into(j, out, cap);
}

size_t door_event_types_json(char *out, size_t cap)
{
    cJSON *a = cJSON_CreateArray();
    int r;
    /* Every result of result.h, in its order: a new result is announced here too. */
    for (r = GW_OPENED; a != NULL && r <= (int)GW_RESULT_LAST; r++) {
        cJSON *s = cJSON_CreateString(gw_result_name((enum gw_result)r));
        if (s == NULL || !cJSON_AddItemToArray(a, s)) {
            cJSON_Delete(s);
            cJSON_Delete(a);
            return 0;
        }
    }
    return print_into(a, out, cap);
}
