/*
 * steadyd -- the Steady daemon's top-level wiring: settings, schema check,
 * the event loop, and the flow
 *   PostgreSQL NOTIFY steady_changed -> re-read the figures -> push to every
 *   WebSocket client.
 * All process state lives in `struct app` here; modules get what they need.
 */
#include <event2/event.h>
#include <getopt.h>
#include <libpq-fe.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "api_auth.h"
#include "api_ops.h"
#include "alerts.h"
#include "api_alerts.h"
#include "config.h"
#include "db.h"
#include "dropdir.h"
#include "figures.h"
#include "http.h"
#include "log.h"
#include "migrate.h"
#include "webhook.h"
#include "sdnotify.h"
#include "ws.h"

#ifndef STEADY_PKGDATADIR
#define STEADY_PKGDATADIR "/usr/local/share/steady"
#endif

#define CHANGE_CHANNEL "steady_changed"

struct app {
	struct config cfg;
	struct event_base *base;
	struct db *db;
	struct figures *fig;
	struct alerts *alerts;    /* rules evaluated after every refresh */
	struct webhook *webhook;  /* alert outbox delivery */
	struct http_server *http;
	struct ws_server *ws;
	struct api api;
	struct dropdir *drop;      /* the drop folder, when drop_dir is set */
	struct auth_api *auth;
	struct ops *ops;           /* /metrics, /readyz */
	struct event *sigterm_ev, *sigint_ev, *sighup_ev;
	struct sdnotify_watchdog *watchdog;
	const char *config_path;   /* re-read on SIGHUP */
	int refreshing;        /* a figures query is in flight */
	int refresh_again;     /* a change arrived meanwhile */
	struct timespec change_at;
};

static void refresh(struct app *app);

/* json: the figures with the active alerts ("alerts"), or without them when
 * the alert evaluation could not run. */
static void published(void *arg, char *json, int changed)
{
	struct app *app = arg;
	app->refreshing = 0;
	if (changed)
		webhook_kick(app->webhook);
	if (json) {
		if (ws_server_publish(app->ws, json) < 0)
			log_error("live: out of memory publishing the figures");
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		double ms = (double)(now.tv_sec - app->change_at.tv_sec) * 1e3 +
			    (double)(now.tv_nsec - app->change_at.tv_nsec) / 1e6;
		log_debug("live: figures pushed to %zu clients, %.1f ms after the change",
			  ws_server_client_count(app->ws), ms);
		ops_observe_push(app->ops, ms / 1e3);
		free(json);
	}
	if (app->refresh_again) {
		app->refresh_again = 0;
		refresh(app);
	}
}

static void refreshed(void *arg, char *json, int status)
{
	struct app *app = arg;
	(void)status;
	/* evaluate the alert rules on these figures, then publish both */
	if (json && alerts_evaluate(app->alerts, json, published, app) == 0)
		return;
	published(app, json, 0);
}

static void refresh(struct app *app)
{
	if (app->refreshing) {
		app->refresh_again = 1;
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &app->change_at);
	if (figures_summary(app->fig, FIGURES_DEFAULT, FIGURES_DEFAULT, refreshed, app) == 0)
		app->refreshing = 1;
}

static void on_db_ready(void *arg)
{
	/* first connect or reconnect: notifications may have been missed, re-read */
	refresh(arg);
}

static void on_db_lost(void *arg)
{
	(void)arg;
	log_warn("live: database connection lost; dashboards keep the last figures until it is back");
}

static void on_db_notify(void *arg, const char *channel, const char *payload)
{
	log_debug("live: NOTIFY %s %s", channel, payload);
	refresh(arg);
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct app *app = arg;
	(void)what;
	log_info("steadyd: %s received, shutting down", sig == SIGTERM ? "SIGTERM" : "SIGINT");
	sdnotify_send("STOPPING=1");
	event_base_loopexit(app->base, NULL);
}

static int differs(const char *a, const char *b)
{
	return a && b && strcmp(a, b);
}

/* SIGHUP: re-read the config file and apply what can change without a
 * restart (log level, access-control settings).  The listening socket, the
 * database connection and every WebSocket client stay as they are. */
static void on_reload(evutil_socket_t sig, short what, void *arg)
{
	struct app *app = arg;
	struct config fresh;
	char mono[64];
	struct timespec now;
	(void)sig;
	(void)what;
	clock_gettime(CLOCK_MONOTONIC, &now);
	snprintf(mono, sizeof mono, "RELOADING=1\nMONOTONIC_USEC=%llu",
		 (unsigned long long)now.tv_sec * 1000000ull + (unsigned long long)now.tv_nsec / 1000u);
	sdnotify_send(mono);
	config_defaults(&fresh);
	if (!app->config_path) {
		log_info("steadyd: SIGHUP: no config file to re-read");
	} else if (config_load_file(&fresh, app->config_path) < 0) {
		log_error("steadyd: SIGHUP: %s has problems; keeping the current settings", app->config_path);
	} else {
		enum log_level lvl;
		if (fresh.log_level && log_level_parse(fresh.log_level, &lvl) == 0)
			log_set_level(lvl);
		if (auth_api_configure(app->auth, &fresh) < 0)
			log_error("steadyd: SIGHUP: access-control settings not applied");
		if (differs(fresh.listen, app->cfg.listen) || differs(fresh.db, app->cfg.db) ||
		    differs(fresh.web_root, app->cfg.web_root))
			log_warn("steadyd: SIGHUP: listen, db and web_root change only with a restart");
		log_info("steadyd: reloaded %s (%zu WebSocket clients kept)", app->config_path,
			 ws_server_client_count(app->ws));
	}
	config_free(&fresh);
	sdnotify_send("READY=1");
}

static int migrate_at_start(const char *conninfo)
{
	PGconn *conn = PQconnectdb(conninfo);
	if (PQstatus(conn) != CONNECTION_OK) {
		log_error("steadyd: cannot connect to the database to check the schema: %s",
			  PQerrorMessage(conn));
		PQfinish(conn);
		return -1;
	}
	PQclear(PQexec(conn, "SET client_min_messages = warning"));
	int n = migrate_apply(conn);
	PQfinish(conn);
	return n < 0 ? -1 : 0;
}

static void usage(FILE *f)
{
	fputs("usage: steadyd [--config FILE] [--listen HOST:PORT] [--db CONNINFO]\n"
	      "               [--web-root DIR] [--log-level LEVEL] [--no-migrate]\n", f);
}

static int parse_args(struct app *app, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "listen", required_argument, NULL, 'l' },
		{ "db", required_argument, NULL, 'd' },
		{ "web-root", required_argument, NULL, 'w' },
		{ "log-level", required_argument, NULL, 'v' },
		{ "no-migrate", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct config *c = &app->cfg;
	const char *config_path = NULL;
	int ch;

	/* the config file first, whatever its place on the command line */
	while ((ch = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		if (ch == 'c')
			config_path = optarg;
		else if (ch == 'h') {
			usage(stdout);
			exit(0);
		} else if (ch == '?') {
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "steadyd: unexpected argument \"%s\"\n", argv[optind]);
		return -1;
	}
	if (config_path && config_load_file(c, config_path) < 0)
		return -1;
	app->config_path = config_path;
	const char *why;
	const char *env_listen = getenv("STEADY_LISTEN"), *env_db = getenv("STEADY_DB");
	/* an empty variable counts as unset */
	if (env_listen && *env_listen && config_set(c, "listen", env_listen, &why) != 0)
		return -1;
	if (env_db && *env_db && config_set(c, "db", env_db, &why) != 0)
		return -1;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		const char *key = NULL;
		switch (ch) {
		case 'l': key = "listen"; break;
		case 'd': key = "db"; break;
		case 'w': key = "web_root"; break;
		case 'v': key = "log_level"; break;
		case 'n': c->migrate_on_start = 0; break;
		default: break;
		}
		if (!key)
			continue;
		int r = config_set(c, key, optarg, &why);
		if (r < 0)
			return -1;
		if (r > 0) {
			fprintf(stderr, "steadyd: --%s: %s\n", key, why);
			return -1;
		}
	}
	if ((!c->listen && config_set(c, "listen", "127.0.0.1:8080", &why)) ||
	    (!c->db && config_set(c, "db", "dbname=steady", &why)) ||
	    (!c->web_root && config_set(c, "web_root", STEADY_PKGDATADIR "/web", &why)))
		return -1;
	if (c->log_level) {
		enum log_level lvl;
		if (log_level_parse(c->log_level, &lvl) == 0)
			log_set_level(lvl);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct app app;
	int rc = 1;
	memset(&app, 0, sizeof app);
	config_defaults(&app.cfg);
	if (parse_args(&app, argc, argv) < 0)
		goto out;
	signal(SIGPIPE, SIG_IGN);

	if (app.cfg.migrate_on_start && migrate_at_start(app.cfg.db) < 0) {
		log_error("steadyd: the schema could not be brought up to date; not starting");
		goto out;
	}

	app.base = event_base_new();
	if (!app.base) {
		log_error("steadyd: cannot create the event loop");
		goto out;
	}
	struct ws_limits lim = {
		.max_message = app.cfg.ws_max_message,
		.max_queue = app.cfg.ws_max_queue,
		.max_clients = app.cfg.ws_max_clients,
		.heartbeat_seconds = app.cfg.ws_heartbeat_seconds,
		.ping_seconds = app.cfg.ws_ping_seconds,
	};
	app.ws = ws_server_new(app.base, &lim);
	if (!app.ws)
		goto out;
	struct db_callbacks cbs = { on_db_ready, on_db_lost, on_db_notify };
	app.db = db_new(app.base, app.cfg.db, CHANGE_CHANNEL, &cbs, &app);
	if (!app.db)
		goto out;
	app.fig = figures_new(app.db);
	if (!app.fig) {
		log_error("steadyd: out of memory");
		goto out;
	}
	app.alerts = alerts_new(app.db);
	struct webhook_config wcfg;
	webhook_config_defaults(&wcfg);
	wcfg.give_up_seconds = app.cfg.alert_give_up_seconds;
	wcfg.backoff_max = app.cfg.alert_backoff_max_seconds;
	wcfg.ca_file = app.cfg.alert_ca_file;
	if (app.cfg.sendmail)
		wcfg.sendmail = app.cfg.sendmail;
	wcfg.mail_from = app.cfg.mail_from;
	wcfg.dashboard_url = app.cfg.dashboard_url;
	app.webhook = webhook_new(app.base, app.db, &wcfg);
	if (!app.alerts || !app.webhook) {
		log_error("steadyd: cannot start alerting");
		goto out;
	}
	app.http = http_server_new(app.base, app.cfg.listen, app.cfg.web_root, app.cfg.max_upload_bytes);
	if (!app.http)
		goto out;
	app.api.db = app.db;
	app.api.fig = app.fig;
	app.api.ws = app.ws;
	app.api.max_upload_rows = app.cfg.max_upload_rows;
	if (api_register(&app.api, app.http) < 0 || api_alerts_register(&app.api, app.http) < 0)
		goto out;
	app.auth = auth_api_new(app.base, app.db, &app.cfg);
	if (!app.auth || auth_api_register(app.auth, app.http) < 0)
		goto out;
	app.ops = ops_new(app.db, app.ws);
	if (!app.ops || ops_register(app.ops, app.http) < 0)
		goto out;

	if (app.cfg.drop_dir && *app.cfg.drop_dir &&
	    !(app.drop = dropdir_new(app.base, app.db, app.cfg.drop_dir, app.cfg.drop_poll_seconds,
				     app.cfg.max_upload_bytes, app.cfg.max_upload_rows)))
		goto out;

	app.sigterm_ev = evsignal_new(app.base, SIGTERM, on_signal, &app);
	app.sigint_ev = evsignal_new(app.base, SIGINT, on_signal, &app);
	app.sighup_ev = evsignal_new(app.base, SIGHUP, on_reload, &app);
	if (!app.sigterm_ev || !app.sigint_ev || !app.sighup_ev || evsignal_add(app.sigterm_ev, NULL) < 0 ||
	    evsignal_add(app.sigint_ev, NULL) < 0 || evsignal_add(app.sighup_ev, NULL) < 0) {
		log_error("steadyd: cannot install signal handlers");
		goto out;
	}

	int wd_failed;
	app.watchdog = sdnotify_watchdog_start(app.base, &wd_failed);
	if (wd_failed)
		goto out;
	log_info("steadyd: listening on http://%s/ (web root %s)", app.cfg.listen, app.cfg.web_root);
	sdnotify_send("READY=1\nSTATUS=serving");
	if (event_base_dispatch(app.base) < 0) {
		log_error("steadyd: the event loop failed");
		goto out;
	}
	rc = 0;
out:
	/* Pending database jobs answer HTTP requests and publish to WebSocket
	 * clients as they are failed: free the database first.  WebSocket
	 * clients hold evhttp connections: free them before evhttp. */
	db_free(app.db);
	dropdir_free(app.drop);   /* after db_free: a job in flight reports to it */
	alerts_free(app.alerts);
	webhook_free(app.webhook);
	figures_free(app.fig);
	if (app.ws)
		ws_server_free(app.ws);
	http_server_free(app.http);
	auth_api_free(app.auth);
	ops_free(app.ops);
	if (app.sigterm_ev)
		event_free(app.sigterm_ev);
	if (app.sigint_ev)
		event_free(app.sigint_ev);
	if (app.sighup_ev)
		event_free(app.sighup_ev);
	sdnotify_watchdog_free(app.watchdog);
	if (app.base)
		event_base_free(app.base);
	config_free(&app.cfg);
	if (rc == 0)
		log_info("steadyd: stopped");
	return rc;
}
