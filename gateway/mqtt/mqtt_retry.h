/* mqtt_retry.h - the gateway's broker reconnect timer: a small thread that calls an attempt
 * function after a short, growing delay (250 ms, then every 500 ms) whenever a connection was
 * lost or an attempt failed. Paho's own automatic reconnect only looks at its timers every
 * 3 s (MQTTAsync_checkTimeouts in 1.3.x): too slow for a door that refuses every action
 * while disconnected. */
#ifndef LATCHKEY_MQTT_RETRY_H
#define LATCHKEY_MQTT_RETRY_H

#define MQTT_RETRY_MIN_MS 250
#define MQTT_RETRY_MAX_MS 500

struct mqtt_retry;

/* Starts the thread; attempt(arg) is called from it (never with a lock held) and returns 0
 * when an attempt was started (its outcome is reported with the calls below). NULL on error. */
struct mqtt_retry *mqtt_retry_start(int (*attempt)(void *arg), void *arg);
/* The link is down or an attempt failed: attempt again after the current delay. */
void mqtt_retry_request(struct mqtt_retry *r);
/* Connected: the next loss retries after MQTT_RETRY_MIN_MS again. */
void mqtt_retry_connected(struct mqtt_retry *r);
/* How many attempts failed since the last connect (for sparse logging). */
unsigned mqtt_retry_failures(struct mqtt_retry *r);
/* Stops and joins the thread: no attempt runs after it returns (the calls above may still
 * come, from Paho callbacks, and do nothing). */
void mqtt_retry_stop(struct mqtt_retry *r);
/* Frees r (after mqtt_retry_stop, once no callback can call it any more). */
void mqtt_retry_free(struct mqtt_retry *r);

#endif
