/* stall_hook.c - the test-only main-loop stall of stall_hook.h. */
#include "stall_hook.h"

#ifdef LK_MCU_STALL_TEST
#include "board.h"
#include "mcu_log.h"

void lkm_stall_hook(int relay_on)
{
    if (!relay_on)
        return;
    lkm_log("TEST: the main loop stalls now, mid-pulse (no poll, no watchdog kick)");
    for (;;)
        board_idle(); /* interrupts still run: the relay timer and the watchdog */
}
#endif
