/* heap_usage.c - the heap in use (see heap_usage.h): glibc's mallinfo2 (arena blocks in
 * use + mmapped blocks), or under AddressSanitizer, whose allocator replaces glibc's (and
 * leaves mallinfo2 at zero), the sanitizer's own count. */
#include "heap_usage.h"

#include <stdlib.h> /* a libc header first: it defines __GLIBC__ */

#if defined(__SANITIZE_ADDRESS__)
#define HEAP_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HEAP_ASAN 1
#endif
#endif

#if defined(HEAP_ASAN)
/* In the sanitizer runtime; gcc 12 ships no header declaring it. */
size_t __sanitizer_get_current_allocated_bytes(void);

int heap_in_use(size_t *bytes)
{
    *bytes = __sanitizer_get_current_allocated_bytes();
    return 0;
}
#elif defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
#include <malloc.h>

int heap_in_use(size_t *bytes)
{
    struct mallinfo2 mi = mallinfo2();
    *bytes = mi.uordblks + mi.hblkhd;
    return 0;
}
#else
int heap_in_use(size_t *bytes)
{
    *bytes = 0;
    return -1;
}
#endif
