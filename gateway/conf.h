/* conf.h - the gateway's INI configuration (format: brief, "Gateway config"), loaded and
 * fully validated at start-up. Users live here in the first cut; a later issue moves them
 * to SQLite behind conf_find_user(). */
#ifndef GW_CONF_H
#define GW_CONF_H

#include <stddef.h>
#include <stdint.h>

#include "latchkey/cmd_format.h"
#include "pin_hash.h"

#define CONF_MAX_DOORS 32 /* a user's doors are a bit mask */
#define CONF_MAX_USERS 64
#define CONF_STR_MAX 256
#define CONF_LABEL_MAX 64
#define CONF_ACK_TIMEOUT_MIN 100
#define CONF_ACK_TIMEOUT_MAX 60000

struct conf_door {
    char name[LK_NAME_MAX + 1];
    char label[CONF_LABEL_MAX + 1];
    int line;
};

struct conf_user {
    char name[LK_BY_MAX + 1];
    char pin_hash[PIN_HASH_MAX];
    char doors_list[CONF_STR_MAX];
    uint32_t doors; /* bit i = conf.doors[i] */
    int line;
    int doors_line;
};

struct conf {
    char path[CONF_STR_MAX];
    struct {
        char listen[CONF_STR_MAX];
        int port;
        char cert[CONF_STR_MAX], key[CONF_STR_MAX], client_ca[CONF_STR_MAX];
    } server;
    struct {
        char uri[CONF_STR_MAX];
        char ca[CONF_STR_MAX], cert[CONF_STR_MAX], key[CONF_STR_MAX];
        char client_id[65];
        int ack_timeout_ms;
    } mqtt;
    struct {
        char key[CONF_STR_MAX];
        char site[LK_NAME_MAX + 1];
        int ttl;
    } command;
    struct conf_door doors[CONF_MAX_DOORS];
    int n_doors;
    struct conf_user users[CONF_MAX_USERS];
    int n_users;
};

/* Loads and validates path into *c. On error returns -1 and writes one line
 * ("FILE:LINE: what" or "FILE: what") into err. Files named in it must load. */
int conf_load(const char *path, struct conf *c, char *err, size_t errlen);

const struct conf_user *conf_find_user(const struct conf *c, const char *name);
/* Index of the door, or -1. */
int conf_find_door(const struct conf *c, const char *name);
int conf_user_may_open(const struct conf_user *u, int door_index);

#endif
