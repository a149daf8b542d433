/* acl_users.h - the user names of Mosquitto's ACL file (its "user NAME" lines), the broker
 * plugin's allow-list: a certificate whose CN has no block in the ACL file may not connect
 * at all (phones, whatever else the CA signed). Read the way Mosquitto reads them: a line's
 * leading blanks and "#" comments skipped, the name is the rest of the line without its
 * surrounding blanks. Bounded, no allocation. */
#ifndef LK_BROKER_ACL_USERS_H
#define LK_BROKER_ACL_USERS_H

#include <stddef.h>

#define ACL_USERS_MAX 4096 /* every device of a site (1024) and then some */
#define ACL_USER_MAX 64    /* a certificate CN: at most 64 characters */

struct acl_users {
    char name[ACL_USERS_MAX][ACL_USER_MAX + 1];
    int n;
};

/* Reads path into u (replacing what it held). 0 on success; -1 and u unchanged (a message
 * in err) if the file cannot be read, a name is too long or there are too many. */
int acl_users_load(struct acl_users *u, const char *path, char *err, size_t errcap);

/* 1 if name has a "user" block, else 0. */
int acl_users_has(const struct acl_users *u, const char *name);

#endif
