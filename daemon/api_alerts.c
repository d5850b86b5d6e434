/*
 * api_alerts.c -- alert rules, alerts and receivers over HTTP (see api_alerts.h).
 */
#include <cjson/cJSON.h>
#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "alerts_sql.h"
#include "api_alerts.h"
#include "db.h"
#include "errlist.h"
#include "http.h"
#include "log.h"
#include "notify.h"
#include "rules.h"

/* ---- SQL ---- */

static const char RULE_DELETE_SQL[] =
	"WITH a AS (SELECT set_config('steady.actor', $3, true)), "
	"d AS (DELETE FROM alert_rule r WHERE (SELECT count(*) FROM a) = 1 AND r.figure = $1 AND "
	" (($2::text IS NULL AND r.team_id IS NULL) OR "
	"  r.team_id = (SELECT id FROM team WHERE lower(code) = lower($2::text))) RETURNING r.id), "
	"n AS (SELECT pg_notify('steady_changed', 'rules') FROM d) "
	"SELECT (SELECT count(*) FROM d), (SELECT count(*) FROM n)";

static const char AUDIT_SQL[] =
	"SELECT jsonb_build_object('audit', coalesce(jsonb_agg(jsonb_build_object('at', at, 'by', by, "
	"'action', action, 'figure', figure, 'team', team, 'old', old, 'new', new) ORDER BY id DESC), "
	"'[]'::jsonb))::text FROM (SELECT * FROM alert_rule_audit ORDER BY id DESC LIMIT 200) x";

/* $1 limit */
static const char ALERTS_SQL[] =
	"SELECT jsonb_build_object('active', steady_alerts_active(), 'history', coalesce((SELECT "
	" jsonb_agg(jsonb_build_object('id', a.id, 'figure', a.figure, 'team', t.code, 'team_name', t.name, "
	"  'level', a.level, 'peak_level', a.peak_level, 'fired_at', a.fired_at, 'fired_value', a.fired_value, "
	"  'fired_den', a.fired_den, 'as_of', a.fired_as_of, 'value', a.value, 'acked_at', a.acked_at, "
	"  'acked_by', a.acked_by, 'ack_comment', a.ack_comment, 'cleared_at', a.cleared_at, "
	"  'cleared_value', a.cleared_value, 'cleared_how', a.cleared_how, "
	"  'events', (SELECT coalesce(jsonb_agg(jsonb_build_object('at', e.at, 'transition', e.transition, "
	"    'from', e.from_level, 'to', e.to_level, 'value', e.value, 'as_of', e.as_of, 'by', e.by, "
	"    'comment', e.comment) ORDER BY e.id), '[]'::jsonb) FROM alert_event e WHERE e.alert_id = a.id)) "
	"  ORDER BY a.id DESC) "
	" FROM (SELECT * FROM alert ORDER BY id DESC LIMIT $1::integer) a JOIN team t ON t.id = a.team_id), "
	" '[]'::jsonb))::text";

static const char ACK_SQL[] = "SELECT steady_alert_ack($1::bigint, $2, $3)";

static const char RECEIVERS_SQL[] =
	"SELECT jsonb_build_object('receivers', coalesce(jsonb_agg(jsonb_build_object('id', r.id, "
	"'name', r.name, 'kind', r.kind, 'url', r.url, 'enabled', r.enabled, 'timeout_ms', r.timeout_ms, "
	"'created_at', r.created_at, 'created_by', r.created_by, "
	"'delivered', (SELECT count(*) FROM alert_outbox o WHERE o.receiver_id = r.id AND delivered_at IS NOT NULL), "
	"'pending', (SELECT count(*) FROM alert_outbox o WHERE o.receiver_id = r.id AND delivered_at IS NULL "
	"  AND failed_at IS NULL), "
	"'failed', (SELECT count(*) FROM alert_outbox o WHERE o.receiver_id = r.id AND failed_at IS NOT NULL), "
	"'failures', (SELECT coalesce(jsonb_agg(jsonb_build_object('outbox_id', o.id, 'created_at', o.created_at, "
	"  'attempts', o.attempts, 'last_status', o.last_status, 'last_error', o.last_error, "
	"  'failed_at', o.failed_at, 'next_attempt_at', o.next_attempt_at, 'text', o.payload->>'transition', "
	"  'figure', o.payload->>'figure', 'team', o.payload->'team'->>'code') ORDER BY o.id DESC), '[]'::jsonb) "
	"  FROM (SELECT * FROM alert_outbox o WHERE o.receiver_id = r.id AND o.delivered_at IS NULL "
	"   AND (o.failed_at IS NOT NULL OR o.last_error IS NOT NULL) ORDER BY o.id DESC LIMIT 20) o)) "
	"ORDER BY r.id), '[]'::jsonb))::text FROM alert_receiver r";

static const char RECEIVER_ADD_SQL[] =
	"INSERT INTO alert_receiver (name, kind, url, enabled, timeout_ms, created_by) "
	"VALUES ($1, $2, $3, $4::boolean, $5::integer, $6) ON CONFLICT (name) DO NOTHING "
	"RETURNING jsonb_build_object('id', id, 'name', name, 'kind', kind, 'url', url, 'enabled', enabled, "
	"'timeout_ms', timeout_ms)::text";

static const char RECEIVER_DEL_SQL[] = "DELETE FROM alert_receiver WHERE id = $1::bigint RETURNING id";

/* ---- helpers ---- */

/* Who made the request, as the authorizer recorded it (else the peer address). */
static void by_of(struct evhttp_request *req, char *by, size_t len)
{
	char peer[80];
	const char *user = http_request_user(req);
	if (user && *user)
		snprintf(by, len, "%s", user);
	else
		snprintf(by, len, "api:%s", http_peer(req, peer, sizeof peer));
}

static cJSON *json_body(struct evhttp_request *req)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	size_t len = evbuffer_get_length(in);
	const char *data = len ? (const char *)evbuffer_pullup(in, -1) : NULL;
	return data ? cJSON_ParseWithLength(data, len) : NULL;
}

static void reply_db_error(struct evhttp_request *req, struct pgjob_outcome *out, const char *what)
{
	if (!out->result) {
		http_reply_error(req, 503, "the database is unavailable; try again shortly");
		return;
	}
	log_error("api: %s failed: %s", what, out->error);
	http_reply_error(req, 500, "the request failed; see the daemon log");
}

/* A query whose first column of the first row is the JSON reply. */
static void json_done(void *arg, struct pgjob_outcome *out)
{
	struct evhttp_request *req = arg;
	if (!out->ok) {
		reply_db_error(req, out, "an alerting query");
		return;
	}
	http_reply_json_text(req, 200, PQgetvalue(out->result, 0, 0));
}

static void json_query(struct api *api, struct evhttp_request *req, const char *sql, int n, const char *const *p)
{
	if (db_query(api->db, sql, n, p, json_done, req) < 0)
		http_reply_error(req, 500, "out of memory");
}

/* ---- /api/v1/rules ---- */

struct rule_ctx {
	struct api *api;
	struct evhttp_request *req;
	cJSON *body;
	struct rule r;
	char by[100];
};

static void rule_ctx_free(struct rule_ctx *c)
{
	if (!c)
		return;
	cJSON_Delete(c->body);
	free(c);
}

static void rule_set_done(void *arg, struct pgjob_outcome *out)
{
	struct rule_ctx *c = arg;
	if (!out->ok)
		reply_db_error(c->req, out, "setting a rule");
	else if (PQgetisnull(out->result, 0, 0)) {
		struct errlist errs = ERRLIST_INIT;
		errlist_add(&errs, 0, "team", c->r.team, "unknown team: use a team code");
		http_reply_problems(c->req, 422, "the rule was not set", &errs, "");
		errlist_free(&errs);
	} else {
		log_info("alerts: rule %s%s%s set by %s", c->r.figure, c->r.team[0] ? " for " : "", c->r.team, c->by);
		http_reply_json_text(c->req, 200, PQgetvalue(out->result, 0, 0));
	}
	rule_ctx_free(c);
}

/* With the current rule (or the default, or the shipped default) known: merge the body, validate, store. */
static void rule_merge(struct rule_ctx *c, const char *current)
{
	struct errlist errs = ERRLIST_INIT;
	char *text = NULL;
	cJSON *cur = current ? cJSON_Parse(current) : NULL;
	char team[sizeof c->r.team];
	snprintf(team, sizeof team, "%s", c->r.team);
	if (cur)
		rules_from_json(cur, &c->r, &errs);   /* starting values; its team is replaced below */
	errlist_free(&errs);
	snprintf(c->r.team, sizeof c->r.team, "%s", team);
	if (rules_from_json(c->body, &c->r, &errs) < 0) {
		http_reply_problems(c->req, 422, "the rule was not set", &errs, "");
		goto fail;
	}
	cJSON *j = rules_to_json(&c->r);
	text = j ? cJSON_PrintUnformatted(j) : NULL;
	cJSON_Delete(j);
	const char *p[4] = { c->r.figure, c->r.team[0] ? c->r.team : NULL, text, c->by };
	if (!text || db_query(c->api->db, RULE_SET_SQL, 4, p, rule_set_done, c) < 0) {
		http_reply_error(c->req, 500, "out of memory");
		goto fail;
	}
	c = NULL;
fail:
	cJSON_Delete(cur);
	free(text);
	errlist_free(&errs);
	rule_ctx_free(c);
}

static void rule_get_done(void *arg, struct pgjob_outcome *out)
{
	struct rule_ctx *c = arg;
	if (!out->ok) {
		reply_db_error(c->req, out, "reading a rule");
		rule_ctx_free(c);
		return;
	}
	rule_merge(c, PQntuples(out->result) ? PQgetvalue(out->result, 0, 0) : NULL);
}

static void handle_rule_put(struct api *api, struct evhttp_request *req)
{
	struct errlist errs = ERRLIST_INIT;
	struct rule_ctx *c = calloc(1, sizeof *c);
	if (!c) {
		http_reply_error(req, 500, "out of memory");
		return;
	}
	c->api = api;
	c->req = req;
	by_of(req, c->by, sizeof c->by);
	c->body = json_body(req);
	const cJSON *fig = cJSON_GetObjectItemCaseSensitive(c->body, "figure");
	const cJSON *team = cJSON_GetObjectItemCaseSensitive(c->body, "team");
	if (!cJSON_IsObject(c->body) || !cJSON_IsString(fig)) {
		http_reply_error(req, 400, "the body must be a JSON rule: {\"figure\": \"agency_rate_fte\", "
					   "\"team\": \"ASSESS\" or null, \"amber\": 20, \"amber_clear\": 18, \"red\": 30, "
					   "\"red_clear\": 27, ...}");
		goto fail;
	}
	const struct rule_figure *f = rules_figure(fig->valuestring);
	if (!f) {
		errlist_add(&errs, 0, "figure", fig->valuestring, "not a figure alerts can be set on");
		http_reply_problems(req, 422, "the rule was not set", &errs, "");
		goto fail;
	}
	if (team && !cJSON_IsNull(team) && (!cJSON_IsString(team) || !*team->valuestring ||
					    strlen(team->valuestring) > RULE_TEAM_MAX)) {
		errlist_add(&errs, 0, "team", NULL, "a team code, or null for the service-wide default");
		http_reply_problems(req, 422, "the rule was not set", &errs, "");
		goto fail;
	}
	/* starting values: the figure's shipped default, else its direction */
	size_t nd;
	const struct rule *d = rules_defaults(&nd);
	const struct rule *def = rules_resolve(d, nd, f->key, NULL);
	if (def)
		c->r = *def;
	else {
		snprintf(c->r.figure, sizeof c->r.figure, "%s", f->key);
		c->r.r.enabled = 1;
		c->r.r.direction = f->direction;
		c->r.r.pending = 1;
	}
	c->r.team[0] = '\0';
	if (cJSON_IsString(team))
		snprintf(c->r.team, sizeof c->r.team, "%s", team->valuestring);
	const char *p[2] = { c->r.figure, c->r.team[0] ? c->r.team : NULL };
	if (db_query(api->db, RULE_GET_SQL, 2, p, rule_get_done, c) < 0) {
		http_reply_error(req, 500, "out of memory");
		goto fail;
	}
	errlist_free(&errs);
	return;
fail:
	errlist_free(&errs);
	rule_ctx_free(c);
}

static void rule_delete_done(void *arg, struct pgjob_outcome *out)
{
	struct evhttp_request *req = arg;
	if (!out->ok)
		reply_db_error(req, out, "deleting a rule");
	else if (atoi(PQgetvalue(out->result, 0, 0)) == 0)
		http_reply_error(req, 404, "no such rule");
	else
		http_reply_json_text(req, 200, "{\"deleted\":true}");
}

static void handle_rules(struct evhttp_request *req, void *arg)
{
	struct api *api = arg;
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
	if (cmd == EVHTTP_REQ_GET) {
		json_query(api, req, RULES_LIST_SQL, 0, NULL);
		return;
	}
	if (cmd == EVHTTP_REQ_PUT) {
		handle_rule_put(api, req);
		return;
	}
	/* DELETE ?figure=F[&team=T] */
	struct evkeyvalq q;
	const char *query = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(req));
	if (evhttp_parse_query_str(query ? query : "", &q) < 0) {
		http_reply_error(req, 400, "the query string is malformed");
		return;
	}
	const char *fig = evhttp_find_header(&q, "figure"), *team = evhttp_find_header(&q, "team");
	char by[100];
	by_of(req, by, sizeof by);
	const char *p[3] = { fig, team && *team ? team : NULL, by };
	if (!fig)
		http_reply_error(req, 400, "figure is required: DELETE /api/v1/rules?figure=F[&team=CODE]");
	else if (db_query(api->db, RULE_DELETE_SQL, 3, p, rule_delete_done, req) < 0)
		http_reply_error(req, 500, "out of memory");
	evhttp_clear_headers(&q);
}

static void handle_rules_audit(struct evhttp_request *req, void *arg)
{
	json_query(arg, req, AUDIT_SQL, 0, NULL);
}

/* ---- /api/v1/alerts ---- */

static void handle_alerts(struct evhttp_request *req, void *arg)
{
	struct evkeyvalq q;
	const char *query = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(req));
	char lim[16] = "100";
	if (evhttp_parse_query_str(query ? query : "", &q) < 0) {
		http_reply_error(req, 400, "the query string is malformed");
		return;
	}
	const char *l = evhttp_find_header(&q, "limit");
	if (l) {
		char *end;
		long v = strtol(l, &end, 10);
		if (*end || v < 1 || v > 1000) {
			evhttp_clear_headers(&q);
			http_reply_error(req, 400, "limit must be a whole number from 1 to 1000");
			return;
		}
		snprintf(lim, sizeof lim, "%ld", v);
	}
	evhttp_clear_headers(&q);
	const char *p[1] = { lim };
	json_query(arg, req, ALERTS_SQL, 1, p);
}

static void ack_done(void *arg, struct pgjob_outcome *out)
{
	struct evhttp_request *req = arg;
	if (!out->ok) {
		reply_db_error(req, out, "acknowledging an alert");
		return;
	}
	const char *r = PQgetvalue(out->result, 0, 0);
	if (!strcmp(r, "ok"))
		http_reply_json_text(req, 200, "{\"acknowledged\":true}");
	else if (!strcmp(r, "not_found"))
		http_reply_error(req, 404, "no such alert");
	else if (!strcmp(r, "already"))
		http_reply_error(req, 409, "the alert is already acknowledged");
	else
		http_reply_error(req, 409, "the alert is no longer active");
}

static void handle_alert_item(struct evhttp_request *req, void *arg)
{
	struct api *api = arg;
	const char *path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req));
	const char *rest = path + strlen("/api/v1/alerts/");
	char *end;
	long id = strtol(rest, &end, 10);
	if (end == rest || id <= 0 || strcmp(end, "/ack")) {
		http_reply_error(req, 404, "no such API endpoint: use POST /api/v1/alerts/{id}/ack");
		return;
	}
	cJSON *body = json_body(req);
	const cJSON *comment = cJSON_GetObjectItemCaseSensitive(body, "comment");
	if (!cJSON_IsObject(body) || !cJSON_IsString(comment) || !*comment->valuestring ||
	    strlen(comment->valuestring) > 2000) {
		cJSON_Delete(body);
		http_reply_error(req, 422, "the body must be {\"comment\": \"what is being done\"} "
					   "(1 to 2000 characters)");
		return;
	}
	char idbuf[32], by[100];
	snprintf(idbuf, sizeof idbuf, "%ld", id);
	by_of(req, by, sizeof by);
	const char *p[3] = { idbuf, by, comment->valuestring };
	if (db_query(api->db, ACK_SQL, 3, p, ack_done, req) < 0)
		http_reply_error(req, 500, "out of memory");
	cJSON_Delete(body);
}

/* ---- /api/v1/receivers ---- */

static void receiver_add_done(void *arg, struct pgjob_outcome *out)
{
	struct evhttp_request *req = arg;
	if (!out->ok && !strcmp(pgjob_sqlstate(out), "23514"))
		http_reply_error(req, 422, "the receiver is invalid: kind json|teams|slack|email, url http(s)://... "
					   "(email: addresses), timeout_ms 100..120000");
	else if (!out->ok)
		reply_db_error(req, out, "adding a receiver");
	else if (PQntuples(out->result) == 0)
		http_reply_error(req, 409, "a receiver with this name exists");
	else
		http_reply_json_text(req, 201, PQgetvalue(out->result, 0, 0));
}

static void handle_receivers(struct evhttp_request *req, void *arg)
{
	struct api *api = arg;
	if (evhttp_request_get_command(req) == EVHTTP_REQ_GET) {
		json_query(api, req, RECEIVERS_SQL, 0, NULL);
		return;
	}
	cJSON *body = json_body(req);
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(body, "name");
	const cJSON *kind = cJSON_GetObjectItemCaseSensitive(body, "kind");
	const cJSON *url = cJSON_GetObjectItemCaseSensitive(body, "url");
	const cJSON *en = cJSON_GetObjectItemCaseSensitive(body, "enabled");
	const cJSON *to = cJSON_GetObjectItemCaseSensitive(body, "timeout_ms");
	struct errlist errs = ERRLIST_INIT;
	char rcpt[2001];
	const char *why = NULL;
	if (!cJSON_IsString(name) || !*name->valuestring || strlen(name->valuestring) > 100)
		errlist_add(&errs, 0, "name", NULL, "a name of 1 to 100 characters is required");
	int email = cJSON_IsString(kind) && !strcmp(kind->valuestring, "email");
	if (!cJSON_IsString(kind) || (strcmp(kind->valuestring, "json") && strcmp(kind->valuestring, "teams") &&
				      strcmp(kind->valuestring, "slack") && !email))
		errlist_add(&errs, 0, "kind", NULL, "json, teams, slack or email");
	if (email) {
		/* the recipients, stored normalised ("a@x, b@y") */
		if (!cJSON_IsString(url) || notify_email_list(url->valuestring, rcpt, sizeof rcpt, &why) < 0)
			errlist_add(&errs, 0, "url", NULL, "email addresses, separated by commas: %s",
				    why ? why : "a string is required");
	} else if (!cJSON_IsString(url) ||
		   (strncmp(url->valuestring, "http://", 7) && strncmp(url->valuestring, "https://", 8)) ||
		   strlen(url->valuestring) > 2000) {
		errlist_add(&errs, 0, "url", NULL, "an http:// or https:// URL");
	}
	if (en && !cJSON_IsBool(en))
		errlist_add(&errs, 0, "enabled", NULL, "true or false");
	if (to && (!cJSON_IsNumber(to) || to->valuedouble < 100 || to->valuedouble > 120000))
		errlist_add(&errs, 0, "timeout_ms", NULL, "milliseconds from 100 to 120000");
	if (!cJSON_IsObject(body) || errs.n) {
		http_reply_problems(req, 422, "the receiver was not added", &errs, "");
		goto done;
	}
	char tbuf[32], by[100];
	snprintf(tbuf, sizeof tbuf, "%d", to ? (int)to->valuedouble : 5000);
	by_of(req, by, sizeof by);
	const char *p[6] = { name->valuestring, kind->valuestring, email ? rcpt : url->valuestring,
			     !en || cJSON_IsTrue(en) ? "true" : "false", tbuf, by };
	if (db_query(api->db, RECEIVER_ADD_SQL, 6, p, receiver_add_done, req) < 0)
		http_reply_error(req, 500, "out of memory");
done:
	errlist_free(&errs);
	cJSON_Delete(body);
}

static void receiver_del_done(void *arg, struct pgjob_outcome *out)
{
	struct evhttp_request *req = arg;
	if (!out->ok)
		reply_db_error(req, out, "deleting a receiver");
	else if (PQntuples(out->result) == 0)
		http_reply_error(req, 404, "no such receiver");
	else
		http_reply_json_text(req, 200, "{\"deleted\":true}");
}

static void handle_receiver_item(struct evhttp_request *req, void *arg)
{
	struct api *api = arg;
	const char *path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req));
	const char *rest = path + strlen("/api/v1/receivers/");
	char *end;
	long id = strtol(rest, &end, 10);
	if (end == rest || id <= 0 || *end) {
		http_reply_error(req, 404, "no such receiver");
		return;
	}
	char idbuf[32];
	snprintf(idbuf, sizeof idbuf, "%ld", id);
	const char *p[1] = { idbuf };
	if (db_query(api->db, RECEIVER_DEL_SQL, 1, p, receiver_del_done, req) < 0)
		http_reply_error(req, 500, "out of memory");
}

int api_alerts_register(struct api *api, struct http_server *http)
{
	if (http_route(http, "/api/v1/rules", EVHTTP_REQ_GET | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE, handle_rules,
		       api) < 0 ||
	    http_route(http, "/api/v1/rules/audit", EVHTTP_REQ_GET, handle_rules_audit, api) < 0 ||
	    http_route(http, "/api/v1/alerts", EVHTTP_REQ_GET, handle_alerts, api) < 0 ||
	    http_route_prefix(http, "/api/v1/alerts/", EVHTTP_REQ_POST, handle_alert_item, api) < 0 ||
	    http_route(http, "/api/v1/receivers", EVHTTP_REQ_GET | EVHTTP_REQ_POST, handle_receivers, api) < 0 ||
	    http_route_prefix(http, "/api/v1/receivers/", EVHTTP_REQ_DELETE, handle_receiver_item, api) < 0)
		return -1;
	return 0;
}
