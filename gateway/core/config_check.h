/* config_check.h - the checks of --check-config beyond "every file loads" (conf_load):
 * that the files fit together and will work now, as `nginx -t` does for nginx. Each finding
 * is reported (check_report.h); nothing is changed. */
#ifndef GW_CONFIG_CHECK_H
#define GW_CONFIG_CHECK_H

#include <stddef.h>
#include <time.h>

#include "check_report.h"
#include "conf.h"

#define CHECK_CERT_WARN_DAYS 14 /* a certificate closer to its end than this is a warning */

/* The server certificate: key matches, inside its dates (warning under
 * CHECK_CERT_WARN_DAYS), usable for TLS servers; client_ca: every certificate a CA; the
 * CRL: current (not expired, not yet valid); the MQTT identity: key matches, dates, issued
 * by [mqtt] ca (a warning otherwise: a broker may trust another CA), usable for TLS clients; [mqtt]
 * ca a CA. */
void config_check_pki(const struct conf *c, time_t now, struct check_report *r);

/* The listen addresses and ports ([server], [metrics]) can be bound now: the OS's reason
 * otherwise (Address already in use, Permission denied, ...); a port held by a running
 * latchkey-gateway is only a warning (checking before a reload or restart). */
void config_check_bind(const struct conf *c, struct check_report *r);

/* Binds listen:port once and lets go: 0 if that works, else the errno (-1: listen is not an
 * address of this host). Also at start, so that a busy port is said in one line. */
int config_try_bind(const char *listen, int port);

/* 1 if the socket listening on TCP port belongs to a running latchkey-gateway (so a busy
 * port at --check-config is the service itself, not a conflict). */
int config_port_held_by_gateway(int port);

/* e (from config_try_bind) as one line for people into out; 0 (out untouched) if e is 0. */
int config_bind_error(const char *listen, int port, int e, char *out, size_t cap);

/* Every file the service reads (and the database's directory, which it writes) is
 * readable by the user it runs as: run as root with [server] user set, each is opened as
 * that user (a child process that drops to it); as root without it, a warning says the
 * check was done as root only. */
void config_check_access(const struct conf *c, struct check_report *r);

#endif
