/* entry_hold.h - a door with a sensor ([door NAME] sensor = yes, conf_sensor.h): after the
 * device's signed ok ack the action is not over yet. It waits, at most entry_wait_ms, for
 * the device's verdict on that command (its retained state's entry/entry_id, fed to
 * attempts_entry() by the MQTT side) and ends opened (the door opened), unlocked-not-opened
 * (it stayed shut through the device's window) or unlocked with reason no-entry-report (no
 * verdict in time). A door without a sensor ends at the ack as before. Loop thread. */
#ifndef GW_ENTRY_HOLD_H
#define GW_ENTRY_HOLD_H

#include "app.h"

/* For an attempt action_collect() took as done: 1 if it now waits for its door sensor's
 * verdict (nothing to finish yet); 0 to finish it now, with a->out as it is (no sensor, not
 * an ok ack, its wait already over) or with the verdict that came before the ack. */
int entry_hold(struct gw_app *app, struct attempt *a);

#endif
