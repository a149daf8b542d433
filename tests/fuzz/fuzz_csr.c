/* fuzz_csr.c - libFuzzer harness for latchkey-certs' CSR intake ("sign PROFILE CSR"):
 * the input is the CSR file (PEM or DER), fed to lk_cmd_sign through a memfd. With no
 * PKI directory configured, "sign" stops right after the CSR checks (parse, self-signature,
 * key type, exactly one CN, the profile's name rules), before any passphrase or file of
 * the CA is touched; so every run exercises only the intake and must be refused. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "args.h"
#include "fuzz_entry.h"
#include "verbs.h"

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

static int fd = -1;
static char path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    CHECK(unsetenv("LATCHKEY_PKI_DIR") == 0 && unsetenv("LATCHKEY_CA_PASSPHRASE") == 0);
    fd = memfd_create("latchkey-fuzz-csr", MFD_CLOEXEC);
    CHECK(fd >= 0);
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const profiles[] = {"client", "device", "server", "gateway"};
    struct lk_cli cli;

    if (size == 0)
        return 0;
    CHECK(ftruncate(fd, 0) == 0 && lseek(fd, 0, SEEK_SET) == 0);
    CHECK(write(fd, data, size) == (ssize_t)size);
    memset(&cli, 0, sizeof cli);
    cli.pos[0] = "sign";
    cli.pos[1] = profiles[data[size - 1] % 4]; /* the last byte picks the profile */
    cli.pos[2] = path;
    cli.npos = 3;
    CHECK(certs_verb_sign(&cli) != 0); /* no PKI directory: never signs */
    return 0;
}
