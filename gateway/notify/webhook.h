/* webhook.h - the optional webhook ([notify] webhook, docs/gateway.md): every door event
 * (core/door_event.h) is POSTed as it is to one URL by a thread of its own, so an action
 * never waits for it. Bounded everywhere: WEBHOOK_QUEUE_MAX events wait (a newer one is
 * dropped and counted when they are full), each POST has WEBHOOK_TIMEOUT_MS, and a failed
 * one (no answer, or a status outside 2xx) is retried WEBHOOK_TRIES - 1 times after
 * 1 s and 2 s, then dropped and logged. */
#ifndef GW_WEBHOOK_H
#define GW_WEBHOOK_H

#include <stddef.h>

#define WEBHOOK_QUEUE_MAX 32
#define WEBHOOK_TIMEOUT_MS 3000
#define WEBHOOK_TRIES 3

struct webhook;

/* Starts the thread for url (http:// or https://). NULL and err on failure. */
struct webhook *webhook_start(const char *url, char *err, size_t errlen);

/* Any thread, never blocks: queues a copy of the JSON body. 0, or -1 if dropped. */
int webhook_post(struct webhook *w, const char *json, size_t len);

/* Stops the thread (a POST under way ends within its timeout) and frees w. NULL is fine. */
void webhook_stop(struct webhook *w);

#endif
