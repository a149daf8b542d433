/* replay_main.c - a main() for a libFuzzer harness without libFuzzer. The gcc build links
 * every harness of tests/fuzz with it as fuzz_replay_NAME, and ctest runs it over the
 * committed seeds (and a few fixed inputs), so a harness broken by a changed struct or
 * function, or a seed that now crashes, shows in the first build, not only in the clang
 * stage at the end of CI.
 * usage: fuzz_replay_NAME DIR_OR_FILE...   (exit 0: every input ran; 1: an input could not
 * be read, or there was none; a harness's own check aborts) */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 /* realpath (declared at -O0 too), PATH_MAX */
#endif
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_entry.h"

/* Harnesses that need no setup define no LLVMFuzzerInitialize. */
#pragma weak LLVMFuzzerInitialize

#define REPLAY_FILES_MAX 4096
#define REPLAY_INPUT_MAX (1u << 20)

struct inputs {
    char *path[REPLAY_FILES_MAX];
    size_t n;
};

static int fail(const char *what, const char *path)
{
    (void)fprintf(stderr, "fuzz replay: %s: %s\n", what, path);
    return 1;
}

/* Adds path (made absolute: a harness's setup may change the directory). */
static int add(struct inputs *in, const char *path)
{
    char *abs = realpath(path, NULL);
    if (abs == NULL)
        return fail("cannot resolve", path);
    if (in->n == REPLAY_FILES_MAX) {
        free(abs);
        return fail("too many inputs at", path);
    }
    in->path[in->n++] = abs;
    return 0;
}

static int add_arg(struct inputs *in, const char *arg)
{
    struct stat st;
    struct dirent *e;
    DIR *d;
    char path[PATH_MAX];
    int rc = 0;

    if (stat(arg, &st) != 0)
        return fail("cannot stat", arg);
    if (!S_ISDIR(st.st_mode))
        return add(in, arg);
    d = opendir(arg);
    if (d == NULL)
        return fail("cannot open", arg);
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (snprintf(path, sizeof path, "%s/%s", arg, e->d_name) >= (int)sizeof path)
            rc = fail("path too long in", arg);
        else
            rc = add(in, path);
    }
    closedir(d);
    return rc;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay_file(const char *path, unsigned char *buf)
{
    FILE *f = fopen(path, "rb");
    size_t n;
    int bad;

    if (f == NULL)
        return fail("cannot read", path);
    n = fread(buf, 1, REPLAY_INPUT_MAX + 1, f);
    bad = ferror(f) || n > REPLAY_INPUT_MAX;
    (void)fclose(f);
    if (bad)
        return fail("unreadable or over 1 MiB", path);
    (void)LLVMFuzzerTestOneInput(buf, n);
    return 0;
}

int main(int argc, char **argv)
{
    static struct inputs in;
    static unsigned char buf[REPLAY_INPUT_MAX + 1];
    size_t i;
    int rc = 0, k;

    for (k = 1; k < argc && rc == 0; k++)
        rc = add_arg(&in, argv[k]);
    if (rc == 0 && in.n == 0)
        rc = fail("no inputs in", argc > 1 ? argv[1] : "(no arguments)");
    if (rc == 0 && LLVMFuzzerInitialize != NULL)
        (void)LLVMFuzzerInitialize(&argc, &argv);
    qsort(in.path, in.n, sizeof in.path[0], by_name);
    for (i = 0; i < in.n && rc == 0; i++)
        rc = replay_file(in.path[i], buf);
    if (rc == 0) {
        /* Fixed inputs besides the seeds: empty, one byte, every byte value once. */
        for (i = 0; i < 256; i++)
            buf[i] = (unsigned char)i;
        (void)LLVMFuzzerTestOneInput(buf, 0);
        (void)LLVMFuzzerTestOneInput(buf, 1);
        (void)LLVMFuzzerTestOneInput(buf, 256);
        (void)printf("fuzz replay: %zu seeds and 3 fixed inputs ran\n", in.n);
    }
    for (i = 0; i < in.n; i++)
        free(in.path[i]);
    return rc;
}
