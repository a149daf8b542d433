/* mqtt_diag.c - counting sessions that end right after they start (see mqtt_diag.h). */
#include "mqtt_diag.h"

void mqtt_diag_connected(struct mqtt_diag *d, int64_t now_ms)
{
    d->connected_ms = now_ms;
}

int mqtt_diag_lost(struct mqtt_diag *d, int64_t now_ms)
{
    int quick = d->connected_ms != 0 && now_ms - d->connected_ms < MQTT_TAKEOVER_QUICK_MS;

    d->connected_ms = 0;
    if (!quick) {
        d->quick_losses = 0;
        d->said = 0;
        return 0;
    }
    if (++d->quick_losses < MQTT_TAKEOVER_LOSSES || d->said)
        return 0;
    d->said = 1;
    return 1;
}
