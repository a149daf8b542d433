/* semihost.c - Arm semihosting calls (see semihost.h): operation in r0, parameter block
 * in r1, result in r0, trapped by "bkpt 0xAB" (QEMU: -semihosting-config enable=on). */
#include "semihost.h"

#include <string.h>

#define SYS_OPEN 0x01u
#define SYS_CLOSE 0x02u
#define SYS_WRITE 0x05u
#define SYS_READ 0x06u
#define SYS_TIME 0x11u
#define SYS_EXIT_EXTENDED 0x20u
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u

static int32_t sh_call(uint32_t op, const void *arg)
{
    register uint32_t r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;

    __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    return (int32_t)r0;
}

int sh_open(const char *path, int mode)
{
    const uint32_t args[3] = {(uint32_t)(uintptr_t)path, (uint32_t)mode, (uint32_t)strlen(path)};
    int32_t fd = sh_call(SYS_OPEN, args);

    return fd < 0 ? -1 : (int)fd;
}

int sh_close(int fd)
{
    const uint32_t args[1] = {(uint32_t)fd};

    return sh_call(SYS_CLOSE, args) == 0 ? 0 : -1;
}

/* SYS_READ / SYS_WRITE return the number of bytes NOT moved. */
int sh_read(int fd, void *buf, size_t len)
{
    const uint32_t args[3] = {(uint32_t)fd, (uint32_t)(uintptr_t)buf, (uint32_t)len};

    return sh_call(SYS_READ, args) == 0 ? 0 : -1;
}

int sh_write(int fd, const void *buf, size_t len)
{
    const uint32_t args[3] = {(uint32_t)fd, (uint32_t)(uintptr_t)buf, (uint32_t)len};

    return sh_call(SYS_WRITE, args) == 0 ? 0 : -1;
}

int64_t sh_time(void)
{
    int32_t t = sh_call(SYS_TIME, NULL);

    return t < 0 ? -1 : (int64_t)(uint32_t)t;
}

void sh_exit(int status)
{
    const uint32_t args[2] = {ADP_STOPPED_APPLICATION_EXIT, (uint32_t)status};

    for (;;)
        (void)sh_call(SYS_EXIT_EXTENDED, args);
}
