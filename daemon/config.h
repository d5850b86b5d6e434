/*
 * config.c -- steadyd's settings: built-in defaults, then the config file
 * (`key = value` lines, # comments; see systemd/steadyd.conf.example), then
 * environment (STEADY_LISTEN, STEADY_DB), then command-line flags.
 */
#ifndef STEADY_CONFIG_H
#define STEADY_CONFIG_H

#include <stddef.h>

#include "errlist.h"

struct config {
	char *listen;              /* host:port, default 127.0.0.1:8080 */
	char *db;                  /* libpq conninfo, default "dbname=steady" */
	char *web_root;            /* static files, default PKGDATADIR/web */
	char *log_level;           /* debug|info|warn|error */
	size_t max_upload_bytes;   /* default 32 MiB */
	size_t max_upload_rows;    /* default 200000 */
	size_t ws_max_message;     /* default 64 KiB */
	size_t ws_max_queue;       /* default 4 MiB */
	size_t ws_max_clients;     /* default 1000 */
	int ws_heartbeat_seconds;  /* default 5 */
	int ws_ping_seconds;       /* default 30 */
	int migrate_on_start;      /* default 1 */
	char *drop_dir;            /* drop folder watched by steadyd (dropdir.c); NULL/empty = off */
	int drop_poll_seconds;     /* default 5 */
	int alert_give_up_seconds; /* stop retrying a notification after this; default 86400 */
	int alert_backoff_max_seconds; /* longest wait between delivery attempts; default 300 */
	char *alert_ca_file;       /* extra CA certificates (PEM) trusted for https receivers */
	char *sendmail;            /* email receivers: absolute path; NULL = /usr/sbin/sendmail */
	char *mail_from;           /* email sender address; NULL = steady@<host name> */
	char *dashboard_url;       /* http(s) URL shown in email notifications; NULL = none */
	/* access control (api_auth.c); reloaded on SIGHUP */
	int session_idle_seconds;  /* a session unused this long expires; default 43200 (12 h) */
	int session_max_seconds;   /* a session this old expires, used or not; default 604800 (7 days) */
	char *metrics_access;      /* loopback (default) | public | admin */
	char *trusted_proxies;     /* addresses (space or comma separated) whose proxy headers count */
	char *proxy_user_header;   /* e.g. X-Remote-User; NULL/empty = proxy authentication off */
};

void config_defaults(struct config *c);
/* Applies `key = value` text.  Problems go to errs (row = line number). 0 or -1 (ENOMEM). */
int config_parse(struct config *c, const char *text, struct errlist *errs);
/* Reads and applies a file; -1 when it cannot be read or has problems (logged). */
int config_load_file(struct config *c, const char *path);
/* Sets one key (used for flags too); returns 0, 1 unknown key/bad value (*why set), -1 ENOMEM. */
int config_set(struct config *c, const char *key, const char *value, const char **why);
void config_free(struct config *c);

#endif
