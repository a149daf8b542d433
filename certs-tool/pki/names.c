/* names.c - which names latchkey-certs accepts (users, hosts, devices, CA) and the file
 * stem a subject CN is stored under. Pure functions, unit tested. */
#include "names.h"

#include <string.h>

#include "latchkey/cmd_format.h"

int lk_user_name_valid(const char *user)
{
    size_t len = strlen(user);
    /* The user name is the "by" field of commands and the gateway's [user NAME]. */
    if (!lk_by_valid(user, len) || user[0] == '.')
        return 0;
    /* CN=gateway is the gateway's broker identity: a phone must never get it. */
    return strcmp(user, "gateway") != 0;
}

static int is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

int lk_dns_name_valid(const char *name)
{
    size_t len = strlen(name), label = 0, i;
    if (len == 0 || len > 253)
        return 0;
    for (i = 0; i < len; i++) {
        char c = name[i];
        if (c == '.') {
            if (label == 0 || name[i - 1] == '-')
                return 0;
            label = 0;
            continue;
        }
        if (!is_alnum(c) && !(c == '-' && label > 0))
            return 0;
        if (++label > 63)
            return 0;
    }
    return label > 0 && name[len - 1] != '-';
}

int lk_ca_name_valid(const char *name)
{
    size_t len = strlen(name), i;
    /* "<name> Latchkey CA" must fit a 64-character CN. */
    if (len == 0 || len > LK_CN_MAX - strlen(" Latchkey CA"))
        return 0;
    for (i = 0; i < len; i++)
        if (name[i] < 0x20 || name[i] > 0x7e)
            return 0;
    return 1;
}

int lk_device_name_split(const char *arg, char *site, size_t site_cap, char *door, size_t door_cap)
{
    const char *slash = strchr(arg, '/');
    size_t slen, dlen;
    if (slash == NULL)
        return 0;
    slen = (size_t)(slash - arg);
    dlen = strlen(slash + 1);
    if (!lk_name_valid(arg, slen) || !lk_name_valid(slash + 1, dlen))
        return 0;
    if (slen >= site_cap || dlen >= door_cap)
        return 0;
    memcpy(site, arg, slen);
    site[slen] = '\0';
    memcpy(door, slash + 1, dlen + 1);
    return 1;
}

int lk_cn_stem(const char *cn, char *out, size_t cap)
{
    size_t i, len = strlen(cn);
    if (len >= cap)
        return -1;
    for (i = 0; i <= len; i++)
        out[i] = (char)(cn[i] == '/' ? '.' : cn[i]);
    return 0;
}
