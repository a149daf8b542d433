/* door_index.c - name -> door index hash table (door_index.h). */
#include "door_index.h"

#include <string.h>

_Static_assert(DOOR_INDEX_CAP < UINT16_MAX, "door_index slots hold index + 1 in 16 bits");

static size_t home_slot(const char *name)
{
    uint32_t h = 2166136261u; /* FNV-1a, 32 bits */
    for (; *name != '\0'; name++) {
        h ^= (unsigned char)*name;
        h *= 16777619u;
    }
    return h % DOOR_INDEX_SLOTS;
}

void door_index_clear(struct door_index *x)
{
    memset(x, 0, sizeof *x);
}

int door_index_add(struct door_index *x, const char *name, int i)
{
    size_t s;
    if (i < 0 || i >= DOOR_INDEX_CAP || x->n >= DOOR_INDEX_CAP)
        return -1;
    for (s = home_slot(name); x->slot[s] != 0; s = (s + 1) % DOOR_INDEX_SLOTS)
        ;
    x->slot[s] = (uint16_t)(i + 1);
    x->n++;
    return 0;
}

int door_index_find(const struct door_index *x, const char *name, const char *names, size_t stride,
                    int n)
{
    size_t s, probes;
    /* At most half the slots are taken, so an empty one ends every probe sequence; the
     * bound only makes that visible. */
    for (s = home_slot(name), probes = 0; x->slot[s] != 0 && probes < DOOR_INDEX_SLOTS;
         s = (s + 1) % DOOR_INDEX_SLOTS, probes++) {
        int i = x->slot[s] - 1;
        if (i < n && strcmp(names + (size_t)i * stride, name) == 0)
            return i;
    }
    return -1;
}
