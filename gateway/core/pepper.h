/* pepper.h - the server-side secret mixed into every PIN hash ([store] pepper_file):
 * 32 random bytes in a file of mode 0600 that never goes into the database, so a stolen
 * database alone does not allow an offline PIN search. */
#ifndef GW_PEPPER_H
#define GW_PEPPER_H

#include <stddef.h>

#define PEPPER_LEN 32

struct pepper {
    unsigned char key[PEPPER_LEN];
};

/* Reads exactly PEPPER_LEN bytes from path. Refuses a missing, short, long file or one
 * that group or others may read or write. 0, or -1 with a one-line err. */
int pepper_load(const char *path, struct pepper *p, char *err, size_t errlen);

/* Creates path with PEPPER_LEN random bytes, mode 0600, never overwriting. Returns 0 when
 * created, 1 when the file already exists (left as it is), -1 with err on failure. */
int pepper_create(const char *path, char *err, size_t errlen);

/* Wipes the key from memory. */
void pepper_clear(struct pepper *p);

#endif
