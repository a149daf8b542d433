/* plugin.c - latchkey_revoke, a Mosquitto 2.0 plugin that ends the live sessions of revoked
 * certificates (docs/security.md, "Broker"). Mosquitto checks its crlfile only in a TLS
 * handshake: a session opened before a revocation keeps its rights. This plugin notes the
 * certificate serial of each session at its first access check, re-reads the CRL on every
 * reload (SIGHUP, as the CRL job sends after writing it), and disconnects every session whose
 * serial is now revoked at the next loop tick; until then, and for any session it meets
 * later, every publish, subscribe and delivery of a revoked certificate is refused. It
 * decides nothing else: for a good certificate it defers to the ACL file.
 * Options: plugin_opt_crlfile (the CRL, PEM), plugin_opt_cafile (the CA that signs it). */
#include <stdio.h>
#include <string.h>

#include <mosquitto.h>
#include <mosquitto_broker.h>
/* The only symbols the plugin exports (the build hides every other one). */
#pragma GCC visibility push(default)
#include <mosquitto_plugin.h>
#pragma GCC visibility pop
#include <openssl/x509.h>

#include "revoked.h"
#include "sessions.h"

#define PATH_CAP 4096

static mosquitto_plugin_id_t *plugin_id;
static struct sessions sessions;
static struct revoked crl = {NULL, -1};
static char crl_path[PATH_CAP], ca_path[PATH_CAP];

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
    char err[PATH_CAP + 128];
    int n;
    (void)event;
    (void)event_data;
    (void)userdata;
    if (revoked_load(&crl, crl_path, ca_path, err, sizeof err) != 0) {
        mosquitto_log_printf(MOSQ_LOG_WARNING, "latchkey_revoke: %s; keeping CRL number %ld", err, crl.number);
        return MOSQ_ERR_SUCCESS;
    }
    n = sessions_sweep(&sessions, revoked_has, &crl);
    mosquitto_log_printf(MOSQ_LOG_NOTICE, "latchkey_revoke: CRL number %ld loaded; %d live session%s revoked", crl.number,
                         n, n == 1 ? "" : "s");
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
    char err[PATH_CAP + 128];
    int i;
    (void)userdata;
    crl_path[0] = ca_path[0] = '\0';
    for (i = 0; i < opt_count; i++) {
        if (strcmp(opts[i].key, "crlfile") == 0 && copy_opt(crl_path, opts[i].value) != 0)
            return MOSQ_ERR_INVAL;
        if (strcmp(opts[i].key, "cafile") == 0 && copy_opt(ca_path, opts[i].value) != 0)
            return MOSQ_ERR_INVAL;
    }
    if (crl_path[0] == '\0' || ca_path[0] == '\0') {
        mosquitto_log_printf(MOSQ_LOG_ERR, "latchkey_revoke: plugin_opt_crlfile and plugin_opt_cafile are required");
        return MOSQ_ERR_INVAL;
    }
    sessions_init(&sessions);
    if (revoked_load(&crl, crl_path, ca_path, err, sizeof err) != 0) {
        mosquitto_log_printf(MOSQ_LOG_ERR, "latchkey_revoke: %s", err);
        return MOSQ_ERR_INVAL;
    }
    plugin_id = identifier;
    if (mosquitto_callback_register(plugin_id, MOSQ_EVT_ACL_CHECK, on_acl_check, NULL, NULL) != MOSQ_ERR_SUCCESS ||
        mosquitto_callback_register(plugin_id, MOSQ_EVT_RELOAD, on_reload, NULL, NULL) != MOSQ_ERR_SUCCESS ||
        mosquitto_callback_register(plugin_id, MOSQ_EVT_TICK, on_tick, NULL, NULL) != MOSQ_ERR_SUCCESS ||
        mosquitto_callback_register(plugin_id, MOSQ_EVT_DISCONNECT, on_disconnect, NULL, NULL) != MOSQ_ERR_SUCCESS)
        return MOSQ_ERR_UNKNOWN;
    mosquitto_log_printf(MOSQ_LOG_NOTICE, "latchkey_revoke: CRL number %ld of %s", crl.number, crl_path);
    return MOSQ_ERR_SUCCESS;
}

int mosquitto_plugin_cleanup(void *userdata, struct mosquitto_opt *opts, int opt_count)
{
    (void)userdata;
    (void)opts;
    (void)opt_count;
    if (plugin_id != NULL) {
        mosquitto_callback_unregister(plugin_id, MOSQ_EVT_ACL_CHECK, on_acl_check, NULL);
        mosquitto_callback_unregister(plugin_id, MOSQ_EVT_RELOAD, on_reload, NULL);
        mosquitto_callback_unregister(plugin_id, MOSQ_EVT_TICK, on_tick, NULL);
        mosquitto_callback_unregister(plugin_id, MOSQ_EVT_DISCONNECT, on_disconnect, NULL);
    }
    revoked_free(&crl);
    return MOSQ_ERR_SUCCESS;
}
