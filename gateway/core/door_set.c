/* door_set.c - the bounded set of door indexes (door_set.h): one bit per door. */
#include "door_set.h"

#include <string.h>

void door_set_clear(struct door_set *s)
{
    memset(s, 0, sizeof *s);
}

void door_set_first(struct door_set *s, int n)
{
    int i;
    door_set_clear(s);
    for (i = 0; i < n && i < DOOR_SET_MAX; i++)
        s->w[i / 64] |= UINT64_C(1) << (i % 64);
}

int door_set_add(struct door_set *s, int i)
{
    if (i < 0 || i >= DOOR_SET_MAX)
        return -1;
    s->w[i / 64] |= UINT64_C(1) << (i % 64);
    return 0;
}

int door_set_has(const struct door_set *s, int i)
{
    if (i < 0 || i >= DOOR_SET_MAX)
        return 0;
    return (int)((s->w[i / 64] >> (i % 64)) & 1u);
}

int door_set_count(const struct door_set *s)
{
    int i, n = 0;
    for (i = 0; i < DOOR_SET_WORDS; i++)
        n += __builtin_popcountll(s->w[i]);
    return n;
}
