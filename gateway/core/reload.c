/* reload.c - SIGHUP: re-reads the config file and applies what can change while running
 * (doors and their labels, ack_timeout_ms, max_waiting_per_user/door, ttl). Everything else (listen addresses, ports,
 * certificates, CA, CRL path, broker, site, command key, database) needs a restart: a change
 * there is logged and the running value kept. A config that does not load is logged and
 * changes nothing. Runs on the lws loop thread, the only reader of these fields. */
#include "reload.h"

#include <stdlib.h>
#include <string.h>

#include "gw_log.h"

#define SAME(field) (memcmp(&live->field, &next->field, sizeof live->field) == 0)

static void keep(const char *what, int same, int *restart)
{
    if (!same) {
        gw_log("reload: %s changed: needs a restart, running value kept", what);
        *restart = 1;
    }
}

void gw_reload(struct gw_app *app)
{
    /* app->conf points at main()'s static, writable struct conf. */
    struct conf *live = (struct conf *)app->conf;
    struct conf *next = malloc(sizeof *next);
    char err[512];
    int restart = 0;

    if (next == NULL) {
        gw_log("reload: out of memory; configuration unchanged");
        return;
    }
    if (conf_load_running(live->path, next, err, sizeof err) != 0) {
        gw_log("reload: %s; configuration unchanged", err);
        free(next);
        return;
    }
    keep("[server]", SAME(server), &restart);
    keep("[mqtt] (other than ack_timeout_ms and max_waiting_per_*)",
         strcmp(live->mqtt.uri, next->mqtt.uri) == 0 && strcmp(live->mqtt.ca, next->mqtt.ca) == 0 &&
             strcmp(live->mqtt.cert, next->mqtt.cert) == 0 &&
             strcmp(live->mqtt.key, next->mqtt.key) == 0 &&
             strcmp(live->mqtt.client_id, next->mqtt.client_id) == 0,
         &restart);
    keep("[command] key/site", strcmp(live->command.key, next->command.key) == 0 &&
                                   strcmp(live->command.site, next->command.site) == 0,
         &restart);
    keep("[metrics]", SAME(metrics), &restart);
    keep("[store]", SAME(store), &restart);

    memcpy(live->doors, next->doors, sizeof live->doors);
    live->n_doors = next->n_doors;
    live->door_index = next->door_index;
    live->mqtt.ack_timeout_ms = next->mqtt.ack_timeout_ms;
    live->mqtt.max_waiting_per_user = next->mqtt.max_waiting_per_user;
    live->mqtt.max_waiting_per_door = next->mqtt.max_waiting_per_door;
    live->command.ttl = next->command.ttl;
    gw_log("reload: %s applied (%d doors, ack_timeout_ms %d, max_waiting_per_user %d, "
           "max_waiting_per_door %d, ttl %d)%s", live->path, live->n_doors,
           live->mqtt.ack_timeout_ms, live->mqtt.max_waiting_per_user,
           live->mqtt.max_waiting_per_door, live->command.ttl,
           restart ? "; some changes need a restart (see above)" : "");
    app->ports.doors_changed(app->ports.ctx);
    free(next);
}
