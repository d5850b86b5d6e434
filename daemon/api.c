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
#include "dates.h"
#include "db.h"
#include "errlist.h"
#include "estab.h"
#include "figures.h"
#include "http.h"
#include "log.h"
#include "ws.h"

/* ---- GET /healthz ---- */

static void handle_healthz(struct evhttp_request *req, void *arg)
{
	struct api *api = arg;
	char body[160];
	snprintf(body, sizeof body, "{\"status\":\"ok\",\"database\":\"%s\",\"clients\":%zu}",
		 db_is_up(api->db) ? "up" : "down", ws_server_client_count(api->ws));
	http_reply_json_text(req, 200, body);
}

/* ---- GET /api/v1/summary, GET /api/v1/teams/{code}/history ---- */

static void figures_reply(void *arg, char *json, int status)
{
	struct evhttp_request *req = arg;
	if (status == 404)
		http_reply_error(req, 404, "no such team");
	else if (!json)
		http_reply_error(req, 503, "the database is unavailable; try again shortly");
	else
		http_reply_json_text(req, 200, json);
	free(json);
}

/* A date query parameter as days since 1970; FIGURES_DEFAULT when absent.
 * 0, or -1 with the problem added to errs. */
static int date_param(const struct evkeyvalq *q, const char *name, int *out, struct errlist *errs)
{
	const char *v = evhttp_find_header(q, name);
	char iso[11];
	const char *why = NULL;
	*out = FIGURES_DEFAULT;
	if (!v)
		return 0;
	if (date_parse_param(v, iso, &why) < 0) {
		errlist_add(errs, 0, name, v, "%s", why ? why : "not a date");
		return -1;
	}
	*out = (int)date_to_days(atoi(iso), atoi(iso + 5), atoi(iso + 8));
	return 0;
}

static void handle_summary(struct evhttp_request *req, void *arg)
{
	struct api *api = arg;
	struct evkeyvalq q;
	struct errlist errs = ERRLIST_INIT;
	int date, from;
	const char *query = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(req));
	if (evhttp_parse_query_str(query ? query : "", &q) < 0) {
		http_reply_error(req, 400, "the query string is malformed");
		goto done;
	}
	int bad = date_param(&q, "date", &date, &errs) < 0;
	bad |= date_param(&q, "from", &from, &errs) < 0;
	if (!bad && from != FIGURES_DEFAULT && date != FIGURES_DEFAULT && from > date) {
		errlist_add(&errs, 0, "from", evhttp_find_header(&q, "from"),
			    "the window must start on or before the reference date");
		bad = 1;
	}
	if (bad) {
		http_reply_problems(req, 400, "the request is malformed", &errs, "");
		goto done;
	}
	if (figures_summary(api->fig, date, from, figures_reply, req) < 0)
		http_reply_error(req, 500, "out of memory");
done:
	evhttp_clear_headers(&q);
	errlist_free(&errs);
}

static void handle_teams(struct evhttp_request *req, void *arg)
{
	struct api *api = arg;
	const char *path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req));
	const char *code = path + strlen("/api/v1/teams/");
	const char *slash = strchr(code, '/');
	char team[65];
	if (!slash || strcmp(slash, "/history") || slash == code || (size_t)(slash - code) >= sizeof team) {
		http_reply_error(req, 404, "no such API endpoint: use /api/v1/teams/{code}/history");
		return;
	}
	memcpy(team, code, (size_t)(slash - code));
	team[slash - code] = '\0';
	struct evkeyvalq q;
	const char *query = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(req));
	int months = 24;
	if (evhttp_parse_query_str(query ? query : "", &q) == 0) {
		const char *m = evhttp_find_header(&q, "months");
		if (m) {
			char *end;
			long v = strtol(m, &end, 10);
			if (*end || v < 1 || v > 120) {
				evhttp_clear_headers(&q);
				http_reply_error(req, 400, "months must be a whole number from 1 to 120");
				return;
			}
			months = (int)v;
		}
	}
	evhttp_clear_headers(&q);
	if (figures_history(api->fig, team, months, figures_reply, req) < 0)
		http_reply_error(req, 500, "out of memory");
}

/* ---- /api/v1/establishment ---- */

static void estab_list_done(void *arg, struct pgjob_outcome *out)
{
	struct evhttp_request *req = arg;
	if (!out->ok) {
		log_error("api: listing establishment failed: %s", out->error);
		http_reply_error(req, 503, "the database is unavailable; try again shortly");
		return;
	}
	http_reply_json_text(req, 200, PQgetvalue(out->result, 0, 0));
}

struct estab_ctx {
	struct evhttp_request *req;
	char team[65];
	char from[11];
	double fte;
};

static void estab_set_done(void *arg, struct pgjob_outcome *out)
{
	struct estab_ctx *c = arg;
	if (out->ok && PQntuples(out->result) == 1) {
		char body[256];
		snprintf(body, sizeof body, "{\"team\":\"%s\",\"fte\":%s,\"effective_from\":\"%s\"}",
			 PQgetvalue(out->result, 0, 0), PQgetvalue(out->result, 0, 1), c->from);
		log_info("establishment: %s set to %s FTE from %s", PQgetvalue(out->result, 0, 0),
			 PQgetvalue(out->result, 0, 1), c->from);
		http_reply_json_text(c->req, 200, body);
	} else if (out->ok) {
		struct errlist errs = ERRLIST_INIT;
		errlist_add(&errs, 0, "team", c->team, "unknown team: use a team code or name");
		http_reply_problems(c->req, 422, "the establishment was not set", &errs, "");
		errlist_free(&errs);
	} else if (!out->result) {
		http_reply_error(c->req, 503, "the database is unavailable; nothing was changed");
	} else {
		log_error("api: setting establishment failed: %s", out->error);
		http_reply_error(c->req, 500, "setting the establishment failed");
	}
	free(c);
}

static void handle_establishment(struct evhttp_request *req, void *arg)
{
	struct api *api = arg;
	struct errlist errs = ERRLIST_INIT;
	cJSON *body = NULL;
	struct estab_ctx *c = NULL;
	if (evhttp_request_get_command(req) == EVHTTP_REQ_GET) {
		if (db_query(api->db, ESTAB_LIST_SQL, 0, NULL, estab_list_done, req) < 0)
			http_reply_error(req, 500, "out of memory");
		return;
	}
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	size_t len = evbuffer_get_length(in);
	const char *data = len ? (const char *)evbuffer_pullup(in, -1) : "";
	body = data ? cJSON_ParseWithLength(data, len) : NULL;
	if (!cJSON_IsObject(body)) {
		http_reply_error(req, 400, "the body must be a JSON object: {\"team\": \"ASSESS\", \"fte\": 14, "
			         "\"effective_from\": \"2026-04-01\"}");
		goto done;
	}
	c = calloc(1, sizeof *c);
	if (!c) {
		http_reply_error(req, 500, "out of memory");
		goto done;
	}
	c->req = req;
	const cJSON *team = cJSON_GetObjectItemCaseSensitive(body, "team");
	const cJSON *fte = cJSON_GetObjectItemCaseSensitive(body, "fte");
	const cJSON *from = cJSON_GetObjectItemCaseSensitive(body, "effective_from");
	if (!cJSON_IsString(team) || !*team->valuestring || strlen(team->valuestring) >= sizeof c->team)
		errlist_add(&errs, 0, "team", NULL, "team is required: a team code or name");
	else
		snprintf(c->team, sizeof c->team, "%s", team->valuestring);
	if (!cJSON_IsNumber(fte) || fte->valuedouble < 0 || fte->valuedouble > 10000)
		errlist_add(&errs, 0, "fte", NULL, "fte is required: the funded FTE, a number from 0 to 10000");
	else
		c->fte = fte->valuedouble;
	const char *why = NULL;
	if (from && (!cJSON_IsString(from) || date_parse_param(from->valuestring, c->from, &why) < 0)) {
		errlist_add(&errs, 0, "effective_from", cJSON_IsString(from) ? from->valuestring : NULL, "%s",
			    why ? why : "effective_from must be a date, e.g. 2026-04-01");
	} else if (!from) {
		time_t now = time(NULL);
		struct tm tm;
		gmtime_r(&now, &tm);
		strftime(c->from, sizeof c->from, "%Y-%m-%d", &tm);
	}
	if (errs.n) {
		http_reply_problems(req, 422, "the establishment was not set", &errs, "");
		goto done;
	}
	char ftebuf[32], by[100];
	snprintf(ftebuf, sizeof ftebuf, "%.2f", c->fte);
	http_peer(req, by + 4, sizeof by - 4);
	memcpy(by, "api:", 4);
	const char *params[4] = { c->team, c->from, ftebuf, by };
	if (db_query(api->db, ESTAB_SET_SQL, 4, params, estab_set_done, c) < 0) {
		http_reply_error(req, 500, "out of memory");
		goto done;
	}
	c = NULL;
done:
	free(c);
	cJSON_Delete(body);
	errlist_free(&errs);
}

/* ---- GET /api/v1/live ---- */

static void handle_live(struct evhttp_request *req, void *arg)
{
	struct api *api = arg;
	ws_server_handle_upgrade(api->ws, req);
}

int api_register(struct api *api, struct http_server *http)
{
	if (http_route(http, "/healthz", EVHTTP_REQ_GET | EVHTTP_REQ_HEAD, handle_healthz, api) < 0 ||
	    http_route(http, "/api/v1/summary", EVHTTP_REQ_GET, handle_summary, api) < 0 ||
	    api_upload_register(api, http) < 0 ||
	    http_route(http, "/api/v1/live", EVHTTP_REQ_GET, handle_live, api) < 0 ||
	    http_route(http, "/api/v1/establishment", EVHTTP_REQ_GET | EVHTTP_REQ_PUT,
		       handle_establishment, api) < 0 ||
	    http_route_prefix(http, "/api/v1/teams/", EVHTTP_REQ_GET, handle_teams, api) < 0)
		return -1;
	return 0;
}
