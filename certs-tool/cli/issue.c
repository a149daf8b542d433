/* issue.c - "issue": checks the request (profile, name, SANs, duplicates in the inventory),
 * opens the CA with its passphrase, signs a new P-256 leaf, and writes key, certificate,
 * its copy by serial and the inventory in one all-or-nothing step (pki/leaf_job.c). */
#include "verbs.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <lkhost/iso_time.h>

#include <openssl/crypto.h>

#include "args.h"
#include "ca.h"
#include "certgen.h"
#include "diag.h"
#include "inventory.h"
#include "leaf.h"
#include "leaf_job.h"
#include "password.h"
#include "profiles.h"
#include "secrets.h"

/* --until WHEN: a client certificate that ends with a guest's visit, plus the margin. */
static int guest_end(const struct lk_cli *cli, struct lk_leaf_req *req)
{
    time_t end;
    if (req->profile->id != LK_PROFILE_CLIENT || (cli->seen & LK_OPT_DAYS) != 0) {
        lk_err("--until is for client certificates, instead of --days");
        return -1;
    }
    if (lkh_iso_parse(cli->until, LKH_ISO_DATE_OR_TIME, &end) != 0 || end <= time(NULL)) {
        lk_err("--until '%s' must be a future UTC time like 2026-12-27T11:00Z", cli->until);
        return -1;
    }
    req->not_after = end + LK_GUEST_MARGIN_S;
    return 0;
}

/* Works out profile, CN and validity from the arguments; all user errors end here. */
static int parse_request(const struct lk_cli *cli, struct lk_leaf_req *req)
{
    const char *usage = lk_cli_usage("issue");
    const char *name = cli->npos > 2 ? cli->pos[2] : NULL;
    int want_name;

    memset(req, 0, sizeof *req);
    if (cli->npos < 2) {
        lk_err("issue needs a profile (server, client, device, gateway or automation); usage: %s",
               usage);
        return -1;
    }
    if ((req->profile = lk_profile_arg(cli->pos[1])) == NULL)
        return -1;
    want_name = req->profile->id != LK_PROFILE_GATEWAY;
    if (cli->npos != (want_name ? 3 : 2)) {
        if (want_name && name == NULL)
            lk_err("issue %s needs a name; usage: %s", req->profile->name, usage);
        else
            lk_err("unexpected argument '%s' for issue %s", cli->pos[cli->npos - 1], req->profile->name);
        return -1;
    }
    if (!want_name)
        name = "gateway";
    if (cli->until != NULL && guest_end(cli, req) != 0)
        return -1;
    if (lk_leaf_req_options(req, cli->days, cli->dns, cli->ndns, cli->ip, cli->nip) != 0 || lk_profile_check_cn(req->profile, name) != 0)
        return -1;
    snprintf(req->cn, sizeof req->cn, "%s", name);
    return lk_leaf_req_stem(req);
}

int certs_verb_issue(const struct lk_cli *cli)
{
    struct lk_leaf_req req;
    struct lk_leaf_job job;
    struct lk_inv_entry entry;
    char pass[LK_SECRET_MAX];
    const char *dir;
    X509 *leaf = NULL;
    EVP_PKEY *leaf_key = NULL;
    int rc = -1;

    lk_leaf_job_init(&job);
    pass[0] = '\0';
    if (parse_request(cli, &req) != 0 || (dir = lk_cli_dir(cli)) == NULL ||
        lk_cli_ca_passphrase(cli, pass, sizeof pass) != 0)
        goto out;
    if (lk_leaf_job_open(&job, dir, &req, 1) != 0 || lk_ca_load(&job.pki, pass, &job.ca, &job.ca_key) != 0)
        goto out;
    OPENSSL_cleanse(pass, sizeof pass);

    if ((leaf_key = lk_keygen_p256()) == NULL || (leaf = lk_leaf_build(&req, leaf_key, job.ca, job.ca_key)) == NULL ||
        lk_leaf_job_commit(&job, &req, leaf, leaf_key, LK_KEY_GENERATED, NULL, &entry) != 0)
        goto out;
    printf("issued %s certificate CN=%s (serial %s, valid until %s)\n", req.profile->name, req.cn,
           entry.serial, entry.not_after);
    printf("  %s\n  %s\n", job.crt_path, job.key_path);
    rc = 0;
out:
    OPENSSL_cleanse(pass, sizeof pass);
    X509_free(leaf);
    EVP_PKEY_free(leaf_key);
    lk_leaf_job_free(&job);
    return rc;
}
