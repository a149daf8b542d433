/* door_set.h - a set of configured doors by their index in the configuration (conf.h):
 * which doors one user may open. Fixed size, no allocation. LATCHKEY_MAX_DOORS, the most
 * doors one gateway configures, sizes this set and every per-door table of the gateway
 * (conf.h, door_status.h, door_index.h); build with -DLATCHKEY_MAX_DOORS=N for another. */
#ifndef GW_DOOR_SET_H
#define GW_DOOR_SET_H

#include <stdint.h>

#ifndef LATCHKEY_MAX_DOORS
#define LATCHKEY_MAX_DOORS 256
#endif

#define DOOR_SET_MAX LATCHKEY_MAX_DOORS
#define DOOR_SET_WORDS ((DOOR_SET_MAX + 63) / 64)

struct door_set {
    uint64_t w[DOOR_SET_WORDS];
};

/* The empty set. */
void door_set_clear(struct door_set *s);
/* Doors 0 .. n - 1 (n is clamped to 0 .. DOOR_SET_MAX). */
void door_set_first(struct door_set *s, int n);
/* Adds door i: 0, or -1 when i is outside 0 .. DOOR_SET_MAX - 1 (nothing added). */
int door_set_add(struct door_set *s, int i);
/* 1 if door i is in the set; 0 if not, or if i is out of range. */
int door_set_has(const struct door_set *s, int i);
/* How many doors the set holds. */
int door_set_count(const struct door_set *s);

#endif
