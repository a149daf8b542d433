/* sign.c - "sign": a certificate for a key made elsewhere (openssl req, a phone,
 * ykman piv, XCA). The CSR's self-signature must verify and its key must be P-256,
 * P-384, RSA >= 2048 or Ed25519. Only the subject CN is taken from it, checked like
 * "issue" checks a name; every requested extension is ignored (the profile decides).
 * Certificate, its copy by serial, the inventory line (key_source csr) and an optional
 * --out copy are written in one all-or-nothing step; no private key is stored. */
#include "verbs.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "args.h"
#include "ca.h"
#include "csr_check.h"
#include "diag.h"
#include "inventory.h"
#include "leaf.h"
#include "leaf_job.h"
#include "password.h"
#include "profiles.h"
#include "secrets.h"

/* PEM or DER. */
static X509_REQ *read_csr(const char *path)
{
    BIO *in = BIO_new_file(path, "rb");
    X509_REQ *req = NULL;
    if (in == NULL) {
        lk_err_ssl("cannot open CSR %s", path);
        return NULL;
    }
    req = PEM_read_bio_X509_REQ(in, NULL, NULL, NULL);
    if (req == NULL && BIO_reset(in) == 0) {
        ERR_clear_error();
        req = d2i_X509_REQ_bio(in, NULL);
    }
    BIO_free(in);
    if (req == NULL) {
        ERR_clear_error();
        lk_err("%s is not a certificate signing request (PEM or DER PKCS#10)", path);
    }
    return req;
}

/* The CSR's key after its self-signature verified, of a type Latchkey's peers handle. */
static EVP_PKEY *csr_key(X509_REQ *req, const char *path)
{
    char why[LK_CSR_WHY_MAX];
    EVP_PKEY *key = lk_csr_verified_key(req, why, sizeof why);
    if (key == NULL || lk_csr_key_check(key, 1, why, sizeof why) != 0) {
        lk_err("the CSR %s: %s; refusing it", path, why);
        EVP_PKEY_free(key);
        return NULL;
    }
    return key;
}

static int csr_cn(X509_REQ *req, const char *path, char *out, size_t cap)
{
    char why[LK_CSR_WHY_MAX];
    if (lk_csr_cn(req, out, cap, why, sizeof why) == 0)
        return 0;
    lk_err("the CSR %s: %s", path, why);
    return -1;
}

static int parse_args(const struct lk_cli *cli, struct lk_leaf_req *req, const char **csr_path)
{
    memset(req, 0, sizeof *req);
    if (cli->npos != 3) {
        lk_err("%s; usage: %s", cli->npos < 3 ? "sign needs a profile and a CSR file" : "too many arguments",
               lk_cli_usage("sign"));
        return -1;
    }
    if ((req->profile = lk_profile_arg(cli->pos[1])) == NULL || lk_leaf_req_options(req, cli->days, cli->dns, cli->ndns, cli->ip, cli->nip) != 0)
        return -1;
    if (cli->out != NULL && cli->out[0] == '\0') {
        lk_err("--out needs a file name");
        return -1;
    }
    *csr_path = cli->pos[2];
    return 0;
}

int certs_verb_sign(const struct lk_cli *cli)
{
    struct lk_leaf_req req;
    struct lk_leaf_job job;
    struct lk_inv_entry entry;
    char pass[LK_SECRET_MAX];
    const char *dir, *csr_path = NULL;
    X509_REQ *csr = NULL;
    X509 *leaf = NULL;
    EVP_PKEY *pub = NULL;
    int rc = -1;

    lk_leaf_job_init(&job);
    pass[0] = '\0';
    if (parse_args(cli, &req, &csr_path) != 0)
        return -1;
    /* Everything about the CSR is checked before the passphrase is asked for. */
    if ((csr = read_csr(csr_path)) == NULL || (pub = csr_key(csr, csr_path)) == NULL ||
        csr_cn(csr, csr_path, req.cn, sizeof req.cn) != 0 || lk_profile_check_cn(req.profile, req.cn) != 0 ||
        lk_leaf_req_stem(&req) != 0)
        goto out;
    if ((dir = lk_cli_dir(cli)) == NULL || lk_cli_ca_passphrase(cli, pass, sizeof pass) != 0)
        goto out;
    if (lk_leaf_job_open(&job, dir, &req, 0) != 0 || lk_ca_load(&job.pki, pass, &job.ca, &job.ca_key) != 0)
        goto out;
    OPENSSL_cleanse(pass, sizeof pass);

    if ((leaf = lk_leaf_build(&req, pub, job.ca, job.ca_key)) == NULL ||
        lk_leaf_job_commit(&job, &req, leaf, NULL, LK_KEY_CSR, cli->out, &entry) != 0)
        goto out;
    printf("signed %s certificate CN=%s from %s (serial %s, valid until %s)\n", req.profile->name,
           req.cn, csr_path, entry.serial, entry.not_after);
    printf("  %s\n", job.crt_path);
    if (cli->out != NULL)
        printf("  %s\n", cli->out);
    rc = 0;
out:
    OPENSSL_cleanse(pass, sizeof pass);
    X509_REQ_free(csr);
    X509_free(leaf);
    EVP_PKEY_free(pub);
    lk_leaf_job_free(&job);
    return rc;
}
