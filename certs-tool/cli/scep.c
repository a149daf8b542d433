/* scep.c - "scep USER": an invitation for a device that makes its own key (iPhone, iPad,
 * Mac; any SCEP client). For a bounded time, one process holding the CA key serves
 *   - over HTTPS (--listen, the server certificate): a one-time link to a .mobileconfig
 *     with the CA and a SCEP payload (URL, Subject CN=USER, the challenge), shown as a QR;
 *   - over plain HTTP (--scep-listen): the SCEP service (RFC 8894), whose messages are
 *     signed and encrypted themselves (to this run's RA certificate, scep_ra.h).
 * The device's CSR must carry the one-time challenge and be for CN=USER; one certificate is
 * issued (inventory key_source csr) and the endpoint closes shortly after. The routes are
 * scep_service.c's, the decisions scep_policy.c's. */
#include "verbs.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/provider.h>
#include <openssl/rand.h>

#include "args.h"
#include "ca.h"
#include "diag.h"
#include "enroll_link.h"
#include "enroll_server.h"
#include "inv_foreach.h"
#include "inventory.h"
#include "mobileconfig.h"
#include "names.h"
#include "password.h"
#include "pki_dir.h"
#include "qr_term.h"
#include "scep_msg.h"
#include "scep_ra.h"
#include "scep_service.h"
#include "secrets.h"

#include "latchkey/b64url.h"

#define RANDOM_BYTES 16 /* of the link token and of the challenge */
#define LATE_S 10       /* the endpoint outlives the invitation by this: late requests hear why */
#define DEVICE_KEY_BITS 2048

struct run {
    struct lk_scep_service sv;
    SSL_CTX *ctx;
    int lfd, sfd;
    BIO *profile;
    char cn[LK_CN_MAX + 1], link[512], scep_url[512];
    char ra_fp[2 * EVP_MAX_MD_SIZE + 1]; /* hex SHA-256 of the RA certificate */
    OSSL_PROVIDER *legacy, *deflt;       /* --legacy */
    long port, scep_port;
};

static int random_text(char *out, size_t cap)
{
    unsigned char rnd[RANDOM_BYTES];
    if (RAND_bytes(rnd, sizeof rnd) != 1) {
        lk_err_ssl("cannot get random bytes");
        return -1;
    }
    lk_b64url_encode(rnd, sizeof rnd, out, cap);
    OPENSSL_cleanse(rnd, sizeof rnd);
    return 0;
}

static int check_args(const struct lk_cli *cli)
{
    if (cli->npos != 2) {
        lk_err("%s; usage: %s", cli->npos < 2 ? "scep needs a user name" : "too many arguments",
               lk_cli_usage("scep"));
        return -1;
    }
    if (!lk_user_name_valid(cli->pos[1])) {
        lk_err("invalid user name '%s'", cli->pos[1]);
        return -1;
    }
    if (cli->minutes != 0 && cli->seconds != 0) {
        lk_err("give --minutes or --seconds, not both");
        return -1;
    }
    if ((cli->url_base != NULL && lk_enroll_check_url_base(cli->url_base) != 0) ||
        (cli->scep_url != NULL && lk_enroll_check_url_base(cli->scep_url) != 0))
        return -1;
    return 0;
}

static int ra_fingerprint(struct run *r)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int i, n = 0;
    if (X509_digest(r->sv.ra, EVP_sha256(), md, &n) != 1) {
        lk_err_ssl("cannot hash the RA certificate");
        return -1;
    }
    for (i = 0; i < n; i++)
        snprintf(r->ra_fp + 2 * i, 3, "%02x", md[i]);
    return 0;
}

/* CA, RA, TLS context; the PKI is locked only while reading from it. */
static int load(struct run *r, const struct lk_cli *cli, const char *dir)
{
    struct lk_pki pki = {.lock_fd = -1};
    struct lk_inv_entry e;
    char pass[LK_SECRET_MAX];
    int rc = -1, found;
    pass[0] = '\0';
    if (lk_cli_ca_passphrase(cli, pass, sizeof pass) != 0 || lk_pki_open(&pki, dir) != 0)
        goto out;
    found = lk_inv_lookup(&pki, "client", r->sv.inv.user, &e);
    if (found < 0)
        goto out;
    if (found > 0) {
        lk_err(
            "%s already has a valid certificate (serial %s, until %s): revoke it first "
            "(see docs/certs.md, renewing a device-made key)",
            r->sv.inv.user, e.serial, e.not_after);
        goto out;
    }
    if (lk_ca_load(&pki, pass, &r->sv.ca, &r->sv.ca_key) != 0 ||
        (r->ctx = lk_enroll_tls_ctx(&pki, cli->server_name, r->cn, sizeof r->cn)) == NULL ||
        lk_scep_ra_make(r->sv.ca, r->sv.ca_key, &r->sv.ra, &r->sv.ra_key) != 0 ||
        lk_scep_ca_ra_certs(r->sv.ca, r->sv.ra, &r->sv.ca_ra_der, &r->sv.ca_ra_len) != 0 ||
        ra_fingerprint(r) != 0)
        goto out;
    rc = 0;
out:
    OPENSSL_cleanse(pass, sizeof pass);
    lk_pki_close(&pki);
    return rc;
}

static int links(struct run *r, const struct lk_cli *cli)
{
    char host[256];
    int n;
    if ((r->lfd = lk_enroll_listen(cli->listen != NULL ? cli->listen : "0.0.0.0:8444", host,
                                   sizeof host, &r->port)) < 0 ||
        (r->sfd = lk_enroll_listen(cli->scep_listen != NULL ? cli->scep_listen : "0.0.0.0:8445",
                                   host, sizeof host, &r->scep_port)) < 0)
        return -1;
    if (cli->url_base != NULL)
        n = snprintf(r->link, sizeof r->link, "%s/enroll/%s", cli->url_base, r->sv.token);
    else
        n = snprintf(r->link, sizeof r->link, "https://%s:%ld/enroll/%s", r->cn, r->port,
                     r->sv.token);
    if (n < 0 || (size_t)n >= sizeof r->link) {
        lk_err("the enrollment link is too long");
        return -1;
    }
    if (cli->scep_url != NULL)
        n = snprintf(r->scep_url, sizeof r->scep_url, "%s", cli->scep_url);
    else
        n = snprintf(r->scep_url, sizeof r->scep_url, "http://%s:%ld/scep", r->cn, r->scep_port);
    if (n < 0 || (size_t)n >= sizeof r->scep_url) {
        lk_err("the SCEP URL is too long");
        return -1;
    }
    return 0;
}

static int build_profile(struct run *r)
{
    struct lk_scep_profile sp = {r->sv.inv.user, r->scep_url, r->sv.inv.challenge, DEVICE_KEY_BITS,
                                 r->sv.ca};
    char *p = NULL;
    long len;
    if ((r->profile = BIO_new(BIO_s_mem())) == NULL ||
        lk_mobileconfig_scep_build(r->profile, &sp) != 0)
        return -1;
    len = BIO_get_mem_data(r->profile, &p);
    if (len <= 0)
        return -1;
    r->sv.profile = (const unsigned char *)p;
    r->sv.profile_len = (size_t)len;
    return 0;
}

static int announce(const struct run *r, long secs)
{
    char until[LK_ISO_LEN + 1];
    if (lk_time_iso(r->sv.inv.expires, until) != 0)
        return -1;
    printf(
        "SCEP enrollment of %s: open this link on the iPhone, iPad or Mac (once, within %ld s):\n",
        r->sv.inv.user, secs);
    printf("link: %s\n", r->link);
    if (lk_qr_print(stdout, r->link, isatty(STDOUT_FILENO)) != 0)
        return -1;
    printf(
        "The profile is served by '%s' (TLS; the device does not trust the CA yet, so it warns\n"
        "once). Installing it makes the device generate its own key, which never leaves it.\n",
        r->cn);
    printf("scep url: %s\n", r->scep_url);
    printf("challenge: %s\n", r->sv.inv.challenge);
    printf("(the challenge is in the profile; give it by hand only to another SCEP client)\n");
    printf("ra fingerprint (sha-256): %s\n", r->ra_fp);
    printf(
        "(other SCEP clients encrypt to that RA certificate, e.g. scepclient -ca-fingerprint)\n");
    printf("invitation valid until %s\n", until);
    if (fflush(stdout) != 0) {
        lk_err("cannot write to stdout: %s", strerror(errno));
        return -1;
    }
    return 0;
}

static int serve(struct run *r)
{
    struct lk_enroll_listener ls[2] = {{r->lfd, r->ctx, lk_scep_answer_link},
                                       {r->sfd, NULL, lk_scep_answer_scep}};
    struct lk_enroll_handler h = {&r->sv, lk_scep_answer_link, lk_scep_until, lk_scep_stop};
    switch (lk_enroll_serve_on(ls, 2, &h)) {
    case LK_ENROLL_END_DEADLINE:
        if (r->sv.issued == NULL)
            printf("scep: the invitation expired; no certificate was issued\n");
        break;
    case LK_ENROLL_END_STOPPED:
        printf("scep: %ld wrong requests: closing the endpoint\n", r->sv.wrong);
        break;
    case LK_ENROLL_END_CONN_LIMIT:
        printf("scep: %d connections: closing the endpoint\n", LK_ENROLL_MAX_CONNECTIONS);
        break;
    case LK_ENROLL_END_ERROR: return -1;
    }
    return r->sv.issued != NULL ? 0 : -1;
}

int certs_verb_scep(const struct lk_cli *cli)
{
    struct run r;
    const char *dir;
    long secs;
    int rc = -1;

    memset(&r, 0, sizeof r);
    r.lfd = r.sfd = -1;
    if (check_args(cli) != 0 || (dir = lk_cli_dir(cli)) == NULL)
        return -1;
    secs = cli->seconds != 0 ? cli->seconds : 60 * (cli->minutes != 0 ? cli->minutes : 10);
    snprintf(r.sv.inv.user, sizeof r.sv.inv.user, "%s", cli->pos[1]);
    r.sv.dir = dir;
    r.sv.max_wrong = cli->attempts != 0 ? cli->attempts : 5;
    /* Some SCEP clients (micromdm's scepclient 2.x) encrypt with single DES, which OpenSSL 3
     * keeps in its legacy provider: only on request. */
    if (cli->legacy && ((r.legacy = OSSL_PROVIDER_load(NULL, "legacy")) == NULL ||
                        (r.deflt = OSSL_PROVIDER_load(NULL, "default")) == NULL)) {
        lk_err_ssl("cannot load OpenSSL's legacy provider for --legacy");
        goto out;
    }
    if (load(&r, cli, dir) != 0 || random_text(r.sv.token, sizeof r.sv.token) != 0 ||
        random_text(r.sv.inv.challenge, sizeof r.sv.inv.challenge) != 0 || links(&r, cli) != 0 ||
        build_profile(&r) != 0)
        goto out;
    if (signal(SIGPIPE, SIG_IGN) == SIG_ERR) {
        lk_err("cannot ignore SIGPIPE: %s", strerror(errno));
        goto out;
    }
    r.sv.inv.expires = time(NULL) + secs;
    if (announce(&r, secs) != 0)
        goto out;
    r.sv.deadline = lk_enroll_now() + (double)(secs + LATE_S);
    rc = serve(&r);
    printf("scep: endpoint closed (%s)\n",
           rc == 0 ? "certificate issued" : "no certificate issued");
out:
    if (r.lfd >= 0)
        close(r.lfd);
    if (r.sfd >= 0)
        close(r.sfd);
    SSL_CTX_free(r.ctx);
    BIO_free(r.profile);
    X509_free(r.sv.ca);
    EVP_PKEY_free(r.sv.ca_key);
    X509_free(r.sv.ra);
    EVP_PKEY_free(r.sv.ra_key);
    X509_free(r.sv.issued);
    OPENSSL_free(r.sv.ca_ra_der);
    OPENSSL_cleanse(&r.sv.inv, sizeof r.sv.inv);
    if (r.legacy != NULL)
        (void)OSSL_PROVIDER_unload(r.legacy);
    if (r.deflt != NULL)
        (void)OSSL_PROVIDER_unload(r.deflt);
    return rc;
}
