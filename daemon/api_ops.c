/*
 * api_ops.c -- /readyz and /metrics (see api_ops.h).
 */
#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_ops.h"
#include "db.h"
#include "http.h"
#include "log.h"
#include "migrate.h"
#include "ws.h"

#ifndef STEADY_VERSION
#define STEADY_VERSION "unknown"
#endif

/* Push latency histogram buckets (seconds). */
static const double buckets[] = { 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10 };
#define NBUCKETS (sizeof buckets / sizeof buckets[0])

struct ops {
	struct db *db;
	struct ws_server *ws;
	unsigned long push_count;
	double push_sum;
	unsigned long push_bucket[NBUCKETS];
	double push_last;
};

struct ops *ops_new(struct db *db, struct ws_server *ws)
{
	struct ops *o = calloc(1, sizeof *o);
	if (!o) {
		log_error("ops: out of memory");
		return NULL;
	}
	o->db = db;
	o->ws = ws;
	return o;
}

void ops_free(struct ops *o)
{
	free(o);
}

void ops_observe_push(struct ops *o, double seconds)
{
	if (!o)
		return;
	o->push_count++;
	o->push_sum += seconds;
	o->push_last = seconds;
	for (size_t i = 0; i < NBUCKETS; i++)
		if (seconds <= buckets[i])
			o->push_bucket[i]++;
}

/* ---- GET /readyz ---- */

static void readyz_done(void *arg, struct pgjob_outcome *out)
{
	struct evhttp_request *req = arg;
	char body[200];
	if (!out->ok) {
		snprintf(body, sizeof body, "{\"status\":\"not ready\",\"database\":\"down\"}");
		http_reply_json_text(req, 503, body);
		return;
	}
	int have = atoi(PQgetvalue(out->result, 0, 0)), want = migrate_latest();
	snprintf(body, sizeof body, "{\"status\":\"%s\",\"database\":\"up\",\"schema\":%d,\"expected_schema\":%d}",
		 have == want ? "ready" : "not ready", have, want);
	http_reply_json_text(req, have == want ? 200 : 503, body);
}

static void handle_readyz(struct evhttp_request *req, void *arg)
{
	struct ops *o = arg;
	if (!db_is_up(o->db)) {
		http_reply_json_text(req, 503, "{\"status\":\"not ready\",\"database\":\"down\"}");
		return;
	}
	if (db_query(o->db, "SELECT CASE WHEN to_regclass('steady_schema_version') IS NULL THEN 0 "
		     "ELSE (SELECT coalesce(max(version), 0) FROM steady_schema_version) END",
		     0, NULL, readyz_done, req) < 0)
		http_reply_error(req, 500, "out of memory");
}

/* ---- GET /metrics ---- */

struct metrics_ctx {
	struct ops *ops;
	struct evhttp_request *req;
};

#define METRICS_SQL \
	"SELECT (SELECT count(*) FROM upload_batch), " \
	"(SELECT count(*) FROM upload_batch WHERE status = 'reverted'), " \
	"CASE WHEN to_regclass('alert_outbox') IS NULL THEN 0 ELSE " \
	"(SELECT count(*) FROM alert_outbox WHERE delivered_at IS NULL AND failed_at IS NULL) END"

static void metrics_done(void *arg, struct pgjob_outcome *out)
{
	struct metrics_ctx *c = arg;
	struct ops *o = c->ops;
	struct evbuffer *b = evbuffer_new();
	if (!b) {
		http_reply_error(c->req, 500, "out of memory");
		free(c);
		return;
	}
	int db_ok = out->ok && PQntuples(out->result) == 1;
	evbuffer_add_printf(b,
		"# HELP steady_up Whether the daemon is serving.\n# TYPE steady_up gauge\nsteady_up 1\n"
		"# HELP steady_build_info Build version.\n# TYPE steady_build_info gauge\n"
		"steady_build_info{version=\"%s\"} 1\n"
		"# HELP steady_websocket_clients Connected WebSocket (wall display) clients.\n"
		"# TYPE steady_websocket_clients gauge\nsteady_websocket_clients %zu\n"
		"# HELP steady_db_up Whether the database connection is up.\n# TYPE steady_db_up gauge\n"
		"steady_db_up %d\n"
		"# HELP steady_db_reconnects_total Database reconnections since start.\n"
		"# TYPE steady_db_reconnects_total counter\nsteady_db_reconnects_total %lu\n",
		STEADY_VERSION, ws_server_client_count(o->ws), db_is_up(o->db), db_reconnects(o->db));
	evbuffer_add_printf(b,
		"# HELP steady_push_latency_seconds From a data change to the figures pushed to clients.\n"
		"# TYPE steady_push_latency_seconds histogram\n");
	for (size_t i = 0; i < NBUCKETS; i++)
		evbuffer_add_printf(b, "steady_push_latency_seconds_bucket{le=\"%g\"} %lu\n", buckets[i],
				    o->push_bucket[i]);
	evbuffer_add_printf(b, "steady_push_latency_seconds_bucket{le=\"+Inf\"} %lu\n"
			    "steady_push_latency_seconds_sum %.6f\nsteady_push_latency_seconds_count %lu\n",
			    o->push_count, o->push_sum, o->push_count);
	if (db_ok) {
		evbuffer_add_printf(b,
			"# HELP steady_uploads Upload batches stored (all instances), by state.\n"
			"# TYPE steady_uploads gauge\nsteady_uploads{state=\"stored\"} %s\n"
			"steady_uploads{state=\"reverted\"} %s\n"
			"# HELP steady_webhook_backlog Alert deliveries waiting to be sent.\n"
			"# TYPE steady_webhook_backlog gauge\nsteady_webhook_backlog %s\n",
			PQgetvalue(out->result, 0, 0), PQgetvalue(out->result, 0, 1), PQgetvalue(out->result, 0, 2));
	}
	struct evkeyvalq *h = evhttp_request_get_output_headers(c->req);
	evhttp_add_header(h, "Content-Type", "text/plain; version=0.0.4; charset=utf-8");
	evhttp_add_header(h, "Cache-Control", "no-store");
	http_security_headers(c->req);
	evhttp_send_reply(c->req, 200, "OK", b);
	evbuffer_free(b);
	free(c);
}

static void handle_metrics(struct evhttp_request *req, void *arg)
{
	struct metrics_ctx *c = calloc(1, sizeof *c);
	if (!c) {
		http_reply_error(req, 500, "out of memory");
		return;
	}
	c->ops = arg;
	c->req = req;
	if (db_query(c->ops->db, METRICS_SQL, 0, NULL, metrics_done, c) < 0) {
		free(c);
		http_reply_error(req, 500, "out of memory");
	}
}

int ops_register(struct ops *o, struct http_server *http)
{
	if (http_route(http, "/readyz", EVHTTP_REQ_GET | EVHTTP_REQ_HEAD, handle_readyz, o) < 0 ||
	    http_route(http, "/metrics", EVHTTP_REQ_GET, handle_metrics, o) < 0)
		return -1;
	return 0;
}
