/* stall_hook.h - TEST ONLY (images built with LK_MCU_STALL_TEST): stalls the main loop
 * for good as soon as the relay goes on, so that a test can watch, from the host, the
 * board's hardware timer end the pulse and its watchdog reset the part
 * (tests/mcu/stall.sh). In every other image the hook is an empty inline function. */
#ifndef LK_MCU_STALL_HOOK_H
#define LK_MCU_STALL_HOOK_H

#ifdef LK_MCU_STALL_TEST
/* on != 0: logs, then never returns (interrupts keep running; the watchdog is not kicked). */
void lkm_stall_hook(int relay_on);
#else
static inline void lkm_stall_hook(int relay_on)
{
    (void)relay_on;
}
#endif

#endif
