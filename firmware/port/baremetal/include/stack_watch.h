/* stack_watch.h - stack and heap high-water marks of the bare-metal image, for the size
 * report (docs/firmware.md): the stack is painted at reset and the untouched paint counted
 * later; the heap's high-water is the highest break _sbrk ever handed out. */
#ifndef LK_MCU_STACK_WATCH_H
#define LK_MCU_STACK_WATCH_H

#include <stddef.h>

/* Called once from the reset handler, before main(). */
void lk_stack_paint(void);
/* Bytes of stack ever used, and the stack's size. */
size_t lk_stack_high_water(void);
size_t lk_stack_size(void);
/* Bytes of heap ever handed out by _sbrk, the heap's size, and failed _sbrk calls. */
size_t lk_heap_high_water(void);
size_t lk_heap_size(void);
unsigned lk_heap_failures(void);

#endif
