/* crl_floor.c - the highest CRL number accepted and its state file (see crl_floor.h).
 * The file is two lines of text:
 *   crl_number=<hex>
 *   sha256=<64 hex digits>
 * written to a temporary file, fsynced and renamed over the old one. */
#define _POSIX_C_SOURCE 200809L /* O_CLOEXEC, O_DIRECTORY, fsync */
#include "lkhost/crl_floor.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lkhost/crl.h"

#define STATE_MAX 512

static int crl_digest(X509_CRL *crl, unsigned char out[32])
{
    unsigned int n = 0;
    return X509_CRL_digest(crl, EVP_sha256(), out, &n) == 1 && n == 32;
}

static void bn_text(const BIGNUM *bn, char *out, size_t cap)
{
    char *hex = bn != NULL ? BN_bn2hex(bn) : NULL;
    snprintf(out, cap, "%s", hex != NULL ? hex : "-");
    OPENSSL_free(hex);
}

static int hex_digit(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Parses the state file's text into f (number and digest). */
static int parse_state(struct crl_floor *f, const char *text)
{
    char num[STATE_MAX], sha[STATE_MAX];
    int i, used = -1;

    /* widths: STATE_MAX - 1, the size of num and sha less the NUL */
    if (sscanf(text, "crl_number=%511[0-9A-F]\nsha256=%511[0-9a-f]%n", num, sha, &used) != 2 ||
        used < 0 || strcmp(text + used, "\n") != 0 || strlen(sha) != 2 * sizeof f->digest)
        return -1;
    for (i = 0; i < (int)sizeof f->digest; i++)
        f->digest[i] = (unsigned char)(hex_digit(sha[2 * i]) * 16 + hex_digit(sha[2 * i + 1]));
    return BN_hex2bn(&f->number, num) == (int)strlen(num) ? 0 : -1;
}

int crl_floor_open(struct crl_floor *f, const char *path, char *err, size_t errlen)
{
    char text[STATE_MAX + 1];
    size_t n;
    FILE *in;

    memset(f, 0, sizeof *f);
    if (path == NULL || path[0] == '\0')
        return 0;
    if (strlen(path) >= sizeof f->path) {
        snprintf(err, errlen, "%s: path too long", path);
        return -1;
    }
    strcpy(f->path, path);
    in = fopen(path, "r");
    if (in == NULL && errno == ENOENT)
        return 0; /* no CRL accepted yet */
    if (in == NULL) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    n = fread(text, 1, STATE_MAX, in);
    (void)fclose(in); /* read-only: a short read is caught below */
    text[n] = '\0';
    if (n == STATE_MAX || parse_state(f, text) != 0) {
        BN_free(f->number);
        f->number = NULL;
        snprintf(err, errlen,
                 "%s: not a CRL number state file (the highest CRL number "
                 "accepted); fix it, or delete it to accept the current CRL as the floor",
                 path);
        return -1;
    }
    return 0;
}

void crl_floor_free(struct crl_floor *f)
{
    BN_free(f->number);
    f->number = NULL;
}

enum crl_order crl_floor_order_sha(const struct crl_floor *f, X509_CRL *crl,
                                   const unsigned char sha256[32], char *number, size_t cap)
{
    BIGNUM *bn = lkh_crl_number(crl);
    enum crl_order o;
    int c;

    bn_text(bn, number, cap);
    if (bn == NULL)
        return CRL_ORDER_NO_NUMBER;
    if (f->number == NULL) {
        BN_free(bn);
        return CRL_ORDER_NEWER;
    }
    c = BN_cmp(bn, f->number);
    BN_free(bn);
    if (c > 0)
        o = CRL_ORDER_NEWER;
    else if (c < 0)
        o = CRL_ORDER_OLDER;
    else
        o = sha256 != NULL && CRYPTO_memcmp(sha256, f->digest, sizeof f->digest) == 0
                ? CRL_ORDER_SAME
                : CRL_ORDER_CONFLICT;
    return o;
}

enum crl_order crl_floor_order(const struct crl_floor *f, X509_CRL *crl, char *number, size_t cap)
{
    unsigned char d[32];
    return crl_floor_order_sha(f, crl, crl_digest(crl, d) ? d : NULL, number, cap);
}

/* Writes the state atomically: temporary file, fsync, rename, fsync of the directory. */
static int write_state(const struct crl_floor *f, char *err, size_t errlen)
{
    char tmp[sizeof f->path + 8], text[STATE_MAX], hex[200], dir[sizeof f->path], *slash;
    int fd, n, i, ok;

    bn_text(f->number, hex, sizeof hex);
    n = snprintf(text, sizeof text, "crl_number=%s\nsha256=", hex);
    for (i = 0; i < 32 && n > 0 && (size_t)n + 3 < sizeof text; i++)
        n += snprintf(text + n, sizeof text - (size_t)n, "%02x", f->digest[i]);
    if (n <= 0 || (size_t)n + 2 > sizeof text)
        return snprintf(err, errlen, "CRL number too long"), -1;
    text[n++] = '\n';
    snprintf(tmp, sizeof tmp, "%s.tmp", f->path);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return snprintf(err, errlen, "%s: %s", tmp, strerror(errno)), -1;
    ok = write(fd, text, (size_t)n) == n && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    if (!ok || rename(tmp, f->path) != 0) {
        snprintf(err, errlen, "%s: %s", f->path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    snprintf(dir, sizeof dir, "%s", f->path);
    slash = strrchr(dir, '/');
    if (slash != NULL)
        *(slash == dir ? slash + 1 : slash) = '\0';
    fd = open(slash != NULL ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd); /* the rename itself on disk; a failure here loses nothing written */
        close(fd);
    }
    return 0;
}

int crl_floor_raise_sha(struct crl_floor *f, X509_CRL *crl, const unsigned char sha256[32],
                        char *err, size_t errlen)
{
    BIGNUM *bn = lkh_crl_number(crl);

    if (bn == NULL || sha256 == NULL) {
        BN_free(bn);
        snprintf(err, errlen, "CRL without a readable number");
        return -1;
    }
    if (f->number != NULL && BN_cmp(bn, f->number) == 0 &&
        CRYPTO_memcmp(sha256, f->digest, sizeof f->digest) == 0) {
        BN_free(bn);
        return 0; /* the same CRL again: nothing to write */
    }
    BN_free(f->number);
    f->number = bn;
    memcpy(f->digest, sha256, sizeof f->digest);
    return f->path[0] != '\0' ? write_state(f, err, errlen) : 0;
}

int crl_floor_raise(struct crl_floor *f, X509_CRL *crl, char *err, size_t errlen)
{
    unsigned char d[32];
    return crl_floor_raise_sha(f, crl, crl_digest(crl, d) ? d : NULL, err, errlen);
}

void crl_floor_number(const struct crl_floor *f, char *out, size_t cap)
{
    bn_text(f->number, out, cap);
}
