/* entry_window.h - the door sensor's window, shared by the device that watches it and the
 * gateway that waits for its verdict (docs/protocol.md "Gateway answers", docs/firmware.md
 * "Door sensor"): after an accepted command the device watches the door contact for
 * window_ms and reports "entry":"opened"|"not-opened" with the command's id in its
 * retained state; a gateway door with a sensor keeps the action open after the signed ack
 * for the window plus a margin for the state's way through the broker(s). */
#ifndef LATCHKEY_ENTRY_WINDOW_H
#define LATCHKEY_ENTRY_WINDOW_H

#define LK_ENTRY_WINDOW_DEFAULT_MS 10000u /* the device's [door_sensor] window_ms default */
#define LK_ENTRY_WINDOW_MAX_MS 120000u
/* The gateway's default wait after the ack: the device's default window + this margin. */
#define LK_ENTRY_REPORT_MARGIN_MS 2000u

#endif
