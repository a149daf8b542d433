/* mqtt_time.c - time beacon requests from the broker into the loop's queue (see mqtt_time.h). */
#include "mqtt_time.h"

#include <stdio.h>
#include <string.h>

#include "gw_log.h"
#include "mqtt_inbound.h"
#include "time_beacon.h"

int mqtt_time_inbound(const char *site, struct attempts *attempts, const char *topic,
                      size_t topic_len, const char *payload, size_t len, int retained)
{
    struct time_request r;

    memset(&r, 0, sizeof r);
    if (mqtt_door_of_topic(site, topic, topic_len, "/time/req", r.door) != 0)
        return 0;
    if (retained) {
        /* A request is answered once, when it is sent: one kept on the broker is not. */
        gw_log("time: RETAINED request of door %s ignored (clear it: mosquitto_pub -r -n -t TOPIC)",
               r.door);
        return 1;
    }
    if (len > TIME_REQUEST_MAX || time_request_parse(payload, len, r.nonce) != 0) {
        gw_log("time: malformed request of door %s ignored (%zu bytes)", r.door, len);
        return 1;
    }
    if (time_queue_push(&r) != 0) {
        gw_log("time: request of door %s dropped: %d requests wait already", r.door,
               TIME_QUEUE_MAX);
        return 1;
    }
    if (attempts->wake != NULL)
        attempts->wake(attempts->wake_arg);
    return 1;
}
