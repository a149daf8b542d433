/* heap_usage.h - how many bytes the gateway has allocated and not freed, for the metrics
 * gauge latchkey_heap_in_use_bytes (docs/gateway.md): a leak shows there long before
 * RSS moves, because it first fills the heap that malloc keeps after frees. */
#ifndef LATCHKEY_HEAP_USAGE_H
#define LATCHKEY_HEAP_USAGE_H

#include <stddef.h>

/* 0 and *bytes (all threads), or -1 when this build's allocator cannot tell. */
int heap_in_use(size_t *bytes);

#endif
