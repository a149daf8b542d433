/* stack_watch.c - stack painting and the heap's _sbrk (newlib-nano's malloc, which wolfSSL
 * uses, asks for memory only through it). The heap is a fixed region of the linker script
 * (LK_HEAP_SIZE, sized from the measured high-water mark plus margin): _sbrk never grows
 * past it, so an exhausted heap is a failed malloc, never a collision with the stack. */
#include "stack_watch.h"

#include <errno.h>
#include <stdint.h>

#define PAINT 0xA5A5A5A5u

extern uint32_t __stack_bottom[], __stack_top[];
extern uint8_t __heap_start[], __heap_end[];

static uint8_t *heap_brk = __heap_start;
static uint8_t *heap_peak = __heap_start;
static unsigned heap_failures;

void lk_stack_paint(void)
{
    uint32_t *p = __stack_bottom;
    const uint32_t *sp;

    __asm__ volatile("mov %0, sp" : "=r"(sp));
    /* Leave the current frame (and 64 bytes below it) alone. */
    /* cppcheck-suppress comparePointers ; linker-script symbols: the bounds of one region */
    while (p < sp - 16)
        *p++ = PAINT;
}

size_t lk_stack_high_water(void)
{
    const uint32_t *p = __stack_bottom;

    /* cppcheck-suppress comparePointers ; linker-script symbols: the bounds of one region */
    while (p < __stack_top && *p == PAINT)
        p++;
    /* cppcheck-suppress comparePointers ; linker-script symbols: the bounds of one region */
    return (size_t)((const uint8_t *)__stack_top - (const uint8_t *)p);
}

size_t lk_stack_size(void)
{
    /* cppcheck-suppress comparePointers ; linker-script symbols: the bounds of one region */
    return (size_t)((const uint8_t *)__stack_top - (const uint8_t *)__stack_bottom);
}

void *_sbrk(ptrdiff_t incr);
void *_sbrk(ptrdiff_t incr)
{
    uint8_t *old = heap_brk;

    if (incr < 0 ? (size_t)-incr > (size_t)(heap_brk - __heap_start)
                 : (size_t)incr > (size_t)(__heap_end - heap_brk)) {
        heap_failures++;
        errno = ENOMEM;
        return (void *)-1;
    }
    heap_brk += incr;
    if (heap_brk > heap_peak)
        heap_peak = heap_brk;
    return old;
}

/* cppcheck-suppress comparePointers ; linker-script symbols: the bounds of one region */
size_t lk_heap_high_water(void) { return (size_t)(heap_peak - __heap_start); }
/* cppcheck-suppress comparePointers ; linker-script symbols: the bounds of one region */
size_t lk_heap_size(void) { return (size_t)(__heap_end - __heap_start); }
unsigned lk_heap_failures(void) { return heap_failures; }
