/*
 * api.c -- REST handlers (see api.h).
 */
#include <cjson/cJSON.h>
#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "db.h"
#include "http.h"
#include "load.h"
#include "log.h"
#include "summary.h"
#include "ws.h"

/* Staff in post at the latest roster date, summed per team (every team listed). */
static const char FIGURES_SQL[] =
	"WITH d AS (SELECT max(as_of) AS as_of FROM upload_batch"
	"            WHERE kind = 'roster' AND status = 'loaded'),"
	" p AS (SELECT p.* FROM d, LATERAL steady_in_post(d.as_of) p WHERE d.as_of IS NOT NULL)"
	" SELECT t.id, t.code, t.name, coalesce(a.name, ''),"
	"        coalesce((SELECT to_char(as_of, 'YYYY-MM-DD') FROM d), ''),"
	"        coalesce(sum(p.fte) FILTER (WHERE p.contract = 'permanent'), 0),"
	"        coalesce(sum(p.fte) FILTER (WHERE p.contract = 'fixed_term'), 0),"
	"        coalesce(sum(p.fte) FILTER (WHERE p.contract = 'agency'), 0),"
	"        count(p.staff_id) FILTER (WHERE p.contract = 'permanent'),"
	"        count(p.staff_id) FILTER (WHERE p.contract = 'fixed_term'),"
	"        count(p.staff_id) FILTER (WHERE p.contract = 'agency')"
	"   FROM team t"
	"   LEFT JOIN service_area a ON a.id = t.area_id"
	"   LEFT JOIN p ON p.team_id = t.id"
	"  GROUP BY t.id, t.code, t.name, a.name"
	"  ORDER BY t.id";

/* ---- figures ---- */

static int summary_from_result(PGresult *r, struct summary *s)
{
	memset(s, 0, sizeof *s);
	for (int i = 0; i < PQntuples(r); i++) {
		struct team_figures *t = summary_add_team(s, atol(PQgetvalue(r, i, 0)), PQgetvalue(r, i, 1),
							  PQgetvalue(r, i, 2), PQgetvalue(r, i, 3));
		if (!t)
			return -1;
		if (i == 0)
			snprintf(s->as_of, sizeof s->as_of, "%s", PQgetvalue(r, i, 4));
		for (int c = 0; c < CONTRACT_COUNT; c++) {
			t->w.fte[c] = strtod(PQgetvalue(r, i, 5 + c), NULL);
			t->w.heads[c] = atol(PQgetvalue(r, i, 8 + c));
		}
	}
	return 0;
}

struct figures_req {
	api_figures_cb done;
	void *ud;
};

static void figures_done(void *arg, struct pgjob_outcome *out)
{
	struct figures_req *fr = arg;
	char *json = NULL;
	if (!out->ok) {
		log_error("api: figures query failed: %s", out->error);
	} else {
		struct summary s;
		if (summary_from_result(out->result, &s) == 0)
			json = summary_to_json(&s, time(NULL));
		if (!json)
			log_error("api: out of memory building the figures");
		summary_free(&s);
	}
	fr->done(fr->ud, json);
	free(fr);
}

int api_fetch_figures(struct db *db, api_figures_cb done, void *ud)
{
	struct figures_req *fr = malloc(sizeof *fr);
	if (!fr) {
		log_error("api: out of memory fetching figures");
		return -1;
	}
	fr->done = done;
	fr->ud = ud;
	if (db_query(db, FIGURES_SQL, 0, NULL, figures_done, fr) < 0) {
		free(fr);
		return -1;
	}
	return 0;
}

/* ---- GET /healthz ---- */

static void handle_healthz(struct evhttp_request *req, void *arg)
{
	struct api *api = arg;
	char body[160];
	snprintf(body, sizeof body, "{\"status\":\"ok\",\"database\":\"%s\",\"clients\":%zu}",
		 db_is_up(api->db) ? "up" : "down", ws_server_client_count(api->ws));
	http_reply_json_text(req, 200, body);
}

/* ---- GET /api/v1/summary ---- */

static void summary_reply(void *arg, char *json)
{
	struct evhttp_request *req = arg;
	if (!json) {
		http_reply_error(req, 503, "the database is unavailable; try again shortly");
		return;
	}
	http_reply_json_text(req, 200, json);
	free(json);
}

static void handle_summary(struct evhttp_request *req, void *arg)
{
	struct api *api = arg;
	if (api_fetch_figures(api->db, summary_reply, req) < 0)
		http_reply_error(req, 500, "internal error");
}

/* ---- GET /api/v1/live ---- */

static void handle_live(struct evhttp_request *req, void *arg)
{
	struct api *api = arg;
	ws_server_handle_upgrade(api->ws, req);
}

/* ---- POST /api/v1/uploads ---- */

static cJSON *errors_json(const struct errlist *errs)
{
	cJSON *arr = cJSON_CreateArray();
	if (!arr)
		return NULL;
	for (size_t i = 0; i < errs->n; i++) {
		const struct load_error *e = &errs->v[i];
		cJSON *o = cJSON_CreateObject();
		if (!o || !cJSON_AddItemToArray(arr, o)) {
			cJSON_Delete(o);
			goto fail;
		}
		cJSON *col = e->column ? cJSON_CreateString(e->column) : cJSON_CreateNull();
		if (!col || !cJSON_AddItemToObject(o, "column", col)) {
			cJSON_Delete(col);
			goto fail;
		}
		cJSON *val = e->value ? cJSON_CreateString(e->value) : cJSON_CreateNull();
		if (!val || !cJSON_AddItemToObject(o, "value", val)) {
			cJSON_Delete(val);
			goto fail;
		}
		if (!cJSON_AddNumberToObject(o, "row", (double)e->row) ||
		    !cJSON_AddStringToObject(o, "message", e->message))
			goto fail;
	}
	return arr;
fail:
	cJSON_Delete(arr);
	return NULL;
}

static void reply_problems(struct evhttp_request *req, int code, const char *what,
			   const struct errlist *errs)
{
	char msg[200];
	size_t total = errlist_total(errs);
	snprintf(msg, sizeof msg, "%s: %zu problem%s found; nothing was stored", what, total,
		 total == 1 ? "" : "s");
	cJSON *o = cJSON_CreateObject();
	cJSON *arr = errors_json(errs);
	if (!o || !arr || !cJSON_AddStringToObject(o, "error", msg) ||
	    !cJSON_AddNumberToObject(o, "error_count", (double)total)) {
		cJSON_Delete(o);
		cJSON_Delete(arr);
		http_reply_error(req, 500, "out of memory");
		return;
	}
	cJSON_AddItemToObject(o, "errors", arr);
	http_reply_json(req, code, o);
}

static int only_parameter_errors(const struct errlist *errs)
{
	for (size_t i = 0; i < errs->n; i++) {
		const char *c = errs->v[i].column;
		if (errs->v[i].row != 0 || !c ||
		    (strcmp(c, "kind") && strcmp(c, "source") && strcmp(c, "as_of")))
			return 0;
	}
	return errs->n > 0;
}

struct upload_ctx {
	struct evhttp_request *req;
	char peer[80];
	char source[40];
	char as_of[11];
	long rows;
	struct timespec started;
};

static void upload_done(void *arg, struct pgjob_outcome *out)
{
	struct upload_ctx *u = arg;
	struct errlist errs = ERRLIST_INIT;
	if (out->ok) {
		long batch = load_batch_id(out);
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		log_info("upload: batch %ld stored, %ld roster rows, source %s, as of %s, from %s in %.0f ms",
			 batch, u->rows, u->source, u->as_of, u->peer,
			 (double)(now.tv_sec - u->started.tv_sec) * 1e3 +
			 (double)(now.tv_nsec - u->started.tv_nsec) / 1e6);
		char body[256];
		snprintf(body, sizeof body,
			 "{\"batch_id\":%ld,\"kind\":\"roster\",\"source\":\"%s\",\"as_of\":\"%s\",\"rows\":%ld}",
			 batch, u->source, u->as_of, u->rows);
		http_reply_json_text(u->req, 201, body);
		goto done;
	}
	int dbe = load_db_errors(out, &errs);
	if (dbe > 0) {
		log_info("upload from %s rejected by the database: %zu problems", u->peer, errlist_total(&errs));
		reply_problems(u->req, 422, "the file was rejected", &errs);
	} else if (dbe < 0) {
		http_reply_error(u->req, 500, "out of memory");
	} else if (!out->result) {
		log_warn("upload from %s not stored: %s", u->peer, out->error);
		http_reply_error(u->req, 503, "the database is unavailable; nothing was stored, try again");
	} else {
		log_error("upload from %s failed at step %ld: %s (SQLSTATE %s)", u->peer, out->failed_step,
			  out->error, pgjob_sqlstate(out));
		http_reply_error(u->req, 500, "storing the upload failed; nothing was stored");
	}
done:
	errlist_free(&errs);
	free(u);
}

static void handle_upload(struct evhttp_request *req, void *arg)
{
	struct api *api = arg;
	struct evkeyvalq q;
	struct errlist errs = ERRLIST_INIT;
	struct load_plan plan;
	struct upload_ctx *u = NULL;
	int prepared = 0;
	char by[120];

	const char *query = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(req));
	if (evhttp_parse_query_str(query ? query : "", &q) < 0) {
		evhttp_clear_headers(&q);
		http_reply_error(req, 400, "the query string is malformed");
		return;
	}
	u = calloc(1, sizeof *u);
	if (!u)
		goto oom;
	u->req = req;
	clock_gettime(CLOCK_MONOTONIC, &u->started);
	http_peer(req, u->peer, sizeof u->peer);
	snprintf(by, sizeof by, "api:%s", u->peer);

	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	size_t len = evbuffer_get_length(in);
	const char *data = len ? (const char *)evbuffer_pullup(in, -1) : "";
	if (len && !data)
		goto oom;

	struct load_request lr = {
		.kind = evhttp_find_header(&q, "kind"),
		.source = evhttp_find_header(&q, "source"),
		.as_of = evhttp_find_header(&q, "as_of"),
		.by = by,
		.data = data,
		.len = len,
		.max_rows = api->max_upload_rows,
	};
	int rc = load_prepare(&lr, &plan, &errs);
	if (rc < 0)
		goto oom;
	if (rc > 0) {
		int params = only_parameter_errors(&errs);
		log_info("upload from %s rejected: %zu problems", u->peer, errlist_total(&errs));
		reply_problems(req, params ? 400 : 422,
			       params ? "the request is incomplete" : "the file was rejected", &errs);
		goto done;
	}
	prepared = 1;
	snprintf(u->source, sizeof u->source, "%s", lr.source);
	snprintf(u->as_of, sizeof u->as_of, "%s", plan.as_of);
	u->rows = plan.rows;
	if (db_submit(api->db, &plan.job, upload_done, u) < 0)
		goto oom;
	u = NULL; /* upload_done owns it now */
	goto done;
oom:
	log_error("upload: out of memory");
	http_reply_error(req, 500, "out of memory");
done:
	if (prepared)
		load_plan_free(&plan);
	free(u);
	errlist_free(&errs);
	evhttp_clear_headers(&q);
}

int api_register(struct api *api, struct http_server *http)
{
	if (http_route(http, "/healthz", EVHTTP_REQ_GET | EVHTTP_REQ_HEAD, handle_healthz, api) < 0 ||
	    http_route(http, "/api/v1/summary", EVHTTP_REQ_GET, handle_summary, api) < 0 ||
	    http_route(http, "/api/v1/uploads", EVHTTP_REQ_POST, handle_upload, api) < 0 ||
	    http_route(http, "/api/v1/live", EVHTTP_REQ_GET, handle_live, api) < 0)
		return -1;
	return 0;
}
