/* action.c - authorisation, PIN check, command signing and publishing of one door action.
 * The scrypt PIN check runs in the caller's thread (the lws loop): ~50-100 ms of CPU. */
#include "action.h"

#include <string.h>
#include <time.h>

#include "cmd_sign.h"
#include "gw_log.h"
#include "mqtt_link.h"
#include "pin_hash.h"

static int finish(const struct action_request *req, int64_t start, enum gw_result r,
                  const char *why, enum gw_result *result, const char **reason)
{
    gw_log("action result user=%s door=%s id=- result=%s reason=%s latency_ms=%lld", req->user,
           req->door != NULL && lk_name_valid(req->door, strlen(req->door)) ? req->door : "?",
           gw_result_name(r), why, (long long)(gw_now_ms() - start));
    *result = r;
    *reason = why;
    return 0;
}

int action_start(struct gw_app *app, const struct action_request *req, struct pending_handle *h,
                 enum gw_result *result, const char **reason)
{
    const struct conf *c = app->conf;
    const struct conf_user *u = conf_find_user(c, req->user);
    int64_t start = gw_now_ms();
    char id[LK_ID_HEX_LEN + 1], payload[CMD_PAYLOAD_MAX], topic[LK_TOPIC_MAX + 1];
    struct lk_cmd cmd;
    size_t len;
    int door;
    time_t now;

    if (u == NULL)
        return finish(req, start, GW_FORBIDDEN, "unknown-user", result, reason);
    if (req->door == NULL || req->pin == NULL)
        return finish(req, start, GW_BAD_REQUEST, "missing-field", result, reason);
    door = conf_find_door(c, req->door);
    if (door < 0)
        return finish(req, start, GW_BAD_REQUEST, "unknown-door", result, reason);
    if (!conf_user_may_open(u, door))
        return finish(req, start, GW_FORBIDDEN, "door-not-allowed", result, reason);
    /* Lockout counting (later issue) goes here, before the PIN check. */
    switch (pin_hash_verify(req->pin, u->pin_hash)) {
    case PIN_MATCH: break;
    case PIN_MISMATCH: return finish(req, start, GW_WRONG_PIN, "wrong-pin", result, reason);
    case PIN_HASH_INVALID: return finish(req, start, GW_FORBIDDEN, "bad-pin-hash", result, reason);
    }
    if (!mqtt_link_ready(app->mqtt))
        return finish(req, start, GW_BROKER_UNAVAILABLE, "not-connected", result, reason);

    now = time(NULL);
    if (cmd_new_id(id) != 0)
        return finish(req, start, GW_BROKER_UNAVAILABLE, "rng-failed", result, reason);
    len = cmd_build(app->cmd_key, id, c->command.site, req->door, "open", req->user,
                    (int64_t)now, (int64_t)now + c->command.ttl, &cmd, payload, sizeof payload);
    if (len == 0 || lk_topic(topic, sizeof topic, c->command.site, req->door, "cmd") == 0)
        return finish(req, start, GW_BAD_REQUEST, "sign-failed", result, reason);

    gw_log("action requested user=%s door=%s id=%s", req->user, req->door, id);
    if (pending_add(&app->pending, id, req->user, req->door, start,
                    start + c->mqtt.ack_timeout_ms, req->owner, h) != 0)
        return finish(req, start, GW_BROKER_UNAVAILABLE, "too-many-in-flight", result, reason);
    if (mqtt_link_publish(app->mqtt, topic, payload, len, *h) != 0) {
        struct pending_info dropped;
        pending_fail(&app->pending, *h, GW_BROKER_UNAVAILABLE, "publish-refused");
        (void)pending_take(&app->pending, *h, &dropped);
        h->slot = -1;
        return finish(req, start, GW_BROKER_UNAVAILABLE, "publish-refused", result, reason);
    }
    return 1;
}

void action_log_result(const struct pending_info *info)
{
    gw_log("action result user=%s door=%s id=%s result=%s reason=%s latency_ms=%lld%s",
           info->user, info->door, info->id, gw_result_name(info->result),
           info->reason[0] != '\0' ? info->reason : "-",
           (long long)(gw_now_ms() - info->started_ms),
           info->owner == NULL ? " (client gone)" : "");
}
