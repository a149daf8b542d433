/* fuzz_gateway_conf.c - libFuzzer harness for the gateway's INI config loader (conf_load).
 * conf_load takes a path, so each input is written to a memfd and loaded through
 * /proc/self/fd/N (no change to the gateway). So that whole configs can be accepted,
 * the harness starts in a fresh temporary directory holding the PEM files the seeds
 * name (cert.pem, key.pem: EC P-256; command.key: Ed25519; made once with the openssl
 * CLI). Invariants: a one-line error exactly on failure; an accepted config has valid,
 * unique door names and a valid site. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_entry.h"
#include "conf.h"

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

static int fd = -1;
static char path[64];
static struct conf c;

static char workdir[] = "/tmp/latchkey-fuzz-conf.XXXXXX";

static void remove_workdir(void)
{
    static const char *const files[] = {"cert.pem", "key.pem", "command.key"};
    char p[sizeof workdir + 16];
    size_t i;
    for (i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", workdir, files[i]);
        unlink(p);
    }
    rmdir(workdir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    int null_fd = open("/dev/null", O_RDONLY);
    (void)argc, (void)argv;
    /* A config naming /dev/stdin must not block the fuzzer. */
    CHECK(null_fd >= 0 && dup2(null_fd, 0) == 0);
    close(null_fd);
    /* PEM files for the seeds, in a directory of our own that becomes the cwd. */
    {
        CHECK(mkdtemp(workdir) != NULL && chdir(workdir) == 0 && atexit(remove_workdir) == 0);
        CHECK(system("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
                     "-subj /CN=fuzz -days 3650 -keyout key.pem -out cert.pem >/dev/null 2>&1 && "
                     "openssl genpkey -algorithm ED25519 -out command.key >/dev/null 2>&1") == 0);
    }
    fd = memfd_create("latchkey-fuzz-conf", MFD_CLOEXEC);
    CHECK(fd >= 0);
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[512];
    int rc, i;

    CHECK(ftruncate(fd, 0) == 0 && lseek(fd, 0, SEEK_SET) == 0);
    CHECK(size == 0 || write(fd, data, size) == (ssize_t)size);
    err[0] = '\0';
    rc = conf_load(path, &c, err, sizeof err);
    if (rc == 0) {
        CHECK(c.n_doors >= 1 && c.n_doors <= CONF_MAX_DOORS);
        CHECK(lk_name_valid(c.command.site, strlen(c.command.site)));
        for (i = 0; i < c.n_doors; i++)
            CHECK(lk_name_valid(c.doors[i].name, strlen(c.doors[i].name)) &&
                  conf_find_door(&c, c.doors[i].name) == i);
    } else {
        CHECK(rc == -1 && err[0] != '\0' && strchr(err, '\n') == NULL);
    }
    return 0;
}
