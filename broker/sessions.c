/* sessions.c - the plugin's bounded table of live sessions and pending disconnections
 * (sessions.h). Linear search: a site has a handful of identities. */
#include "sessions.h"

#include <string.h>

void sessions_init(struct sessions *t) { memset(t, 0, sizeof *t); }

static struct session *find(struct sessions *t, const char *id)
{
    int i;
    for (i = 0; i < t->n; i++)
        if (strcmp(t->s[i].id, id) == 0)
            return &t->s[i];
    return NULL;
}

static struct session *add(struct sessions *t, const char *id)
{
    struct session *e;
    size_t len = strlen(id);
    if (len > SESSION_ID_MAX || t->n >= SESSIONS_MAX)
        return NULL;
    e = &t->s[t->n++];
    memset(e, 0, sizeof *e);
    memcpy(e->id, id, len + 1);
    return e;
}

int sessions_note(struct sessions *t, const char *id, const unsigned char *serial, size_t len)
{
    struct session *e;
    if (len == 0 || len > SESSION_SERIAL_MAX)
        return -1;
    if ((e = find(t, id)) == NULL && (e = add(t, id)) == NULL)
        return -1;
    memcpy(e->serial, serial, len);
    e->serial_len = len;
    e->ended = 0;
    return 0;
}

void sessions_forget(struct sessions *t, const char *id, const unsigned char *serial, size_t len)
{
    struct session *e = find(t, id);
    if (e == NULL || e->serial_len != len || memcmp(e->serial, serial, len) != 0)
        return;
    e->ended = 1;
    e->kick = 0;
}

size_t sessions_serial(struct sessions *t, const char *id, unsigned char out[SESSION_SERIAL_MAX])
{
    struct session *e = find(t, id);
    if (e == NULL)
        return 0;
    memcpy(out, e->serial, e->serial_len);
    return e->serial_len;
}

void sessions_purge(struct sessions *t)
{
    int i = 0;
    while (i < t->n)
        if (t->s[i].ended)
            t->s[i] = t->s[--t->n];
        else
            i++;
}

int sessions_mark(struct sessions *t, const char *id, const unsigned char *serial, size_t len)
{
    if (sessions_note(t, id, serial, len) != 0)
        return -1;
    find(t, id)->kick = 1;
    return 0;
}

int sessions_sweep(struct sessions *t, int (*revoked)(const unsigned char *, size_t, void *), void *arg)
{
    int i, n = 0;
    for (i = 0; i < t->n; i++)
        if (!t->s[i].kick && !t->s[i].ended && revoked(t->s[i].serial, t->s[i].serial_len, arg) == 1) {
            t->s[i].kick = 1;
            n++;
        }
    return n;
}

int sessions_next_kick(struct sessions *t, char out[SESSION_ID_MAX + 1])
{
    int i;
    for (i = 0; i < t->n; i++)
        if (t->s[i].kick) {
            memcpy(out, t->s[i].id, strlen(t->s[i].id) + 1);
            t->s[i] = t->s[--t->n];
            return 1;
        }
    return 0;
}
