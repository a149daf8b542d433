/* fuzz_entry.h - the entry points libFuzzer calls, declared once so every harness defines
 * them against a prototype (-Wmissing-prototypes). */
#ifndef LK_FUZZ_ENTRY_H
#define LK_FUZZ_ENTRY_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
