/* plugin.c - latchkey_revoke, the Mosquitto 2.0 plugin of a Latchkey broker (docs/security.md,
 * "Broker"). Two jobs, each turned on by its options:
 * Identity (plugin_opt_aclfile, the broker's acl_file): at CONNECT, only a certificate whose
 * CN has a block in the ACL file, asking for its own client id, gets a session, named by
 * that CN as user (identity.h). The broker config must leave use_identity_as_username off:
 * with it, Mosquitto never asks the plugin.
 * Revocation (plugin_opt_crlfile, the CRL in PEM, and plugin_opt_cafile, the CA that signs
 * it; plugin_opt_crlnumberfile, where the number of the newest CRL accepted is kept across
 * restarts): refuses an older CRL than one accepted before (at start: Mosquitto does not
 * start, as its own crlfile would be the older one), refuses revoked certificates at
 * CONNECT, and ends the live sessions of revoked certificates. Mosquitto checks its crlfile only in a TLS
 * handshake: a session opened before a revocation keeps its rights. This plugin notes the
 * certificate serial of each session at its first access check, re-reads the CRL on every
 * reload (SIGHUP, as the CRL job sends after writing it), and disconnects every session whose
 * serial is now revoked at the next loop tick; until then, and for any session it meets
 * later, every publish, subscribe and delivery of a revoked certificate is refused. It
 * decides nothing else: for a good certificate it defers to the ACL file. */
#include <stdio.h>
#include <string.h>

#include <mosquitto.h>
#include <mosquitto_broker.h>
/* The only symbols the plugin exports (the build hides every other one). */
#pragma GCC visibility push(default)
#include <mosquitto_plugin.h>
#pragma GCC visibility pop
#include <openssl/x509.h>

#include "acl_users.h"
#include "identity.h"
#include "revoked.h"
#include "sessions.h"

#define PATH_CAP 4096

static mosquitto_plugin_id_t *plugin_id;
static struct sessions sessions;
static struct revoked crl;
static struct acl_users acl_users;
static char crl_path[PATH_CAP], ca_path[PATH_CAP], acl_path[PATH_CAP], floor_path[PATH_CAP];

/* The client's certificate serial into out; 0 on success. */
static int client_serial(struct mosquitto *client, unsigned char out[SESSION_SERIAL_MAX], size_t *len)
{
    X509 *cert = mosquitto_client_certificate(client);
    const ASN1_INTEGER *s = cert != NULL ? X509_get0_serialNumber(cert) : NULL;
    int n = s != NULL ? ASN1_STRING_length(s) : 0;
    int rc = -1;
    if (n > 0 && n <= SESSION_SERIAL_MAX) {
        memcpy(out, ASN1_STRING_get0_data(s), (size_t)n);
        *len = (size_t)n;
        rc = 0;
    }
    X509_free(cert);
    return rc;
}

static int on_basic_auth(int event, void *event_data, void *userdata)
{
    struct mosquitto_evt_basic_auth *ed = event_data;
    X509 *cert = mosquitto_client_certificate(ed->client);
    const char *id = mosquitto_client_id(ed->client);
    char cn[ACL_USER_MAX + 1];
    enum identity_verdict v = identity_check(&acl_users, cert, id, cn);
    unsigned char serial[SESSION_SERIAL_MAX];
    size_t len;
    (void)event;
    (void)userdata;
    X509_free(cert);
    if (v != IDENTITY_OK) {
        mosquitto_log_printf(MOSQ_LOG_NOTICE,
                             "latchkey_revoke: refused %s (CN '%s', client id '%s'): %s",
                             mosquitto_client_address(ed->client), cn, id != NULL ? id : "",
                             identity_verdict_text(v));
        return MOSQ_ERR_AUTH;
    }
    /* Mosquitto's own crlfile may be older than the plugin's CRL (one put back and reloaded). */
    if (crl_path[0] != '\0' && client_serial(ed->client, serial, &len) == 0 &&
        revoked_has(serial, len, &crl) != 0) {
        mosquitto_log_printf(MOSQ_LOG_NOTICE,
                             "latchkey_revoke: refused %s (CN '%s'): its certificate is revoked",
                             mosquitto_client_address(ed->client), cn);
        return MOSQ_ERR_AUTH;
    }
    return mosquitto_set_username(ed->client, cn) == MOSQ_ERR_SUCCESS ? MOSQ_ERR_SUCCESS
                                                                      : MOSQ_ERR_AUTH;
}

static int on_acl_check(int event, void *event_data, void *userdata)
{
    struct mosquitto_evt_acl_check *ed = event_data;
    const char *id = mosquitto_client_id(ed->client);
    unsigned char serial[SESSION_SERIAL_MAX];
    size_t len;
    (void)event;
    (void)userdata;
    if (id == NULL)
        return MOSQ_ERR_ACL_DENIED;
    if (client_serial(ed->client, serial, &len) != 0) {
        /* No TLS session any more: the will of a session that just ended (its serial was
         * noted), or a listener without certificates, where the ACL file alone decides. */
        len = sessions_serial(&sessions, id, serial);
        return len > 0 && revoked_has(serial, len, &crl) != 0 ? MOSQ_ERR_ACL_DENIED : MOSQ_ERR_PLUGIN_DEFER;
    }
    if (revoked_has(serial, len, &crl) != 0) {
        if (sessions_mark(&sessions, id, serial, len) != 0)
            mosquitto_log_printf(MOSQ_LOG_WARNING, "latchkey_revoke: session table full, cannot disconnect %s", id);
        return MOSQ_ERR_ACL_DENIED;
    }
    if (sessions_note(&sessions, id, serial, len) != 0) {
        mosquitto_log_printf(MOSQ_LOG_WARNING, "latchkey_revoke: session table full (%d): access of %s refused",
                             SESSIONS_MAX, id);
        return MOSQ_ERR_ACL_DENIED;
    }
    return MOSQ_ERR_PLUGIN_DEFER;
}

static int on_reload(int event, void *event_data, void *userdata)
{
    char err[2 * PATH_CAP + 256], num[128];
    int n, rc;
    (void)event;
    (void)event_data;
    (void)userdata;
    if (acl_path[0] != '\0' && acl_users_load(&acl_users, acl_path, err, sizeof err) != 0)
        mosquitto_log_printf(MOSQ_LOG_WARNING,
                             "latchkey_revoke: %s; keeping the %d identities read before", err,
                             acl_users.n);
    if (crl_path[0] == '\0')
        return MOSQ_ERR_SUCCESS;
    rc = revoked_load(&crl, crl_path, ca_path, err, sizeof err);
    revoked_number(&crl, num, sizeof num);
    if (rc < 0) {
        mosquitto_log_printf(MOSQ_LOG_WARNING, "latchkey_revoke: %s; keeping CRL number %s", err,
                             num);
        return MOSQ_ERR_SUCCESS;
    }
    if (rc > 0)
        mosquitto_log_printf(MOSQ_LOG_WARNING,
                             "latchkey_revoke: WARNING: cannot remember CRL number %s (%s): "
                             "after a restart an older CRL would not be recognised",
                             num, err);
    n = sessions_sweep(&sessions, revoked_has, &crl);
    mosquitto_log_printf(MOSQ_LOG_NOTICE,
                         "latchkey_revoke: CRL number %s loaded; %d live session%s revoked", num, n,
                         n == 1 ? "" : "s");
    return MOSQ_ERR_SUCCESS;
}

/* Disconnections happen here, outside the reload and the access checks that decide them. */
static int on_tick(int event, void *event_data, void *userdata)
{
    char id[SESSION_ID_MAX + 1];
    int i;
    (void)event;
    (void)event_data;
    (void)userdata;
    sessions_purge(&sessions);
    for (i = 0; i < SESSIONS_MAX && sessions_next_kick(&sessions, id); i++) {
        mosquitto_log_printf(MOSQ_LOG_NOTICE, "latchkey_revoke: disconnecting %s: its certificate is revoked", id);
        mosquitto_kick_client_by_clientid(id, false);
    }
    return MOSQ_ERR_SUCCESS;
}

static int on_disconnect(int event, void *event_data, void *userdata)
{
    struct mosquitto_evt_disconnect *ed = event_data;
    const char *id = mosquitto_client_id(ed->client);
    unsigned char serial[SESSION_SERIAL_MAX];
    size_t len;
    (void)event;
    (void)userdata;
    if (id != NULL && client_serial(ed->client, serial, &len) == 0)
        sessions_forget(&sessions, id, serial, len);
    return MOSQ_ERR_SUCCESS;
}

int mosquitto_plugin_version(int supported_version_count, const int *supported_versions)
{
    int i;
    for (i = 0; i < supported_version_count; i++)
        if (supported_versions[i] == 5)
            return 5;
    return -1;
}

static int copy_opt(char *dst, const char *src)
{
    size_t n = strlen(src);
    if (n == 0 || n >= PATH_CAP)
        return -1;
    memcpy(dst, src, n + 1);
    return 0;
}

int mosquitto_plugin_init(mosquitto_plugin_id_t *identifier, void **userdata, struct mosquitto_opt *opts,
                          int opt_count)
{
    char err[2 * PATH_CAP + 256], num[128];
    int i, rc = 0;
    (void)userdata;
    crl_path[0] = ca_path[0] = acl_path[0] = floor_path[0] = '\0';
    for (i = 0; i < opt_count; i++) {
        if (strcmp(opts[i].key, "crlnumberfile") == 0 && copy_opt(floor_path, opts[i].value) != 0)
            return MOSQ_ERR_INVAL;
        if (strcmp(opts[i].key, "aclfile") == 0 && copy_opt(acl_path, opts[i].value) != 0)
            return MOSQ_ERR_INVAL;
        if (strcmp(opts[i].key, "crlfile") == 0 && copy_opt(crl_path, opts[i].value) != 0)
            return MOSQ_ERR_INVAL;
        if (strcmp(opts[i].key, "cafile") == 0 && copy_opt(ca_path, opts[i].value) != 0)
            return MOSQ_ERR_INVAL;
    }
    if ((crl_path[0] == '\0') != (ca_path[0] == '\0') ||
        (crl_path[0] == '\0' && acl_path[0] == '\0')) {
        mosquitto_log_printf(MOSQ_LOG_ERR,
                             "latchkey_revoke: needs plugin_opt_aclfile, or plugin_opt_crlfile and "
                             "plugin_opt_cafile, or all three");
        return MOSQ_ERR_INVAL;
    }
    sessions_init(&sessions);
    if (revoked_open(&crl, floor_path, err, sizeof err) != 0 ||
        (acl_path[0] != '\0' && acl_users_load(&acl_users, acl_path, err, sizeof err) != 0) ||
        (crl_path[0] != '\0' &&
         (rc = revoked_load(&crl, crl_path, ca_path, err, sizeof err)) < 0)) {
        mosquitto_log_printf(MOSQ_LOG_ERR, "latchkey_revoke: %s", err);
        return MOSQ_ERR_INVAL;
    }
    revoked_number(&crl, num, sizeof num);
    if (rc > 0)
        mosquitto_log_printf(MOSQ_LOG_WARNING,
                             "latchkey_revoke: WARNING: cannot remember CRL number %s (%s): "
                             "after a restart an older CRL would not be recognised",
                             num, err);
    plugin_id = identifier;
    if (mosquitto_callback_register(plugin_id, MOSQ_EVT_RELOAD, on_reload, NULL, NULL) !=
            MOSQ_ERR_SUCCESS ||
        (acl_path[0] != '\0' &&
         mosquitto_callback_register(plugin_id, MOSQ_EVT_BASIC_AUTH, on_basic_auth, NULL, NULL) !=
             MOSQ_ERR_SUCCESS))
        return MOSQ_ERR_UNKNOWN;
    if (acl_path[0] != '\0')
        mosquitto_log_printf(MOSQ_LOG_NOTICE, "latchkey_revoke: %d identities of %s may connect",
                             acl_users.n, acl_path);
    if (crl_path[0] == '\0')
        return MOSQ_ERR_SUCCESS;
    if (mosquitto_callback_register(plugin_id, MOSQ_EVT_ACL_CHECK, on_acl_check, NULL, NULL) !=
            MOSQ_ERR_SUCCESS ||
        mosquitto_callback_register(plugin_id, MOSQ_EVT_TICK, on_tick, NULL, NULL) !=
            MOSQ_ERR_SUCCESS ||
        mosquitto_callback_register(plugin_id, MOSQ_EVT_DISCONNECT, on_disconnect, NULL, NULL) !=
            MOSQ_ERR_SUCCESS)
        return MOSQ_ERR_UNKNOWN;
    mosquitto_log_printf(MOSQ_LOG_NOTICE, "latchkey_revoke: CRL number %s of %s", num, crl_path);
    return MOSQ_ERR_SUCCESS;
}

/* Unregistering a callback that was never registered is a harmless MOSQ_ERR_NOT_FOUND. */
int mosquitto_plugin_cleanup(void *userdata, struct mosquitto_opt *opts, int opt_count)
{
    (void)userdata;
    (void)opts;
    (void)opt_count;
    if (plugin_id != NULL) {
        (void)mosquitto_callback_unregister(plugin_id, MOSQ_EVT_RELOAD, on_reload, NULL);
        (void)mosquitto_callback_unregister(plugin_id, MOSQ_EVT_BASIC_AUTH, on_basic_auth, NULL);
        (void)mosquitto_callback_unregister(plugin_id, MOSQ_EVT_ACL_CHECK, on_acl_check, NULL);
        (void)mosquitto_callback_unregister(plugin_id, MOSQ_EVT_TICK, on_tick, NULL);
        (void)mosquitto_callback_unregister(plugin_id, MOSQ_EVT_DISCONNECT, on_disconnect, NULL);
    }
    revoked_free(&crl);
    return MOSQ_ERR_SUCCESS;
}
