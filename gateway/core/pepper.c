/* pepper.c - creating and loading the PIN pepper file (OpenSSL's RNG, O_EXCL creation,
 * mode checks). */
#include "pepper.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int pepper_load(const char *path, struct pepper *p, char *err, size_t errlen)
{
    unsigned char buf[PEPPER_LEN + 1];
    struct stat st;
    ssize_t n;
    size_t got = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

    if (fd < 0) {
        int e = errno;
        /* It exists but this user may not read it (made by root for a gateway that runs as
         * its own user): creating it again is not the fix. */
        snprintf(err, errlen, "%s: cannot open the pepper file: %s (%s)", path, strerror(e),
                 e == ENOENT ? "create it with 'latchkey-gateway -c CONFIG init-secrets'"
                             : "it must belong to the user the gateway runs as: chown it, or "
                               "create it as that user with 'runuser -u latchkey -- "
                               "latchkey-gateway -c CONFIG init-secrets'");
        return -1;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: the pepper file is not a regular file", path);
        close(fd);
        return -1;
    }
    if ((st.st_mode & 077) != 0) {
        snprintf(err, errlen, "%s: the pepper file must not be accessible to group or others "
                 "(chmod 600)", path);
        close(fd);
        return -1;
    }
    while (got < sizeof buf && (n = read(fd, buf + got, sizeof buf - got)) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            snprintf(err, errlen, "%s: cannot read the pepper file: %s", path, strerror(errno));
            close(fd);
            OPENSSL_cleanse(buf, sizeof buf);
            return -1;
        }
        got += (size_t)n;
    }
    close(fd);
    if (got != PEPPER_LEN) {
        snprintf(err, errlen, "%s: the pepper file must hold exactly %d bytes (it has %s%zu)",
                 path, PEPPER_LEN, got > PEPPER_LEN ? "more than " : "", got > PEPPER_LEN ? (size_t)PEPPER_LEN : got);
        OPENSSL_cleanse(buf, sizeof buf);
        return -1;
    }
    memcpy(p->key, buf, PEPPER_LEN);
    OPENSSL_cleanse(buf, sizeof buf);
    return 0;
}

int pepper_create(const char *path, char *err, size_t errlen)
{
    unsigned char key[PEPPER_LEN];
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    ssize_t n;

    if (fd < 0) {
        if (errno == EEXIST)
            return 1;
        snprintf(err, errlen, "%s: cannot create the pepper file: %s", path, strerror(errno));
        return -1;
    }
    if (RAND_bytes(key, sizeof key) != 1) {
        snprintf(err, errlen, "%s: random generator failed", path);
        close(fd);
        unlink(path);
        return -1;
    }
    n = write(fd, key, sizeof key);
    OPENSSL_cleanse(key, sizeof key);
    if (n != (ssize_t)sizeof key || fsync(fd) != 0) {
        snprintf(err, errlen, "%s: cannot write the pepper file: %s", path,
                 n >= 0 && n != (ssize_t)sizeof key ? "short write" : strerror(errno));
        close(fd);
        unlink(path);
        return -1;
    }
    if (close(fd) != 0) {
        snprintf(err, errlen, "%s: cannot write the pepper file: %s", path, strerror(errno));
        unlink(path);
        return -1;
    }
    return 0;
}

void pepper_clear(struct pepper *p)
{
    OPENSSL_cleanse(p->key, sizeof p->key);
}
