/* door_index.h - a door's index from its name without a scan of every name: an
 * open-addressing hash table (FNV-1a, linear probing, at most half full) of indexes into
 * the caller's own array of names, which it does not copy. A lookup always compares the
 * name found with the one asked for, so an index that no longer matches the array can
 * only miss (-1), never name another door. Sized by LATCHKEY_MAX_DOORS (door_set.h): it
 * holds twice that many names (door_status.h keeps names heard of on the broker too). */
#ifndef GW_DOOR_INDEX_H
#define GW_DOOR_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "door_set.h"

#define DOOR_INDEX_CAP (2 * LATCHKEY_MAX_DOORS) /* names at most */
#define DOOR_INDEX_SLOTS (2 * DOOR_INDEX_CAP)

struct door_index {
    uint16_t slot[DOOR_INDEX_SLOTS]; /* index + 1; 0: empty */
    int n;                           /* names added */
};

void door_index_clear(struct door_index *x);

/* Adds name as index i (0 .. DOOR_INDEX_CAP - 1); the caller has checked that the name is
 * not in the index yet. 0, or -1 when full or i is out of range. */
int door_index_add(struct door_index *x, const char *name, int i);

/* The index of name among the first n names, or -1. Name i is the string at
 * names + i * stride (e.g. the name field of an array's first struct and the struct's size). */
int door_index_find(const struct door_index *x, const char *name, const char *names, size_t stride,
                    int n);

#endif
